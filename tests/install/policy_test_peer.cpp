// SPDX-License-Identifier: GPL-2.0-or-later
// The two ends of the D-Bus policy test (check_dbus_policy.py) that the stock tools cannot play:
//
//   policy_test_peer own
//       Owns org.cmrd.Monitor1 on $DBUS_SYSTEM_BUS_ADDRESS, exporting /org/cmrd/Monitor1 with
//       the Manager interface from the generated adaptor (org.cmrd.Monitor1.xml), an
//       ObjectManager and Properties. Prints "owned" once the name is held, then one line per
//       Reload with the caller's uid, and serves until killed. If the bus refuses the name it
//       prints "refused ERROR_NAME" and exits with 3.
//   policy_test_peer call-without-interface MEMBER
//       Calls MEMBER on /org/cmrd/Monitor1 with no interface field (gdbus and busctl always
//       send one) and prints "ok" or "error ERROR_NAME"; exits 0 on ok, 1 on an error reply.
//
// The replies are recognisable (Version "policy-test", one event from device "policy-test"),
// so a client's output shows that the call reached this owner.
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <sdbus-c++/sdbus-c++.h>
#include <systemd/sd-bus.h>

#include "monitor1_adaptor.h"

namespace {

constexpr const char* bus_name = "org.cmrd.Monitor1";
constexpr const char* root_path = "/org/cmrd/Monitor1";
constexpr int exit_refused = 3;

using Event = sdbus::Struct<uint64_t, int64_t, std::string, std::string, std::string, std::string,
                            std::map<std::string, sdbus::Variant>>;

class PolicyTestManager final
    : public sdbus::AdaptorInterfaces<org::cmrd::Monitor1::Manager_adaptor,
                                      sdbus::ObjectManager_adaptor, sdbus::Properties_adaptor> {
public:
    explicit PolicyTestManager(sdbus::IConnection& connection)
        : AdaptorInterfaces(connection, root_path)
    {
        registerAdaptor();
    }
    ~PolicyTestManager() { unregisterAdaptor(); }
    PolicyTestManager(const PolicyTestManager&) = delete;
    PolicyTestManager& operator=(const PolicyTestManager&) = delete;
    PolicyTestManager(PolicyTestManager&&) = delete;
    PolicyTestManager& operator=(PolicyTestManager&&) = delete;

private:
    std::vector<Event> GetEvents(const int64_t& since_us) override
    {
        return {Event{1U, since_us, "policy-test", "1/2", "ground_loop", "raised", {}}};
    }
    std::tuple<std::vector<Event>, bool> ListEvents(const int64_t& since_us,
                                                    const uint64_t& /*after_sequence*/,
                                                    const uint32_t& /*limit*/) override
    {
        return {GetEvents(since_us), false};
    }
    void Reload() override
    {
        const sdbus::Message* call = getObject().getCurrentlyProcessedMessage();
        std::cout << "Reload uid=" << call->getCredsUid() << std::endl;
    }
    std::string Version() override { return "policy-test"; }
    std::string ConfigFile() override { return ""; }
    std::string ConfigError() override { return ""; }
    uint64_t EventsNotStored() override { return 0; }
};

int own()
{
    auto connection = sdbus::createSystemBusConnection();
    // The object first, so that nobody sees the name without it.
    PolicyTestManager manager(*connection);
    try {
        connection->requestName(bus_name);
    } catch (const sdbus::Error& error) {
        std::cout << "refused " << error.getName() << std::endl;
        return exit_refused;
    }
    std::cout << "owned" << std::endl;
    connection->enterEventLoop();
    return 0;
}

// sd-bus directly: sdbus-c++ always fills in an interface.
int call_without_interface(const char* member)
{
    sd_bus* raw_bus = nullptr;
    if (const int r = sd_bus_open_system(&raw_bus); r < 0) {
        std::cerr << "sd_bus_open_system: " << r << '\n';
        return 2;
    }
    const std::unique_ptr<sd_bus, decltype(&sd_bus_flush_close_unref)> bus(
        raw_bus, &sd_bus_flush_close_unref);
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message* reply = nullptr;
    sd_bus_message* call = nullptr;
    int r = sd_bus_message_new_method_call(bus.get(), &call, bus_name, root_path, nullptr, member);
    if (r >= 0)
        r = sd_bus_call(bus.get(), call, 0, &error, &reply);
    sd_bus_message_unref(call);
    sd_bus_message_unref(reply);
    if (r >= 0) {
        std::cout << "ok" << std::endl;
        return 0;
    }
    std::cout << "error " << (error.name != nullptr ? error.name : "(none)") << std::endl;
    sd_bus_error_free(&error);
    return 1;
}

} // namespace

int main(int argc, char** argv)
{
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    try {
        if (args.size() == 1 && args[0] == "own")
            return own();
        if (args.size() == 2 && args[0] == "call-without-interface")
            return call_without_interface(argv[2]);
    } catch (const std::exception& error) {
        std::cerr << "policy_test_peer: " << error.what() << '\n';
        return 2;
    }
    std::cerr << "usage: policy_test_peer own | call-without-interface MEMBER\n";
    return 2;
}
