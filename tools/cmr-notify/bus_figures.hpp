// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file bus_figures.hpp
/// Reading cmrd's D-Bus values into cmr-notify's plain types: the figures dictionary of
/// AlarmRaised/AlarmCleared, Channel and Device properties, a GetManagedObjects answer.
/// cmrd publishes NaN for "not measured" and leaves keys out of the figures; both, and a
/// value of an unexpected type, read as "not known".

#include <map>
#include <string>

#include <sdbus-c++/Types.h>

#include "channel_alarms.hpp"

namespace cmrnotify {

using VariantMap = std::map<std::string, sdbus::Variant>;
using InterfaceMap = std::map<std::string, VariantMap>;
using ManagedObjects = std::map<sdbus::ObjectPath, InterfaceMap>;

/// The figures of an alarm signal ("mains_hz", "hum_dbfs", "cm_hum_dbfs", "cmrr_db",
/// "cmrr_kind", "symmetry", "value").
[[nodiscard]] Figures figures_from_signal(const VariantMap& figures);

/// An AlarmRaised (@p raised) or AlarmCleared signal; device and channel from the figures.
[[nodiscard]] AlarmChange alarm_change_from_signal(const std::string& alarm, bool raised,
                                                   const VariantMap& figures);

/// A Channel object's properties (Id, ActiveAlarms, MainsHz, HumDbfs, CmHumDbfs, CmrrDb,
/// CmrrKind, Symmetry) on the device named @p device.
[[nodiscard]] ChannelAlarms channel_from_properties(const VariantMap& properties,
                                                    const std::string& device);

/// The Name property of a Device object, or the last element of @p device_path when absent.
[[nodiscard]] std::string device_name(const VariantMap& properties, const std::string& device_path);

/// Every Channel object of a GetManagedObjects answer, by object path, with its device's
/// name from the Device objects of the same answer.
[[nodiscard]] std::map<std::string, ChannelAlarms>
channels_from_objects(const ManagedObjects& objects);

} // namespace cmrnotify
