// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file alarm_figures.hpp
/// An alarm raised or cleared, as the AlarmRaised/AlarmCleared signals and GetEvents report it:
/// the figures dictionary decoded into optionals and libcmr's enumerations (a key is absent
/// when cmrd did not know the figure). The one alarm type of every client.

#include <cstdint>
#include <optional>
#include <string>

#include <sdbus-c++/Types.h>

#include "cmr/measurement.hpp"

#include "wire/object_state.hpp"

namespace cmrd::wire {

/// The figures of an alarm change (see AlarmRaised in the API XML). Strings are "" when absent.
struct AlarmFigures {
    std::string device;
    std::string channel; ///< the channel id, "1/2"
    std::optional<std::uint64_t> sequence;
    std::optional<std::int64_t> time_us; ///< wall clock, microseconds since the Unix epoch
    std::optional<double> mains_hz;
    std::optional<double> hum_dbfs; ///< hum on D (pairs) or on the input (singles)
    std::optional<double> cm_hum_dbfs;
    std::optional<double> cmrr_db;
    std::optional<cmr::CmrrKind> cmrr_kind; ///< absent for singles and when not sent
    std::optional<cmr::Symmetry> symmetry;
    std::optional<double> value;         ///< the figure the decision was taken on
    std::optional<double> stream_time_s; ///< signals only

    /// Whether a CMRR figure is there to show: a value of kind measured or lower_bound.
    [[nodiscard]] bool has_cmrr() const
    {
        return cmrr_db && cmrr_kind && *cmrr_kind != cmr::CmrrKind::none;
    }

    bool operator==(const AlarmFigures&) const = default;
};

struct AlarmChange {
    cmr::AlarmKind alarm = cmr::AlarmKind::none;
    bool raised = false;
    AlarmFigures figures;
};

/// Decodes a figures dictionary. Unknown keys are ignored.
/// @throws ProtocolError for a known key with a value of the wrong type or an unknown
///         enumeration value.
[[nodiscard]] AlarmFigures decode_figures(const PropertyMap& figures);

/// An AlarmRaised (@p raised) or AlarmCleared signal's alarm and figures.
/// @throws ProtocolError as decode_figures, or for an unknown alarm kind.
[[nodiscard]] AlarmChange decode_alarm_signal(const std::string& alarm, bool raised,
                                              const PropertyMap& figures);

/// One event of GetEvents: (sequence, time_us, device, channel, alarm, action, figures).
using BusEvent = sdbus::Struct<std::uint64_t, std::int64_t, std::string, std::string, std::string,
                               std::string, PropertyMap>;

/// Decodes one event of GetEvents; its fields win over the same keys in its dictionary.
/// @throws ProtocolError for an unknown alarm or action, or a figure of the wrong type.
[[nodiscard]] AlarmChange decode_event(const BusEvent& event);

/// "raised" / "cleared".
[[nodiscard]] const char* action_name(bool raised);

} // namespace cmrd::wire
