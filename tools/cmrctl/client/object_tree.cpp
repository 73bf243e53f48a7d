// SPDX-License-Identifier: GPL-2.0-or-later
#include "client/object_tree.hpp"

#include <algorithm>

#include "monitor1_proxy.h"

namespace cmrctl::client {
namespace {

const std::string device_interface = org::cmrd::Monitor1::Device_proxy::INTERFACE_NAME;
const std::string channel_interface = org::cmrd::Monitor1::Channel_proxy::INTERFACE_NAME;

bool contains(const std::vector<std::string>& names, const std::string& name)
{
    return std::find(names.begin(), names.end(), name) != names.end();
}

} // namespace

int first_input(const cmr::ChannelSpec& spec)
{
    return spec.is_pair() ? spec.hot : spec.input;
}

ObjectKind ObjectTree::add(const std::string& path, const InterfaceMap& interfaces)
{
    if (const auto found = interfaces.find(device_interface); found != interfaces.end()) {
        DeviceState& device = devices_[path];
        device.path = path;
        apply_device_properties(device, found->second);
        return ObjectKind::device;
    }
    if (const auto found = interfaces.find(channel_interface); found != interfaces.end()) {
        ChannelState& channel = channels_[path];
        channel.path = path;
        apply_channel_properties(channel, found->second);
        return ObjectKind::channel;
    }
    return ObjectKind::other;
}

ObjectKind ObjectTree::remove(const std::string& path, const std::vector<std::string>& interfaces)
{
    if (contains(interfaces, device_interface) && devices_.erase(path) > 0)
        return ObjectKind::device;
    if (contains(interfaces, channel_interface) && channels_.erase(path) > 0)
        return ObjectKind::channel;
    return ObjectKind::other;
}

ObjectKind ObjectTree::update(const std::string& path, const std::string& interface,
                              const PropertyMap& changed)
{
    if (interface == device_interface) {
        if (const auto found = devices_.find(path); found != devices_.end()) {
            apply_device_properties(found->second, changed);
            return ObjectKind::device;
        }
    } else if (interface == channel_interface) {
        if (const auto found = channels_.find(path); found != channels_.end()) {
            apply_channel_properties(found->second, changed);
            return ObjectKind::channel;
        }
    }
    return ObjectKind::other;
}

void ObjectTree::clear()
{
    devices_.clear();
    channels_.clear();
}

const DeviceState* ObjectTree::device(const std::string& path) const
{
    const auto found = devices_.find(path);
    return found == devices_.end() ? nullptr : &found->second;
}

const ChannelState* ObjectTree::channel(const std::string& path) const
{
    const auto found = channels_.find(path);
    return found == channels_.end() ? nullptr : &found->second;
}

std::vector<DeviceView> ObjectTree::devices() const
{
    std::vector<DeviceView> views;
    views.reserve(devices_.size());
    for (const auto& [path, device] : devices_) {
        DeviceView view{device, {}};
        for (const auto& [channel_path, channel] : channels_)
            if (channel.device_path == path)
                view.channels.push_back(channel);
        std::sort(view.channels.begin(), view.channels.end(),
                  [](const ChannelState& a, const ChannelState& b) {
                      return first_input(a.result.spec) < first_input(b.result.spec);
                  });
        views.push_back(std::move(view));
    }
    std::sort(views.begin(), views.end(), [](const DeviceView& a, const DeviceView& b) {
        return a.device.name < b.device.name;
    });
    return views;
}

} // namespace cmrctl::client
