// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file event.hpp
/// One alarm event as the daemon records and publishes it (D-Bus signals and GetEvents,
/// the journal, the event log under the state directory).

#include <cstdint>
#include <optional>
#include <string>

#include "cmr/measurement.hpp"

namespace cmrd::events {

/// The channel's figures when the alarm changed (null where not applicable / not measured).
struct EventFigures {
    std::optional<double> mains_hz;
    std::optional<double> hum_dbfs;    ///< D hum (pairs) or the input's hum (singles)
    std::optional<double> cm_hum_dbfs; ///< common-mode hum (pairs)
    std::optional<double> cmrr_db;
    std::string cmrr_kind; ///< "measured" / "lower_bound" / "none"; empty for singles
    std::string symmetry;  ///< empty for singles
    /// The figure the alarm engine decided on (cmr::AlarmEvent::value).
    std::optional<double> value;
};

struct Event {
    std::uint64_t sequence = 0; ///< increases by one per event, kept across restarts
    std::int64_t time_us = 0;   ///< wall clock (CLOCK_REALTIME), microseconds since the epoch
    std::string device;         ///< device name (config name or card id)
    std::string channel;        ///< channel id, e.g. "1/2" or "7"
    cmr::AlarmKind alarm = cmr::AlarmKind::none;
    bool raised = false; ///< true: raised, false: cleared
    EventFigures figures;
};

} // namespace cmrd::events
