// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file rtkit_client.hpp
/// Asks rtkit (org.freedesktop.RealtimeKit1 on the system bus) to make a thread SCHED_FIFO:
/// the way an unprivileged process gets real-time scheduling on a desktop. Start-up only:
/// talks D-Bus through sd-bus, allocates and blocks (up to the timeout).

#include <string>

#include <sys/types.h>

namespace cmrd::capture {

/// The outcome of an rtkit request.
struct RtkitResult {
    bool granted = false;
    int priority = 0;   ///< the priority granted (rtkit caps it at its MaxRealtimePriority)
    std::string detail; ///< why it failed (empty when granted)
};

/// Asks rtkit to give thread @p thread_id (a kernel tid of this process) SCHED_FIFO at
/// @p priority, capped at rtkit's MaxRealtimePriority. rtkit insists that the process limits
/// its real-time CPU time, so this first sets RLIMIT_RTTIME to rtkit's RTTimeUSecMax when the
/// limit is unset or higher (a runaway real-time thread then gets SIGXCPU/SIGKILL instead of
/// freezing the machine). @p timeout_ms bounds each D-Bus call (rtkit may need activation).
[[nodiscard]] RtkitResult rtkit_make_thread_realtime(pid_t thread_id, int priority,
                                                     int timeout_ms = 2000);

} // namespace cmrd::capture
