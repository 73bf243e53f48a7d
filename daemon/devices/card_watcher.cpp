// SPDX-License-Identifier: GPL-2.0-or-later
#include "devices/card_watcher.hpp"

#include <cerrno>
#include <set>
#include <system_error>
#include <utility>

#include "devices/card_nodes.hpp"
#include "devices/card_properties.hpp"
#include "errno_text.hpp"

namespace cmrd::devices {
namespace {

constexpr const char* sound_subsystem = "sound";

/// process() returns after this many events even if more are queued, so that a flood of
/// uevents cannot keep the daemon's loop from its other work; the socket stays readable.
constexpr int max_events_per_process = 256;

/// Bound on the events thrown away after an overflow (they are older than the enumeration
/// that follows, and a flood must not keep the loop here forever).
constexpr int max_discarded_events = 65536;

std::string describe(const CardInfo& card)
{
    std::string text = "sound card " + card.sysname;
    if (!card.id.empty())
        text += " (" + card.id + ")";
    return text;
}

void append(std::vector<CardEvent>& to, std::vector<CardEvent>&& from)
{
    for (auto& event : from)
        to.push_back(std::move(event));
}

} // namespace

CardWatcher::CardWatcher(CardRetryTiming timing)
    : timing_(timing), udev_(make_udev_context()),
      monitor_(make_receiving_monitor(*udev_, sound_subsystem))
{}

CardWatcher::~CardWatcher() = default;

int CardWatcher::fd() const noexcept
{
    return udev_monitor_get_fd(monitor_.get());
}

std::vector<CardEvent> CardWatcher::start()
{
    // The monitor has been receiving since the constructor, so a card that appears during the
    // enumeration is either enumerated, or queued, or both; on_present() reports it once.
    return resynchronise();
}

std::vector<CardEvent> CardWatcher::resynchronise()
{
    const std::vector<UdevDevice> devices = enumerate_cards();
    std::set<std::string> present;
    for (const auto& device : devices)
        present.insert(udev_device_get_syspath(device.get()));

    std::vector<CardEvent> events;
    std::vector<std::string> gone;
    for (const auto& [syspath, card] : cards_)
        if (!present.contains(syspath))
            gone.push_back(syspath);
    for (const auto& syspath : gone)
        on_removed(syspath, events);
    for (const auto& device : devices)
        on_present(*device, events);
    return events;
}

std::vector<CardEvent> CardWatcher::process()
{
    std::vector<CardEvent> events;
    for (int received = 0; received < max_events_per_process; ++received) {
        errno = 0;
        const UdevDevice device{udev_monitor_receive_device(monitor_.get())};
        if (device) {
            const char* sysname = udev_device_get_sysname(device.get());
            if (sysname == nullptr || !is_card_sysname(sysname))
                continue;
            const char* action = udev_device_get_action(device.get());
            if (action != nullptr && std::string_view(action) == "remove")
                on_removed(udev_device_get_syspath(device.get()), events);
            else
                on_present(*device, events);
            continue;
        }
        const int err = errno;
        // libudev ends a drained socket with EAGAIN (also after a message it ignored, e.g.
        // one not sent by root; the socket then stays readable and the next poll says so).
        if (err == 0 || err == EAGAIN || err == EWOULDBLOCK)
            break;
        if (err == EINTR)
            continue;
        if (err == ENOBUFS) {
            errors_.emplace_back("udev monitor: events were lost (its receive buffer "
                                 "overflowed); re-enumerating the sound cards");
            discard_queued_events();
            append(events, resynchronise());
            break;
        }
        // A malformed message was consumed; the ones behind it may be fine.
        errors_.push_back("udev monitor: receiving an event failed: " + common::errno_text(err));
    }
    return events;
}

std::optional<std::chrono::milliseconds> CardWatcher::retry_in() const
{
    std::optional<Clock::time_point> next;
    for (const auto& [syspath, card] : cards_)
        if (!card.reported && (!next || card.next_check < *next))
            next = card.next_check;
    if (!next)
        return std::nullopt;
    const auto wait = *next - Clock::now();
    if (wait <= Clock::duration::zero())
        return std::chrono::milliseconds(0);
    // Rounded up: a poll() that wakes before the retry time would only spin.
    return std::chrono::ceil<std::chrono::milliseconds>(wait);
}

std::vector<CardEvent> CardWatcher::process_retries()
{
    std::vector<CardEvent> events;
    const auto now = Clock::now();
    for (auto it = cards_.begin(); it != cards_.end();) {
        TrackedCard& card = it->second;
        if (card.reported || card.next_check > now) {
            ++it;
            continue;
        }
        check_nodes(card, events);
        if (!card.reported && now >= card.give_up_at) {
            errors_.push_back(describe(card.info) + ": " + control_node_path(card.info.number) +
                              " still not accessible after " +
                              std::to_string(timing_.give_up_after.count()) + " ms (" +
                              common::errno_text(card.last_access_error) +
                              "); ignored until udev reports a change on it");
            it = cards_.erase(it);
            continue;
        }
        ++it;
    }
    return events;
}

std::vector<std::string> CardWatcher::take_errors()
{
    return std::exchange(errors_, {});
}

void CardWatcher::on_present(udev_device& device, std::vector<CardEvent>& events)
{
    const char* sysname = udev_device_get_sysname(&device);
    // Not initialized yet: udev relays the card's `change` with SOUND_INITIALIZED once the
    // children are set up, and that event brings the card here again. A card already reported
    // keeps going too: such an event (e.g. `udevadm trigger --action=add`, which skips
    // 78-sound-card.rules) says nothing about the card having gone.
    if (sysname == nullptr || !is_card_sysname(sysname) || !sound_initialized(device))
        return;
    CardInfo info = card_info_from_device(device);
    if (const auto it = cards_.find(info.syspath); it != cards_.end()) {
        if (it->second.reported) {
            if (same_cmrd_properties(it->second.info, info))
                return;
            // The rules now say something else about this card: the consumer sets it up anew.
            events.push_back({CardAction::removed, std::move(it->second.info)});
        }
        // A card still waiting for its nodes starts its wait again, with the new properties.
        cards_.erase(it);
    }
    start_tracking(std::move(info), events);
}

void CardWatcher::on_removed(const std::string& syspath, std::vector<CardEvent>& events)
{
    const auto it = cards_.find(syspath);
    if (it == cards_.end())
        return;
    if (it->second.reported)
        events.push_back({CardAction::removed, std::move(it->second.info)});
    cards_.erase(it);
}

void CardWatcher::start_tracking(CardInfo info, std::vector<CardEvent>& events)
{
    const auto now = Clock::now();
    TrackedCard card;
    card.info = std::move(info);
    card.give_up_at = now + timing_.give_up_after;
    check_nodes(card, events);
    const std::string syspath = card.info.syspath;
    cards_.emplace(syspath, std::move(card));
}

void CardWatcher::check_nodes(TrackedCard& card, std::vector<CardEvent>& events)
{
    card.last_access_error = control_node_access_error(card.info.number);
    if (card.last_access_error == 0) {
        card.reported = true;
        events.push_back({CardAction::added, card.info});
        return;
    }
    card.next_check = Clock::now() + timing_.interval;
}

std::vector<UdevDevice> CardWatcher::enumerate_cards()
{
    const UdevEnumerate enumerate = make_enumerate(*udev_);
    if (const int r = udev_enumerate_add_match_subsystem(enumerate.get(), sound_subsystem); r < 0)
        throw std::system_error(-r, std::generic_category(), "udev_enumerate_add_match_subsystem");
    if (const int r = udev_enumerate_add_match_sysname(enumerate.get(), "card*"); r < 0)
        throw std::system_error(-r, std::generic_category(), "udev_enumerate_add_match_sysname");
    if (const int r = udev_enumerate_scan_devices(enumerate.get()); r < 0)
        throw std::system_error(-r, std::generic_category(), "udev_enumerate_scan_devices");

    std::vector<UdevDevice> devices;
    udev_list_entry* entry = nullptr;
    udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(enumerate.get()))
    {
        const char* syspath = udev_list_entry_get_name(entry);
        errno = 0;
        UdevDevice device{udev_device_new_from_syspath(udev_.get(), syspath)};
        if (!device) {
            const int err = errno;
            // Gone since the scan: its `remove` event is queued, nothing to report.
            if (err == ENOENT || err == ENODEV)
                continue;
            errors_.push_back(std::string("udev: reading ") + syspath +
                              " failed: " + common::errno_text(err != 0 ? err : ENOMEM));
            continue;
        }
        const char* sysname = udev_device_get_sysname(device.get());
        if (sysname != nullptr && is_card_sysname(sysname))
            devices.push_back(std::move(device));
    }
    return devices;
}

void CardWatcher::discard_queued_events()
{
    for (int discarded = 0; discarded < max_discarded_events; ++discarded) {
        errno = 0;
        const UdevDevice device{udev_monitor_receive_device(monitor_.get())};
        if (!device && (errno == 0 || errno == EAGAIN || errno == EWOULDBLOCK))
            return;
    }
}

} // namespace cmrd::devices
