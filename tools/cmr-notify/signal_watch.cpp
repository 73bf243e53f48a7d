// SPDX-License-Identifier: GPL-2.0-or-later
#include "signal_watch.hpp"

#include <cerrno>
#include <csignal>
#include <system_error>

#include <sys/signalfd.h>
#include <unistd.h>

namespace cmrnotify {

SignalWatch::SignalWatch()
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    if (const int err = pthread_sigmask(SIG_BLOCK, &set, nullptr); err != 0)
        throw std::system_error(err, std::generic_category(), "pthread_sigmask");
    fd_ = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd_ < 0)
        throw std::system_error(errno, std::generic_category(), "signalfd");
}

SignalWatch::~SignalWatch()
{
    ::close(fd_);
}

bool SignalWatch::take()
{
    bool any = false;
    signalfd_siginfo info{};
    while (::read(fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info))
        any = true;
    return any;
}

} // namespace cmrnotify
