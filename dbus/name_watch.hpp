// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file name_watch.hpp
/// Watching a name's owner on a bus (cmrd on the system bus, the notification server on the
/// session bus, an agent for cmrd, the card reservations for cmrd-agent).

#include <functional>
#include <string>

#include <sdbus-c++/IConnection.h>
#include <sdbus-c++/TypeTraits.h>

namespace cmrd::bus {

/// Calls @p changed(true) when @p name gets an owner (or a new one), changed(false) when it
/// loses it (NameOwnerChanged, filtered by the bus on the name). The watch lasts as long as
/// the returned slot. @throws sdbus::Error.
[[nodiscard]] sdbus::Slot watch_name_owner(sdbus::IConnection& bus, const std::string& name,
                                           std::function<void(bool present)> changed);

/// Whether @p name has an owner now (org.freedesktop.DBus.NameHasOwner). @throws sdbus::Error.
[[nodiscard]] bool has_owner(sdbus::IConnection& bus, const std::string& name);

/// Calls @p changed(name, new_owner) whenever a name in @p name_space (the name itself or any
/// name below it, e.g. "org.freedesktop.ReserveDevice1") gets a new owner or loses it
/// (new_owner ""). The watch lasts as long as the returned slot. @throws sdbus::Error.
[[nodiscard]] sdbus::Slot watch_name_owners_in(
    sdbus::IConnection& bus, const std::string& name_space,
    std::function<void(const std::string& name, const std::string& new_owner)> changed);

} // namespace cmrd::bus
