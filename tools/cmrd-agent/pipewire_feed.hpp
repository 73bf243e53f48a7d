// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file pipewire_feed.hpp
/// A card captured through PipeWire: a capture stream on the card's node with every input as
/// its own channel, in the node's own positions (AUX0... in the Pro Audio profile) and at the
/// graph's rate, so that PipeWire neither remixes (stream.dont-remix) nor resamples; it never
/// moves to another node (node.dont-reconnect): a node that goes away ends the feed. The
/// stream's real-time callback only copies the buffer into the FeedWriter.
///
/// The frames are only as honest as the node's volumes: a channel volume of 0.9 on one leg is
/// a 0.92 dB leg mismatch that cmrd would read as a poor CMRR. warning() says so.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "card_feed.hpp"
#include "pipewire_connection.hpp"

struct pw_stream;
struct spa_hook;

namespace cmrdagent {

class PipeWireFeed final : public CardFeed {
public:
    /// Starts a stream on @p node (a node of @p connection that outlives the feed or ends it).
    /// @throws std::runtime_error saying why the stream cannot be made (a node that does not
    ///         say its channels, too many channels).
    PipeWireFeed(PipeWireConnection& connection, const PipeWireNode& node);
    ~PipeWireFeed() override;

    [[nodiscard]] const FeedWriter* writer() const override
    {
        return writers_.empty() ? nullptr : writers_.back().get();
    }
    [[nodiscard]] std::uint64_t generation() const override { return writers_.size(); }
    [[nodiscard]] std::string source() const override { return "PipeWire node " + node_name_; }
    [[nodiscard]] std::string warning() const override;
    [[nodiscard]] std::string ended() const override;

    struct Callbacks;

private:
    friend struct Callbacks;
    /// Ends the feed for @p why, and tells cmrd through the ring.
    void end(const std::string& why);

    PipeWireConnection& connection_;
    std::uint32_t node_id_;
    std::string node_name_;
    pw_stream* stream_ = nullptr;
    std::unique_ptr<spa_hook> listener_;
    /// Every writer the stream had (one per negotiated format); the last is current. Old ones
    /// stay until the stream is gone: its data thread may still hold one.
    std::vector<std::unique_ptr<FeedWriter>> writers_;
    std::atomic<FeedWriter*> current_{nullptr};
    std::string ended_;
};

/// The warning for @p node's volumes and positions, "" when they are unity, unmuted and raw
/// inputs (AUX positions).
[[nodiscard]] std::string node_warning(const PipeWireNode& node);

} // namespace cmrdagent
