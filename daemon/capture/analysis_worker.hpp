// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file analysis_worker.hpp
/// The analysis half of a capture engine: a normal-priority thread that takes the frames the
/// real-time capture thread put in a FrameRing, runs the measurement (cmr::Analyzer) on them
/// and publishes each hop's results. The analysis of a hop can take tens of milliseconds; here
/// it can only delay itself, never the capture thread or a sound server's or DAW's real-time
/// threads (it runs SCHED_OTHER, below all of them). When it falls so far behind that the ring
/// fills, the capture thread drops blocks and counts worker overruns (SharedStatus), which are
/// not ALSA overruns: the device lost nothing, the measurement skipped a stretch. Internal to
/// the engine.
///
/// The worker wakes on its own every `drain_interval` rather than being woken by the capture
/// thread: waking another thread is a syscall that can cost the waker milliseconds (measured
/// here: eventfd writes from the capture thread took up to 3 ms of its CPU time on a 2-core
/// virtual machine, bench/realtime_wakeup.cpp), and monitoring needs no lower latency than a
/// fraction of a hop.

#include <atomic>
#include <cstdint>
#include <thread>

#include "cmr/analyzer.hpp"

#include "capture/capture_snapshot.hpp"
#include "capture/frame_ring.hpp"
#include "capture/shared_status.hpp"
#include "capture/triple_buffer.hpp"
#include "unique_fd.hpp"

namespace cmrd::capture {

class AnalysisWorker {
public:
    /// How often the worker looks at the ring: a small fraction of a hop (0.5 s), and rare
    /// enough to cost nothing while idle.
    static constexpr int drain_interval_ms = 40;

    /// All references must outlive the worker. Creates the stop eventfd; does not start.
    /// @throws std::system_error when the eventfd cannot be created.
    AnalysisWorker(FrameRing& ring, cmr::Analyzer& analyzer, TripleBuffer<CaptureSnapshot>& results,
                   SharedStatus& status);
    /// Stops the thread if it runs.
    ~AnalysisWorker();
    AnalysisWorker(const AnalysisWorker&) = delete;
    AnalysisWorker& operator=(const AnalysisWorker&) = delete;

    /// Starts the thread (at the caller's scheduling, which must be normal: call it before the
    /// capture thread asks for real time). Once.
    void start();

    /// Analyses what is still in the ring, then ends the thread and waits for it. Idempotent.
    void stop();

private:
    void run() noexcept;
    /// Feeds everything the ring holds to the analyzer, publishing each hop.
    void drain() noexcept;
    void publish(const cmr::Snapshot& snapshot) noexcept;

    FrameRing& ring_;
    cmr::Analyzer& analyzer_;
    TripleBuffer<CaptureSnapshot>& results_;
    SharedStatus& status_;
    common::UniqueFd stop_fd_; ///< signalled by stop(): ends the wait at once
    std::atomic<bool> stopping_{false};
    std::uint64_t sequence_ = 0;
    std::thread thread_;
};

} // namespace cmrd::capture
