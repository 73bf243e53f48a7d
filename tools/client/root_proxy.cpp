// SPDX-License-Identifier: GPL-2.0-or-later
#include "client/root_proxy.hpp"

#include "cmrd_bus_names.hpp"

namespace cmrd::client {

RootProxy::RootProxy(sdbus::IConnection& connection)
    : ProxyInterfaces(connection, cmrd::bus::service_name, cmrd::bus::root_path)
{
    // No registerProxy(): the generated constructors only prepared the signal handlers;
    // without registration no match rule reaches the bus and method calls still work.
}

RootProxy::RootProxy(sdbus::IConnection& connection, RootSignalHandlers handlers)
    : ProxyInterfaces(connection, cmrd::bus::service_name, cmrd::bus::root_path),
      handlers_(std::move(handlers))
{
    registerProxy();
}

RootProxy::~RootProxy()
{
    unregisterProxy();
}

void RootProxy::request_objects(
    std::chrono::microseconds timeout,
    std::function<void(const sdbus::Error* error, const ManagedObjects& objects)> done)
{
    getProxy()
        .callMethodAsync("GetManagedObjects")
        .onInterface(cmrd::bus::object_manager_interface)
        .withTimeout(timeout)
        .uponReplyInvoke(std::move(done));
}

void RootProxy::onAlarmRaised(const sdbus::ObjectPath& channel, const std::string& alarm,
                              const std::map<std::string, sdbus::Variant>& figures)
{
    if (handlers_.alarm)
        handlers_.alarm(channel, alarm, figures, true);
}

void RootProxy::onAlarmCleared(const sdbus::ObjectPath& channel, const std::string& alarm,
                               const std::map<std::string, sdbus::Variant>& figures)
{
    if (handlers_.alarm)
        handlers_.alarm(channel, alarm, figures, false);
}

void RootProxy::onInterfacesAdded(const sdbus::ObjectPath& path, const InterfaceMap& interfaces)
{
    if (handlers_.interfaces_added)
        handlers_.interfaces_added(path, interfaces);
}

void RootProxy::onInterfacesRemoved(const sdbus::ObjectPath& path,
                                    const std::vector<std::string>& interfaces)
{
    if (handlers_.interfaces_removed)
        handlers_.interfaces_removed(path, interfaces);
}

} // namespace cmrd::client
