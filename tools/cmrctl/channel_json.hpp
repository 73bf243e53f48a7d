// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file channel_json.hpp
/// The JSON objects cmrctl prints, shared by `analyze --json` and the live commands: a channel
/// exactly as design.md's "JSON shape of a channel", and an alarm event. Every key is always
/// present; figures that do not apply or were not measured are `null`, never absent and never
/// a sentinel number. Numbers are rounded to what they mean (Hz to mHz, levels to 0.1 dB).

#include <optional>

#include <nlohmann/json.hpp>

#include "cmr/alarm_engine.hpp"
#include "cmr/layout.hpp"
#include "cmr/measurement.hpp"

namespace cmrctl {

/// cmrctl's JSON type: keys keep the order in which they are set, so printed objects read in
/// design.md's order (id first, alarm last). Parse with any JSON reader; key order carries no
/// meaning.
using Json = nlohmann::ordered_json;

/// Decimal places used in output (JSON and tables).
inline constexpr int hz_decimals = 3;      ///< frequencies: 50.013
inline constexpr int db_decimals = 1;      ///< levels and CMRR: -13.9
inline constexpr int gain_decimals = 2;    ///< leg gain: 6.02
inline constexpr int seconds_decimals = 3; ///< times and durations

/// @p value rounded to @p decimals places, with -0.0 turned into 0.0.
[[nodiscard]] double round_to(double value, int decimals);

/// A rounded number, or `null` when @p value is empty or not finite.
[[nodiscard]] Json json_number(std::optional<double> value, int decimals);

/// `[{"k": 1, "hz": 50.013, "dbfs": -97.0}, ...]`; `dbfs` is `null` below the noise floor.
[[nodiscard]] Json harmonics_to_json(const cmr::HarmonicList& harmonics);

/// One channel as design.md's "JSON shape of a channel": `id`, `kind`, `hot`, `cold`,
/// `channel`, `mains_hz`, `level_dbfs`, `hum_dbfs`, `harmonics`, `cm_hum_dbfs`,
/// `cm_harmonics`, `cmrr_db`, `cmrr_kind`, `symmetry`, `leg_gain_db`, `alarm`.
/// A pair has `"channel": null`; a single has `"hot": null, "cold": null` and `null` for every
/// pair-only figure. `cmrr_db` is `null` whenever `cmrr_kind` is `"none"`.
/// @param alarm the channel's current alarm kind.
[[nodiscard]] Json channel_to_json(const cmr::ChannelResult& result, cmr::AlarmKind alarm);

/// `{"t": 12.5, "channel": "1/2", "alarm": "ground_loop", "action": "raised"}`.
/// @param layout the layout the event's channel index refers to.
[[nodiscard]] Json event_to_json(const cmr::AlarmEvent& event, const cmr::Layout& layout);

} // namespace cmrctl
