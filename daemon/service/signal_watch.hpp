// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file signal_watch.hpp
/// SIGTERM, SIGINT and SIGHUP as a descriptor (signalfd) for the main loop. The signals are
/// blocked first, before any thread starts, so capture threads inherit the mask and the
/// signals only ever reach the main loop.

#include <vector>

#include "capture/unique_fd.hpp"

namespace cmrd::service {

class SignalWatch {
public:
    /// Blocks the signals in the calling thread and opens the signalfd.
    /// @throws std::system_error.
    SignalWatch();
    [[nodiscard]] int fd() const noexcept { return fd_.get(); }
    /// The signals that arrived (non-blocking; empty when none).
    [[nodiscard]] std::vector<int> take();

private:
    capture::UniqueFd fd_;
};

} // namespace cmrd::service
