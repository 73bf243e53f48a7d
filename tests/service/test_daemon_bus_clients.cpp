// SPDX-License-Identifier: GPL-2.0-or-later
// cmrd seen by clients we did not write (busctl, gdbus), and the bus policy enforced for real.
//
// As root, the bus is system-like (the machine's system.conf with Debian's default denials,
// plus the project's own policy file from the build tree), cmrd runs as the `cmrd` user and
// the clients run as `nobody`: the policy is in force. Otherwise a session bus stands in, the
// clients run as the test's own user, and the policy tests skip.
//
// Checks: busctl introspect shows every member of dbus/org.cmrd.Monitor1.xml with its
// documented signature; busctl get-property answers with the documented type; gdbus
// introspects and calls GetEvents through DBUS_SYSTEM_BUS_ADDRESS (--system); nobody reads
// and introspects but the bus refuses its Reload (AccessDenied, never reaching cmrd) while
// root's passes; nobody and root cannot own org.cmrd.Monitor1, and a cmrd started as nobody
// exits saying so.
//
// Time bounds: each client call is given 20 s (they take milliseconds); the first alarm event
// comes after about 8.5 s of stream time (20 s bound).

#include <sstream>
#include <tuple>

#include <gtest/gtest.h>
#include <sys/wait.h>

#include "api_definition.hpp"
#include "cmrd_rig.hpp"
#include "service_paths.hpp"
#include "test_users.hpp"

namespace cmrd::service::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* access_denied = "org.freedesktop.DBus.Error.AccessDenied";

std::string desk_config()
{
    return static_device_toml("desk", "sim8", ground_loop_layout);
}

class BusClients : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        policy_in_force_ = running_as_root();
        RigOptions options = session_rig(desk_config());
        if (policy_in_force_) {
            options.bus = BusKind::system_like;
            options.as_cmrd_user = true;
            options.policies = {dbus_policy_file()};
        }
        rig_ = std::make_unique<CmrdRig>(options);
    }
    static void TearDownTestSuite() { rig_.reset(); }

    void TearDown() override
    {
        EXPECT_TRUE(rig_->cmrd().running()) << "cmrd ended; it said:\n" << rig_->cmrd().log_text();
    }

    /// Who the clients run as: nobody when the policy is in force.
    static std::vector<std::string> client_user()
    {
        return policy_in_force_ ? as_nobody() : std::vector<std::string>{};
    }

    /// Runs @p command (busctl/gdbus ...) as @p user, with --system pointing at the test's bus.
    static CommandResult run_as(const std::vector<std::string>& user,
                                const std::vector<std::string>& command)
    {
        std::vector<std::string> argv = user;
        argv.insert(argv.end(), command.begin(), command.end());
        return run_command(argv, {{"DBUS_SYSTEM_BUS_ADDRESS", rig_->bus().address()},
                                  {"DBUS_SESSION_BUS_ADDRESS", std::nullopt}});
    }

    static CommandResult busctl(const std::vector<std::string>& user,
                                const std::vector<std::string>& args)
    {
        std::vector<std::string> command{"busctl", "--address=" + rig_->bus().address()};
        command.insert(command.end(), args.begin(), args.end());
        return run_as(user, command);
    }

    static CommandResult gdbus_call(const std::vector<std::string>& user, const std::string& path,
                                    const std::string& method,
                                    const std::vector<std::string>& args = {})
    {
        std::vector<std::string> command{"gdbus",  "call",       "--system",
                                         "--dest", service_name, "--object-path",
                                         path,     "--method",   method};
        command.insert(command.end(), args.begin(), args.end());
        return run_as(user, command);
    }

    static bool policy_in_force_;
    static std::unique_ptr<CmrdRig> rig_;
};

bool BusClients::policy_in_force_ = false;
std::unique_ptr<CmrdRig> BusClients::rig_;

/// The objects to look at, with the interfaces the API puts on them.
std::vector<std::pair<std::string, std::vector<std::string>>> objects_and_interfaces()
{
    return {{root_path,
             {manager_interface, agent_manager_interface, "org.freedesktop.DBus.ObjectManager"}},
            {device_path("desk"), {device_interface}},
            {pair_path("desk", 1, 2), {channel_interface}}};
}

/// (interface, member, kind) of a line of busctl introspect's table.
using MemberKey = std::tuple<std::string, std::string, std::string>;

/// busctl introspect's table: (interface, ".member", kind) → signature.
std::map<MemberKey, std::string> introspected_members(const std::string& table)
{
    std::map<MemberKey, std::string> members;
    std::istringstream lines(table);
    std::string line;
    std::string interface;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string name;
        std::string kind;
        std::string signature;
        fields >> name >> kind >> signature;
        if (kind == "interface")
            interface = name;
        else if (name.starts_with("."))
            members[MemberKey(interface, name, kind)] = signature;
    }
    return members;
}

