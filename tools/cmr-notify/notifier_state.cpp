// SPDX-License-Identifier: GPL-2.0-or-later
#include "notifier_state.hpp"

#include <algorithm>

namespace cmrnotify {

NotifierState::NotifierState(NotifierSettings settings, Clock::time_point now)
    : settings_(settings), sync_at_(now)
{}

void NotifierState::cmrd_appeared(Clock::time_point now)
{
    baseline_ = book_.active_sets();
    summary_reason_ = synced_once_ ? SummaryReason::cmrd_restarted : SummaryReason::startup;
    phase_ = Phase::waiting;
    sync_at_ = now + settings_.settle;
}

void NotifierState::cmrd_vanished()
{
    phase_ = Phase::absent;
}

void NotifierState::alarm_changed(const std::string& path, const AlarmChange& change)
{
    book_.apply(path, change);
}

void NotifierState::channel_appeared(const std::string& path, ChannelAlarms channel)
{
    book_.set(path, std::move(channel));
}

void NotifierState::snapshot_received(std::uint64_t request,
                                      std::map<std::string, ChannelAlarms> channels)
{
    if (phase_ != Phase::requesting || request != request_)
        return; // an answer from before cmrd restarted
    book_.replace(std::move(channels));
    phase_ = Phase::live;
    synced_once_ = true;
    if (book_.active_sets() == baseline_)
        return; // nothing the user does not know (still pending updates go out as usual)
    summary_pending_ = true;
    cover_by_summary();
}

void NotifierState::snapshot_failed(std::uint64_t request, bool cmrd_absent, Clock::time_point now)
{
    if (phase_ != Phase::requesting || request != request_)
        return;
    if (cmrd_absent) {
        phase_ = Phase::absent; // cmrd_appeared() starts over
        return;
    }
    phase_ = Phase::waiting;
    sync_at_ = now + settings_.retry;
}

void NotifierState::notify_succeeded(const std::string& name, std::uint32_t id,
                                     Clock::time_point now)
{
    Slot* s = slot(name);
    if (s == nullptr)
        return;
    s->in_flight = false;
    s->id = id;
    s->last_sent = now;
    s->retry_at.reset();
    if (s != &summary_)
        s->shown = s->sending;
}

void NotifierState::notify_failed(const std::string& name, Clock::time_point now)
{
    Slot* s = slot(name);
    if (s == nullptr)
        return;
    s->in_flight = false;
    // Whatever failed, the id may no longer be valid: the retry opens a new notification
    // rather than replacing nothing.
    s->id = 0;
    s->retry_at = now + settings_.retry;
    if (s == &summary_)
        summary_pending_ = true;
}

void NotifierState::notification_closed(std::uint32_t id)
{
    if (id == 0)
        return;
    // `shown` stays: the user has seen this state and is not told it again.
    if (summary_.id == id)
        summary_.id = 0;
    for (auto& [path, s] : channel_slots_)
        if (s.id == id)
            s.id = 0;
}

void NotifierState::server_vanished()
{
    summary_.id = 0;
    for (auto& [path, s] : channel_slots_)
        s.id = 0;
}

void NotifierState::server_appeared()
{
    summary_.retry_at.reset();
    for (auto& [path, s] : channel_slots_)
        s.retry_at.reset();
}

Actions NotifierState::take_actions(Clock::time_point now)
{
    Actions actions;
    if (phase_ == Phase::waiting && now >= sync_at_) {
        actions.snapshot = ++request_;
        phase_ = Phase::requesting;
    }
    actions.close = std::move(to_close_);
    to_close_.clear();

    if (summary_pending_) {
        const std::optional<Clock::time_point> at = ready_at(summary_);
        if (at && *at <= now) {
            std::vector<ChannelAlarms> channels;
            for (const auto& [path, channel] : book_.channels())
                channels.push_back(channel);
            actions.notify.push_back(
                {summary_slot, summary_.id,
                 summary_notification(channels, summary_reason_, settings_.text)});
            summary_.in_flight = true;
            summary_pending_ = false;
        }
    }

    if (phase_ != Phase::live)
        return actions;
    for (const auto& [path, channel] : book_.channels())
        if (!channel.alarms.empty())
            channel_slots_.try_emplace(path);
    for (auto& [path, s] : channel_slots_) {
        const AlarmSet want = wanted(path);
        if (s.shown == want)
            continue;
        const ChannelAlarms* channel = book_.find(path);
        if (channel == nullptr) {
            // Gone from cmrd's objects (a snapshot without it): nothing left to tell.
            s.shown.clear();
            continue;
        }
        const std::optional<Clock::time_point> at = ready_at(s);
        if (!at || *at > now)
            continue;
        actions.notify.push_back({path, s.id,
                                  want.empty()
                                      ? resolved_notification(*channel, s.shown, settings_.text)
                                      : alarm_notification(*channel, settings_.text)});
        s.in_flight = true;
        s.sending = want;
    }
    return actions;
}

std::optional<Clock::time_point> NotifierState::next_wakeup() const
{
    std::optional<Clock::time_point> next;
    const auto consider = [&next](Clock::time_point t) { next = next ? std::min(*next, t) : t; };
    if (phase_ == Phase::waiting)
        consider(sync_at_);
    if (summary_pending_)
        if (const std::optional<Clock::time_point> at = ready_at(summary_))
            consider(*at);
    if (phase_ != Phase::live)
        return next;
    for (const auto& [path, s] : channel_slots_)
        if (s.shown != wanted(path))
            if (const std::optional<Clock::time_point> at = ready_at(s))
                consider(*at);
    for (const auto& [path, channel] : book_.channels())
        if (!channel.alarms.empty() && channel_slots_.find(path) == channel_slots_.end())
            consider(Clock::time_point::min()); // a channel never notified: due now
    return next;
}

std::optional<Clock::time_point> NotifierState::ready_at(const Slot& s) const
{
    if (s.in_flight)
        return std::nullopt;
    Clock::time_point at = Clock::time_point::min();
    if (s.last_sent)
        at = std::max(at, *s.last_sent + settings_.min_interval);
    if (s.retry_at)
        at = std::max(at, *s.retry_at);
    return at;
}

AlarmSet NotifierState::wanted(const std::string& path) const
{
    const ChannelAlarms* channel = book_.find(path);
    return channel == nullptr ? AlarmSet{} : channel->alarms;
}

void NotifierState::cover_by_summary()
{
    for (const auto& [path, channel] : book_.channels())
        if (!channel.alarms.empty())
            channel_slots_.try_emplace(path);
    for (auto& [path, s] : channel_slots_) {
        const AlarmSet want = wanted(path);
        if (s.shown == want)
            continue;
        if (s.id != 0)
            to_close_.push_back(s.id);
        s.id = 0;
        s.shown = want;
    }
}

NotifierState::Slot* NotifierState::slot(const std::string& name)
{
    if (name == summary_slot)
        return &summary_;
    const auto it = channel_slots_.find(name);
    return it == channel_slots_.end() ? nullptr : &it->second;
}

} // namespace cmrnotify
