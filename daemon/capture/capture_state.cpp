// SPDX-License-Identifier: GPL-2.0-or-later
#include "capture/capture_state.hpp"

namespace cmrd::capture {

std::string_view to_string(CaptureState state) noexcept
{
    switch (state) {
    case CaptureState::starting:
        return "starting";
    case CaptureState::running:
        return "running";
    case CaptureState::busy:
        return "busy";
    case CaptureState::xrun_recovering:
        return "xrun_recovering";
    case CaptureState::suspended:
        return "suspended";
    case CaptureState::stalled:
        return "stalled";
    case CaptureState::shared:
        return "shared";
    case CaptureState::disconnected:
        return "disconnected";
    case CaptureState::stopped:
        return "stopped";
    case CaptureState::error:
        return "error";
    }
    return "?";
}

std::string_view to_string(RealtimeMode mode) noexcept
{
    switch (mode) {
    case RealtimeMode::none:
        return "none";
    case RealtimeMode::sched_fifo:
        return "sched_fifo";
    case RealtimeMode::rtkit:
        return "rtkit";
    }
    return "?";
}

} // namespace cmrd::capture
