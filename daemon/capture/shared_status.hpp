// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file shared_status.hpp
/// The capture engine's state and counters as atomics: written by the capture thread (without
/// locks or allocation), read by any thread through snapshot(). Internal to the engine.

#include <atomic>
#include <cstdint>
#include <string_view>

#include <sys/types.h>

#include "capture/capture_state.hpp"
#include "capture/capture_status.hpp"
#include "capture/sample_format.hpp"
#include "capture/shared_text.hpp"

namespace cmrd::capture {

class SharedStatus {
public:
    /// @param notify_fd an eventfd poked after each state change (or -1).
    explicit SharedStatus(int notify_fd) noexcept : notify_fd_(notify_fd) {}

    // ---- capture thread (the analysis worker: set_snapshots, set_analysis_error, notify) ----
    /// Called with `running` from the capture thread only: that clears the last error.
    void set_state(CaptureState state) noexcept;
    [[nodiscard]] CaptureState state() const noexcept
    {
        return state_.load(std::memory_order_acquire);
    }
    [[nodiscard]] std::uint64_t frames() const noexcept
    {
        return frames_.load(std::memory_order_relaxed);
    }
    void count_overrun() noexcept { overruns_.fetch_add(1, std::memory_order_relaxed); }
    void count_restart() noexcept { restarts_.fetch_add(1, std::memory_order_relaxed); }
    void count_suspend() noexcept { suspends_.fetch_add(1, std::memory_order_relaxed); }
    void count_busy_retry() noexcept { busy_retries_.fetch_add(1, std::memory_order_relaxed); }
    /// A block of @p n frames captured and offered to the analysis worker's ring: @p pushed
    /// false when the ring was full and the block was dropped. The first drop after a block got
    /// through starts a new worker overrun; the frames of every dropped block are counted.
    void count_block(std::uint64_t n, bool pushed) noexcept
    {
        frames_.fetch_add(n, std::memory_order_relaxed);
        if (!pushed) {
            dropped_frames_.fetch_add(n, std::memory_order_relaxed);
            if (!dropping_)
                worker_overruns_.fetch_add(1, std::memory_order_relaxed);
        }
        dropping_ = !pushed;
    }
    void set_snapshots(std::uint64_t n) noexcept { snapshots_.store(n, std::memory_order_release); }
    void set_error(std::string_view text) noexcept { last_error_.store(text); }
    /// The analysis worker's own error text (a SharedText has one writer); snapshot() reports
    /// it as the last error while the capture thread has none to report.
    void set_analysis_error(std::string_view text) noexcept { analysis_error_.store(text); }
    void set_thread_id(pid_t tid) noexcept { thread_id_.store(tid, std::memory_order_relaxed); }
    /// Called once per turn of the capture loop (at least every poll timeout): the daemon's
    /// watchdog tells a hung capture thread from a quiet device by this counter.
    void beat() noexcept { heartbeat_.fetch_add(1, std::memory_order_relaxed); }

    struct Stream {
        SampleFormat format;
        unsigned rate;
        int channels;
        unsigned long period_frames;
        unsigned long buffer_frames;
        bool mmap;
    };
    void set_stream(const Stream& stream) noexcept;
    void set_realtime(RealtimeMode mode, int priority, bool memory_locked,
                      std::string_view detail) noexcept;

    /// Pokes the notification eventfd (a non-blocking 8-byte write: never blocks or allocates).
    void notify() const noexcept;

    // ---- any thread ----
    [[nodiscard]] CaptureStatus snapshot() const;

private:
    int notify_fd_;
    std::atomic<CaptureState> state_{CaptureState::starting};
    std::atomic<std::uint64_t> frames_{0};
    std::atomic<std::uint64_t> heartbeat_{0};
    std::atomic<std::uint64_t> overruns_{0};
    std::atomic<std::uint64_t> restarts_{0};
    std::atomic<std::uint64_t> suspends_{0};
    std::atomic<std::uint64_t> snapshots_{0};
    std::atomic<std::uint64_t> busy_retries_{0};
    std::atomic<std::uint64_t> worker_overruns_{0};
    std::atomic<std::uint64_t> dropped_frames_{0};
    bool dropping_ = false;       ///< the capture thread's own: the last block was dropped
    std::atomic<int> format_{-1}; // SampleFormat, -1 = not negotiated yet
    std::atomic<unsigned> rate_{0};
    std::atomic<int> channels_{0};
    std::atomic<unsigned long> period_frames_{0};
    std::atomic<unsigned long> buffer_frames_{0};
    std::atomic<bool> mmap_{false};
    std::atomic<RealtimeMode> realtime_{RealtimeMode::none};
    std::atomic<int> realtime_priority_{0};
    std::atomic<bool> memory_locked_{false};
    std::atomic<pid_t> thread_id_{0};
    SharedText<256> realtime_detail_;
    SharedText<256> last_error_;
    SharedText<256> analysis_error_;
};

} // namespace cmrd::capture
