// SPDX-License-Identifier: GPL-2.0-or-later
#include "service/device_manager.hpp"

#include <algorithm>
#include <exception>
#include <set>

#include "agents/card_access.hpp"
#include "log.hpp"
#include "service/device_plan.hpp"

namespace cmrd::service {

DeviceManager::DeviceManager(sdbus::IConnection& connection) : connection_(connection) {}

DeviceManager::~DeviceManager()
{
    running_.clear();
}

void DeviceManager::apply(const config::DaemonConfig& config)
{
    config_ = config;
    reconcile();
}

void DeviceManager::on_card(const devices::CardEvent& event)
{
    if (event.action == devices::CardAction::added) {
        common::log(LOG_INFO, "sound card " + event.card.sysname + " (" + event.card.id + ", " +
                                  event.card.model + ") is ready");
        cards_[event.card.syspath] = event.card;
    } else {
        common::log(LOG_INFO, "sound card " + event.card.sysname + " went away");
        cards_.erase(event.card.syspath);
    }
    reconcile();
}

void DeviceManager::reconcile()
{
    DevicePlan plan = plan_devices(config_, cards_);
    // Report each problem once, not on every card event.
    for (const std::string& problem : plan.problems)
        if (std::find(reported_problems_.begin(), reported_problems_.end(), problem) ==
            reported_problems_.end())
            common::log(LOG_ERR, problem);
    reported_problems_ = plan.problems;

    for (auto it = running_.begin(); it != running_.end();) {
        const auto wanted = plan.devices.find(it->first);
        if (wanted == plan.devices.end() ||
            wanted->second.capture_key != capture_keys_[it->first]) {
            common::log(LOG_INFO,
                        "stopping " + it->first +
                            (wanted == plan.devices.end() ? "" : " (capture settings changed)"));
            capture_keys_.erase(it->first);
            it = running_.erase(it);
        } else {
            it->second->set_thresholds(wanted->second.setup.thresholds);
            ++it;
        }
    }
    for (auto& [name, planned] : plan.devices)
        if (!running_.contains(name))
            start(name, planned);
}

void DeviceManager::start(const std::string& name, PlannedDevice& planned)
{
    try {
        planned.setup.capture.standby = standby_for(planned.setup.capture);
        planned.setup.capture.feed = feed_for(planned.setup.capture, planned.setup.capture.standby);
        std::vector<RestoredAlarm> restored;
        if (const auto found = restored_alarms_.find(name); found != restored_alarms_.end()) {
            restored = std::move(found->second);
            restored_alarms_.erase(found);
        }
        auto device =
            std::make_unique<MonitoredDevice>(connection_, planned.setup, std::move(restored));
        device->set_reservation(reservation_for(planned.setup.capture));
        common::log(LOG_INFO, "monitoring " + name + " on " + planned.setup.capture.pcm);
        running_.emplace(name, std::move(device));
        capture_keys_[name] = planned.capture_key;
    } catch (const std::exception& e) {
        common::log(LOG_ERR,
                    "cannot monitor " + name + " (" + planned.setup.capture.pcm + "): " + e.what());
    }
}

std::optional<capture::Standby>
DeviceManager::standby_for(const capture::CaptureConfig& capture) const
{
    if (agents_ == nullptr)
        return std::nullopt;
    const int card = capture::card_of(capture);
    return agents::standby_for(capture.access, card, agents_->view(card));
}

std::optional<agents::Reservation>
DeviceManager::reservation_for(const capture::CaptureConfig& capture) const
{
    const int card = capture::card_of(capture);
    if (agents_ == nullptr || card < 0)
        return std::nullopt;
    return agents_->view(card).reserved;
}

bool DeviceManager::left_to_server(const capture::CaptureConfig& capture,
                                   const std::optional<capture::Standby>& standby)
{
    if (capture::card_of(capture) < 0)
        return false;
    return capture.access == capture::AccessMode::shared ||
           (standby && standby->state == capture::CaptureState::shared);
}

std::shared_ptr<capture::ServerFeed>
DeviceManager::feed_for(const capture::CaptureConfig& capture,
                        const std::optional<capture::Standby>& standby) const
{
    const auto attached = feeds_.find(capture::card_of(capture));
    if (attached == feeds_.end() || !left_to_server(capture, standby))
        return nullptr;
    return attached->second.feed;
}

std::vector<int> DeviceManager::wanted_feeds() const
{
    std::set<int> cards;
    for (const auto& [name, device] : running_) {
        const capture::CaptureConfig& capture = device->capture_config();
        if (left_to_server(capture, standby_for(capture)))
            cards.insert(capture::card_of(capture));
    }
    return {cards.begin(), cards.end()};
}

bool DeviceManager::attach_feed(int card, const std::string& agent,
                                const std::shared_ptr<capture::ServerFeed>& feed)
{
    const bool wanted = std::any_of(running_.begin(), running_.end(), [&](const auto& entry) {
        const capture::CaptureConfig& capture = entry.second->capture_config();
        return capture::card_of(capture) == card && left_to_server(capture, standby_for(capture));
    });
    if (!wanted)
        return false;
    // Every input a line needs must be in the feed: a server profile that exposes fewer (a
    // stereo profile for an 8-input card) would measure the wrong legs or none.
    const std::uint32_t delivered = feed->ring->format().channels;
    for (const auto& [name, device] : running_) {
        const capture::CaptureConfig& capture = device->capture_config();
        if (capture::card_of(capture) != card)
            continue;
        // No layout: every input of the card, in pairs, when its count is configured.
        const cmr::Layout layout = capture.layout.empty() && capture.channels > 0
                                       ? cmr::default_layout(capture.channels)
                                       : capture.layout;
        for (const cmr::ChannelSpec& line : layout)
            if (const int needed = std::max({line.hot, line.cold, line.input});
                needed > static_cast<int>(delivered))
                throw agents::ReportError(
                    "the feed has " + std::to_string(delivered) + " inputs, but line " + line.id() +
                    " of " + name + " needs input " + std::to_string(needed) +
                    ": put the card in a profile that gives every input (Pro Audio)");
    }
    feeds_[card] = AttachedFeed{agent, feed};
    apply_agents();
    return true;
}

bool DeviceManager::report_feed_warning(int card, const std::string& agent,
                                        const std::string& warning)
{
    const auto it = feeds_.find(card);
    if (it == feeds_.end() || it->second.agent != agent)
        return false;
    if (it->second.feed->warning == warning)
        return true;
    it->second.feed->warning = warning;
    for (auto& [name, device] : running_)
        device->feed_warning_changed(*it->second.feed);
    return true;
}

void DeviceManager::apply_agents()
{
    // Feeds of agents that are gone end here (their devices fall back to waiting).
    std::erase_if(feeds_, [&](const auto& entry) {
        return agents_ == nullptr || !agents_->contains(entry.second.agent);
    });
    for (auto& [name, device] : running_) {
        const capture::CaptureConfig& capture = device->capture_config();
        std::optional<capture::Standby> standby = standby_for(capture);
        std::shared_ptr<capture::ServerFeed> feed = feed_for(capture, standby);
        device->set_standby(std::move(standby), std::move(feed));
        device->set_reservation(reservation_for(capture));
    }
}

std::vector<int> DeviceManager::wanted_cards() const
{
    std::set<int> cards;
    for (const auto& [name, device] : running_) {
        const capture::CaptureConfig& capture = device->capture_config();
        const int card = capture::card_of(capture);
        if (card < 0 || (capture.access != capture::AccessMode::yield &&
                         capture.access != capture::AccessMode::automatic))
            continue;
        if (agents_ == nullptr || !agents_->view(card).reserved)
            cards.insert(card);
    }
    return {cards.begin(), cards.end()};
}

void DeviceManager::check_holders()
{
    for (auto& [name, device] : running_)
        device->check_holders();
}

void DeviceManager::reopen_gone(Clock::time_point now, Clock::duration retry_after)
{
    for (auto& [name, device] : running_)
        try {
            if (device->reopen_if_gone(now, retry_after))
                common::log(LOG_DEBUG,
                            "reopening " + name + " (" + device->capture_config().pcm + ")");
        } catch (const std::exception& e) {
            common::log(LOG_ERR, "cannot reopen " + name + ": " + e.what());
        }
}

} // namespace cmrd::service
