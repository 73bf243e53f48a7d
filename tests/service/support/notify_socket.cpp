// SPDX-License-Identifier: GPL-2.0-or-later
#include "notify_socket.hpp"

#include <cerrno>
#include <stdexcept>
#include <system_error>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace cmrd::service::testing {

using namespace std::chrono_literals;

NotifySocket::NotifySocket(std::filesystem::path path) : path_(std::move(path))
{
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0)
        throw std::system_error(errno, std::generic_category(), "socket");
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::string text = path_.string();
    if (text.size() >= sizeof address.sun_path)
        throw std::runtime_error("notify socket path too long: " + text);
    text.copy(address.sun_path, text.size());
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
        throw std::system_error(errno, std::generic_category(), "bind " + text);
}

NotifySocket::~NotifySocket()
{
    ::close(fd_);
}

const std::vector<NotifySocket::Message>& NotifySocket::receive_until(Clock::time_point until)
{
    for (;;) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now());
        pollfd p{fd_, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0)
            return messages_;
        char buffer[4096];
        const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n > 0)
            messages_.push_back({Clock::now(), std::string(buffer, static_cast<std::size_t>(n))});
    }
}

bool NotifySocket::wait_for(const std::string& needle, std::chrono::milliseconds timeout)
{
    const auto deadline = Clock::now() + timeout;
    std::size_t seen = 0;
    while (Clock::now() < deadline) {
        receive_until(std::min(deadline, Clock::now() + 100ms));
        for (; seen < messages_.size(); ++seen)
            if (messages_[seen].text.find(needle) != std::string::npos)
                return true;
    }
    return false;
}

std::vector<NotifySocket::Clock::time_point>
pings(const std::vector<NotifySocket::Message>& messages)
{
    std::vector<NotifySocket::Clock::time_point> out;
    for (const auto& m : messages)
        if (m.text.find("WATCHDOG=1") != std::string::npos)
            out.push_back(m.at);
    return out;
}

} // namespace cmrd::service::testing
