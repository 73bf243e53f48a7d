// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file systemd_notifier.hpp
/// sd_notify: READY=1, STATUS= lines, and the watchdog. Harmless without systemd (the calls
/// do nothing when $NOTIFY_SOCKET is unset).

#include <chrono>
#include <optional>
#include <string>

namespace cmrd::common {

class SystemdNotifier {
public:
    /// Reads the watchdog interval from $WATCHDOG_USEC (sd_watchdog_enabled).
    SystemdNotifier();

    void ready(const std::string& status);
    void status(const std::string& status);
    void stopping(const std::string& status);
    void reloading();
    /// Sends WATCHDOG=1.
    void ping();

    /// How often to ping: half the interval systemd expects; nullopt without a watchdog.
    [[nodiscard]] std::optional<std::chrono::microseconds> ping_interval() const
    {
        return ping_interval_;
    }

private:
    std::optional<std::chrono::microseconds> ping_interval_;
    std::string last_status_;
};

} // namespace cmrd::common
