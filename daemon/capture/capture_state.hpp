// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file capture_state.hpp
/// What a capture engine is doing, and how its thread is scheduled.

#include <string_view>

namespace cmrd::capture {

/// The state of a capture engine. Transitions: starting -> (busy ->)* running, then running
/// <-> xrun_recovering / suspended / stalled until stopped, disconnected or error. The last
/// three are final: the capture thread has ended.
enum class CaptureState {
    starting,        ///< opening and configuring the device
    running,         ///< frames are arriving and being measured
    busy,            ///< the device is held by another program; retrying with back-off
    shared,          ///< the card is left to the sound server (access = shared, or `auto` on a
                     ///< card a sound server reserved): not opened
    xrun_recovering, ///< an overrun was met; the stream is being restarted
    suspended,       ///< the device was suspended (system sleep); resuming
    stalled,         ///< no frames for the stall timeout; still polling and restarting
    disconnected,    ///< the device went away (-ENODEV); the thread has ended
    stopped,         ///< stop() was called; the thread has ended
    error,           ///< a failure that retrying cannot fix; the thread has ended
};

/// The snake_case name of @p state ("running", "xrun_recovering" ...).
[[nodiscard]] std::string_view to_string(CaptureState state) noexcept;

/// True for the states in which the capture thread has ended.
[[nodiscard]] constexpr bool is_final(CaptureState state) noexcept
{
    return state == CaptureState::disconnected || state == CaptureState::stopped ||
           state == CaptureState::error;
}

/// How the capture thread got (or did not get) real-time scheduling.
enum class RealtimeMode {
    none,       ///< normal scheduling: both the kernel and rtkit refused (or it was not asked)
    sched_fifo, ///< SCHED_FIFO set directly (root or CAP_SYS_NICE or RLIMIT_RTPRIO)
    rtkit,      ///< SCHED_FIFO granted by rtkit (org.freedesktop.RealtimeKit1)
};

/// "none", "sched_fifo" or "rtkit".
[[nodiscard]] std::string_view to_string(RealtimeMode mode) noexcept;

} // namespace cmrd::capture
