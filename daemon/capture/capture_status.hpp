// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file capture_status.hpp
/// A consistent-enough copy of a capture engine's state and counters, for any thread.

#include <cstdint>
#include <optional>
#include <string>

#include <sys/types.h>

#include "capture/capture_state.hpp"
#include "capture/sample_format.hpp"

namespace cmrd::capture {

/// What CaptureEngine::status() returns. Each field is read atomically; fields are not read as
/// one transaction (a counter may move between two reads), which monitoring does not need.
struct CaptureStatus {
    CaptureState state = CaptureState::starting;

    std::uint64_t frames = 0;       ///< frames captured since start
    std::uint64_t heartbeat = 0;    ///< turns of the capture loop (advances at least every
                                    ///< poll timeout while the loop is alive)
    std::uint64_t overruns = 0;     ///< overruns (-EPIPE / XRUN) met
    std::uint64_t restarts = 0;     ///< stream restarts (prepare + start) after overrun, suspend,
                                    ///< stall or error
    std::uint64_t snapshots = 0;    ///< result snapshots published (the newest sequence number)
    std::uint64_t busy_retries = 0; ///< opens refused with -EBUSY
    std::uint64_t suspends = 0;     ///< system suspends met (-ESTRPIPE)
    /// Times the analysis fell so far behind that the capture thread had to drop frames (the
    /// ring between them was full). Not an ALSA overrun: the device lost nothing, the
    /// measurement skipped a stretch.
    std::uint64_t worker_overruns = 0;
    std::uint64_t dropped_frames = 0; ///< frames dropped in those worker overruns

    /// The negotiated stream (empty / 0 until the device is configured).
    std::optional<SampleFormat> format;
    unsigned rate = 0;
    int channels = 0;
    unsigned long period_frames = 0;
    unsigned long buffer_frames = 0;
    bool mmap = false; ///< MMAP_INTERLEAVED (true) or RW_INTERLEAVED access

    /// How the capture thread is scheduled (valid once running).
    RealtimeMode realtime = RealtimeMode::none;
    int realtime_priority = 0;
    bool memory_locked = false;
    /// Why real-time scheduling or memory locking was refused (empty when granted).
    std::string realtime_detail;

    pid_t thread_id = 0;    ///< the capture thread's kernel tid (0 before it starts)
    std::string last_error; ///< the latest problem met (empty if none)

    [[nodiscard]] bool is_realtime() const { return realtime != RealtimeMode::none; }
};

} // namespace cmrd::capture
