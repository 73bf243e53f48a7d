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

/// Calls @p visit(key, value) for each figure of @p f in one fixed order, with the key the
/// event log's JSON and the D-Bus figures dictionary use ("mains_hz", ...; the journal
/// upper-cases it behind CMRD_): value is a `const std::optional<double>&` for numbers and a
/// `const std::string&` for names. One list, so the three outputs cannot drift apart.
template <typename Visitor> void visit_figures(const EventFigures& f, Visitor&& visit)
{
    visit("mains_hz", f.mains_hz);
    visit("hum_dbfs", f.hum_dbfs);
    visit("cm_hum_dbfs", f.cm_hum_dbfs);
    visit("cmrr_db", f.cmrr_db);
    visit("cmrr_kind", f.cmrr_kind);
    visit("symmetry", f.symmetry);
    visit("value", f.value);
}

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
