// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file device_name.hpp
/// Device names: the id of a monitored device in D-Bus object paths and output.

#include <cstddef>
#include <string>
#include <string_view>

namespace cmrd::config {

/// Longest device name.
inline constexpr std::size_t max_device_name_length = 64;

/// Whether @p name is usable as a device name: 1 to 64 characters from [A-Za-z0-9_-]. (D-Bus
/// object path elements allow only [A-Za-z0-9_]: whoever builds a path must escape '-'.)
[[nodiscard]] bool is_valid_device_name(std::string_view name);

/// A valid device name made from @p text (a card id): characters outside [A-Za-z0-9_-]
/// become '_', and the result is cut to 64 characters. An empty @p text gives "card".
[[nodiscard]] std::string sanitize_device_name(std::string_view text);

} // namespace cmrd::config
