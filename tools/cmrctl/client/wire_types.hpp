// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file wire_types.hpp
/// The wire model (dbus/wire/) as cmrctl's client code names it: cmrd's objects, alarm changes
/// and their decoding are shared with cmr-notify, not written again here.

#include "wire/alarm_figures.hpp"
#include "wire/enum_text.hpp"
#include "wire/object_state.hpp"

namespace cmrctl::client {

using cmrd::wire::action_name;
using cmrd::wire::AlarmChange;
using cmrd::wire::AlarmFigures;
using cmrd::wire::apply_channel_properties;
using cmrd::wire::apply_device_properties;
using cmrd::wire::BusEvent;
using cmrd::wire::ChannelState;
using cmrd::wire::decode_alarm_signal;
using cmrd::wire::decode_event;
using cmrd::wire::decode_figures;
using cmrd::wire::DeviceState;
using cmrd::wire::DeviceView;
using cmrd::wire::InterfaceMap;
using cmrd::wire::optional_number;
using cmrd::wire::parse_alarm_kind;
using cmrd::wire::PropertyMap;
using cmrd::wire::ProtocolError;
using cmrd::wire::text_of;

} // namespace cmrctl::client
