// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file alarm_keys.hpp
/// The ten alarm threshold keys, once: their name in cmrd.toml, where they live in
/// cmr::AlarmThresholds and in AlarmOverrides, the values accepted, and which clear level
/// pairs with which raise level. [alarms], [device.alarms], [[device.channel]] and
/// apply_overrides() are all driven by this table, so a new threshold is one line here (plus
/// its members in the two structs, which the static_asserts below insist on).

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

#include "cmr/alarm_engine.hpp"

#include "config/daemon_config.hpp"

namespace cmrd::config {

/// Where a clear level must lie relative to its raise level.
enum class ClearSide {
    none,    ///< not a clear level
    below,   ///< hum, ground_loop: clear below the raise level (derived: raise - 3 dB)
    at_least ///< cmrr_low: clear at or above the raise level (derived: raise + 3 dB)
};

struct AlarmKey {
    std::string_view name; ///< the TOML key, the same as the members' names
    double cmr::AlarmThresholds::*threshold;
    std::optional<double> AlarmOverrides::*override_value;
    double min; ///< accepted range, inclusive
    double max;
    ClearSide side = ClearSide::none;
    std::size_t raise = 0; ///< for a clear level: index of its raise level in alarm_keys
};

namespace alarm_range {
// Sensible ranges: a level below -200 dBFS is beneath any converter's noise, a CMRR above
// 200 dB beyond any measurement; an hour is longer than any useful hold time.
inline constexpr double min_dbfs = -200.0;
inline constexpr double max_dbfs = 0.0;
inline constexpr double min_cmrr_db = 0.0;
inline constexpr double max_cmrr_db = 200.0;
inline constexpr double max_time_s = 3600.0;
} // namespace alarm_range

/// In the order the keys are read (and errors found) and apply_overrides() takes them.
inline constexpr std::array<AlarmKey, 10> alarm_keys{{
    // clang-format off
    {"hum_dbfs", &cmr::AlarmThresholds::hum_dbfs, &AlarmOverrides::hum_dbfs,
     alarm_range::min_dbfs, alarm_range::max_dbfs},
    {"hum_clear_dbfs", &cmr::AlarmThresholds::hum_clear_dbfs, &AlarmOverrides::hum_clear_dbfs,
     alarm_range::min_dbfs, alarm_range::max_dbfs, ClearSide::below, 0},
    {"ground_loop_dbfs", &cmr::AlarmThresholds::ground_loop_dbfs,
     &AlarmOverrides::ground_loop_dbfs, alarm_range::min_dbfs, alarm_range::max_dbfs},
    {"ground_loop_clear_dbfs", &cmr::AlarmThresholds::ground_loop_clear_dbfs,
     &AlarmOverrides::ground_loop_clear_dbfs, alarm_range::min_dbfs, alarm_range::max_dbfs,
     ClearSide::below, 2},
    {"cmrr_min_db", &cmr::AlarmThresholds::cmrr_min_db, &AlarmOverrides::cmrr_min_db,
     alarm_range::min_cmrr_db, alarm_range::max_cmrr_db},
    {"cmrr_clear_db", &cmr::AlarmThresholds::cmrr_clear_db, &AlarmOverrides::cmrr_clear_db,
     alarm_range::min_cmrr_db, alarm_range::max_cmrr_db, ClearSide::at_least, 4},
    {"hold_s", &cmr::AlarmThresholds::hold_s, &AlarmOverrides::hold_s,
     0.0, alarm_range::max_time_s},
    {"clear_s", &cmr::AlarmThresholds::clear_s, &AlarmOverrides::clear_s,
     0.0, alarm_range::max_time_s},
    {"cmrr_hold_s", &cmr::AlarmThresholds::cmrr_hold_s, &AlarmOverrides::cmrr_hold_s,
     0.0, alarm_range::max_time_s},
    {"wiring_hold_s", &cmr::AlarmThresholds::wiring_hold_s, &AlarmOverrides::wiring_hold_s,
     0.0, alarm_range::max_time_s},
    // clang-format on
}};

/// Every clear level names a raise level (not another clear level) as its partner.
constexpr bool clear_levels_pair_with_raise_levels()
{
    for (const AlarmKey& key : alarm_keys)
        if (key.side != ClearSide::none &&
            (key.raise >= alarm_keys.size() || alarm_keys[key.raise].side != ClearSide::none))
            return false;
    return true;
}
static_assert(clear_levels_pair_with_raise_levels());

// A member added to either struct without a line in the table would be silently ignored.
static_assert(sizeof(cmr::AlarmThresholds) == alarm_keys.size() * sizeof(double),
              "every cmr::AlarmThresholds member needs a line in alarm_keys");
static_assert(sizeof(AlarmOverrides) == alarm_keys.size() * sizeof(std::optional<double>),
              "every AlarmOverrides member needs a line in alarm_keys");

} // namespace cmrd::config
