// SPDX-License-Identifier: GPL-2.0-or-later
// The alarm keys, shared by [alarms], [device.alarms] and [[device.channel]].
#include "config/config_sections.hpp"
#include "config/effective_settings.hpp"

namespace cmrd::config {
namespace {

// Sensible ranges: a level below -200 dBFS is beneath any converter's noise, a CMRR above
// 200 dB beyond any measurement; an hour is longer than any useful hold time.
constexpr double min_dbfs = -200.0;
constexpr double max_dbfs = 0.0;
constexpr double min_cmrr_db = 0.0;
constexpr double max_cmrr_db = 200.0;
constexpr double max_time_s = 3600.0;

} // namespace

AlarmOverrides read_alarm_keys(TableReader& table, const cmr::AlarmThresholds& inherited)
{
    AlarmOverrides keys;
    keys.hum_dbfs = table.number("hum_dbfs", min_dbfs, max_dbfs);
    keys.hum_clear_dbfs = table.number("hum_clear_dbfs", min_dbfs, max_dbfs);
    keys.ground_loop_dbfs = table.number("ground_loop_dbfs", min_dbfs, max_dbfs);
    keys.ground_loop_clear_dbfs = table.number("ground_loop_clear_dbfs", min_dbfs, max_dbfs);
    keys.cmrr_min_db = table.number("cmrr_min_db", min_cmrr_db, max_cmrr_db);
    keys.cmrr_clear_db = table.number("cmrr_clear_db", min_cmrr_db, max_cmrr_db);
    keys.hold_s = table.number("hold_s", 0.0, max_time_s);
    keys.clear_s = table.number("clear_s", 0.0, max_time_s);
    keys.cmrr_hold_s = table.number("cmrr_hold_s", 0.0, max_time_s);
    keys.wiring_hold_s = table.number("wiring_hold_s", 0.0, max_time_s);

    // A clear level inherited or derived is consistent by construction (the inherited set was
    // checked, a derived one is 3 dB on the right side), so only an explicit one can be wrong.
    const cmr::AlarmThresholds effective = apply_overrides(inherited, keys);
    if (keys.hum_clear_dbfs && !(effective.hum_clear_dbfs < effective.hum_dbfs))
        table.fail("hum_clear_dbfs", format_number(effective.hum_clear_dbfs) +
                                         " must be below hum_dbfs (" +
                                         format_number(effective.hum_dbfs) + ")");
    if (keys.ground_loop_clear_dbfs &&
        !(effective.ground_loop_clear_dbfs < effective.ground_loop_dbfs))
        table.fail("ground_loop_clear_dbfs", format_number(effective.ground_loop_clear_dbfs) +
                                                 " must be below ground_loop_dbfs (" +
                                                 format_number(effective.ground_loop_dbfs) + ")");
    if (keys.cmrr_clear_db && !(effective.cmrr_clear_db >= effective.cmrr_min_db))
        table.fail("cmrr_clear_db", format_number(effective.cmrr_clear_db) +
                                        " must be at least cmrr_min_db (" +
                                        format_number(effective.cmrr_min_db) + ")");
    return keys;
}

void read_alarms_section(TableReader& root, DaemonConfig& config)
{
    const toml::table* table = root.table("alarms");
    if (table == nullptr)
        return;
    TableReader alarms(*table, root.key_path("alarms"), root.source());
    config.alarms = apply_overrides(config.alarms, read_alarm_keys(alarms, config.alarms));
    alarms.reject_unknown_keys();
}

} // namespace cmrd::config
