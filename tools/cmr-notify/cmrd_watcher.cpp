// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmrd_watcher.hpp"

#include <chrono>
#include <exception>

#include <sdbus-c++/Error.h>

#include "bus_figures.hpp"
#include "cmrd_bus_names.hpp"
#include "log.hpp"
#include "name_watch.hpp"

namespace cmrnotify {
namespace {

/// A snapshot that takes longer than this counts as failed (and is retried).
constexpr auto snapshot_timeout = std::chrono::microseconds(std::chrono::seconds(10));

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

void CmrdWatcher::on_objects(const sdbus::Error* error, const ManagedObjects& objects,
                             const std::function<void(Snapshot)>& done)
{
    Snapshot snapshot;
    guarded("snapshot of cmrd", [&] {
        if (error != nullptr) {
            snapshot.cmrd_absent = means_absent(*error);
            snapshot.error = error->getName() + ": " + error->getMessage();
        } else {
            for (const auto& [path, interfaces] : objects)
                if (const auto it = interfaces.find(cmrd::bus::device_interface);
                    it != interfaces.end())
                    device_names_[path] = device_name(it->second, path);
            snapshot.channels = channels_from_objects(objects);
        }
        done(std::move(snapshot));
    });
}

void CmrdWatcher::on_interfaces_added(const std::string& path, const InterfaceMap& interfaces)
{
    guarded("InterfacesAdded", [&] {
        if (const auto it = interfaces.find(cmrd::bus::device_interface); it != interfaces.end())
            device_names_[path] = device_name(it->second, path);
        const auto it = interfaces.find(cmrd::bus::channel_interface);
        if (it == interfaces.end())
            return;
        cmrd::wire::ChannelState state;
        cmrd::wire::apply_channel_properties(state, it->second);
        const auto name = device_names_.find(state.device_path);
        events_.channel_appeared(
            path, channel_alarms_of(state, name != device_names_.end()
                                               ? name->second
                                               : device_name({}, state.device_path)));
    });
}

CmrdWatcher::CmrdWatcher(sdbus::IConnection& bus, CmrdEvents events) : events_(std::move(events))
{
    cmrd::client::RootSignalHandlers handlers;
    handlers.alarm = [this](const std::string& channel, const std::string& alarm,
                            const PropertyMap& figures, bool raised) {
        guarded(raised ? "AlarmRaised" : "AlarmCleared", [&] {
            events_.alarm_changed(channel, cmrd::wire::decode_alarm_signal(alarm, raised, figures));
        });
    };
    handlers.interfaces_added = [this](const std::string& path, const InterfaceMap& interfaces) {
        on_interfaces_added(path, interfaces);
    };
    // A channel that disappears keeps its last known alarms: cmrd removes every object when
    // it stops, and what the user was told is compared with what a restarted cmrd reports.
    // A channel that comes back is set anew by InterfacesAdded.
    root_ = std::make_unique<cmrd::client::RootProxy>(bus, std::move(handlers));
    name_watch_ = cmrd::bus::watch_name_owner(
        bus, cmrd::bus::service_name, [this](bool present) { events_.presence_changed(present); });
}

CmrdWatcher::~CmrdWatcher() = default;

void CmrdWatcher::request_snapshot(std::function<void(Snapshot)> done)
{
    root_->request_objects(
        snapshot_timeout,
        [this, done = std::move(done)](const sdbus::Error* error, const ManagedObjects& objects) {
            on_objects(error, objects, done);
        });
}

} // namespace cmrnotify
