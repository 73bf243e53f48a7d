// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file pipewire_connection.hpp
/// The agent's connection to the user's PipeWire, run by the agent's event loop: PipeWire's
/// main loop is one epoll descriptor that the event loop watches, so registry, node and stream
/// events arrive on the agent's one thread. Streams' real-time processing runs on the data
/// thread PipeWire's context starts (client-rt.conf), as in any PipeWire client.
///
/// Follows the Audio/Source nodes and, for each, what the agent must check before trusting its
/// frames: which card it captures (api.alsa.pcm.card), its channels and their positions, and
/// its volumes (Props: volume, channelVolumes, mute).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "event_loop.hpp"

struct pw_core;

namespace cmrdagent {

/// An Audio/Source node as its info and Props say.
struct PipeWireNode {
    std::uint32_t id = 0;
    std::string name;                      ///< node.name
    std::optional<int> card;               ///< api.alsa.pcm.card
    std::optional<std::uint32_t> channels; ///< audio.channels
    std::vector<std::string> positions;    ///< audio.position, e.g. AUX0 AUX1 or FL FR
    std::optional<std::uint32_t> rate;     ///< audio.rate, when the node is pinned to one
    std::vector<float> channel_volumes;    ///< Props channelVolumes (linear), empty until known
    float volume = 1.0F;                   ///< Props volume
    bool mute = false;                     ///< Props mute
};

class PipeWireConnection {
public:
    /// Connects to the PipeWire of this session (PIPEWIRE_RUNTIME_DIR, XDG_RUNTIME_DIR).
    /// Nodes coming, going or changing and the connection breaking are events of @p loop: its
    /// owner looks again after each dispatch (a PostSource). @throws std::runtime_error saying
    /// why PipeWire cannot be reached.
    explicit PipeWireConnection(cmrd::common::EventLoop& loop);
    ~PipeWireConnection();
    PipeWireConnection(const PipeWireConnection&) = delete;
    PipeWireConnection& operator=(const PipeWireConnection&) = delete;

    [[nodiscard]] pw_core* core() const noexcept;
    /// The Audio/Source node capturing card @p card (the first one announced, as WirePlumber
    /// makes one per card in the Pro Audio profile), nullopt when there is none yet.
    [[nodiscard]] std::optional<PipeWireNode> node_of_card(int card) const;
    [[nodiscard]] std::optional<PipeWireNode> node(std::uint32_t id) const;
    /// The graph's default rate (the core's default.clock.rate), 48000 until the core says.
    [[nodiscard]] std::uint32_t default_rate() const noexcept;
    /// Why the connection broke ("PipeWire went away (Broken pipe)"), "" while it works.
    [[nodiscard]] const std::string& broken() const noexcept;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

} // namespace cmrdagent
