// SPDX-License-Identifier: GPL-2.0-or-later
#include "client/stop_signals.hpp"

#include <cerrno>
#include <csignal>
#include <system_error>

#include <sys/signalfd.h>
#include <unistd.h>

namespace cmrctl::client {

StopSignals::StopSignals()
{
    sigset_t set;
    sigemptyset(&set);
    for (const int sig : {SIGINT, SIGTERM, SIGCHLD})
        sigaddset(&set, sig);
    if (const int err = pthread_sigmask(SIG_BLOCK, &set, nullptr); err != 0)
        throw std::system_error(err, std::generic_category(), "pthread_sigmask");
    fd_ = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd_ < 0)
        throw std::system_error(errno, std::generic_category(), "signalfd");
}

StopSignals::~StopSignals()
{
    ::close(fd_);
}

std::vector<int> StopSignals::take()
{
    std::vector<int> signals;
    signalfd_siginfo info{};
    while (::read(fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info))
        signals.push_back(static_cast<int>(info.ssi_signo));
    return signals;
}

} // namespace cmrctl::client
