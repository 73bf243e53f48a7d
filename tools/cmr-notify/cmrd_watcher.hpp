// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file cmrd_watcher.hpp
/// cmr-notify's side of cmrd's API on the system bus: AlarmRaised/AlarmCleared, channels
/// appearing (InterfacesAdded), cmrd coming and going (NameOwnerChanged), and a snapshot of
/// every channel (GetManagedObjects, asynchronous, so a stuck cmrd never blocks the loop).
/// Callbacks run inside the connection's processing, in the poll loop's thread.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <sdbus-c++/IConnection.h>
#include <sdbus-c++/TypeTraits.h>

#include "bus_figures.hpp"
#include "channel_alarms.hpp"
#include "client/root_proxy.hpp"

namespace cmrnotify {

struct CmrdEvents {
    std::function<void(const std::string& path, const AlarmChange& change)> alarm_changed;
    std::function<void(const std::string& path, ChannelAlarms channel)> channel_appeared;
    /// cmrd took its name (true; also a new owner replacing an old one) or left (false).
    std::function<void(bool present)> presence_changed;
};

/// The answer to a snapshot request.
struct Snapshot {
    /// Every channel by object path; nullopt when the call failed.
    std::optional<std::map<std::string, ChannelAlarms>> channels;
    bool cmrd_absent = false; ///< the call failed because nobody owns cmrd's name
    std::string error;        ///< why it failed
};

class CmrdWatcher {
public:
    /// Subscribes to cmrd's signals and name on @p bus (which must outlive the watcher).
    /// @throws sdbus::Error.
    CmrdWatcher(sdbus::IConnection& bus, CmrdEvents events);
    ~CmrdWatcher();
    CmrdWatcher(const CmrdWatcher&) = delete;
    CmrdWatcher& operator=(const CmrdWatcher&) = delete;

    /// Asks cmrd for all its objects; @p done gets the channels or the failure.
    void request_snapshot(std::function<void(Snapshot)> done);

private:
    void on_objects(const sdbus::Error* error, const ManagedObjects& objects,
                    const std::function<void(Snapshot)>& done);
    void on_interfaces_added(const std::string& path, const InterfaceMap& interfaces);

    CmrdEvents events_;
    std::map<std::string, std::string> device_names_; ///< device object path -> Name
    std::unique_ptr<cmrd::client::RootProxy> root_;
    sdbus::Slot name_watch_;
};

} // namespace cmrnotify
