// SPDX-License-Identifier: GPL-2.0-or-later
#include "service/agent_object.hpp"

#include <exception>

#include <fcntl.h>

#include "cmrd_bus_names.hpp"
#include "log.hpp"
#include "name_watch.hpp"
#include "user_database.hpp"

namespace cmrd::service {
namespace {

/// Runs a method's @p body, turning anything but an sdbus::Error into one (a D-Bus error for
/// the caller, never an exception through sd-bus).
template <typename Body> auto guarded(const char* method, Body body)
{
    try {
        return body();
    } catch (const sdbus::Error&) {
        throw;
    } catch (const agents::ReportError& e) {
        throw sdbus::Error(bus::error_invalid_args, std::string(method) + ": " + e.what());
    } catch (const std::exception& e) {
        common::log(LOG_ERR, std::string(method) + " failed: " + e.what());
        throw sdbus::Error(bus::error_failed, e.what());
    }
}

} // namespace

AgentObject::AgentObject(sdbus::IConnection& connection, agents::AgentPolicy policy,
                         AgentHooks hooks)
    : AdaptorInterfaces(connection, bus::root_path), connection_(connection),
      policy_(std::move(policy)), hooks_(std::move(hooks))
{
    registerAdaptor();
}

AgentObject::~AgentObject()
{
    presence_.clear();
    unregisterAdaptor();
}

AgentObject::Caller AgentObject::allowed_caller(const char* method)
{
    const sdbus::Message* call = getObject().getCurrentlyProcessedMessage();
    if (call == nullptr)
        throw sdbus::Error(bus::error_failed, "no caller to check");
    Caller caller{call->getSender(), call->getCredsUid()};
    if (const std::optional<std::string> refusal = policy_.refusal(caller.uid)) {
        common::log(LOG_NOTICE,
                    std::string(method) + " refused to " + caller.bus_name + ": " + *refusal);
        throw sdbus::Error(bus::error_access_denied, *refusal);
    }
    return caller;
}

void AgentObject::forget(const std::string& bus_name, const std::string& why)
{
    // Possibly called from the watch's own handler: the slot is freed later, by collect().
    if (const auto watch = presence_.find(bus_name); watch != presence_.end()) {
        departed_.push_back(std::move(watch->second));
        presence_.erase(watch);
    }
    if (registry_.remove(bus_name)) {
        common::log(LOG_INFO, "agent " + bus_name + " " + why);
        hooks_.changed();
    }
}

void AgentObject::RegisterAgent()
{
    guarded("RegisterAgent", [&] {
        const Caller caller = allowed_caller("RegisterAgent");
        const std::string& name = caller.bus_name;
        if (registry_.contains(name))
            return;
        const std::string user = common::user_name(caller.uid);
        registry_.add(name, user);
        presence_[name] = bus::watch_name_owner(connection_, name, [this, name](bool present) {
            if (!present)
                forget(name, "left the bus");
        });
        // An agent that left before the watch was in place would never be forgotten.
        if (!bus::has_owner(connection_, name)) {
            forget(name, "left the bus while registering");
            return;
        }
        common::log(LOG_INFO, "agent " + name + " of " + user + " registered");
        hooks_.changed();
    });
}

void AgentObject::UnregisterAgent()
{
    guarded("UnregisterAgent",
            [&] { forget(allowed_caller("UnregisterAgent").bus_name, "unregistered"); });
}

void AgentObject::UpdateCards(
    const std::vector<sdbus::Struct<int32_t, std::string, int32_t>>& reserved,
    const std::vector<int32_t>& held)
{
    guarded("UpdateCards", [&] {
        const std::string caller = allowed_caller("UpdateCards").bus_name;
        // The registry checks the report (lengths, cards) and refuses it whole.
        std::vector<agents::Reservation> report;
        report.reserve(reserved.size());
        for (const auto& entry : reserved)
            report.push_back(
                agents::Reservation{entry.get<0>(), entry.get<1>(), entry.get<2>(), {}});
        registry_.update(caller, std::move(report), std::vector<int>(held.begin(), held.end()));
        hooks_.changed();
    });
}

void AgentObject::ReleaseCard(const int32_t& card)
{
    guarded("ReleaseCard", [&] {
        const std::string caller = allowed_caller("ReleaseCard").bus_name;
        registry_.release(caller, card);
        common::log(LOG_INFO, "card " + std::to_string(card) +
                                  " is wanted by another application: closing it");
        hooks_.release(card);
    });
}

void AgentObject::AttachFeed(const int32_t& card, const sdbus::UnixFd& ring,
                             const sdbus::UnixFd& wakeup, const std::string& source)
{
    guarded("AttachFeed", [&] {
        const std::string caller = allowed_caller("AttachFeed").bus_name;
        const std::optional<std::string> user = registry_.user_of(caller);
        if (!user)
            throw agents::ReportError("register first (RegisterAgent)");
        if (card < 0 || card > agents::max_card)
            throw agents::ReportError("card " + std::to_string(card) + " is out of range");
        auto feed = std::make_shared<capture::ServerFeed>();
        try {
            // Own duplicates: the message's descriptors close with it.
            feed->ring = std::make_unique<common::SharedRingReader>(
                common::UniqueFd(::fcntl(ring.get(), F_DUPFD_CLOEXEC, 0)));
        } catch (const common::RingError& e) {
            throw agents::ReportError(std::string("the ring: ") + e.what());
        }
        feed->wakeup = common::UniqueFd(::fcntl(wakeup.get(), F_DUPFD_CLOEXEC, 0));
        if (feed->wakeup.get() < 0)
            throw agents::ReportError("the wake-up descriptor cannot be kept");
        feed->source = agents::clean_name(source) + " (" + *user + "'s cmrd-agent)";
        const common::RingFormat& format = feed->ring->format();
        const std::string what = feed->source + ", " + std::to_string(format.channels) +
                                 " inputs at " + std::to_string(format.rate) + " Hz";
        if (!hooks_.feed(card, caller, feed))
            throw agents::ReportError("cmrd does not monitor card " + std::to_string(card) +
                                      " through a sound server (see WantedFeeds)");
        common::log(LOG_INFO, "card " + std::to_string(card) + " is captured through " + what);
    });
}

void AgentObject::ReportFeed(const int32_t& card, const std::string& warning)
{
    guarded("ReportFeed", [&] {
        const std::string caller = allowed_caller("ReportFeed").bus_name;
        if (!registry_.user_of(caller))
            throw agents::ReportError("register first (RegisterAgent)");
        if (!hooks_.feed_warning(card, caller,
                                 agents::clean_text(warning, agents::max_warning_length)))
            throw agents::ReportError("no feed of card " + std::to_string(card) +
                                      " from this agent (AttachFeed first)");
    });
}

void AgentObject::collect()
{
    departed_.clear();
}

std::vector<int32_t> AgentObject::WantedFeeds()
{
    return {wanted_feeds_.begin(), wanted_feeds_.end()};
}

void AgentObject::set_wanted_feeds(std::vector<int> cards)
{
    if (cards == wanted_feeds_)
        return;
    wanted_feeds_ = std::move(cards);
    getObject().emitPropertiesChangedSignal(bus::agent_manager_interface, {"WantedFeeds"});
}

std::vector<int32_t> AgentObject::WantedCards()
{
    return {wanted_.begin(), wanted_.end()};
}

void AgentObject::set_wanted_cards(std::vector<int> cards)
{
    if (cards == wanted_)
        return;
    wanted_ = std::move(cards);
    getObject().emitPropertiesChangedSignal(bus::agent_manager_interface, {"WantedCards"});
}

} // namespace cmrd::service
