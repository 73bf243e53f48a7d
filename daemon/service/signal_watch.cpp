// SPDX-License-Identifier: GPL-2.0-or-later
#include "service/signal_watch.hpp"

#include <cerrno>
#include <csignal>
#include <system_error>

#include <sys/signalfd.h>
#include <unistd.h>

namespace cmrd::service {

SignalWatch::SignalWatch()
{
    sigset_t set;
    sigemptyset(&set);
    for (const int sig : {SIGTERM, SIGINT, SIGHUP})
        sigaddset(&set, sig);
    if (const int err = pthread_sigmask(SIG_BLOCK, &set, nullptr); err != 0)
        throw std::system_error(err, std::generic_category(), "pthread_sigmask");
    fd_ = capture::UniqueFd(::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
    if (fd_.get() < 0)
        throw std::system_error(errno, std::generic_category(), "signalfd");
}

std::vector<int> SignalWatch::take()
{
    std::vector<int> signals;
    signalfd_siginfo info{};
    while (::read(fd_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info))
        signals.push_back(static_cast<int>(info.ssi_signo));
    return signals;
}

} // namespace cmrd::service
