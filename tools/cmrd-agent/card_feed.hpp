// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file card_feed.hpp
/// One card captured through the user's sound server for cmrd: what the agent's two backends
/// (pipewire_feed.hpp, jack_feed.hpp) show the feed manager (feed_manager.hpp). A feed lives
/// on the agent's event loop; only its server's real-time callback runs elsewhere, and that
/// touches nothing but the FeedWriter.

#include <cstdint>
#include <string>

#include "feed_writer.hpp"

namespace cmrdagent {

class CardFeed {
public:
    virtual ~CardFeed() = default;
    CardFeed() = default;
    CardFeed(const CardFeed&) = delete;
    CardFeed& operator=(const CardFeed&) = delete;

    /// The writer cmrd should read, once the stream runs (null before). A new writer (a new
    /// generation) after a format change must be attached again.
    [[nodiscard]] virtual const FeedWriter* writer() const = 0;
    [[nodiscard]] virtual std::uint64_t generation() const = 0;
    /// Where the frames come from, for people: "PipeWire node alsa_input.usb-UMC1820.pro-input-0".
    [[nodiscard]] virtual std::string source() const = 0;
    /// What in the server's path falsifies figures (a channel volume, a mute, a profile that
    /// is not Pro Audio), "" when nothing does.
    [[nodiscard]] virtual std::string warning() const = 0;
    /// Why the feed ended for good (node removed, server gone, refused), "" while it lives.
    /// An ended feed is dropped and made again later.
    [[nodiscard]] virtual std::string ended() const = 0;
};

} // namespace cmrdagent
