// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file notify_socket.hpp
/// A datagram socket in the place of systemd's notify socket (NOTIFY_SOCKET), recording what
/// cmrd sends: READY=1, STATUS=, WATCHDOG=1 pings, STOPPING=1.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace cmrd::service::testing {

class NotifySocket {
public:
    using Clock = std::chrono::steady_clock;

    /// Binds a socket at @p path. @throws std::system_error, std::runtime_error.
    explicit NotifySocket(std::filesystem::path path);
    ~NotifySocket();
    NotifySocket(const NotifySocket&) = delete;
    NotifySocket& operator=(const NotifySocket&) = delete;

    struct Message {
        Clock::time_point at;
        std::string text;
    };

    /// Receives until @p until; returns everything received so far.
    const std::vector<Message>& receive_until(Clock::time_point until);

    /// Receives until a message containing @p needle arrives or @p timeout passes.
    bool wait_for(const std::string& needle, std::chrono::milliseconds timeout);

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    int fd_ = -1;
    std::vector<Message> messages_;
};

/// The times of the WATCHDOG=1 pings among @p messages.
[[nodiscard]] std::vector<NotifySocket::Clock::time_point>
pings(const std::vector<NotifySocket::Message>& messages);

} // namespace cmrd::service::testing
