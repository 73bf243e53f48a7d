// SPDX-License-Identifier: GPL-2.0-or-later
#include "client/selection.hpp"

#include <algorithm>
#include <set>
#include <utility>

namespace cmrctl::client {
namespace {

/// (device index, channel index or npos for the whole device)
using Pick = std::pair<std::size_t, std::size_t>;
constexpr std::size_t whole_device = static_cast<std::size_t>(-1);

std::string known_names(const std::vector<DeviceView>& devices)
{
    if (devices.empty())
        return "cmrd monitors no device";
    std::string text = "cmrd monitors ";
    for (std::size_t i = 0; i < devices.size(); ++i) {
        text += (i == 0 ? "" : ", ") + devices[i].device.name + " (";
        const auto& channels = devices[i].channels;
        for (std::size_t j = 0; j < channels.size(); ++j)
            text += (j == 0 ? "" : " ") + channels[j].result.spec.id();
        text += ")";
    }
    return text;
}

Pick find(const std::vector<DeviceView>& devices, const std::string& name)
{
    std::size_t best = whole_device;
    for (std::size_t i = 0; i < devices.size(); ++i) {
        const std::string& device = devices[i].device.name;
        const bool whole = name == device;
        const bool prefix = name.size() > device.size() + 1 &&
                            name.compare(0, device.size(), device) == 0 &&
                            name[device.size()] == '/';
        if ((whole || prefix) &&
            (best == whole_device || device.size() > devices[best].device.name.size()))
            best = i;
    }
    if (best == whole_device)
        throw UnknownSelection("no device '" + name.substr(0, name.find('/')) +
                               "': " + known_names(devices));
    const std::string& device = devices[best].device.name;
    if (name == device)
        return {best, whole_device};
    const std::string id = name.substr(device.size() + 1);
    const auto& channels = devices[best].channels;
    for (std::size_t j = 0; j < channels.size(); ++j)
        if (channels[j].result.spec.id() == id)
            return {best, j};
    throw UnknownSelection("no channel '" + id + "' on device " + device + ": " +
                           known_names(devices));
}

} // namespace

std::vector<DeviceView> select(const std::vector<DeviceView>& devices,
                               const std::vector<std::string>& names)
{
    if (names.empty())
        return devices;
    std::set<Pick> picks;
    for (const std::string& name : names)
        picks.insert(find(devices, name));
    std::vector<DeviceView> out;
    for (std::size_t i = 0; i < devices.size(); ++i) {
        if (picks.count({i, whole_device}) > 0) {
            out.push_back(devices[i]);
            continue;
        }
        DeviceView view{devices[i].device, {}};
        for (std::size_t j = 0; j < devices[i].channels.size(); ++j)
            if (picks.count({i, j}) > 0)
                view.channels.push_back(devices[i].channels[j]);
        if (!view.channels.empty())
            out.push_back(std::move(view));
    }
    return out;
}

} // namespace cmrctl::client
