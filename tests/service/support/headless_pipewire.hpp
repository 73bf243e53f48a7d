// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file headless_pipewire.hpp
/// A real PipeWire with WirePlumber, as a user's session runs them, headless: a private
/// XDG_RUNTIME_DIR and session bus, Debian's pipewire.conf with one node, an
/// `api.alsa.pcm.source` adapter on an ALSA PCM (the simulated interface), and WirePlumber's
/// own policy (it suspends the idle node after 5 s, closing the PCM). field-notes.md tells how.
/// Optionally WirePlumber also reserves the card (org.freedesktop.ReserveDevice1.Audio<N> at
/// priority -20, released on request and taken again when free) as its alsa.lua does for every
/// card its udev monitor finds, which finds none here.
/// The processes run outside any umockdev testbed: they stand for the real machine's.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "scratch_dir.hpp"

namespace cmrd::service::testing {

class HeadlessPipeWire {
public:
    /// Starts the bus, PipeWire and WirePlumber, and waits until the node is there (and the
    /// reservation is held, with @p reserved_card).
    /// @param pcm the ALSA PCM the node captures from; @param channels its inputs;
    /// @param reserved_card the card number WirePlumber reserves, none without.
    /// @throws std::runtime_error naming what did not start, with its output.
    HeadlessPipeWire(const std::string& pcm, int channels,
                     std::optional<int> reserved_card = std::nullopt);
    ~HeadlessPipeWire();
    HeadlessPipeWire(const HeadlessPipeWire&) = delete;
    HeadlessPipeWire& operator=(const HeadlessPipeWire&) = delete;

    /// What a recording through the server gave.
    struct Recording {
        CommandResult command;    ///< pw-record's run (stopped after the duration)
        std::uintmax_t bytes = 0; ///< size of the file it wrote
        double seconds = 0.0;     ///< audio in it: bytes / (channels × 4 × 48000)
    };
    /// Records from the node with pw-record for @p duration, raw inputs, as a user would.
    [[nodiscard]] Recording record(std::chrono::milliseconds duration);

    [[nodiscard]] pid_t pipewire_pid() const { return pipewire_->pid(); }
    /// The servers' output, for assertion messages.
    [[nodiscard]] std::string log() const;
    /// Ends PipeWire and WirePlumber (the bus stays until destruction).
    void stop();
    /// Starts PipeWire and WirePlumber again after stop(), as after a user's `systemctl --user
    /// restart pipewire wireplumber`, and waits as the constructor does.
    void start();
    /// The user's session bus, where WirePlumber reserves the card.
    [[nodiscard]] std::string bus_address() const;
    /// What a client of this PipeWire runs with (runtime directory, session bus).
    [[nodiscard]] EnvironmentChanges environment() const;
    /// The node's channel volumes (linear), as a user's mixer sets them. @throws on failure.
    void set_channel_volumes(const std::vector<float>& volumes) const;
    /// Destroys the node, as when the card's profile changes. @throws on failure.
    void destroy_node() const;

private:
    [[nodiscard]] std::string node_id() const;
    void wait_until_ready() const;

    ScratchDir dir_;
    int channels_;
    std::optional<int> reserved_card_;
    std::unique_ptr<ChildProcess> bus_;
    std::unique_ptr<ChildProcess> pipewire_;
    std::unique_ptr<ChildProcess> wireplumber_;
};

} // namespace cmrd::service::testing
