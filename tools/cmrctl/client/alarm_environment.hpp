// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file alarm_environment.hpp
/// The environment variables `watch --on-alarm/--on-clear` hands its command.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "client/wire_types.hpp"

namespace cmrctl::client {

/// A variable and its value; no value means "unset it" (the figure is unknown, and an inherited
/// value must not pass for it).
using EnvironmentVariable = std::pair<std::string, std::optional<std::string>>;

/// CMRD_DEVICE, CMRD_CHANNEL (the id, "1/2"), CMRD_ALARM (hum, ground_loop, cmrr_low, wiring),
/// CMRD_ACTION (raised, cleared), CMRD_HUM_DBFS, CMRD_CM_HUM_DBFS, CMRD_CMRR_DB,
/// CMRD_CMRR_KIND (measured, lower_bound, none), CMRD_MAINS_HZ, CMRD_SYMMETRY, CMRD_VALUE,
/// CMRD_SEQUENCE and CMRD_TIME (ISO 8601, UTC). Numbers are printed as in cmrctl's JSON
/// (levels to 0.1 dB, Hz to 1 mHz), with a '.' whatever the locale. CMRD_CMRR_DB is unset
/// unless CMRD_CMRR_KIND is measured or lower_bound.
[[nodiscard]] std::vector<EnvironmentVariable> alarm_environment(const AlarmChange& change);

} // namespace cmrctl::client
