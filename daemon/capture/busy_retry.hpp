// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file busy_retry.hpp
/// Retrying an open that fails with -EBUSY (another program, e.g. PipeWire or JACK, holds the
/// device): back off from a first delay, doubling up to a maximum, and try again at once when
/// a capture device node in the device directory is closed, created or removed (the holder let
/// go, or the card came back) -- unless the caller still yields to the holder: a sound server
/// that suspends an idle card closes it and opens it again for the next recording, so a card
/// is not taken merely because its holder closed it while the holder still runs. Stops as soon
/// as a stop descriptor becomes readable. Runs before the real-time loop: it may allocate and
/// block.

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

/// Why the next attempt waits: the device refused (busy), or the caller yields to whoever held
/// it (the text @p yield_to returned).
struct BusyWait {
    std::chrono::milliseconds delay;
    std::string yielding_to; ///< empty: the device was busy
};

/// Calls @p attempt until it returns anything but -EBUSY. After a refusal, and before each later
/// attempt, asks @p yield_to whom the caller still leaves the device to (empty: no one): while
/// it names someone, no attempt is made, whatever the device directory says. Before each wait
/// it calls @p on_wait.
/// @param stop_fd a descriptor that becomes readable when the caller wants to give up.
/// @return attempt's last result, or nullopt when @p stop_fd became readable first.
[[nodiscard]] std::optional<int>
retry_while_busy(const BusyRetryConfig& config, int stop_fd, const std::function<int()>& attempt,
                 const std::function<std::string()>& yield_to,
                 const std::function<void(const BusyWait& wait)>& on_wait);

} // namespace cmrd::capture
