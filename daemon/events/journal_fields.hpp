// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file journal_fields.hpp
/// An event as structured journal fields ("KEY=value"), and the fixed MESSAGE_IDs that let
/// `journalctl MESSAGE_ID=...` find cmrd's alarm events (explained in systemd/cmrd.catalog).

#include <string>
#include <string_view>
#include <vector>

#include "events/event.hpp"

namespace cmrd::events {

/// MESSAGE_ID of "alarm raised" records. Generated once with `systemd-id128 new`; never change
/// it (people's journal queries and the catalog rely on it).
inline constexpr std::string_view message_id_raised = "344fe7f5a2f8484999ce767bfe4616e6";
/// MESSAGE_ID of "alarm cleared" records (generated the same way).
inline constexpr std::string_view message_id_cleared = "553c26a351434ab18a8ba1595b8a0586";

/// SYSLOG_IDENTIFIER of everything cmrd logs.
inline constexpr std::string_view syslog_identifier = "cmrd";

/// syslog priority of an event: warning (4) when raised, notice (5) when cleared.
[[nodiscard]] int event_priority(const Event& event);

/// The journal record of an event, one "KEY=value" per entry: MESSAGE (event_sentence()),
/// MESSAGE_ID, PRIORITY, SYSLOG_IDENTIFIER, CMRD_DEVICE, CMRD_CHANNEL, CMRD_ALARM
/// (cmr::to_string), CMRD_ACTION ("raised"/"cleared"), CMRD_SEQ, CMRD_TIME_US, and of the
/// figures only those present: CMRD_MAINS_HZ, CMRD_HUM_DBFS, CMRD_CM_HUM_DBFS, CMRD_CMRR_DB,
/// CMRD_CMRR_KIND, CMRD_SYMMETRY, CMRD_VALUE (numbers in the shortest form that reads back
/// exactly).
[[nodiscard]] std::vector<std::string> event_journal_fields(const Event& event);

} // namespace cmrd::events
