// SPDX-License-Identifier: GPL-2.0-or-later
#include "wire/object_state.hpp"

#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

namespace cmrd::wire {
namespace {

using BusHarmonics = std::vector<sdbus::Struct<std::uint32_t, double, double>>;

/// A property's value as a T; the error names the property.
template <typename T> T property_value(const std::string& name, const sdbus::Variant& value)
{
    return value_of<T>("property " + name, value);
}

template <typename Object>
using Setters = std::map<std::string_view,
                         std::function<void(Object&, const std::string&, const sdbus::Variant&)>>;

/// Calls the setter registered for each property present in @p properties.
template <typename Object>
void apply(Object& object, const PropertyMap& properties, const Setters<Object>& setters)
{
    for (const auto& [name, value] : properties)
        if (const auto setter = setters.find(name); setter != setters.end())
            setter->second(object, name, value);
}

template <typename Object, typename T> auto set(T Object::*member)
{
    return [member](Object& object, const std::string& name, const sdbus::Variant& value) {
        object.*member = property_value<T>(name, value);
    };
}

cmr::HarmonicList harmonics_from(const std::string& name, const sdbus::Variant& value)
{
    cmr::HarmonicList list;
    for (const auto& harmonic : property_value<BusHarmonics>(name, value)) {
        if (list.count == cmr::max_harmonics)
            break; // more than libcmr ever measures: keep the lowest ones
        cmr::Harmonic& out = list.items[list.size()];
        out.k = static_cast<int>(std::get<0>(harmonic));
        out.hz = std::get<1>(harmonic);
        out.dbfs = optional_number(std::get<2>(harmonic));
        ++list.count;
    }
    return list;
}

int input_number(const std::string& name, const sdbus::Variant& value)
{
    return static_cast<int>(property_value<std::uint32_t>(name, value));
}

const Setters<DeviceState>& device_setters()
{
    static const Setters<DeviceState> setters = {
        {"Name", set(&DeviceState::name)},
        {"Pcm", set(&DeviceState::pcm)},
        {"Origin", set(&DeviceState::origin)},
        {"CardId", set(&DeviceState::card_id)},
        {"Model", set(&DeviceState::model)},
        {"State", set(&DeviceState::state)},
        {"SampleRate", set(&DeviceState::sample_rate)},
        {"Format", set(&DeviceState::format)},
        {"Inputs", set(&DeviceState::inputs)},
        {"Overruns", set(&DeviceState::overruns)},
        {"Restarts", set(&DeviceState::restarts)},
        {"WorkerOverruns", set(&DeviceState::worker_overruns)},
        {"HolderPid", set(&DeviceState::holder_pid)},
        {"HolderCommand", set(&DeviceState::holder_command)},
        {"HolderUser", set(&DeviceState::holder_user)},
        {"Access", set(&DeviceState::access)},
        {"ReservedBy", set(&DeviceState::reserved_by)},
        {"ReservedPriority", set(&DeviceState::reserved_priority)},
        {"ReservedUser", set(&DeviceState::reserved_user)},
        {"CapturedThrough", set(&DeviceState::captured_through)},
        {"CaptureWarning", set(&DeviceState::capture_warning)},
        {"Realtime", set(&DeviceState::realtime)},
        {"RealtimeDetail", set(&DeviceState::realtime_detail)},
        {"LastError", set(&DeviceState::last_error)},
        {"MainsHz",
         [](DeviceState& d, const std::string& n, const sdbus::Variant& v) {
             d.mains_hz = optional_number(property_value<double>(n, v));
         }},
    };
    return setters;
}

/// A figure of the channel's result, NaN meaning "not measured".
auto set_figure(std::optional<double> cmr::ChannelResult::*member)
{
    return [member](ChannelState& c, const std::string& name, const sdbus::Variant& value) {
        c.result.*member = optional_number(property_value<double>(name, value));
    };
}

const Setters<ChannelState>& channel_setters()
{
    using Channel = ChannelState;
    using Value = sdbus::Variant;
    static const Setters<ChannelState> setters = {
        {"Device", [](Channel& c, const std::string& n,
                      const Value& v) { c.device_path = property_value<sdbus::ObjectPath>(n, v); }},
        {"Kind",
         [](Channel& c, const std::string& n, const Value& v) {
             const auto kind = property_value<std::string>(n, v);
             if (kind != "pair" && kind != "single")
                 throw ProtocolError("cmrd sent an unknown channel kind '" + kind + "'");
             c.result.spec.kind =
                 kind == "pair" ? cmr::ChannelSpec::Kind::pair : cmr::ChannelSpec::Kind::single;
         }},
        {"Hot", [](Channel& c, const std::string& n,
                   const Value& v) { c.result.spec.hot = input_number(n, v); }},
        {"Cold", [](Channel& c, const std::string& n,
                    const Value& v) { c.result.spec.cold = input_number(n, v); }},
        {"Input", [](Channel& c, const std::string& n,
                     const Value& v) { c.result.spec.input = input_number(n, v); }},
        {"MainsHz", set_figure(&cmr::ChannelResult::mains_hz)},
        {"LevelDbfs", set_figure(&cmr::ChannelResult::level_dbfs)},
        {"HumDbfs", set_figure(&cmr::ChannelResult::hum_dbfs)},
        {"CmHumDbfs", set_figure(&cmr::ChannelResult::cm_hum_dbfs)},
        {"CmrrDb", set_figure(&cmr::ChannelResult::cmrr_db)},
        {"LegGainDb", set_figure(&cmr::ChannelResult::leg_gain_db)},
        {"Harmonics", [](Channel& c, const std::string& n,
                         const Value& v) { c.result.harmonics = harmonics_from(n, v); }},
        {"CmHarmonics", [](Channel& c, const std::string& n,
                           const Value& v) { c.result.cm_harmonics = harmonics_from(n, v); }},
        {"CmrrKind",
         [](Channel& c, const std::string& n, const Value& v) {
             c.result.cmrr_kind =
                 parse_cmrr_kind(property_value<std::string>(n, v)).value_or(cmr::CmrrKind::none);
         }},
        {"Symmetry",
         [](Channel& c, const std::string& n, const Value& v) {
             c.result.symmetry = parse_symmetry(property_value<std::string>(n, v));
         }},
        {"Alarm",
         [](Channel& c, const std::string& n, const Value& v) {
             c.alarm = parse_alarm_kind(property_value<std::string>(n, v));
         }},
        {"ActiveAlarms",
         [](Channel& c, const std::string& n, const Value& v) {
             c.active_alarms.clear();
             for (const std::string& alarm : property_value<std::vector<std::string>>(n, v))
                 c.active_alarms.push_back(parse_alarm_kind(alarm));
         }},
        {"StreamTime", [](Channel& c, const std::string& n,
                          const Value& v) { c.stream_time_s = property_value<double>(n, v); }},
    };
    return setters;
}

} // namespace

std::optional<double> optional_number(double value)
{
    if (!std::isfinite(value))
        return std::nullopt;
    return value;
}

void apply_device_properties(DeviceState& device, const PropertyMap& properties)
{
    apply(device, properties, device_setters());
}

void apply_channel_properties(ChannelState& channel, const PropertyMap& properties)
{
    apply(channel, properties, channel_setters());
}

} // namespace cmrd::wire
