// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file capture_engine.hpp
/// The capture engine: one device, one real-time thread that captures every input straight
/// from the interface's PCM into a lock-free ring, one normal-priority worker thread that runs
/// the measurement (cmr::Analyzer) on what the ring holds, and a lock-free way for the rest of
/// the daemon to read the results, the state and the counters.
///
/// Usage:
/// @code
///   CaptureConfig config;
///   config.pcm = default_pcm_name("UMC1820");
///   config.layout = cmr::parse_layout("1/2 3/4");
///   CaptureEngine engine(config);
///   engine.start();
///   CaptureSnapshot snap;
///   while (engine.wait(std::chrono::seconds(1)))       // woken per snapshot / state change
///       if (engine.latest(snap)) show(snap);            // copies only when something is new
///   CaptureStatus st = engine.status();                 // state, counters, format, real-time
/// @endcode
///
/// The capture thread opens the PCM (retrying with back-off while it is busy), negotiates the
/// stream, builds the analyzer and every buffer, starts the analysis worker, asks for
/// real-time scheduling (SCHED_FIFO, else rtkit, else normal priority, reported), and only then
/// enters its loop, which moves frames into the ring and nothing else, and never allocates,
/// locks, logs or blocks except in poll(). It recovers from overruns, suspends and
/// stalls by itself; it ends when the device disconnects (state `disconnected`), on a failure
/// it cannot recover from (`error`), or on stop() (`stopped`).

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "capture/capture_config.hpp"
#include "capture/capture_loop.hpp"
#include "capture/capture_snapshot.hpp"
#include "capture/capture_status.hpp"
#include "capture/frame_ring.hpp"
#include "capture/shared_status.hpp"
#include "capture/triple_buffer.hpp"
#include "unique_fd.hpp"

namespace cmrd::capture {

class CaptureEngine {
public:
    /// Checks the configuration (the layout's inputs against `channels` when that is given)
    /// and creates the notification descriptors. Does not touch the device.
    /// @throws std::invalid_argument for an impossible configuration, std::system_error when
    ///         an eventfd cannot be created.
    explicit CaptureEngine(CaptureConfig config);
    /// Stops the capture thread if it runs.
    ~CaptureEngine();
    CaptureEngine(const CaptureEngine&) = delete;
    CaptureEngine& operator=(const CaptureEngine&) = delete;

    /// Starts the capture thread. Once per engine. @throws std::logic_error when called twice.
    void start();

    /// Asks the capture thread to end and waits for it (at most about one poll timeout, or one
    /// rtkit call while the thread is still starting). Idempotent. The state becomes `stopped`
    /// unless the thread had already ended (`disconnected`, `error`).
    void stop();

    /// The state, counters, negotiated stream and scheduling, from atomics: any thread, never
    /// waits for the capture thread.
    [[nodiscard]] CaptureStatus status() const;

    /// Copies the newest result snapshot into @p out if it is newer than @p out (by sequence
    /// number; pass the same object again and again). Any thread; readers serialise among
    /// themselves on a mutex, never with the capture thread.
    /// @return true if @p out was updated.
    bool latest(CaptureSnapshot& out) const;

    /// An eventfd that becomes readable after each snapshot and each state change. Poll it and
    /// read its 8-byte counter to re-arm it (wait() does both). One waiter at a time.
    [[nodiscard]] int notify_fd() const noexcept { return notify_fd_.get(); }

    /// Waits until notify_fd() is readable or @p timeout passes, and re-arms it.
    /// @return true when notified.
    bool wait(std::chrono::milliseconds timeout) const;

    [[nodiscard]] const CaptureConfig& config() const noexcept { return config_; }

private:
    void run() noexcept;
    /// Opens the PCM and captures from it in real time.
    void capture();
    /// Reads a sound server's frames from config_.feed instead.
    void capture_feed();
    /// Builds the analysis (analyzer, results, the worker and its ring of at least
    /// @p min_ring_frames) for a stream of @p rate and @p channels, runs @p run_loop with the
    /// worker's ring, and stops the worker. @return how the loop ended.
    LoopEnd analyse(unsigned rate, int channels, std::size_t min_ring_frames,
                    const std::function<LoopEnd(FrameRing&)>& run_loop);
    void finish_as(LoopEnd end) noexcept;
    void finish(CaptureState final_state) noexcept;

    CaptureConfig config_;
    common::UniqueFd stop_fd_;
    common::UniqueFd notify_fd_;
    SharedStatus status_;
    // Made by the capture thread once the channel count is known, then published through
    // results_ready_; destroyed with the engine, after the thread has ended.
    std::unique_ptr<TripleBuffer<CaptureSnapshot>> results_;
    std::atomic<TripleBuffer<CaptureSnapshot>*> results_ready_{nullptr};
    mutable std::mutex reader_mutex_;
    std::atomic<bool> stop_requested_{false};
    std::thread thread_;
};

} // namespace cmrd::capture
