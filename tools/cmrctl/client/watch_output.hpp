// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file watch_output.hpp
/// What `cmrctl watch` prints: human lines or JSON Lines (the shapes are documented in
/// cmd_watch.hpp). Every line is flushed at once, so a pipe sees it when it happens.

#include <cstddef>
#include <map>
#include <optional>
#include <ostream>
#include <string>

#include "client/wire_types.hpp"

namespace cmrctl::client {

class WatchOutput {
public:
    /// @param out where lines go (stdout).
    WatchOutput(std::ostream& out, bool json);

    /// cmrd seen at start ("running"), gone ("stopped") or back ("started").
    void daemon(const char* action, const std::optional<std::string>& version,
                const std::string& bus, std::size_t devices, std::size_t channels);

    /// A device "added", "changed" (@p before: its previous state) or "removed". A human line
    /// for a change is printed only when its state, overruns or last error changed.
    void device(const char* action, const DeviceState& device, const DeviceState* before);

    /// A channel "added", "changed" or "removed" of @p device (null when unknown). A human line
    /// is printed only when its text differs from the last one printed for that channel.
    void channel(const char* action, const DeviceState* device, const ChannelState& channel);

    /// An alarm raised or cleared; @p stream_time_s and the figures as the signal gave them.
    void alarm(const AlarmChange& change);

    /// Forgets what was printed per channel (after cmrd went away).
    void forget_channels() { last_printed_.clear(); }

    /// The compact status of a channel: "mains 50.01 Hz, hum -96.2 dBFS, CM hum -35.1 dBFS,
    /// CMRR >= 52.3 dB, symmetric, alarm none" ("-" for a figure not measured yet).
    [[nodiscard]] static std::string channel_text(const ChannelState& channel);

private:
    void line(const std::string& text, std::optional<std::int64_t> time_us = std::nullopt);

    std::ostream& out_;
    bool json_;
    /// The channel as last printed (human output), by object path.
    std::map<std::string, ChannelState> last_printed_;
};

} // namespace cmrctl::client
