// SPDX-License-Identifier: GPL-2.0-or-later
#include "capture/shared_status.hpp"

#include <cstdint>
#include <string>

#include "event_fd.hpp"

namespace cmrd::capture {

void SharedStatus::set_state(CaptureState state) noexcept
{
    const CaptureState before = state_.exchange(state, std::memory_order_acq_rel);
    if (before == state)
        return;
    // Running again: the problem that stopped it is over (#12 finding 8: LastError kept a
    // stale "busy" or "disconnected" after recovery). Only the capture thread sets running,
    // and it is the last error's one writer.
    if (state == CaptureState::running)
        last_error_.store("");
    notify();
}

void SharedStatus::set_stream(const Stream& stream) noexcept
{
    rate_.store(stream.rate, std::memory_order_relaxed);
    channels_.store(stream.channels, std::memory_order_relaxed);
    period_frames_.store(stream.period_frames, std::memory_order_relaxed);
    buffer_frames_.store(stream.buffer_frames, std::memory_order_relaxed);
    mmap_.store(stream.mmap, std::memory_order_relaxed);
    // Last, with release: a reader that sees the format sees the rest of the stream too.
    format_.store(static_cast<int>(stream.format), std::memory_order_release);
}

void SharedStatus::set_realtime(RealtimeMode mode, int priority, bool memory_locked,
                                std::string_view detail) noexcept
{
    realtime_detail_.store(detail);
    realtime_priority_.store(priority, std::memory_order_relaxed);
    memory_locked_.store(memory_locked, std::memory_order_relaxed);
    realtime_.store(mode, std::memory_order_release);
}

void SharedStatus::notify() const noexcept
{
    if (notify_fd_ < 0)
        return;
    common::signal_event_fd(notify_fd_);
}

CaptureStatus SharedStatus::snapshot() const
{
    CaptureStatus s;
    s.state = state_.load(std::memory_order_acquire);
    s.frames = frames_.load(std::memory_order_relaxed);
    s.heartbeat = heartbeat_.load(std::memory_order_relaxed);
    s.overruns = overruns_.load(std::memory_order_relaxed);
    s.restarts = restarts_.load(std::memory_order_relaxed);
    s.suspends = suspends_.load(std::memory_order_relaxed);
    s.snapshots = snapshots_.load(std::memory_order_acquire);
    s.busy_retries = busy_retries_.load(std::memory_order_relaxed);
    s.worker_overruns = worker_overruns_.load(std::memory_order_relaxed);
    s.dropped_frames = dropped_frames_.load(std::memory_order_relaxed);
    const int format = format_.load(std::memory_order_acquire);
    if (format >= 0) {
        s.format = static_cast<SampleFormat>(format);
        s.rate = rate_.load(std::memory_order_relaxed);
        s.channels = channels_.load(std::memory_order_relaxed);
        s.period_frames = period_frames_.load(std::memory_order_relaxed);
        s.buffer_frames = buffer_frames_.load(std::memory_order_relaxed);
        s.mmap = mmap_.load(std::memory_order_relaxed);
    }
    s.realtime = realtime_.load(std::memory_order_acquire);
    s.realtime_priority = realtime_priority_.load(std::memory_order_relaxed);
    s.memory_locked = memory_locked_.load(std::memory_order_relaxed);
    s.realtime_detail = realtime_detail_.load();
    s.thread_id = thread_id_.load(std::memory_order_relaxed);
    s.last_error = last_error_.load();
    if (s.last_error.empty())
        if (const std::string analysis = analysis_error_.load(); !analysis.empty())
            s.last_error = "analysis: " + analysis;
    return s;
}

} // namespace cmrd::capture
