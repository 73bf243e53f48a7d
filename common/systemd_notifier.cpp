// SPDX-License-Identifier: GPL-2.0-or-later
#include "systemd_notifier.hpp"

#include <cstdint>

#include <systemd/sd-daemon.h>

#include "log.hpp"

namespace cmrd::common {
namespace {

void notify(const std::string& text)
{
    // unset_environment = 0: a reload or a later status update must still reach systemd.
    if (const int err = sd_notify(0, text.c_str()); err < 0)
        log(LOG_WARNING, "sd_notify failed: " + std::to_string(err));
}

} // namespace

SystemdNotifier::SystemdNotifier()
{
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
        ping_interval_ = std::chrono::microseconds(usec / 2);
}

void SystemdNotifier::ready(const std::string& status)
{
    last_status_ = status;
    notify("READY=1\nSTATUS=" + status);
}

void SystemdNotifier::status(const std::string& status)
{
    if (status == last_status_)
        return;
    last_status_ = status;
    notify("STATUS=" + status);
}

void SystemdNotifier::stopping(const std::string& status)
{
    notify("STOPPING=1\nSTATUS=" + status);
}

void SystemdNotifier::reloading()
{
    notify("RELOADING=1");
}

void SystemdNotifier::ping()
{
    notify("WATCHDOG=1");
}

} // namespace cmrd::common
