// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file notifier_state.hpp
/// cmr-notify's decisions, free of any bus: what cmrd's alarms are, what the user has been
/// shown, and therefore which notifications to send, replace or close, and when.
///
/// - One notification per channel, replaced (replaces_id) as the channel's alarm set
///   changes; a "resolved" one when its last alarm clears.
/// - Rate limit: at most one Notify per channel (and for the summary) per min_interval.
///   Changes in between are coalesced: when the interval ends, the channel's latest state is
///   shown, unless it is what the user already sees.
/// - Start-up: the alarms already active are told in one summary, not one notification each.
/// - cmrd restarting: a new cmrd raises its alarms again over several seconds (analysis
///   warm-up and hold times), so cmr-notify lets it settle first, then compares cmrd's alarms
///   with those known before the restart: a summary only if they differ, nothing otherwise.
/// - A notification the user dismissed (or that expired) is not shown again for the same
///   alarm state; its id is forgotten, so the next change opens a new one.
/// - The notification server going away, or a failed Notify: ids are forgotten and the
///   update is retried after `retry`, or as soon as a server appears.
///
/// Signals from cmrd update the book at any time; per-channel notifications are only
/// decided while "live" (after a snapshot), so a restart never produces a flood.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "alarm_book.hpp"
#include "notification.hpp"
#include "notification_text.hpp"

namespace cmrnotify {

using Clock = std::chrono::steady_clock;

struct NotifierSettings {
    /// At most one Notify per channel (and for the summary) in this interval.
    Clock::duration min_interval = std::chrono::seconds(10);
    /// After cmrd (re)appears on the bus, how long its alarms may take to come back before
    /// they are compared with the ones known before. cmrd with default hold times raises
    /// steady alarms within about 12 s of starting.
    Clock::duration settle = std::chrono::seconds(20);
    /// After a failed Notify or snapshot, try again this much later.
    Clock::duration retry = std::chrono::seconds(5);
    TextSettings text;
};

/// The slot name of the summary notification; channel slots are named by object path, which
/// always starts with "/".
inline constexpr const char* summary_slot = "summary";

/// One org.freedesktop.Notifications.Notify call to make.
struct NotifyRequest {
    std::string slot;              ///< a channel's object path, or summary_slot
    std::uint32_t replaces_id = 0; ///< the notification it replaces; 0 for a new one
    Notification notification;
};

/// What the bus layer should do now.
struct Actions {
    /// Ask cmrd for all its channels (GetManagedObjects); report the result with this number.
    std::optional<std::uint64_t> snapshot;
    /// Notifications to close (CloseNotification), stale after a summary replaced them.
    std::vector<std::uint32_t> close;
    std::vector<NotifyRequest> notify;
};

class NotifierState {
public:
    /// Starts as cmr-notify does: a snapshot of cmrd is wanted at once; the alarms it shows
    /// are told in a summary.
    NotifierState(NotifierSettings settings, Clock::time_point now);

    /// cmrd took its bus name (it started or restarted): a snapshot after the settle time.
    void cmrd_appeared(Clock::time_point now);
    /// cmrd left the bus. What it had is kept, to compare with when it comes back.
    void cmrd_vanished();
    /// An AlarmRaised / AlarmCleared signal.
    void alarm_changed(const std::string& path, const AlarmChange& change);
    /// A channel object appeared while cmrd runs (a device plugged in), as published.
    void channel_appeared(const std::string& path, ChannelAlarms channel);
    /// The answer to Actions::snapshot number @p request: every channel of cmrd.
    void snapshot_received(std::uint64_t request, std::map<std::string, ChannelAlarms> channels);
    /// The snapshot failed. @p cmrd_absent: cmrd is not on the bus (wait for it to appear);
    /// otherwise it is retried later.
    void snapshot_failed(std::uint64_t request, bool cmrd_absent, Clock::time_point now);

    /// The server answered the Notify of @p slot with @p id.
    void notify_succeeded(const std::string& slot, std::uint32_t id, Clock::time_point now);
    /// The Notify of @p slot failed (no server, an error, a timeout).
    void notify_failed(const std::string& slot, Clock::time_point now);
    /// NotificationClosed: dismissed by the user, expired, or closed on request.
    void notification_closed(std::uint32_t id);
    /// The notification server left the bus: its ids mean nothing any more.
    void server_vanished();
    /// A notification server took the name: failed updates are retried at once.
    void server_appeared();

    /// What to do at @p now. Marks the requested Notify calls as in flight.
    [[nodiscard]] Actions take_actions(Clock::time_point now);
    /// When take_actions may next have something to do (nullopt: only after an event).
    [[nodiscard]] std::optional<Clock::time_point> next_wakeup() const;

    [[nodiscard]] const AlarmBook& book() const { return book_; }
    /// Whether a snapshot has been taken and changes are being notified.
    [[nodiscard]] bool live() const { return phase_ == Phase::live; }

private:
    struct Slot {
        std::uint32_t id = 0; ///< the notification on screen; 0 when none (or unknown)
        AlarmSet shown;       ///< the alarm state the user was last told about
        AlarmSet sending;     ///< the state of the Notify in flight
        bool in_flight = false;
        std::optional<Clock::time_point> last_sent; ///< when the last Notify succeeded
        std::optional<Clock::time_point> retry_at;  ///< not before this after a failure
    };
    enum class Phase { absent, waiting, requesting, live };

    /// When @p slot may send next (the rate limit and the retry delay); nullopt while a call
    /// is in flight.
    [[nodiscard]] std::optional<Clock::time_point> ready_at(const Slot& slot) const;
    [[nodiscard]] AlarmSet wanted(const std::string& path) const;
    /// After a summary: every channel counts as told, and per-channel notifications that no
    /// longer match are closed.
    void cover_by_summary();
    [[nodiscard]] Slot* slot(const std::string& name);

    NotifierSettings settings_;
    AlarmBook book_;
    std::map<std::string, Slot> channel_slots_;
    Slot summary_;
    bool summary_pending_ = false;
    SummaryReason summary_reason_ = SummaryReason::startup;
    Phase phase_ = Phase::waiting;
    Clock::time_point sync_at_;
    std::uint64_t request_ = 0;
    ActiveSets baseline_;
    bool synced_once_ = false;
    std::vector<std::uint32_t> to_close_;
};

} // namespace cmrnotify
