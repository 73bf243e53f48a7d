// SPDX-License-Identifier: GPL-2.0-or-later
#include "client/property_decoding.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

namespace cmrctl::client {
namespace {

using BusHarmonics = std::vector<sdbus::Struct<std::uint32_t, double, double>>;

template <typename T> T value_of(const std::string& name, const sdbus::Variant& value)
{
    if (!value.containsValueOfType<T>())
        throw ProtocolError("cmrd sent property " + name + " as type '" + value.peekValueType() +
                            "', expected '" + sdbus::signature_of<T>::str() + "'");
    return value.get<T>();
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
        object.*member = value_of<T>(name, value);
    };
}

cmr::HarmonicList harmonics_from(const std::string& name, const sdbus::Variant& value)
{
    cmr::HarmonicList list;
    for (const auto& harmonic : value_of<BusHarmonics>(name, value)) {
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
    return static_cast<int>(value_of<std::uint32_t>(name, value));
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
        {"Realtime", set(&DeviceState::realtime)},
        {"RealtimeDetail", set(&DeviceState::realtime_detail)},
        {"LastError", set(&DeviceState::last_error)},
        {"MainsHz",
         [](DeviceState& d, const std::string& n, const sdbus::Variant& v) {
             d.mains_hz = optional_number(value_of<double>(n, v));
         }},
    };
    return setters;
}

/// A figure of the channel's result, NaN meaning "not measured".
auto set_figure(std::optional<double> cmr::ChannelResult::*member)
{
    return [member](ChannelState& c, const std::string& name, const sdbus::Variant& value) {
        c.result.*member = optional_number(value_of<double>(name, value));
    };
}

const Setters<ChannelState>& channel_setters()
{
    using Channel = ChannelState;
    using Value = sdbus::Variant;
    static const Setters<ChannelState> setters = {
        {"Device", [](Channel& c, const std::string& n,
                      const Value& v) { c.device_path = value_of<sdbus::ObjectPath>(n, v); }},
        {"Kind",
         [](Channel& c, const std::string& n, const Value& v) {
             const auto kind = value_of<std::string>(n, v);
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
             c.result.cmrr_kind = parse_cmrr_kind(value_of<std::string>(n, v));
         }},
        {"Symmetry",
         [](Channel& c, const std::string& n, const Value& v) {
             c.result.symmetry = parse_symmetry(value_of<std::string>(n, v));
         }},
        {"Alarm", [](Channel& c, const std::string& n,
                     const Value& v) { c.alarm = parse_alarm_kind(value_of<std::string>(n, v)); }},
        {"ActiveAlarms",
         [](Channel& c, const std::string& n, const Value& v) {
             c.active_alarms.clear();
             for (const std::string& alarm : value_of<std::vector<std::string>>(n, v))
                 c.active_alarms.push_back(parse_alarm_kind(alarm));
         }},
        {"StreamTime", [](Channel& c, const std::string& n,
                          const Value& v) { c.stream_time_s = value_of<double>(n, v); }},
    };
    return setters;
}

/// The enumerator of @p candidates whose libcmr spelling is @p text.
template <typename Enum, std::size_t N>
std::optional<Enum> find_spelling(std::string_view text, const std::array<Enum, N>& candidates)
{
    for (const Enum candidate : candidates)
        if (cmr::to_string(candidate) == text)
            return candidate;
    return std::nullopt;
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

cmr::AlarmKind parse_alarm_kind(std::string_view text)
{
    using K = cmr::AlarmKind;
    if (const auto kind = find_spelling(
            text, std::array{K::none, K::hum, K::ground_loop, K::cmrr_low, K::wiring}))
        return *kind;
    throw ProtocolError("cmrd sent an unknown alarm kind '" + std::string(text) + "'");
}

cmr::CmrrKind parse_cmrr_kind(std::string_view text)
{
    using K = cmr::CmrrKind;
    if (text.empty())
        return K::none;
    if (const auto kind = find_spelling(text, std::array{K::none, K::measured, K::lower_bound}))
        return *kind;
    throw ProtocolError("cmrd sent an unknown CMRR kind '" + std::string(text) + "'");
}

std::optional<cmr::Symmetry> parse_symmetry(std::string_view text)
{
    using S = cmr::Symmetry;
    if (text.empty())
        return std::nullopt;
    if (const auto symmetry =
            find_spelling(text, std::array{S::no_signal, S::symmetric, S::cold_silent,
                                           S::hot_silent, S::in_phase, S::uncorrelated}))
        return *symmetry;
    throw ProtocolError("cmrd sent an unknown symmetry '" + std::string(text) + "'");
}

} // namespace cmrctl::client
