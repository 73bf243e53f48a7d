// SPDX-License-Identifier: GPL-2.0-or-later
#include "channel_json.hpp"

#include <cmath>
#include <string>

namespace cmrctl {

using json = Json;

double round_to(double value, int decimals)
{
    const double scale = std::pow(10.0, decimals);
    // Adding 0.0 turns a rounded -0.0 into 0.0, so a tiny negative gain does not print "-0.0".
    return std::round(value * scale) / scale + 0.0;
}

json json_number(std::optional<double> value, int decimals)
{
    if (!value || !std::isfinite(*value))
        return nullptr;
    return round_to(*value, decimals);
}

json harmonics_to_json(const cmr::HarmonicList& harmonics)
{
    json list = json::array();
    for (const cmr::Harmonic& harmonic : harmonics)
        list.push_back({
            {"k", harmonic.k},
            {"hz", json_number(harmonic.hz, hz_decimals)},
            {"dbfs", json_number(harmonic.dbfs, db_decimals)},
        });
    return list;
}

json channel_to_json(const cmr::ChannelResult& result, cmr::AlarmKind alarm)
{
    const cmr::ChannelSpec& spec = result.spec;
    const bool pair = spec.is_pair();
    json object = json::object();
    object["id"] = spec.id();
    object["kind"] = pair ? "pair" : "single";
    object["hot"] = pair ? json(spec.hot) : json(nullptr);
    object["cold"] = pair ? json(spec.cold) : json(nullptr);
    object["channel"] = pair ? json(nullptr) : json(spec.input);
    object["mains_hz"] = json_number(result.mains_hz, hz_decimals);
    object["level_dbfs"] = json_number(result.level_dbfs, db_decimals);
    object["hum_dbfs"] = json_number(result.hum_dbfs, db_decimals);
    object["harmonics"] = harmonics_to_json(result.harmonics);

    if (pair) {
        object["cm_hum_dbfs"] = json_number(result.cm_hum_dbfs, db_decimals);
        object["cm_harmonics"] = harmonics_to_json(result.cm_harmonics);
        const bool has_cmrr = result.cmrr_kind != cmr::CmrrKind::none && result.cmrr_db &&
                              std::isfinite(*result.cmrr_db);
        object["cmrr_db"] = has_cmrr ? json_number(result.cmrr_db, db_decimals) : json(nullptr);
        object["cmrr_kind"] = has_cmrr ? std::string(cmr::to_string(result.cmrr_kind))
                                       : std::string(cmr::to_string(cmr::CmrrKind::none));
        object["symmetry"] =
            result.symmetry ? json(std::string(cmr::to_string(*result.symmetry))) : json(nullptr);
        object["leg_gain_db"] = json_number(result.leg_gain_db, gain_decimals);
    } else {
        for (const char* key :
             {"cm_hum_dbfs", "cm_harmonics", "cmrr_db", "cmrr_kind", "symmetry", "leg_gain_db"})
            object[key] = nullptr;
    }
    object["alarm"] = std::string(cmr::to_string(alarm));
    return object;
}

json event_to_json(const cmr::AlarmEvent& event, const cmr::Layout& layout)
{
    const std::string channel =
        event.channel < layout.size() ? layout[event.channel].id() : std::to_string(event.channel);
    return {
        {"t", round_to(event.time_s, seconds_decimals)},
        {"channel", channel},
        {"alarm", std::string(cmr::to_string(event.kind))},
        {"action", event.raised ? "raised" : "cleared"},
    };
}

} // namespace cmrctl
