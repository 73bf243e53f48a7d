// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file busy_retry.hpp
/// Retrying an open that fails with -EBUSY (another program, e.g. PipeWire or JACK, holds the
/// device): back off from a first delay, doubling up to a maximum, and try again at once when
/// a capture device node in the device directory is closed, created or removed (the holder let
/// go, or the card came back). Stops as soon as a stop descriptor becomes readable. Runs before
/// the real-time loop: it may allocate and block.

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace cmrd::capture {

struct BusyRetryConfig {
    std::chrono::milliseconds initial{500};
    std::chrono::milliseconds max{8000};
    /// Watched with inotify for capture device nodes (pcmC*D*c) being closed, created or
    /// removed. Empty or missing: back-off only.
    std::string device_dir = "/dev/snd";
};

/// The n-th delay (n from 0) of the back-off: initial × 2^n, at most max.
[[nodiscard]] std::chrono::milliseconds busy_backoff_delay(const BusyRetryConfig& config, int n);

/// Calls @p attempt until it returns anything but -EBUSY. Before each wait it calls
/// @p on_busy with the delay it is about to wait.
/// @param stop_fd a descriptor that becomes readable when the caller wants to give up.
/// @return attempt's last result, or nullopt when @p stop_fd became readable first.
[[nodiscard]] std::optional<int>
retry_while_busy(const BusyRetryConfig& config, int stop_fd, const std::function<int()>& attempt,
                 const std::function<void(std::chrono::milliseconds delay)>& on_busy);

} // namespace cmrd::capture
