// SPDX-License-Identifier: GPL-2.0-or-later
#include "bus_figures.hpp"

#include <cmath>
#include <optional>
#include <vector>

#include "cmrd_bus_names.hpp"

namespace cmrnotify {
namespace {

template <typename T> std::optional<T> get(const VariantMap& map, const std::string& key)
{
    const auto it = map.find(key);
    if (it == map.end() || !it->second.containsValueOfType<T>())
        return std::nullopt;
    return it->second.get<T>();
}

std::optional<double> number(const VariantMap& map, const std::string& key)
{
    const std::optional<double> value = get<double>(map, key);
    if (value && !std::isfinite(*value))
        return std::nullopt;
    return value;
}

std::string text(const VariantMap& map, const std::string& key)
{
    return get<std::string>(map, key).value_or("");
}

std::string last_element(const std::string& path)
{
    const std::size_t slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace

Figures figures_from_signal(const VariantMap& figures)
{
    Figures f;
    f.mains_hz = number(figures, "mains_hz");
    f.hum_dbfs = number(figures, "hum_dbfs");
    f.cm_hum_dbfs = number(figures, "cm_hum_dbfs");
    f.cmrr_db = number(figures, "cmrr_db");
    f.value = number(figures, "value");
    f.cmrr_kind = text(figures, "cmrr_kind");
    f.symmetry = text(figures, "symmetry");
    return f;
}

AlarmChange alarm_change_from_signal(const std::string& alarm, bool raised,
                                     const VariantMap& figures)
{
    AlarmChange change;
    change.device = text(figures, "device");
    change.channel = text(figures, "channel");
    change.alarm = alarm;
    change.raised = raised;
    change.figures = figures_from_signal(figures);
    return change;
}

ChannelAlarms channel_from_properties(const VariantMap& properties, const std::string& device)
{
    ChannelAlarms channel;
    channel.device = device;
    channel.channel = text(properties, "Id");
    for (const std::string& alarm : get<std::vector<std::string>>(properties, "ActiveAlarms")
                                        .value_or(std::vector<std::string>{}))
        channel.alarms.insert(alarm);
    Figures& f = channel.figures;
    f.mains_hz = number(properties, "MainsHz");
    f.hum_dbfs = number(properties, "HumDbfs");
    f.cm_hum_dbfs = number(properties, "CmHumDbfs");
    f.cmrr_db = number(properties, "CmrrDb");
    f.cmrr_kind = text(properties, "CmrrKind");
    f.symmetry = text(properties, "Symmetry");
    return channel;
}

std::string device_name(const VariantMap& properties, const std::string& device_path)
{
    const std::string name = text(properties, "Name");
    return name.empty() ? last_element(device_path) : name;
}

std::map<std::string, ChannelAlarms> channels_from_objects(const ManagedObjects& objects)
{
    std::map<std::string, std::string> devices;
    for (const auto& [path, interfaces] : objects)
        if (const auto it = interfaces.find(cmrd::bus::device_interface); it != interfaces.end())
            devices[path] = device_name(it->second, path);

    std::map<std::string, ChannelAlarms> channels;
    for (const auto& [path, interfaces] : objects) {
        const auto it = interfaces.find(cmrd::bus::channel_interface);
        if (it == interfaces.end())
            continue;
        const std::string device_path =
            get<sdbus::ObjectPath>(it->second, "Device").value_or(sdbus::ObjectPath());
        const auto device = devices.find(device_path);
        channels.emplace(path,
                         channel_from_properties(it->second, device != devices.end()
                                                                 ? device->second
                                                                 : last_element(device_path)));
    }
    return channels;
}

} // namespace cmrnotify
