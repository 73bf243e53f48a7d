// SPDX-License-Identifier: GPL-2.0-or-later
// A notification server for the cmr-notify tests: a real org.freedesktop.Notifications
// service (Desktop Notifications Specification 1.2) on the bus it is given, that shows
// nothing and records every call it receives as one JSON line in a file.
//
//   recording_notification_server --bus ADDRESS --log FILE [--first-id N]
//
// - Notify returns increasing ids (from --first-id, default 1); a replaces_id naming an open
//   notification returns that same id, as the specification asks.
// - CloseNotification closes an open notification and emits NotificationClosed(id, 3).
// - GetCapabilities, GetServerInformation as the specification has them.
// - org.cmrd.Test.NotificationServer.Dismiss(id, reason) plays the user (reason 2) or the
//   expiry (1): the notification is closed and NotificationClosed(id, reason) emitted.
// Each line has "method" and "time" (CLOCK_MONOTONIC seconds, comparable with the test's
// steady_clock) plus the call's arguments; Notify lines carry the "id" returned. A first line
// {"method": "ready"} is written once the name is owned.

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <exception>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>
#include <sdbus-c++/sdbus-c++.h>

namespace {

constexpr const char* service = "org.freedesktop.Notifications";
constexpr const char* path = "/org/freedesktop/Notifications";
constexpr const char* interface = "org.freedesktop.Notifications";
constexpr const char* test_interface = "org.cmrd.Test.NotificationServer";

double monotonic_s()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

nlohmann::json hint_value(const sdbus::Variant& value)
{
    if (value.containsValueOfType<std::uint8_t>())
        return value.get<std::uint8_t>();
    if (value.containsValueOfType<std::string>())
        return value.get<std::string>();
    if (value.containsValueOfType<bool>())
        return value.get<bool>();
    if (value.containsValueOfType<std::int32_t>())
        return value.get<std::int32_t>();
    return "<" + value.peekValueType() + ">";
}

class Recorder {
public:
    explicit Recorder(const std::string& file) : out_(file, std::ios::app)
    {
        if (!out_)
            throw std::runtime_error("cannot open " + file);
    }
    void write(nlohmann::json line)
    {
        line["time"] = monotonic_s();
        out_ << line.dump() << '\n';
        out_.flush(); // the test reads the file while the server runs
    }

private:
    std::ofstream out_;
};

struct Arguments {
    std::string bus;
    std::string log;
    std::uint32_t first_id = 1;
};

Arguments parse(int argc, char** argv)
{
    Arguments args;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string key = argv[i];
        const std::string value = argv[i + 1];
        if (key == "--bus")
            args.bus = value;
        else if (key == "--log")
            args.log = value;
        else if (key == "--first-id")
            args.first_id = static_cast<std::uint32_t>(std::stoul(value));
        else
            throw std::runtime_error("unknown option " + key);
    }
    if (args.bus.empty() || args.log.empty())
        throw std::runtime_error("usage: recording_notification_server --bus ADDRESS --log FILE "
                                 "[--first-id N]");
    return args;
}

} // namespace

int main(int argc, char** argv)
{
    try {
        const Arguments args = parse(argc, argv);
        Recorder recorder(args.log);
        auto bus = sdbus::createSessionBusConnectionWithAddress(args.bus);
        auto object = sdbus::createObject(*bus, path);
        std::uint32_t next_id = args.first_id;
        std::set<std::uint32_t> open;

        auto closed = [&](std::uint32_t id, std::uint32_t reason) {
            open.erase(id);
            object->emitSignal("NotificationClosed")
                .onInterface(interface)
                .withArguments(id, reason);
        };

        object->registerMethod("Notify").onInterface(interface).implementedAs(
            [&](const std::string& app_name, std::uint32_t replaces_id, const std::string& app_icon,
                const std::string& summary, const std::string& body,
                const std::vector<std::string>& actions,
                const std::map<std::string, sdbus::Variant>& hints,
                std::int32_t expire_timeout) -> std::uint32_t {
                const std::uint32_t id =
                    replaces_id != 0 && open.count(replaces_id) != 0 ? replaces_id : next_id++;
                open.insert(id);
                nlohmann::json hint_json = nlohmann::json::object();
                for (const auto& [key, value] : hints)
                    hint_json[key] = hint_value(value);
                recorder.write({{"method", "Notify"},
                                {"app_name", app_name},
                                {"replaces_id", replaces_id},
                                {"app_icon", app_icon},
                                {"summary", summary},
                                {"body", body},
                                {"actions", actions},
                                {"hints", hint_json},
                                {"expire_timeout", expire_timeout},
                                {"id", id}});
                return id;
            });
        object->registerMethod("CloseNotification")
            .onInterface(interface)
            .implementedAs([&](std::uint32_t id) {
                recorder.write({{"method", "CloseNotification"}, {"id", id}});
                if (open.count(id) != 0)
                    closed(id, 3);
            });
        object->registerMethod("GetCapabilities").onInterface(interface).implementedAs([&]() {
            recorder.write({{"method", "GetCapabilities"}});
            return std::vector<std::string>{"body"};
        });
        object->registerMethod("GetServerInformation").onInterface(interface).implementedAs([&]() {
            recorder.write({{"method", "GetServerInformation"}});
            return std::tuple<std::string, std::string, std::string, std::string>(
                "recording_notification_server", "cmrd tests", "1", "1.2");
        });
        object->registerSignal("NotificationClosed")
            .onInterface(interface)
            .withParameters<std::uint32_t, std::uint32_t>();
        object->registerMethod("Dismiss")
            .onInterface(test_interface)
            .implementedAs([&](std::uint32_t id, std::uint32_t reason) {
                recorder.write({{"method", "Dismiss"}, {"id", id}, {"reason", reason}});
                closed(id, reason);
            });
        object->finishRegistration();
        bus->requestName(service);
        recorder.write({{"method", "ready"}});
        bus->enterEventLoop();
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "recording_notification_server: %s\n", e.what());
        return 1;
    }
}
