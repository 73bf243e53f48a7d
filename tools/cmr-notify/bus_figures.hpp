// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file bus_figures.hpp
/// cmr-notify's view of cmrd's objects, built from the wire model (dbus/wire/): a Channel
/// object's state as ChannelAlarms, and every channel of a GetManagedObjects answer. A value
/// cmrd sends that the wire model does not understand throws cmrd::wire::ProtocolError.

#include <map>
#include <string>

#include <sdbus-c++/Types.h>

#include "channel_alarms.hpp"
#include "wire/object_state.hpp"

namespace cmrnotify {

using cmrd::wire::InterfaceMap;
using cmrd::wire::PropertyMap;
using ManagedObjects = std::map<sdbus::ObjectPath, InterfaceMap>;

/// A Channel object, decoded by the wire model, on the device named @p device.
[[nodiscard]] ChannelAlarms channel_alarms_of(const cmrd::wire::ChannelState& state,
                                              const std::string& device);

/// The Name property of a Device object, or the last element of @p device_path when absent.
[[nodiscard]] std::string device_name(const PropertyMap& properties,
                                      const std::string& device_path);

/// Every Channel object of a GetManagedObjects answer, by object path, with its device's
/// name from the Device objects of the same answer.
[[nodiscard]] std::map<std::string, ChannelAlarms>
channels_from_objects(const ManagedObjects& objects);

} // namespace cmrnotify
