// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file channel_values.hpp
/// A channel's figures as the D-Bus properties of org.cmrd.Monitor1.Channel carry them: NaN
/// where the JSON shape has null, "" for strings that do not apply (see the API XML).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sdbus-c++/Types.h>

#include "cmr/measurement.hpp"

namespace cmrd::service {

/// One harmonic on the bus: (k, Hz, dBFS or NaN).
using BusHarmonic = sdbus::Struct<std::uint32_t, double, double>;

/// Everything a Channel object publishes that changes with each analysis hop.
struct ChannelFigures {
    cmr::ChannelResult result;
    cmr::AlarmKind alarm = cmr::AlarmKind::none;
    std::vector<std::string> active_alarms;
    double stream_time_s = 0.0;
};

/// NaN for an empty optional (and for a non-finite value).
[[nodiscard]] double bus_number(std::optional<double> value);

/// The harmonics list as (k, Hz, dBFS-or-NaN) structs.
[[nodiscard]] std::vector<BusHarmonic> bus_harmonics(const cmr::HarmonicList& harmonics);

/// CmrrKind as a string; "" for singles.
[[nodiscard]] std::string bus_cmrr_kind(const cmr::ChannelResult& result);

/// Symmetry as a string; "" when not applicable (singles).
[[nodiscard]] std::string bus_symmetry(const cmr::ChannelResult& result);

/// The names of the Channel properties whose bus values differ between @p before and
/// @p after (NaN equals NaN here: an unmeasured figure that stays unmeasured has not changed).
[[nodiscard]] std::vector<std::string> changed_channel_properties(const ChannelFigures& before,
                                                                  const ChannelFigures& after);

} // namespace cmrd::service
