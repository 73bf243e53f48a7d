// SPDX-License-Identifier: GPL-2.0-or-later
// Bad input does not bring cmrd down: a static device whose PCM does not exist is shown in an
// error state naming the problem while the other devices keep being served; callers sending
// wrong argument types, unknown methods, interfaces, objects and properties get D-Bus errors,
// and cmrd carries on.
//
// Time bounds: a device that cannot open reports it at once (the open is the first thing its
// capture thread does): 10 s only catches a state that never comes.

#include <climits>

#include <gtest/gtest.h>

#include "cmrd_rig.hpp"

namespace cmrd::service::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* missing_pcm = "cmrd_test_no_such_pcm";

std::string config_with_missing_pcm()
{
    return static_device_toml("desk", "sim8", ground_loop_layout) + "\n" +
           static_device_toml("ghost", missing_pcm, "1/2");
}

TEST(DaemonBadInput, MissingPcmIsReportedAndOtherDevicesKeepRunning)
{
    CmrdRig rig(session_rig(config_with_missing_pcm()));
    MonitorClient& client = rig.client();
    const std::string ghost = device_path("ghost");
    ASSERT_TRUE(client.managed_objects().contains(sdbus::ObjectPath(ghost)))
        << "no Device object for the device that cannot open; cmrd said:\n"
        << rig.cmrd().log_text();

    std::string state;
    EXPECT_TRUE(client.wait_for(
        [&](const Recording&) {
            state = client.property(ghost, device_interface, "State").get<std::string>();
            return state == "error" || state == "busy" || state == "disconnected";
        },
        10s))
        << "state " << state;
    const std::string last_error =
        client.property(ghost, device_interface, "LastError").get<std::string>();
    EXPECT_NE(last_error.find(missing_pcm), std::string::npos) << "LastError: " << last_error;

    EXPECT_TRUE(stream_advances(client, pair_path("desk", 1, 2), 1.0, 5s))
        << "desk is not analysing";
    EXPECT_EQ(client.property(device_path("desk"), device_interface, "State").get<std::string>(),
              "running");
    EXPECT_TRUE(rig.cmrd().running());
}

/// Calls @p method on @p interface of @p path with @p add_arguments; @return the D-Bus
/// error name, "" when it succeeded.
std::string call_error(MonitorClient& client, const std::string& path, const std::string& interface,
                       const std::string& method,
                       const std::function<void(sdbus::MethodCall&)>& add_arguments)
{
    const auto proxy = sdbus::createProxy(client.connection(), service_name, path);
    try {
        sdbus::MethodCall call = proxy->createMethodCall(interface, method);
        add_arguments(call);
        proxy->callMethod(call);
        return "";
    } catch (const sdbus::Error& e) {
        return e.getName();
    }
}

TEST(DaemonBadInput, HostileCallsGetErrorsAndCmrdCarriesOn)
{
    CmrdRig rig(session_rig(static_device_toml("desk", "sim8", ground_loop_layout)));
    MonitorClient& client = rig.client();
    const std::string properties = "org.freedesktop.DBus.Properties";
    auto none = [](sdbus::MethodCall&) {};

    struct Case {
        const char* what;
        std::string path;
        std::string interface;
        std::string method;
        std::function<void(sdbus::MethodCall&)> arguments;
    };
    const std::vector<Case> cases{
        {"GetEvents with a string", root_path, manager_interface, "GetEvents",
         [](sdbus::MethodCall& c) { c << std::string("yesterday"); }},
        {"GetEvents with a double", root_path, manager_interface, "GetEvents",
         [](sdbus::MethodCall& c) { c << 1.5; }},
        {"GetEvents without its argument", root_path, manager_interface, "GetEvents", none},
        {"GetEvents with an extra argument", root_path, manager_interface, "GetEvents",
         [](sdbus::MethodCall& c) { c << std::int64_t{0} << std::int64_t{1}; }},
        {"an unknown method", root_path, manager_interface, "Frobnicate", none},
        {"an unknown interface", root_path, "org.cmrd.Monitor1.Nope", "GetEvents",
         [](sdbus::MethodCall& c) { c << std::int64_t{0}; }},
        {"an unknown object", device_path("nope"), manager_interface, "GetEvents",
         [](sdbus::MethodCall& c) { c << std::int64_t{0}; }},
        {"an unknown property", root_path, properties, "Get",
         [](sdbus::MethodCall& c) { c << std::string(manager_interface) << std::string("Nope"); }},
        {"setting a read-only property", root_path, properties, "Set",
         [](sdbus::MethodCall& c) {
             c << std::string(manager_interface) << std::string("Version")
               << sdbus::Variant(std::string("9.9"));
         }},
        {"GetAll of an unknown interface", pair_path("desk", 1, 2), properties, "GetAll",
         [](sdbus::MethodCall& c) { c << std::string("org.cmrd.Monitor1.Nope"); }},
    };
    for (const Case& c : cases) {
        const std::string error = call_error(client, c.path, c.interface, c.method, c.arguments);
        EXPECT_FALSE(error.empty()) << c.what << " was accepted";
        EXPECT_TRUE(error.starts_with("org.freedesktop.DBus.Error.")) << c.what << ": " << error;
    }

    // Extreme but valid arguments are answered.
    EXPECT_TRUE(client.get_events(LLONG_MAX).empty());
    EXPECT_NO_THROW((void)client.get_events(LLONG_MIN));
    // busctl, with a signature that does not match.
    const CommandResult wrong =
        run_command({"busctl", "--address=" + rig.bus().address(), "call", service_name, root_path,
                     manager_interface, "GetEvents", "s", "yesterday"});
    EXPECT_NE(wrong.status, 0) << wrong.describe();
    EXPECT_NE(wrong.err.find("Invalid"), std::string::npos) << wrong.describe();

    EXPECT_TRUE(rig.cmrd().running()) << rig.cmrd().log_text();
    EXPECT_EQ(client.owner_pid(), rig.cmrd().pid());
    EXPECT_FALSE(
        client.property(root_path, manager_interface, "Version").get<std::string>().empty());
    EXPECT_TRUE(stream_advances(client, pair_path("desk", 1, 2), 0.5, 5s)) << "desk stopped";
}

} // namespace
} // namespace cmrd::service::testing
