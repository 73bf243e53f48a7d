// SPDX-License-Identifier: GPL-2.0-or-later
#include "wire/alarm_figures.hpp"

namespace cmrd::wire {
namespace {

template <typename T> std::optional<T> field(const PropertyMap& figures, const char* key)
{
    const auto found = figures.find(key);
    if (found == figures.end())
        return std::nullopt;
    return value_of<T>(std::string("alarm figure '") + key + "'", found->second);
}

std::optional<double> number(const PropertyMap& figures, const char* key)
{
    const std::optional<double> value = field<double>(figures, key);
    return value ? optional_number(*value) : std::nullopt;
}

std::string text(const PropertyMap& figures, const char* key)
{
    return field<std::string>(figures, key).value_or(std::string());
}

} // namespace

AlarmFigures decode_figures(const PropertyMap& figures)
{
    AlarmFigures out;
    out.device = text(figures, "device");
    out.channel = text(figures, "channel");
    out.sequence = field<std::uint64_t>(figures, "sequence");
    out.time_us = field<std::int64_t>(figures, "time_us");
    out.mains_hz = number(figures, "mains_hz");
    out.hum_dbfs = number(figures, "hum_dbfs");
    out.cm_hum_dbfs = number(figures, "cm_hum_dbfs");
    out.cmrr_db = number(figures, "cmrr_db");
    out.cmrr_kind = parse_cmrr_kind(text(figures, "cmrr_kind"));
    out.symmetry = parse_symmetry(text(figures, "symmetry"));
    out.value = number(figures, "value");
    out.stream_time_s = number(figures, "stream_time_s");
    return out;
}

AlarmChange decode_alarm_signal(const std::string& alarm, bool raised, const PropertyMap& figures)
{
    AlarmChange change;
    change.alarm = parse_alarm_kind(alarm);
    change.raised = raised;
    change.figures = decode_figures(figures);
    return change;
}

AlarmChange decode_event(const BusEvent& event)
{
    AlarmChange change;
    change.figures = decode_figures(std::get<6>(event));
    change.figures.sequence = std::get<0>(event);
    change.figures.time_us = std::get<1>(event);
    change.figures.device = std::get<2>(event);
    change.figures.channel = std::get<3>(event);
    change.alarm = parse_alarm_kind(std::get<4>(event));
    const std::string& action = std::get<5>(event);
    if (action != "raised" && action != "cleared")
        throw ProtocolError("cmrd sent an unknown alarm action '" + action + "'");
    change.raised = action == "raised";
    return change;
}

const char* action_name(bool raised)
{
    return raised ? "raised" : "cleared";
}

} // namespace cmrd::wire
