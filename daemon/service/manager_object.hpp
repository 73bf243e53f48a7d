// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file manager_object.hpp
/// The root object /org/cmrd/Monitor1: org.cmrd.Monitor1.Manager and the ObjectManager.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <sdbus-c++/sdbus-c++.h>

#include "events/event.hpp"
#include "events/event_log.hpp"
#include "log_rate_limit.hpp"
#include "monitor1_adaptor.h"
#include "service/admin_check.hpp"
#include "service/event_dict.hpp"

namespace cmrd::service {

/// What the Manager's methods and properties ask of the daemon.
struct ManagerHooks {
    /// The stored events a query matches (EventLog::query).
    std::function<events::EventPage(const events::EventQuery&)> events;
    /// Events that could not be stored since cmrd started.
    std::function<std::uint64_t()> events_not_stored;
    /// Re-reads the configuration; returns the error ("FILE:LINE:COL: KEY: problem") when the
    /// new file is rejected (the running configuration then stays).
    std::function<std::optional<std::string>()> reload;
    std::function<std::string()> config_file;
    std::function<std::string()> config_error;
};

/// Method handlers never let an exception escape (sdbus-c++ would end the process): failures
/// become D-Bus errors with a message.
class ManagerObject final : public sdbus::AdaptorInterfaces<org::cmrd::Monitor1::Manager_adaptor,
                                                            sdbus::ObjectManager_adaptor> {
public:
    ManagerObject(sdbus::IConnection& connection, ManagerHooks hooks, AdminPolicy admins);
    ~ManagerObject();
    ManagerObject(const ManagerObject&) = delete;
    ManagerObject& operator=(const ManagerObject&) = delete;

    /// Sends AlarmRaised or AlarmCleared for @p event about the channel at @p channel_path;
    /// @p stream_time_s goes into the figures as "stream_time_s".
    void announce(const std::string& channel_path, const events::Event& event,
                  double stream_time_s);
    /// Announces new ConfigFile / ConfigError values.
    void config_changed();
    /// At most this many events per GetEvents or ListEvents answer (the API XML says so).
    static constexpr std::uint32_t max_events_per_answer = 512;

    /// Announces a new EventsNotStored value.
    void events_not_stored_changed();

private:
    std::vector<BusEvent> GetEvents(const int64_t& since_us) override;
    std::tuple<std::vector<BusEvent>, bool> ListEvents(const int64_t& since_us,
                                                       const uint64_t& after_sequence,
                                                       const uint32_t& limit) override;
    std::uint64_t EventsNotStored() override;
    void Reload() override;
    std::string Version() override;
    std::string ConfigFile() override;
    std::string ConfigError() override;

    void require_admin();
    /// One page of events as D-Bus structs; failures become D-Bus errors naming @p method.
    std::tuple<std::vector<BusEvent>, bool> answer_events(const char* method,
                                                          const events::EventQuery& query);

    ManagerHooks hooks_;
    AdminPolicy admins_;
    /// Anyone may call Reload: a flood of refusals must not flood the journal.
    common::LogRateLimit refusals_log_{std::chrono::seconds(10)};
};

} // namespace cmrd::service
