// SPDX-License-Identifier: GPL-2.0-or-later
// The alarm keys, shared by [alarms], [device.alarms] and [[device.channel]] (alarm_keys.hpp).
#include "config/alarm_keys.hpp"
#include "config/config_sections.hpp"
#include "config/effective_settings.hpp"

namespace cmrd::config {

AlarmOverrides read_alarm_keys(TableReader& table, const cmr::AlarmThresholds& inherited)
{
    AlarmOverrides keys;
    for (const AlarmKey& key : alarm_keys)
        keys.*key.override_value = table.number(key.name, key.min, key.max);

    // A clear level inherited or derived is consistent by construction (the inherited set was
    // checked, a derived one is 3 dB on the right side), so only an explicit one can be wrong.
    const cmr::AlarmThresholds effective = apply_overrides(inherited, keys);
    for (const AlarmKey& clear : alarm_keys) {
        if (clear.side == ClearSide::none || !(keys.*clear.override_value))
            continue;
        const AlarmKey& raise = alarm_keys[clear.raise];
        const double clear_level = effective.*clear.threshold;
        const double raise_level = effective.*raise.threshold;
        const bool below = clear.side == ClearSide::below;
        if (below ? clear_level < raise_level : clear_level >= raise_level)
            continue;
        table.fail(clear.name,
                   format_number(clear_level) + (below ? " must be below " : " must be at least ") +
                       std::string(raise.name) + " (" + format_number(raise_level) + ")");
    }
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
