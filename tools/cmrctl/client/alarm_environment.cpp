// SPDX-License-Identifier: GPL-2.0-or-later
#include "client/alarm_environment.hpp"

#include <array>
#include <cstdio>

#include "channel_json.hpp"
#include "client/time_text.hpp"

namespace cmrctl::client {
namespace {

std::optional<std::string> number(std::optional<double> value, int decimals)
{
    if (!value)
        return std::nullopt;
    // nlohmann's number output ignores the C locale (a decimal point, always), as shells and
    // scripts expect; the value is rounded first exactly as in the JSON output.
    return Json(round_to(*value, decimals)).dump();
}

std::optional<std::string> text(const std::string& value)
{
    return value.empty() ? std::nullopt : std::optional<std::string>(value);
}

} // namespace

std::vector<EnvironmentVariable> alarm_environment(const AlarmChange& change)
{
    const AlarmFigures& f = change.figures;
    return {
        {"CMRD_DEVICE", text(f.device)},
        {"CMRD_CHANNEL", text(f.channel)},
        {"CMRD_ALARM", std::string(cmr::to_string(change.alarm))},
        {"CMRD_ACTION", std::string(action_name(change.raised))},
        {"CMRD_HUM_DBFS", number(f.hum_dbfs, db_decimals)},
        {"CMRD_CM_HUM_DBFS", number(f.cm_hum_dbfs, db_decimals)},
        {"CMRD_CMRR_DB", f.has_cmrr() ? number(f.cmrr_db, db_decimals) : std::nullopt},
        {"CMRD_CMRR_KIND", text(text_of(f.cmrr_kind))},
        {"CMRD_MAINS_HZ", number(f.mains_hz, hz_decimals)},
        {"CMRD_SYMMETRY", text(text_of(f.symmetry))},
        {"CMRD_VALUE", number(f.value, db_decimals)},
        {"CMRD_SEQUENCE",
         f.sequence ? std::optional<std::string>(std::to_string(*f.sequence)) : std::nullopt},
        {"CMRD_TIME",
         f.time_us ? std::optional<std::string>(iso8601_utc(*f.time_us)) : std::nullopt},
    };
}

} // namespace cmrctl::client
