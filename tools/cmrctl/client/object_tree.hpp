// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file object_tree.hpp
/// A client-side copy of cmrd's Device and Channel objects, filled from GetManagedObjects and
/// kept current from InterfacesAdded, InterfacesRemoved and PropertiesChanged.

#include <map>
#include <string>
#include <vector>

#include "client/wire_types.hpp"

namespace cmrctl::client {

/// What an object path of cmrd's tree turned out to be.
enum class ObjectKind { other, device, channel };

class ObjectTree {
public:
    /// Adds (or completes) the object at @p path from the interfaces it carries.
    /// @return device or channel when it carries one of those interfaces, other otherwise.
    /// @throws ProtocolError (property_decoding.hpp).
    ObjectKind add(const std::string& path, const InterfaceMap& interfaces);

    /// Forgets the object at @p path when it loses the Device or Channel interface.
    /// @return what it was (other when it was not known).
    ObjectKind remove(const std::string& path, const std::vector<std::string>& interfaces);

    /// Applies a PropertiesChanged signal. @return what the object is; other when @p path is
    /// not a known device or channel (the change is then ignored).
    ObjectKind update(const std::string& path, const std::string& interface,
                      const PropertyMap& changed);

    /// Forgets everything (cmrd went away).
    void clear();

    [[nodiscard]] const DeviceState* device(const std::string& path) const;
    [[nodiscard]] const ChannelState* channel(const std::string& path) const;

    /// Every device, sorted by name, each with its channels sorted by first input. Channels
    /// whose device is unknown are left out.
    [[nodiscard]] std::vector<DeviceView> devices() const;

    [[nodiscard]] bool empty() const { return devices_.empty() && channels_.empty(); }

private:
    std::map<std::string, DeviceState> devices_;
    std::map<std::string, ChannelState> channels_;
};

/// The first input of a channel (hot leg or single input): the order channels are listed in.
[[nodiscard]] int first_input(const cmr::ChannelSpec& spec);

} // namespace cmrctl::client
