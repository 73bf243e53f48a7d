// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file root_proxy.hpp
/// A proxy of cmrd's root object (/org/cmrd/Monitor1): the generated Manager proxy
/// (GetEvents, Reload, Version, AlarmRaised/AlarmCleared) and the standard ObjectManager
/// (GetManagedObjects, InterfacesAdded/InterfacesRemoved). The one proxy of cmrd's root for
/// every client (cmrctl, cmr-notify).

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <sdbus-c++/ProxyInterfaces.h>
#include <sdbus-c++/StandardInterfaces.h>

#include "monitor1_proxy.h"
#include "wire/object_state.hpp"

namespace cmrd::client {

using cmrd::wire::InterfaceMap;
using cmrd::wire::PropertyMap;
/// Every object with its interfaces and properties, as GetManagedObjects answers.
using ManagedObjects = std::map<sdbus::ObjectPath, InterfaceMap>;

/// What to do with the root object's signals. Handlers must not throw: they run inside
/// sd-bus's C code.
struct RootSignalHandlers {
    /// AlarmRaised (raised true) and AlarmCleared: channel object path, alarm, figures.
    std::function<void(const std::string&, const std::string&, const PropertyMap&, bool)> alarm;
    std::function<void(const std::string&, const InterfaceMap&)> interfaces_added;
    std::function<void(const std::string&, const std::vector<std::string>&)> interfaces_removed;
};

class RootProxy final : public sdbus::ProxyInterfaces<org::cmrd::Monitor1::Manager_proxy,
                                                      sdbus::ObjectManager_proxy> {
public:
    /// A proxy for method calls only: no signal is subscribed, so creating it costs nothing on
    /// the bus.
    explicit RootProxy(sdbus::IConnection& connection);

    /// A proxy that also receives the root object's signals (match rules are added on the bus
    /// here). @throws sdbus::Error when the rules cannot be added.
    RootProxy(sdbus::IConnection& connection, RootSignalHandlers handlers);

    ~RootProxy();
    RootProxy(const RootProxy&) = delete;
    RootProxy& operator=(const RootProxy&) = delete;

    /// GetManagedObjects without blocking: @p done gets the answer, or the error (then the
    /// objects are empty), from the connection's processing; a stuck cmrd counts as failed
    /// after @p timeout. @throws sdbus::Error when the call cannot be sent.
    void request_objects(
        std::chrono::microseconds timeout,
        std::function<void(const sdbus::Error* error, const ManagedObjects& objects)> done);

private:
    void onAlarmRaised(const sdbus::ObjectPath& channel, const std::string& alarm,
                       const std::map<std::string, sdbus::Variant>& figures) override;
    void onAlarmCleared(const sdbus::ObjectPath& channel, const std::string& alarm,
                        const std::map<std::string, sdbus::Variant>& figures) override;
    void onInterfacesAdded(const sdbus::ObjectPath& path, const InterfaceMap& interfaces) override;
    void onInterfacesRemoved(const sdbus::ObjectPath& path,
                             const std::vector<std::string>& interfaces) override;

    RootSignalHandlers handlers_;
};

} // namespace cmrd::client
