// SPDX-License-Identifier: GPL-2.0-or-later
#include "alarm_book.hpp"

namespace cmrnotify {

void AlarmBook::apply(const std::string& path, const AlarmChange& change)
{
    ChannelAlarms& channel = channels_[path];
    channel.device = change.figures.device;
    channel.channel = change.figures.channel;
    channel.figures = change.figures;
    if (change.raised)
        channel.alarms.insert(change.alarm);
    else
        channel.alarms.erase(change.alarm);
}

void AlarmBook::set(const std::string& path, ChannelAlarms channel)
{
    channels_[path] = std::move(channel);
}

void AlarmBook::replace(std::map<std::string, ChannelAlarms> channels)
{
    channels_ = std::move(channels);
}

const ChannelAlarms* AlarmBook::find(const std::string& path) const
{
    const auto it = channels_.find(path);
    return it == channels_.end() ? nullptr : &it->second;
}

ActiveSets AlarmBook::active_sets() const
{
    ActiveSets sets;
    for (const auto& [path, channel] : channels_)
        if (!channel.alarms.empty())
            sets.emplace(path, channel.alarms);
    return sets;
}

std::size_t AlarmBook::active_count() const
{
    std::size_t count = 0;
    for (const auto& [path, channel] : channels_)
        count += channel.alarms.size();
    return count;
}

} // namespace cmrnotify
