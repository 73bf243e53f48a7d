// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file signal_watch.hpp
/// SIGTERM and SIGINT as a descriptor (signalfd) for the poll loop: blocked first, so they
/// end the loop cleanly instead of the process.

namespace cmrnotify {

class SignalWatch {
public:
    /// Blocks SIGTERM and SIGINT and opens the signalfd. @throws std::system_error.
    SignalWatch();
    ~SignalWatch();
    SignalWatch(const SignalWatch&) = delete;
    SignalWatch& operator=(const SignalWatch&) = delete;

    [[nodiscard]] int fd() const noexcept { return fd_; }
    /// Whether a signal arrived (reads them all; non-blocking).
    [[nodiscard]] bool take();

private:
    int fd_ = -1;
};

} // namespace cmrnotify
