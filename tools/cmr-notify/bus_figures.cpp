// SPDX-License-Identifier: GPL-2.0-or-later
#include "bus_figures.hpp"

#include "cmrd_bus_names.hpp"

namespace cmrnotify {
namespace {

std::string last_element(const std::string& path)
{
    const std::size_t slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace

ChannelAlarms channel_alarms_of(const cmrd::wire::ChannelState& state, const std::string& device)
{
    ChannelAlarms channel;
    channel.device = device;
    channel.channel = state.result.spec.id();
    channel.alarms.insert(state.active_alarms.begin(), state.active_alarms.end());
    const cmr::ChannelResult& r = state.result;
    Figures& f = channel.figures;
    f.device = device;
    f.channel = channel.channel;
    f.mains_hz = r.mains_hz;
    f.hum_dbfs = r.hum_dbfs;
    f.cm_hum_dbfs = r.cm_hum_dbfs;
    f.cmrr_db = r.cmrr_db;
    if (r.spec.is_pair())
        f.cmrr_kind = r.cmrr_kind;
    f.symmetry = r.symmetry;
    return channel;
}

std::string device_name(const PropertyMap& properties, const std::string& device_path)
{
    cmrd::wire::DeviceState device;
    cmrd::wire::apply_device_properties(device, properties);
    return device.name.empty() ? last_element(device_path) : device.name;
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
        cmrd::wire::ChannelState state;
        cmrd::wire::apply_channel_properties(state, it->second);
        const auto device = devices.find(state.device_path);
        channels.emplace(path, channel_alarms_of(state, device != devices.end()
                                                            ? device->second
                                                            : last_element(state.device_path)));
    }
    return channels;
}

} // namespace cmrnotify
