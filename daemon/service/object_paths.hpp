// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file object_paths.hpp
/// Object paths of devices and channels (scheme documented in dbus/org.cmrd.Monitor1.xml).

#include <string>
#include <string_view>

#include "cmr/layout.hpp"

namespace cmrd::bus {

/// /org/cmrd/Monitor1/devices/<name escaped as sd_bus_path_encode does>.
[[nodiscard]] std::string device_path(std::string_view device_name);

/// <device path>/pair_H_C or <device path>/input_N.
[[nodiscard]] std::string channel_path(std::string_view device_path, const cmr::ChannelSpec& ch);

} // namespace cmrd::bus
