// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file card_holder_text.hpp
/// Who else has a device's card, in the words of `cmrctl status`, `watch` lines and `check`:
/// the process holding its capture stream (Device.HolderPid...) and the application reserving
/// it on a user's session bus (Device.ReservedBy...).

#include <string>

#include "client/wire_types.hpp"

namespace cmrctl::client {

/// "held by jackd (PID 1234, alice)", "reserved by WirePlumber (priority -20, alice's
/// session)", or both joined by ", "; "" when the device names no one.
[[nodiscard]] std::string card_holder_text(const DeviceState& device);

} // namespace cmrctl::client
