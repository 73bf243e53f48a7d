// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file monitor_client.hpp
/// A client of org.cmrd.Monitor1 on a test's bus: calls the API through the proxy generated
/// from dbus/org.cmrd.Monitor1.xml (the same glue cmrctl uses) and records every signal cmrd
/// sends (AlarmRaised/AlarmCleared, InterfacesAdded/Removed, PropertiesChanged on any object)
/// with the time it arrived, so tests can wait for a condition with a deadline and then look
/// at what came and when.
///
/// Signals are received on the connection's own event-loop thread; method calls may be made
/// from the test's thread meanwhile (sdbus-c++ routes their replies through that loop).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <sdbus-c++/sdbus-c++.h>
#include <sys/types.h>

namespace cmrd::service::testing {

using Clock = std::chrono::steady_clock;
/// Properties or figures: name → value.
using VariantMap = std::map<std::string, sdbus::Variant>;
/// GetManagedObjects' answer.
using ManagedObjects = std::map<sdbus::ObjectPath, std::map<std::string, VariantMap>>;
/// One event of GetEvents: (sequence, time_us, device, channel, alarm, action, figures).
using BusEvent = sdbus::Struct<std::uint64_t, std::int64_t, std::string, std::string, std::string,
                               std::string, VariantMap>;

inline constexpr const char* service_name = "org.cmrd.Monitor1";
inline constexpr const char* root_path = "/org/cmrd/Monitor1";
inline constexpr const char* manager_interface = "org.cmrd.Monitor1.Manager";
inline constexpr const char* device_interface = "org.cmrd.Monitor1.Device";
inline constexpr const char* channel_interface = "org.cmrd.Monitor1.Channel";
inline constexpr const char* agent_manager_interface = "org.cmrd.Monitor1.AgentManager";

/// AlarmRaised or AlarmCleared.
struct AlarmSignal {
    Clock::time_point received;
    bool raised = false;
    std::string channel; ///< the Channel object path
    std::string alarm;
    VariantMap figures;
    /// figures["stream_time_s"], NaN when absent.
    [[nodiscard]] double stream_time_s() const;
};

/// InterfacesAdded or InterfacesRemoved.
struct InterfacesSignal {
    Clock::time_point received;
    bool added = false;
    std::string path;
    std::vector<std::string> interfaces;
    std::map<std::string, VariantMap> properties; ///< InterfacesAdded only
};

/// PropertiesChanged.
struct PropertiesSignal {
    Clock::time_point received;
    std::string path;
    std::string interface;
    VariantMap changed;
};

/// Everything received so far, in arrival order.
struct Recording {
    std::vector<AlarmSignal> alarms;
    std::vector<InterfacesSignal> interfaces;
    std::vector<PropertiesSignal> properties;
};

class MonitorClient {
public:
    /// Connects to the bus at @p address and starts recording. @throws sdbus::Error
    explicit MonitorClient(const std::string& address);
    ~MonitorClient();
    MonitorClient(const MonitorClient&) = delete;
    MonitorClient& operator=(const MonitorClient&) = delete;

    /// Waits until @p done holds for what has been recorded, at most @p timeout.
    /// @return whether it held.
    bool wait_for(const std::function<bool(const Recording&)>& done, Clock::duration timeout);
    /// A copy of what has been recorded so far.
    [[nodiscard]] Recording recording();

    // The API (org.cmrd.Monitor1.Manager and the ObjectManager), through the generated proxy.
    std::vector<BusEvent> get_events(std::int64_t since_us);
    /// ListEvents: one page and whether more follow.
    std::tuple<std::vector<BusEvent>, bool>
    list_events(std::int64_t since_us, std::uint64_t after_sequence, std::uint32_t limit);
    /// Every event, read page by page with ListEvents.
    std::vector<BusEvent> all_events();
    void reload();
    ManagedObjects managed_objects();
    // Any object's properties, through org.freedesktop.DBus.Properties.
    sdbus::Variant property(const std::string& path, const std::string& interface,
                            const std::string& name);
    VariantMap properties(const std::string& path, const std::string& interface);
    /// The pid of the process owning org.cmrd.Monitor1, nullopt when nobody owns it.
    std::optional<pid_t> owner_pid();
    /// The connection, for calls of one's own (sdbus::createProxy(connection(), ...)).
    sdbus::IConnection& connection() { return *connection_; }

private:
    class Signals;
    void add(AlarmSignal signal);
    void add(InterfacesSignal signal);
    void add(PropertiesSignal signal);

    /// Moves what arrived into recording_. Needs mutex_ held.
    void take_inbox();

    std::unique_ptr<sdbus::IConnection> connection_;
    std::unique_ptr<Signals> signals_;
    sdbus::Slot properties_match_;
    // Two locks, because wait_for's predicate may call the bus (property()), which takes
    // sdbus-c++'s connection lock, while the bus thread holds that lock when it delivers a
    // signal. Signals go to inbox_ under inbox_mutex_ only; the predicate runs under mutex_
    // only. With one lock the two threads could deadlock (TSan showed the lock-order
    // inversion).
    std::mutex mutex_; // guards recording_; taken before inbox_mutex_
    Recording recording_;
    std::mutex inbox_mutex_;          // guards inbox_
    std::condition_variable arrived_; // inbox_ got something
    Recording inbox_;
};

// Reading figures and properties.

/// The double in @p values[name], NaN when absent or not a double.
[[nodiscard]] double number(const VariantMap& values, const std::string& name);
/// The string in @p values[name], "" when absent or not a string.
[[nodiscard]] std::string text(const VariantMap& values, const std::string& name);

/// Waits until a PropertiesChanged of @p channel (an object path) carries a StreamTime past
/// @p after seconds: the channel is being analysed. @return whether it did within @p timeout.
bool stream_advances(MonitorClient& client, const std::string& channel, double after,
                     Clock::duration timeout);

} // namespace cmrd::service::testing
