// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file property_decoding.hpp
/// Bus property values into the plain structs of live_state.hpp: NaN becomes an empty
/// optional, "" an absent string, the enumerations their libcmr types. The same functions
/// read a whole object (GetManagedObjects, InterfacesAdded) and the changed subset a
/// PropertiesChanged signal carries.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <sdbus-c++/Types.h>

#include "cmr/measurement.hpp"

#include "client/live_state.hpp"

namespace cmrctl::client {

/// Property name -> value, as org.freedesktop.DBus.Properties and ObjectManager carry them.
using PropertyMap = std::map<std::string, sdbus::Variant>;

/// Thrown when cmrd sends something this cmrctl does not understand (a wrong type, an unknown
/// enumeration value): a newer or broken daemon.
class ProtocolError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Sets the fields of @p device named in @p properties (org.cmrd.Monitor1.Device); others keep
/// their values. Unknown property names are ignored (a newer cmrd may add some).
/// @throws ProtocolError for a value of the wrong type.
void apply_device_properties(DeviceState& device, const PropertyMap& properties);

/// The same for a channel (org.cmrd.Monitor1.Channel). Kind, Hot, Cold and Input set
/// `result.spec`. @throws ProtocolError for a wrong type or an unknown enumeration value.
void apply_channel_properties(ChannelState& channel, const PropertyMap& properties);

/// An empty optional for NaN (the bus's "null") and infinities, the value otherwise.
[[nodiscard]] std::optional<double> optional_number(double value);

/// The enumerations from their bus (and JSON) spelling. "" is CmrrKind::none and no symmetry.
/// @throws ProtocolError for anything else.
[[nodiscard]] cmr::AlarmKind parse_alarm_kind(std::string_view text);
[[nodiscard]] cmr::CmrrKind parse_cmrr_kind(std::string_view text);
[[nodiscard]] std::optional<cmr::Symmetry> parse_symmetry(std::string_view text);

} // namespace cmrctl::client
