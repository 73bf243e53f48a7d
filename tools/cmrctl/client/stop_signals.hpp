// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file stop_signals.hpp
/// SIGINT, SIGTERM and SIGCHLD as a descriptor (signalfd) for watch's poll loop: Ctrl-C and a
/// service manager's stop end the loop cleanly, and finished hooks are collected, all without
/// signal handlers.

#include <vector>

namespace cmrctl::client {

class StopSignals {
public:
    /// Blocks the three signals (the process has no other threads) and opens the signalfd.
    /// @throws std::system_error.
    StopSignals();
    ~StopSignals();
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    [[nodiscard]] int fd() const noexcept { return fd_; }
    /// The signals that arrived since the last call (non-blocking; empty when none).
    [[nodiscard]] std::vector<int> take();

private:
    int fd_ = -1;
};

} // namespace cmrctl::client
