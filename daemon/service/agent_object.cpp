// SPDX-License-Identifier: GPL-2.0-or-later
#include "service/agent_object.hpp"

#include <exception>

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

std::string AgentObject::allowed_caller(const char* method)
{
    const sdbus::Message* call = getObject().getCurrentlyProcessedMessage();
    if (call == nullptr)
        throw sdbus::Error(bus::error_failed, "no caller to check");
    const uid_t uid = call->getCredsUid();
    if (const std::optional<std::string> refusal = policy_.refusal(uid)) {
        common::log(LOG_NOTICE,
                    std::string(method) + " refused to " + call->getSender() + ": " + *refusal);
        throw sdbus::Error(bus::error_access_denied, *refusal);
    }
    return call->getSender();
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
        const std::string caller = allowed_caller("RegisterAgent");
        if (registry_.contains(caller))
            return;
        const uid_t uid = getObject().getCurrentlyProcessedMessage()->getCredsUid();
        registry_.add(caller, uid, common::user_name(uid));
        presence_[caller] =
            bus::watch_name_owner(connection_, caller, [this, caller](bool present) {
                if (!present)
                    forget(caller, "left the bus");
            });
        // An agent that left before the watch was in place would never be forgotten.
        if (!bus::has_owner(connection_, caller)) {
            forget(caller, "left the bus while registering");
            return;
        }
        common::log(LOG_INFO, "agent " + caller + " of " + common::user_name(uid) + " registered");
        hooks_.changed();
    });
}

void AgentObject::UnregisterAgent()
{
    guarded("UnregisterAgent", [&] { forget(allowed_caller("UnregisterAgent"), "unregistered"); });
}

void AgentObject::UpdateCards(
    const std::vector<sdbus::Struct<int32_t, std::string, int32_t>>& reserved,
    const std::vector<int32_t>& held)
{
    guarded("UpdateCards", [&] {
        const std::string caller = allowed_caller("UpdateCards");
        if (reserved.size() > agents::max_entries)
            throw agents::ReportError("too many reservations");
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
        const std::string caller = allowed_caller("ReleaseCard");
        registry_.release(caller, card);
        common::log(LOG_INFO, "card " + std::to_string(card) +
                                  " is wanted by another application: closing it");
        hooks_.release(card);
    });
}

void AgentObject::collect()
{
    departed_.clear();
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
