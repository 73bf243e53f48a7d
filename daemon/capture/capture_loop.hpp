// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file capture_loop.hpp
/// The real-time part of a capture engine: poll the PCM, read and convert what arrived, push it
/// into the ring the analysis worker reads, and recover from whatever the device does. Nothing
/// else: the analysis runs in the worker (analysis_worker.hpp), which takes the frames out on
/// its own schedule, so a wake-up of this thread costs a copy, not a hop, and wakes no one.
/// Everything it uses is made by its constructor and the caller before run(); run() never
/// allocates, locks, logs or blocks except in poll(). Internal to the engine.

#include <chrono>
#include <cstdint>
#include <vector>

#include <alsa/asoundlib.h>
#include <poll.h>

#include "capture/frame_ring.hpp"
#include "capture/pcm_device.hpp"
#include "capture/pcm_reader.hpp"
#include "capture/shared_status.hpp"

namespace cmrd::capture {

/// Why run() returned.
enum class LoopEnd { stopped, disconnected, failed };

struct LoopTiming {
    std::chrono::milliseconds stall_timeout{2000};
    std::chrono::milliseconds poll_timeout{100};
};

class CaptureLoop final : private FrameSink {
public:
    /// Allocates the poll descriptors and the reader's buffers. All references must outlive
    /// the loop. @p stop_fd becomes readable when the loop must end.
    /// @throws PcmError when the PCM has no usable poll descriptors.
    CaptureLoop(snd_pcm_t* pcm, const PcmSettings& settings, FrameRing& ring, SharedStatus& status,
                int stop_fd, LoopTiming timing);

    /// Starts the stream and captures until stop_fd is readable, the device disconnects or
    /// poll() fails. Marks itself as the real-time path (realtime_path.hpp) throughout.
    [[nodiscard]] LoopEnd run() noexcept;

private:
    /// What recovery leaves the loop to do: go on, or end because the device is gone.
    enum class Step { carry_on, disconnected };

    /// Pushes a block into the ring, or counts it dropped when the worker is behind.
    void consume(std::span<const float> interleaved) noexcept override;

    /// The one place device trouble is handled, by device state and error: overrun (count,
    /// restart), suspend (resume, else restart), disconnect (end), anything else (report,
    /// restart).
    Step recover(int err) noexcept;
    Step resume() noexcept;
    Step restart() noexcept;
    Step check_stall(std::chrono::steady_clock::time_point now) noexcept;
    void report(const char* what, int err) noexcept;

    snd_pcm_t* pcm_;
    PcmSettings settings_;
    FrameRing& ring_;
    SharedStatus& status_;
    LoopTiming timing_;
    PcmReader reader_;
    std::vector<pollfd> fds_; ///< [0] the stop descriptor, then the PCM's
    std::chrono::steady_clock::time_point last_data_{};
    int empty_wakes_ = 0;
};

} // namespace cmrd::capture
