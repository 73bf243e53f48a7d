// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file feed_loop.hpp
/// The capture loop of a server feed (server_feed.hpp): waits for the agent's wake-ups, moves
/// the frames from the shared ring into the analysis worker's ring, and turns what the ring
/// says into the engine's states and counters:
/// - frames lost (the reader fell a ring behind) and the server's own xruns: overruns;
/// - no frames for the stall timeout: `stalled`, `running` again when they come back;
/// - the writer marked the stream ended (node removed, server stopped): `disconnected`;
/// - a corrupt ring (positions going backwards): `error`, saying so; samples that are not
///   numbers are dropped, counted as overruns, and said.
/// It needs no real-time priority (the agent's ring holds seconds) and, like the ALSA loop,
/// never allocates, locks, logs or blocks after construction except in poll(). Internal to the
/// engine.

#include <cstdint>
#include <optional>
#include <vector>

#include "capture/capture_loop.hpp"
#include "capture/frame_ring.hpp"
#include "capture/server_feed.hpp"
#include "capture/shared_status.hpp"

namespace cmrd::capture {

class FeedLoop {
public:
    /// Allocates the copy buffer. All references must outlive the loop.
    FeedLoop(ServerFeed& feed, FrameRing& ring, SharedStatus& status, int stop_fd,
             LoopTiming timing);

    /// Reads the feed until stop_fd is readable, the writer ends or the ring is corrupt.
    [[nodiscard]] LoopEnd run() noexcept;

private:
    /// What one drain() did: whether frames came, and how the loop ends (nullopt: go on).
    struct Drained {
        bool frames = false;
        std::optional<LoopEnd> end;
    };
    /// Moves what the ring holds.
    [[nodiscard]] Drained drain() noexcept;

    ServerFeed& feed_;
    FrameRing& ring_;
    SharedStatus& status_;
    int stop_fd_;
    LoopTiming timing_;
    std::vector<float> block_;
    std::uint64_t xruns_seen_ = 0;
};

} // namespace cmrd::capture
