// SPDX-License-Identifier: GPL-2.0-or-later
#include "monitor_client.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

#include "monitor1_proxy.h"

namespace cmrd::service::testing {

/// The generated Manager proxy and the standard ObjectManager proxy on the root object,
/// handing their signals to the client.
class MonitorClient::Signals final
    : public sdbus::ProxyInterfaces<org::cmrd::Monitor1::Manager_proxy,
                                    sdbus::ObjectManager_proxy> {
public:
    Signals(sdbus::IConnection& connection, MonitorClient& client)
        : ProxyInterfaces(connection, service_name, root_path), client_(client)
    {
        registerProxy();
    }
    ~Signals() { unregisterProxy(); }
    Signals(const Signals&) = delete;
    Signals& operator=(const Signals&) = delete;

private:
    void onAlarmRaised(const sdbus::ObjectPath& channel, const std::string& alarm,
                       const VariantMap& figures) override
    {
        client_.add(AlarmSignal{Clock::now(), true, channel, alarm, figures});
    }
    void onAlarmCleared(const sdbus::ObjectPath& channel, const std::string& alarm,
                        const VariantMap& figures) override
    {
        client_.add(AlarmSignal{Clock::now(), false, channel, alarm, figures});
    }
    void onInterfacesAdded(const sdbus::ObjectPath& path,
                           const std::map<std::string, VariantMap>& interfaces) override
    {
        InterfacesSignal signal{Clock::now(), true, path, {}, interfaces};
        for (const auto& [name, properties] : interfaces)
            signal.interfaces.push_back(name);
        client_.add(std::move(signal));
    }
    void onInterfacesRemoved(const sdbus::ObjectPath& path,
                             const std::vector<std::string>& interfaces) override
    {
        client_.add(InterfacesSignal{Clock::now(), false, path, interfaces, {}});
    }

    MonitorClient& client_;
};

double AlarmSignal::stream_time_s() const
{
    return number(figures, "stream_time_s");
}

MonitorClient::MonitorClient(const std::string& address)
    : connection_(sdbus::createSessionBusConnectionWithAddress(address))
{
    signals_ = std::make_unique<Signals>(*connection_, *this);
    properties_match_ = connection_->addMatch(
        std::string("type='signal',sender='") + service_name +
            "',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged'",
        [this](sdbus::Message& message) {
            // An exception must not reach sdbus-c++'s loop (it would end the test process).
            try {
                PropertiesSignal signal{Clock::now(), message.getPath(), {}, {}};
                std::vector<std::string> invalidated;
                message >> signal.interface >> signal.changed >> invalidated;
                add(std::move(signal));
            } catch (const sdbus::Error&) {
                add(PropertiesSignal{Clock::now(), message.getPath(), "(unreadable)", {}});
            }
        });
    connection_->enterEventLoopAsync();
}

MonitorClient::~MonitorClient()
{
    // The loop thread stops before the handlers' objects go.
    connection_->leaveEventLoop();
    properties_match_.reset();
    signals_.reset();
}

void MonitorClient::add(AlarmSignal signal)
{
    {
        const std::lock_guard lock(inbox_mutex_);
        inbox_.alarms.push_back(std::move(signal));
    }
    arrived_.notify_all();
}

void MonitorClient::add(InterfacesSignal signal)
{
    {
        const std::lock_guard lock(inbox_mutex_);
        inbox_.interfaces.push_back(std::move(signal));
    }
    arrived_.notify_all();
}

void MonitorClient::add(PropertiesSignal signal)
{
    {
        const std::lock_guard lock(inbox_mutex_);
        inbox_.properties.push_back(std::move(signal));
    }
    arrived_.notify_all();
}

namespace {

template <typename T> void append(std::vector<T>& to, std::vector<T>& from)
{
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
    from.clear();
}

} // namespace

void MonitorClient::take_inbox()
{
    const std::lock_guard lock(inbox_mutex_);
    append(recording_.alarms, inbox_.alarms);
    append(recording_.interfaces, inbox_.interfaces);
    append(recording_.properties, inbox_.properties);
}

bool MonitorClient::wait_for(const std::function<bool(const Recording&)>& done,
                             Clock::duration timeout)
{
    // Predicates that call the bus see state no signal announces, so they are also re-checked
    // every quarter second.
    constexpr auto recheck = std::chrono::milliseconds(250);
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        {
            const std::lock_guard lock(mutex_);
            take_inbox();
            if (done(recording_))
                return true;
        }
        const auto now = Clock::now();
        if (now >= deadline)
            return false;
        std::unique_lock inbox_lock(inbox_mutex_);
        arrived_.wait_until(inbox_lock, std::min(deadline, now + recheck), [this] {
            return !inbox_.alarms.empty() || !inbox_.interfaces.empty() ||
                   !inbox_.properties.empty();
        });
    }
}

