// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file name_watch.hpp
/// Watching a name's owner on a bus (cmrd on the system bus, the notification server on the
/// session bus).

#include <functional>
#include <string>

#include <sdbus-c++/IConnection.h>
#include <sdbus-c++/TypeTraits.h>

namespace cmrd::client {

/// Calls @p changed(true) when @p name gets an owner (or a new one), changed(false) when it
/// loses it (NameOwnerChanged, filtered by the bus on the name). The watch lasts as long as
/// the returned slot. @throws sdbus::Error.
[[nodiscard]] sdbus::Slot watch_name_owner(sdbus::IConnection& bus, const std::string& name,
                                           std::function<void(bool present)> changed);

} // namespace cmrd::client
