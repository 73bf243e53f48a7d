// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file selection.hpp
/// Naming what to look at on the command line: `DEVICE` (all its channels) or
/// `DEVICE/CHANNEL` with the channel id as in a layout ("desk/1/2", "desk/7").

#include <stdexcept>
#include <string>
#include <vector>

#include "client/wire_types.hpp"

namespace cmrctl::client {

/// A name that matches no monitored device or channel. what() says which, and what there is.
class UnknownSelection : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The devices and channels @p names select from @p devices, in @p devices' order (each
/// device once, with the selected channels only). No names select everything. A device name
/// may itself contain '/': the longest device name that matches wins.
/// @throws UnknownSelection for a name that selects nothing.
[[nodiscard]] std::vector<DeviceView> select(const std::vector<DeviceView>& devices,
                                             const std::vector<std::string>& names);

} // namespace cmrctl::client