Recording MonitorClient::recording()
{
    const std::lock_guard lock(mutex_);
    take_inbox();
    return recording_;
}

std::vector<BusEvent> MonitorClient::get_events(std::int64_t since_us)
{
    return signals_->GetEvents(since_us);
}

std::tuple<std::vector<BusEvent>, bool>
MonitorClient::list_events(std::int64_t since_us, std::uint64_t after_sequence, std::uint32_t limit)
{
    return signals_->ListEvents(since_us, after_sequence, limit);
}

std::vector<BusEvent> MonitorClient::all_events()
{
    std::vector<BusEvent> all;
    std::uint64_t after = 0;
    for (;;) {
        auto [page, more] = list_events(0, after, 0);
        all.insert(all.end(), page.begin(), page.end());
        if (!more || page.empty())
            return all;
        after = page.back().get<0>();
    }
}

void MonitorClient::reload()
{
    signals_->Reload();
}

ManagedObjects MonitorClient::managed_objects()
{
    return signals_->GetManagedObjects();
}

sdbus::Variant MonitorClient::property(const std::string& path, const std::string& interface,
                                       const std::string& name)
{
    const auto proxy = sdbus::createProxy(*connection_, service_name, path);
    return proxy->getProperty(name).onInterface(interface);
}

VariantMap MonitorClient::properties(const std::string& path, const std::string& interface)
{
    const auto proxy = sdbus::createProxy(*connection_, service_name, path);
    VariantMap values;
    proxy->callMethod("GetAll")
        .onInterface("org.freedesktop.DBus.Properties")
        .withArguments(interface)
        .storeResultsTo(values);
    return values;
}

std::optional<pid_t> MonitorClient::owner_pid()
{
    const auto bus =
        sdbus::createProxy(*connection_, "org.freedesktop.DBus", "/org/freedesktop/DBus");
    try {
        std::uint32_t pid = 0;
        bus->callMethod("GetConnectionUnixProcessID")
            .onInterface("org.freedesktop.DBus")
            .withArguments(std::string(service_name))
            .storeResultsTo(pid);
        return static_cast<pid_t>(pid);
    } catch (const sdbus::Error& e) {
        if (e.getName() == "org.freedesktop.DBus.Error.NameHasNoOwner")
            return std::nullopt;
        throw;
    }
}

double number(const VariantMap& values, const std::string& name)
{
    const auto found = values.find(name);
    if (found == values.end() || !found->second.containsValueOfType<double>())
        return std::numeric_limits<double>::quiet_NaN();
    return found->second.get<double>();
}

std::string text(const VariantMap& values, const std::string& name)
{
    const auto found = values.find(name);
    if (found == values.end() || !found->second.containsValueOfType<std::string>())
        return {};
    return found->second.get<std::string>();
}

bool stream_advances(MonitorClient& client, const std::string& channel, double after,
                     Clock::duration timeout)
{
    return client.wait_for(
        [&](const Recording& r) {
            for (const PropertiesSignal& p : r.properties)
                if (p.path == channel && number(p.changed, "StreamTime") > after)
                    return true;
            return false;
        },
        timeout);
}

} // namespace cmrd::service::testing
