// SPDX-License-Identifier: GPL-2.0-or-later
#include "capture/feed_loop.hpp"

#include <array>
#include <cerrno>
#include <chrono>

#include <poll.h>

#include "capture/realtime_path.hpp"
#include "capture/shared_text.hpp"
#include "event_fd.hpp"

namespace cmrd::capture {
namespace {

using Clock = std::chrono::steady_clock;

/// Frames moved per step: a few PipeWire quanta; the worker's ring takes whole blocks.
constexpr std::size_t block_frames = 1024;

} // namespace

FeedLoop::FeedLoop(ServerFeed& feed, FrameRing& ring, SharedStatus& status, int stop_fd,
                   LoopTiming timing)
    : feed_(feed), ring_(ring), status_(status), stop_fd_(stop_fd), timing_(timing),
      block_(block_frames * feed.ring->format().channels)
{}

LoopEnd FeedLoop::run() noexcept
{
    const RealtimePathScope no_allocation; // the same rules as the ALSA loop, checked the same way
    // Only what comes from now on: a restarted engine does not analyse the ring's old audio.
    feed_.ring->skip_to_newest();
    xruns_seen_ = feed_.ring->writer_xruns();
    status_.set_state(CaptureState::running);
    Clock::time_point last_data = Clock::now();
    std::array<pollfd, 2> fds{pollfd{stop_fd_, POLLIN, 0}, pollfd{feed_.wakeup.get(), POLLIN, 0}};
    for (;;) {
        status_.beat();
        const int ready =
            ::poll(fds.data(), fds.size(), static_cast<int>(timing_.poll_timeout.count()));
        if (ready < 0 && errno != EINTR) {
            status_.set_error("poll on the server feed failed");
            return LoopEnd::failed;
        }
        if ((fds[0].revents & POLLIN) != 0)
            return LoopEnd::stopped;
        if ((fds[1].revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) {
            // Not an eventfd after all (a hostile agent's pipe that closed): poll on the
            // timeout alone from now on.
            fds[1].fd = -1;
        }
        if ((fds[1].revents & POLLIN) != 0)
            (void)common::drain_event_fd(fds[1].fd);
        const Drained drained = drain();
        if (drained.end)
            return *drained.end;
        const Clock::time_point now = Clock::now();
        if (drained.frames) {
            last_data = now;
            if (status_.state() != CaptureState::running)
                status_.set_state(CaptureState::running);
        } else if (now - last_data >= timing_.stall_timeout &&
                   status_.state() != CaptureState::stalled) {
            FixedText<128> text;
            text << "no frames from the sound server for "
                 << static_cast<long long>(timing_.stall_timeout.count()) << " ms";
            status_.set_error(text.view());
            status_.set_state(CaptureState::stalled);
        }
    }
}

FeedLoop::Drained FeedLoop::drain() noexcept
{
    Drained drained;
    const std::size_t channels = feed_.ring->format().channels;
    // A ring's worth of blocks at most, then back to poll(): a writer that keeps jumping ahead
    // cannot keep the loop from its heartbeat and from stop().
    const std::uint64_t max_steps = feed_.ring->format().capacity_frames / block_frames + 2;
    for (std::uint64_t step = 0; step < max_steps; ++step) {
        const common::SharedRingReader::Read r = feed_.ring->read(block_);
        switch (r.status) {
        case common::SharedRingReader::Status::corrupt:
            status_.set_error("the server feed's ring is corrupt (its write position went "
                              "backwards or past its claim): the agent is broken or hostile");
            drained.end = LoopEnd::failed;
            return drained;
        case common::SharedRingReader::Status::garbage:
            status_.set_error("the server feed sent samples that are not numbers; dropped");
            status_.count_overrun();
            break;
        case common::SharedRingReader::Status::ok:
            break;
        }
        if (r.lost > 0 && r.status == common::SharedRingReader::Status::ok)
            status_.count_overrun(); // cmrd fell a ring behind: a stretch is missing
        if (const std::uint64_t xruns = feed_.ring->writer_xruns(); xruns != xruns_seen_) {
            status_.count_overrun(); // the server's own xrun(s) since the last look
            xruns_seen_ = xruns;
        }
        if (r.frames > 0) {
            drained.frames = true;
            const std::span<const float> frames(block_.data(), r.frames * channels);
            status_.count_block(r.frames, ring_.push(frames));
        }
        if (r.writer_ended) {
            status_.set_error("the sound server's stream ended (node removed or server "
                              "stopped)");
            status_.set_state(CaptureState::disconnected);
            drained.end = LoopEnd::disconnected;
            return drained;
        }
        if (r.frames == 0 && r.lost == 0)
            return drained;
    }
    return drained;
}

} // namespace cmrd::capture
