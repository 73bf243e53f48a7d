// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file check_evaluation.hpp
/// `cmrctl check`'s verdict on cmrd's channels, following the monitoring-plugin conventions
/// (Nagios, Icinga, Naemon, Zabbix's and Checkmk's local checks): one status line
/// "CMRD <STATE> - <text> | <perfdata>" and a state 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
///
/// The rules, per selected channel (the most severe finding wins):
/// - CRITICAL: hum on the signal (D for a pair, the input for a single) at or above
///   --crit-hum; an active `wiring` alarm (legs in phase: the programme cancels in a balanced
///   receiver).
/// - WARNING: hum on the signal at or above --warn-hum; any other active alarm (`hum`,
///   `ground_loop` — even one the link's CMRR keeps out of the signal, since it will reach the
///   signal as soon as something changes —, `cmrr_low`); a measured CMRR below --min-cmrr (a
///   lower bound below it says nothing and does not count); a device that is not capturing
///   (any state but running, starting, xrun_recovering and suspended).
/// - UNKNOWN: nothing to check (cmrd monitors no device). cmrd not running and names that
///   match nothing are UNKNOWN too (cmd_check.cpp).
/// - OK otherwise, including channels whose figures are not measured yet (said in the text).
/// Defaults: --warn-hum -80 dBFS and --min-cmrr 40 dB (cmrd's own alarm defaults),
/// --crit-hum -60 dBFS (hum plainly audible under quiet programme).
///
/// Perfdata, per channel (labels made of device and channel id, other characters as '_'),
/// without units of measurement (dBFS and dB are not among the plugin guidelines' units; the
/// unit is in the label): 'desk_1_2_hum_dbfs'=-96.2;~:-80;~:-60 'desk_1_2_cm_hum_dbfs'=-35.1
/// 'desk_1_2_cmrr_db'=61.1;40: (measured) or 'desk_1_2_cmrr_lower_bound_db'=52.3 (a bound).
/// Unmeasured figures are 'U'.

#include <string>
#include <vector>

#include "client/wire_types.hpp"

namespace cmrctl::client {

struct CheckThresholds {
    double warn_hum_dbfs = -80.0;
    double crit_hum_dbfs = -60.0;
    double min_cmrr_db = 40.0;
};

/// The plugin states; the values are the exit statuses.
enum class CheckState { ok = 0, warning = 1, critical = 2, unknown = 3 };

struct CheckResult {
    CheckState state = CheckState::unknown;
    std::string line; ///< the whole status line, perfdata included, without a newline
};

/// The verdict on @p devices (already narrowed to the channels asked for).
[[nodiscard]] CheckResult evaluate_check(const std::vector<DeviceView>& devices,
                                         const CheckThresholds& thresholds);

/// The line for a check that could not be made: "CMRD UNKNOWN - <reason>".
[[nodiscard]] CheckResult unknown_check(const std::string& reason);

/// "OK", "WARNING", "CRITICAL", "UNKNOWN".
[[nodiscard]] const char* state_name(CheckState state);

} // namespace cmrctl::client
