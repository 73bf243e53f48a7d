// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file realtime_scheduling.hpp
/// Gives the calling thread real-time scheduling the way a studio daemon should: SCHED_FIFO
/// with SCHED_RESET_ON_FORK (a child never inherits it) and the process's memory locked;
/// through rtkit when the kernel refuses; normal scheduling, reported, when both refuse.
/// Start-up only (may allocate and block on D-Bus).

#include <string>

#include "capture/capture_state.hpp"

namespace cmrd::capture {

/// What to ask for.
struct RealtimeRequest {
    bool enabled = true;     ///< false: stay at normal priority (mode none, nothing asked)
    int priority = 5;        ///< SCHED_FIFO priority, 1..99 (cmrd.toml(5) says why 5)
    bool lock_memory = true; ///< mlockall(MCL_CURRENT | MCL_FUTURE): no page faults later
    bool use_rtkit = true;   ///< ask rtkit when the kernel refuses
};

/// What the thread got.
struct RealtimeGrant {
    RealtimeMode mode = RealtimeMode::none;
    int priority = 0;           ///< the SCHED_FIFO priority in force (0 when mode is none)
    bool memory_locked = false; ///< whether mlockall succeeded
    std::string detail;         ///< why real-time or locking was refused (empty when all went well)
};

/// Applies @p request to the calling thread. Never fails: whatever is refused is reported in
/// the result, and the thread carries on at whatever scheduling it has.
[[nodiscard]] RealtimeGrant make_this_thread_realtime(const RealtimeRequest& request);

} // namespace cmrd::capture
