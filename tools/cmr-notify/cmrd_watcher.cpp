// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmrd_watcher.hpp"

#include <chrono>
#include <exception>

#include <sdbus-c++/Error.h>
#include <sdbus-c++/ProxyInterfaces.h>
#include <sdbus-c++/StandardInterfaces.h>

#include "bus_figures.hpp"
#include "cmrd_bus_names.hpp"
#include "log.hpp"
#include "monitor1_proxy.h"
#include "name_watch.hpp"

namespace cmrnotify {
namespace {

/// A snapshot that takes longer than this counts as failed (and is retried).
constexpr auto snapshot_timeout = std::chrono::seconds(10);

bool means_absent(const sdbus::Error& error)
{
    return error.getName() == "org.freedesktop.DBus.Error.ServiceUnknown" ||
           error.getName() == "org.freedesktop.DBus.Error.NameHasNoOwner";
}

/// Runs a signal handler's body: an exception escaping into sd-bus's dispatch would end the
/// process, so it is logged here instead.
template <typename Body> void guarded(const char* what, Body&& body)
{
    try {
        body();
    } catch (const std::exception& e) {
        cmrd::common::log(LOG_ERR, std::string(what) + ": " + e.what());
    }
}

} // namespace

/// cmrd's root object: the Manager's signals and the ObjectManager.
class CmrdWatcher::RootProxy final
    : public sdbus::ProxyInterfaces<org::cmrd::Monitor1::Manager_proxy,
                                    sdbus::ObjectManager_proxy> {
public:
    RootProxy(sdbus::IConnection& bus, CmrdWatcher& owner)
        : ProxyInterfaces(bus, cmrd::bus::service_name, cmrd::bus::root_path), owner_(owner)
    {
        registerProxy();
    }
    ~RootProxy() { unregisterProxy(); }
    RootProxy(const RootProxy&) = delete;
    RootProxy& operator=(const RootProxy&) = delete;

    void request_objects(std::function<void(Snapshot)> done)
    {
        getProxy()
            .callMethodAsync("GetManagedObjects")
            .onInterface(cmrd::bus::object_manager_interface)
            .withTimeout(snapshot_timeout)
            .uponReplyInvoke([this, done = std::move(done)](const sdbus::Error* error,
                                                            const ManagedObjects& objects) {
                Snapshot snapshot;
                guarded("snapshot of cmrd", [&] {
                    if (error != nullptr) {
                        snapshot.cmrd_absent = means_absent(*error);
                        snapshot.error = error->getName() + ": " + error->getMessage();
                    } else {
                        for (const auto& [path, interfaces] : objects)
                            if (const auto it = interfaces.find(cmrd::bus::device_interface);
                                it != interfaces.end())
                                owner_.device_names_[path] = device_name(it->second, path);
                        snapshot.channels = channels_from_objects(objects);
                    }
                    done(std::move(snapshot));
                });
            });
    }

private:
    void onAlarmRaised(const sdbus::ObjectPath& channel, const std::string& alarm,
                       const PropertyMap& figures) override
    {
        guarded("AlarmRaised", [&] {
            owner_.events_.alarm_changed(channel,
                                         cmrd::wire::decode_alarm_signal(alarm, true, figures));
        });
    }
    void onAlarmCleared(const sdbus::ObjectPath& channel, const std::string& alarm,
                        const PropertyMap& figures) override
    {
        guarded("AlarmCleared", [&] {
            owner_.events_.alarm_changed(channel,
                                         cmrd::wire::decode_alarm_signal(alarm, false, figures));
        });
    }
    void onInterfacesAdded(const sdbus::ObjectPath& path, const InterfaceMap& interfaces) override
    {
        guarded("InterfacesAdded", [&] {
            if (const auto it = interfaces.find(cmrd::bus::device_interface);
                it != interfaces.end())
                owner_.device_names_[path] = device_name(it->second, path);
            const auto it = interfaces.find(cmrd::bus::channel_interface);
            if (it == interfaces.end())
                return;
            cmrd::wire::ChannelState state;
            cmrd::wire::apply_channel_properties(state, it->second);
            const std::string& device_path = state.device_path;
            const auto name = owner_.device_names_.find(device_path);
            owner_.events_.channel_appeared(
                path, channel_from_properties(it->second, name != owner_.device_names_.end()
                                                              ? name->second
                                                              : device_name({}, device_path)));
        });
    }
    // A channel that disappears keeps its last known alarms: cmrd removes every object when
    // it stops, and what the user was told is compared with what a restarted cmrd reports.
    // A channel that comes back is set anew by onInterfacesAdded.
    void onInterfacesRemoved(const sdbus::ObjectPath& /*path*/,
                             const std::vector<std::string>& /*interfaces*/) override
    {}

    CmrdWatcher& owner_;
};

CmrdWatcher::CmrdWatcher(sdbus::IConnection& bus, CmrdEvents events)
    : events_(std::move(events)), root_(std::make_unique<RootProxy>(bus, *this)),
      name_watch_(watch_name_owner(bus, cmrd::bus::service_name,
                                   [this](bool present) { events_.presence_changed(present); }))
{}

CmrdWatcher::~CmrdWatcher() = default;

void CmrdWatcher::request_snapshot(std::function<void(Snapshot)> done)
{
    root_->request_objects(std::move(done));
}

} // namespace cmrnotify
