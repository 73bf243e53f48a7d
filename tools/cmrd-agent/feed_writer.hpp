// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file feed_writer.hpp
/// The agent's end of one card's feed to cmrd: the shared frame ring it writes
/// (common/shared_frame_ring.hpp) and the eventfd that wakes cmrd after each write. Both
/// descriptors go to cmrd once, in AgentManager.AttachFeed.

#include <span>

#include "event_fd.hpp"
#include "shared_frame_ring.hpp"

namespace cmrdagent {

class FeedWriter {
public:
    /// @throws cmrd::common::RingError, std::system_error.
    explicit FeedWriter(const cmrd::common::RingFormat& format)
        : ring_(format), wakeup_(cmrd::common::make_event_fd())
    {}

    /// Appends interleaved frames and wakes cmrd. Never waits, locks or allocates: called
    /// from the sound server's real-time callback.
    void write(std::span<const float> interleaved) noexcept
    {
        ring_.write(interleaved);
        cmrd::common::signal_event_fd(wakeup_.get());
    }
    /// Counts xruns the server reported (cmrd shows them as overruns).
    void add_xruns(std::uint64_t count) noexcept { ring_.add_xruns(count); }
    /// The stream ended (node removed, server gone): cmrd stops waiting for frames.
    void end() noexcept
    {
        ring_.end();
        cmrd::common::signal_event_fd(wakeup_.get());
    }

    [[nodiscard]] int ring_fd() const noexcept { return ring_.fd(); }
    [[nodiscard]] int wakeup_fd() const noexcept { return wakeup_.get(); }
    [[nodiscard]] const cmrd::common::RingFormat& format() const noexcept { return ring_.format(); }

private:
    cmrd::common::SharedRingWriter ring_;
    cmrd::common::UniqueFd wakeup_;
};

/// Seconds of audio a feed's ring holds: cmrd's capture thread drains it many times a second;
/// this covers a reader that is briefly descheduled without losing frames.
inline constexpr double feed_ring_seconds = 2.0;

/// The ring format for @p channels inputs at @p rate: feed_ring_seconds of audio, or as much
/// as a ring may hold.
[[nodiscard]] cmrd::common::RingFormat feed_ring_format(std::uint32_t channels, std::uint32_t rate);

} // namespace cmrdagent
