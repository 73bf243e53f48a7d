// SPDX-License-Identifier: GPL-2.0-or-later
#include "service/manager_object.hpp"

#include <algorithm>
#include <exception>

#include "cmrd_bus_names.hpp"
#include "log.hpp"
#include "service/version.hpp"

namespace cmrd::service {

ManagerObject::ManagerObject(sdbus::IConnection& connection, ManagerHooks hooks, AdminPolicy admins)
    : AdaptorInterfaces(connection, bus::root_path), hooks_(std::move(hooks)), admins_(admins)
{
    registerAdaptor();
}

ManagerObject::~ManagerObject()
{
    unregisterAdaptor();
}

void ManagerObject::announce(const std::string& channel_path, const events::Event& event,
                             double stream_time_s)
{
    const std::string alarm(cmr::to_string(event.alarm));
    FiguresDict figures = figures_dict(event);
    figures.emplace("stream_time_s", sdbus::Variant(stream_time_s));
    if (event.raised)
        emitAlarmRaised(sdbus::ObjectPath(channel_path), alarm, figures);
    else
        emitAlarmCleared(sdbus::ObjectPath(channel_path), alarm, figures);
}

void ManagerObject::config_changed()
{
    getObject().emitPropertiesChangedSignal(bus::manager_interface, {"ConfigFile", "ConfigError"});
}

void ManagerObject::events_not_stored_changed()
{
    getObject().emitPropertiesChangedSignal(bus::manager_interface, {"EventsNotStored"});
}

std::vector<BusEvent> ManagerObject::GetEvents(const int64_t& since_us)
{
    events::EventQuery query;
    query.since_us = since_us;
    query.limit = max_events_per_answer;
    query.keep = events::EventQuery::Keep::newest;
    return std::get<0>(answer_events("GetEvents", query));
}

std::tuple<std::vector<BusEvent>, bool> ManagerObject::ListEvents(const int64_t& since_us,
                                                                  const uint64_t& after_sequence,
                                                                  const uint32_t& limit)
{
    events::EventQuery query;
    query.since_us = since_us;
    query.after_sequence = after_sequence;
    query.limit = limit == 0 ? max_events_per_answer : std::min(limit, max_events_per_answer);
    return answer_events("ListEvents", query);
}

std::tuple<std::vector<BusEvent>, bool>
ManagerObject::answer_events(const char* method, const events::EventQuery& query)
{
    try {
        const events::EventPage page = hooks_.events(query);
        std::vector<BusEvent> out;
        out.reserve(page.events.size());
        for (const events::Event& event : page.events)
            out.push_back(bus_event(event));
        return {std::move(out), page.more};
    } catch (const std::exception& e) {
        common::log(LOG_ERR, std::string(method) + " failed: " + e.what());
        throw sdbus::Error(bus::error_failed, e.what());
    }
}

void ManagerObject::require_admin()
{
    const sdbus::Message* call = getObject().getCurrentlyProcessedMessage();
    if (call == nullptr)
        throw sdbus::Error(bus::error_failed, "no caller to check");
    const uid_t uid = call->getCredsUid();
    if (!admins_.allows(uid)) {
        refusals_log_.log(LOG_NOTICE, "Reload refused to uid " + std::to_string(uid) + " (" +
                                          call->getSender() + "): not an administrator");
        throw sdbus::Error(bus::error_access_denied,
                           "Reload is for administrators only (root" +
                               std::string(admins_.admin_group ? " or the admin group" : "") + ")");
    }
}

void ManagerObject::Reload()
{
    try {
        require_admin();
        if (const std::optional<std::string> error = hooks_.reload())
            throw sdbus::Error(bus::error_config_invalid, *error);
    } catch (const sdbus::Error&) {
        throw;
    } catch (const std::exception& e) {
        common::log(LOG_ERR, std::string("Reload failed: ") + e.what());
        throw sdbus::Error(bus::error_failed, e.what());
    }
}

std::string ManagerObject::Version()
{
    return std::string(version);
}

std::string ManagerObject::ConfigFile()
{
    return hooks_.config_file();
}

std::uint64_t ManagerObject::EventsNotStored()
{
    return hooks_.events_not_stored();
}

std::string ManagerObject::ConfigError()
{
    return hooks_.config_error();
}

} // namespace cmrd::service