TEST_F(BusClients, BusctlIntrospectShowsTheDocumentedApi)
{
    const auto api = documented_api(api_definition());
    for (const auto& [path, interfaces] : objects_and_interfaces()) {
        const CommandResult result = busctl(client_user(), {"introspect", service_name, path});
        ASSERT_TRUE(result.ok()) << result.describe();
        auto members = introspected_members(result.out); // [] of a missing member: ""
        for (const std::string& interface : interfaces) {
            if (!api.contains(interface))
                continue; // the standard ObjectManager: not in our XML
            for (const auto& [name, type] : api.at(interface).properties)
                EXPECT_EQ(members[MemberKey(interface, "." + name, "property")], type)
                    << path << " " << name;
            for (const auto& [name, inputs] : api.at(interface).method_inputs)
                EXPECT_EQ(members[MemberKey(interface, "." + name, "method")],
                          inputs.empty() ? "-" : inputs)
                    << path << " " << name;
        }
    }
}

TEST_F(BusClients, PropertyReadsHaveTheDocumentedTypes)
{
    const auto api = documented_api(api_definition());
    for (const auto& [path, interfaces] : objects_and_interfaces())
        for (const std::string& interface : interfaces) {
            if (!api.contains(interface))
                continue;
            for (const auto& [name, type] : api.at(interface).properties) {
                const CommandResult read =
                    busctl(client_user(), {"get-property", service_name, path, interface, name});
                ASSERT_TRUE(read.ok()) << read.describe();
                // busctl prints "SIGNATURE VALUE...".
                EXPECT_EQ(read.out.substr(0, read.out.find(' ')), type)
                    << path << " " << name << ": " << read.out;
            }
        }
}

TEST_F(BusClients, GdbusIntrospectsAndCallsGetEventsOverTheSystemBusAddress)
{
    const CommandResult tree =
        run_as(client_user(), {"gdbus", "introspect", "--system", "--dest", service_name,
                               "--object-path", root_path, "--recurse"});
    ASSERT_TRUE(tree.ok()) << tree.describe();
    for (const std::string& expected :
         {std::string("interface ") + manager_interface,
          std::string("interface ") + device_interface,
          std::string("interface ") + channel_interface, "node " + pair_path("desk", 7, 8),
          std::string("GetEvents(in  x since_us,")})
        EXPECT_NE(tree.out.find(expected), std::string::npos) << expected << " missing:\n"
                                                              << tree.out;

    ASSERT_TRUE(rig_->client().wait_for([](const Recording& r) { return !r.alarms.empty(); }, 20s))
        << "no alarm to read back";
    const CommandResult events =
        gdbus_call(client_user(), root_path, std::string(manager_interface) + ".GetEvents", {"0"});
    ASSERT_TRUE(events.ok()) << events.describe();
    EXPECT_NE(events.out.find("'desk'"), std::string::npos) << events.out;
    EXPECT_NE(events.out.find("'raised'"), std::string::npos) << events.out;
    const AlarmSignal first = rig_->client().recording().alarms.front();
    EXPECT_NE(events.out.find("'" + first.alarm + "'"), std::string::npos) << events.out;

    const CommandResult none =
        gdbus_call(client_user(), root_path, std::string(manager_interface) + ".GetEvents",
                   {"9223372036854775807"});
    ASSERT_TRUE(none.ok()) << none.describe();
    EXPECT_NE(none.out.find("[]"), std::string::npos) << none.out;
}

TEST_F(BusClients, UnprivilegedUserReadsEverythingButCannotReload)
{
    if (!policy_in_force_)
        GTEST_SKIP() << "needs root: cmrd must run as the cmrd user and clients as nobody on a "
                        "system-like bus for the policy to apply";
    const std::vector<std::string> nobody = as_nobody();
    const std::vector<std::pair<std::string, CommandResult>> reads{
        {"Properties.Get",
         busctl(nobody, {"get-property", service_name, root_path, manager_interface, "Version"})},
        {"Properties.GetAll",
         gdbus_call(nobody, pair_path("desk", 1, 2), "org.freedesktop.DBus.Properties.GetAll",
                    {channel_interface})},
        {"Introspect",
         gdbus_call(nobody, root_path, "org.freedesktop.DBus.Introspectable.Introspect")},
        {"GetManagedObjects",
         gdbus_call(nobody, root_path, "org.freedesktop.DBus.ObjectManager.GetManagedObjects")},
        {"GetEvents", busctl(nobody, {"call", service_name, root_path, manager_interface,
                                      "GetEvents", "x", "0"})},
    };
    for (const auto& [what, result] : reads)
        EXPECT_TRUE(result.ok()) << "nobody: " << what << ": " << result.describe();

    const std::size_t log_mark = rig_->cmrd().log_text().size();
    const CommandResult busctl_reload =
        busctl(nobody, {"call", service_name, root_path, manager_interface, "Reload"});
    EXPECT_FALSE(busctl_reload.ok());
    EXPECT_NE(busctl_reload.err.find("Access denied"), std::string::npos)
        << busctl_reload.describe();
    const CommandResult gdbus_reload =
        gdbus_call(nobody, root_path, std::string(manager_interface) + ".Reload");
    EXPECT_FALSE(gdbus_reload.ok());
    EXPECT_NE(gdbus_reload.err.find(access_denied), std::string::npos) << gdbus_reload.describe();

    // root's Reload passes the bus and cmrd, which reloads.
    const CommandResult root_reload =
        busctl({}, {"call", service_name, root_path, manager_interface, "Reload"});
    EXPECT_TRUE(root_reload.ok()) << root_reload.describe();
    EXPECT_TRUE(rig_->cmrd().wait_for_log("configuration reloaded", log_mark, 5s))
        << rig_->cmrd().log_text();
    // The bus refused nobody's calls: cmrd never saw them (it logs refusals it makes itself).
    const std::string log = rig_->cmrd().log_text().substr(log_mark);
    EXPECT_EQ(log.find("refused"), std::string::npos) << log;
    EXPECT_EQ(log.find("configuration reloaded"), log.rfind("configuration reloaded"))
        << "more than one reload:\n"
        << log;
}

