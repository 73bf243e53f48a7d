// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file config_sections.hpp
/// The parsers of cmrd.toml's sections (internal to config/; parse_config() runs them in this
/// order, so that device entries are checked against the global settings they inherit).

#include <optional>
#include <string_view>

#include "cmr/alarm_engine.hpp"

#include "capture/access_mode.hpp"
#include "config/daemon_config.hpp"
#include "config/toml_reader.hpp"

namespace cmrd::config {

/// Reads the ten alarm keys of @p table (any of them may be absent) and checks them against
/// what they override: @p inherited with the result applied must keep every clear level on
/// the right side of its raise level. @throws ConfigError at the offending key.
[[nodiscard]] AlarmOverrides read_alarm_keys(TableReader& table,
                                             const cmr::AlarmThresholds& inherited);

/// `rate` (Hz, an integer within what libcmr analyses) of [capture] or [device.capture].
[[nodiscard]] std::optional<unsigned> read_rate(TableReader& table);

/// `access` of [capture] or [device.capture]: "auto", "exclusive", "yield" or "shared".
[[nodiscard]] std::optional<capture::AccessMode> read_access(TableReader& table);

/// `period_ms` (float allowed) of [capture] or [device.capture], in microseconds.
[[nodiscard]] std::optional<unsigned> read_period_us(TableReader& table);

/// Checks that the ring buffer holds at least two periods (ALSA needs one period being
/// filled while the other is read). @param key the key blamed: the one this table set.
void check_periods_fit(const TableReader& table, std::string_view key, unsigned buffer_us,
                       unsigned period_us);

/// [alarms] into config.alarms.
void read_alarms_section(TableReader& root, DaemonConfig& config);

/// [capture], [analysis], [dbus] and [event_log].
void read_settings_sections(TableReader& root, DaemonConfig& config);

/// The [[device]] entries with their [device.alarms], [device.capture] and
/// [[device.channel]] tables. Needs config.alarms and config.capture read first.
void read_device_sections(TableReader& root, DaemonConfig& config);

} // namespace cmrd::config
