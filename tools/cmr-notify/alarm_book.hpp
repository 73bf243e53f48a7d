// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file alarm_book.hpp
/// What cmr-notify knows about cmrd's alarms: every channel it has heard of (by object path),
/// its active alarms and latest figures. Fed by AlarmRaised/AlarmCleared signals and replaced
/// wholesale by a snapshot of cmrd's objects.

#include <cstddef>
#include <map>
#include <string>

#include "channel_alarms.hpp"

namespace cmrnotify {

/// Active alarm sets of the channels that have at least one, by object path: two books
/// describe the same situation when these are equal.
using ActiveSets = std::map<std::string, AlarmSet>;

class AlarmBook {
public:
    /// Applies one signal. A channel seen for the first time is added; a cleared channel stays
    /// (with no alarms and the figures of the clearing), so its "resolved" text can name it.
    /// Raising an active alarm or clearing an inactive one changes only the figures, which
    /// makes replaying a signal already reflected in a snapshot harmless.
    void apply(const std::string& path, const AlarmChange& change);

    /// Sets one channel as cmrd published it (a snapshot entry, or a channel object that
    /// appeared).
    void set(const std::string& path, ChannelAlarms channel);

    /// Replaces everything by a snapshot of cmrd's channels.
    void replace(std::map<std::string, ChannelAlarms> channels);

    /// The channel at @p path, or nullptr.
    [[nodiscard]] const ChannelAlarms* find(const std::string& path) const;

    [[nodiscard]] const std::map<std::string, ChannelAlarms>& channels() const { return channels_; }

    /// The channels with active alarms and their sets.
    [[nodiscard]] ActiveSets active_sets() const;

    /// How many alarms are active over all channels.
    [[nodiscard]] std::size_t active_count() const;

private:
    std::map<std::string, ChannelAlarms> channels_;
};

} // namespace cmrnotify
