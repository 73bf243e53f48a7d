// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file object_state.hpp
/// cmrd's Device and Channel objects as plain structs, and the one table that reads their bus
/// properties (GetManagedObjects, InterfacesAdded, PropertiesChanged) into them: NaN becomes
/// an empty optional, "" an absent string, the enumerations their libcmr types. A channel's
/// figures are a cmr::ChannelResult again, so clients print live channels with the same code
/// as recordings. Every client (cmrctl, cmr-notify) reads cmrd through this file.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sdbus-c++/Types.h>

#include "cmr/measurement.hpp"

#include "wire/enum_text.hpp"

namespace cmrd::wire {

/// Property name -> value, as org.freedesktop.DBus.Properties and ObjectManager carry them.
using PropertyMap = std::map<std::string, sdbus::Variant>;
/// Interface name -> its properties (InterfacesAdded, GetManagedObjects).
using InterfaceMap = std::map<std::string, PropertyMap>;

/// An org.cmrd.Monitor1.Channel object.
struct ChannelState {
    std::string path;        ///< the object path
    std::string device_path; ///< its Device object
    /// The figures; `spec` holds the inputs. Unmeasured figures (NaN on the bus) are empty.
    cmr::ChannelResult result;
    cmr::AlarmKind alarm = cmr::AlarmKind::none; ///< the most severe active alarm
    std::vector<cmr::AlarmKind> active_alarms;   ///< every active alarm
    double stream_time_s = 0.0; ///< seconds of audio analysed when the figures were taken
};

/// An org.cmrd.Monitor1.Device object. Strings that the bus leaves empty stay empty.
struct DeviceState {
    std::string path;
    std::string name;
    std::string pcm;
    std::string origin; ///< "udev" or "config"
    std::string card_id;
    std::string model;
    std::string state;             ///< "running", "disconnected", ... (see the API XML)
    std::uint32_t sample_rate = 0; ///< 0 until the stream is configured
    std::string format;
    std::uint32_t inputs = 0;
    std::uint64_t overruns = 0;
    std::uint64_t restarts = 0;
    std::uint64_t worker_overruns = 0; ///< 0 from a cmrd that predates the property
    std::uint32_t holder_pid = 0;      ///< who holds the card while busy, 0 for no one known
    std::string holder_command;
    std::string holder_user;
    std::string access; ///< "auto", "exclusive", "yield", "shared"; "" from an older cmrd
    /// Who else reserves the card on a user's session bus (ReserveDevice1), "" for no one.
    std::string reserved_by;
    std::int32_t reserved_priority = 0;
    std::string reserved_user;
    /// Where the frames come from when not from the card itself ("" for direct capture).
    std::string captured_through;
    /// What falsifies figures on the way through the server ("" when nothing does).
    std::string capture_warning;
    bool realtime = false;
    std::string realtime_detail;
    std::string last_error;
    std::optional<double> mains_hz;
};

/// A device with its channels (in input order), as the commands list them.
struct DeviceView {
    DeviceState device;
    std::vector<ChannelState> channels;
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

/// The value of @p value as a T. @throws ProtocolError naming @p name and both types.
template <typename T> T value_of(const std::string& name, const sdbus::Variant& value)
{
    if (!value.containsValueOfType<T>())
        throw ProtocolError("cmrd sent " + name + " as type '" + value.peekValueType() +
                            "', expected '" + sdbus::signature_of<T>::str() + "'");
    return value.get<T>();
}

} // namespace cmrd::wire