TEST_F(BusClients, OnlyRootAudioAndSeatUsersMayBeAgents)
{
    if (!policy_in_force_)
        GTEST_SKIP() << "needs root: clients must run as nobody on a system-like bus";
    // The policy lets anyone call the AgentManager (it cannot name a seat's active user);
    // cmrd refuses nobody itself, and says so.
    const std::size_t log_mark = rig_->cmrd().log_text().size();
    const CommandResult refused =
        gdbus_call(as_nobody(), root_path, std::string(agent_manager_interface) + ".RegisterAgent");
    EXPECT_FALSE(refused.ok());
    EXPECT_NE(refused.err.find(access_denied), std::string::npos) << refused.describe();
    EXPECT_NE(refused.err.find("may not be an agent"), std::string::npos) << refused.describe();
    EXPECT_TRUE(rig_->cmrd().wait_for_log("RegisterAgent refused", log_mark, 5s))
        << rig_->cmrd().log_text();
    const CommandResult report =
        busctl(as_nobody(), {"call", service_name, root_path, agent_manager_interface,
                             "UpdateCards", "a(isi)ai", "1", "1", "x", "0", "0"});
    EXPECT_FALSE(report.ok());
    EXPECT_NE(report.err.find("Access denied"), std::string::npos) << report.describe();
    // root may (busctl's connection ends after the call: cmrd forgets the agent at once).
    const CommandResult root =
        busctl({}, {"call", service_name, root_path, agent_manager_interface, "RegisterAgent"});
    EXPECT_TRUE(root.ok()) << root.describe();
    EXPECT_TRUE(rig_->cmrd().wait_for_log("left the bus", log_mark, 5s)) << rig_->cmrd().log_text();
}

TEST_F(BusClients, OnlyTheCmrdUserMayOwnTheName)
{
    if (!policy_in_force_)
        GTEST_SKIP() << "needs root: the policy is tested with cmrd as the cmrd user and "
                        "clients as nobody on a system-like bus";
    // RequestName(org.cmrd.Monitor1, DO_NOT_QUEUE) as nobody and as root: refused by the
    // policy (a permitted request would answer 3, "exists", since cmrd holds the name).
    for (const auto& [who, user] :
         {std::pair{"nobody", as_nobody()}, {"root", std::vector<std::string>{}}}) {
        const CommandResult own =
            busctl(user, {"call", "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "RequestName", "su", service_name, "4"});
        EXPECT_FALSE(own.ok()) << who << ": " << own.describe();
        EXPECT_NE(own.err.find("Access denied"), std::string::npos)
            << who << ": " << own.describe();
    }

    // A second cmrd, as nobody, cannot start: it cannot own the name.
    const ScratchDir scratch;
    scratch.open_to_all();
    const auto state = scratch / "state";
    std::filesystem::create_directory(state);
    give_to_user(state, "nobody");
    write_text_file(scratch / "empty.toml", "");
    CmrdProcess intruder(CmrdOptions{rig_->bus().address(), scratch / "empty.toml", state,
                                     rig_->sim().config_path(), scratch / "cmrd.log", "nobody",
                                     "nogroup"});
    const std::optional<int> status = intruder.wait_exit(20s);
    ASSERT_TRUE(status.has_value()) << "cmrd as nobody is still running:\n" << intruder.log_text();
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 1) << describe_wait_status(*status);
    // Refused by the policy (AccessDenied, which sd-bus reports as EACCES), not because the
    // name is taken (EEXIST).
    const std::string said = intruder.log_text();
    EXPECT_NE(said.find("cannot own org.cmrd.Monitor1"), std::string::npos) << said;
    EXPECT_NE(said.find("Permission denied"), std::string::npos) << said;
    EXPECT_EQ(rig_->client().owner_pid(), rig_->cmrd().pid()) << "the name changed hands";
}

} // namespace
} // namespace cmrd::service::testing
