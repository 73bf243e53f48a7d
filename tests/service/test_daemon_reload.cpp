// SPDX-License-Identifier: GPL-2.0-or-later
// Reloading the configuration of a running cmrd (SIGHUP and the Reload method): a broken file
// is rejected, the error names file, line and key (ConfigError property, D-Bus error, log), and
// the running configuration stays with its devices undisturbed; a fixed file then applies: a
// new static device appears and changed thresholds act on the running device in place.
//
// Time bounds: cmrd handles a signal or a call within one turn of its poll loop (milliseconds);
// 5 s deadlines only catch a reload that never happens. The hum alarm on 7/8 clears clear_s
// (3 s) of stream time after the threshold moves above it, plus the analysis latency: 8 s bound.

#include <csignal>

#include <gtest/gtest.h>

#include "cmrd_rig.hpp"
#include "measurement_report.hpp"
#include "test_users.hpp"

namespace cmrd::service::testing {
namespace {

using namespace std::chrono_literals;

constexpr auto reload_timeout = 5s;
constexpr auto alarm_timeout = 15s;
constexpr auto hum_clear_timeout = 8s;

/// The thresholds all tests here state (cmrd's defaults, written out).
std::string alarms_section()
{
    return "[alarms]\n"      // line 1
           "hold_s = 2.0\n"  // line 2
           "clear_s = 3.0\n" // line 3
           "hum_dbfs = -80.0\n\n";
}

std::string desk_config()
{
    return alarms_section() + static_device_toml("desk", "sim8", ground_loop_layout);
}

/// Line 4 gives hum_dbfs a string.
constexpr const char* broken_line = ":4:";
std::string broken_config()
{
    return "[alarms]\nhold_s = 2.0\nclear_s = 3.0\nhum_dbfs = \"loud\"\n\n" +
           static_device_toml("desk", "sim8", ground_loop_layout);
}

/// desk with a hum threshold above the -71.5 dBFS of hum on 7/8, and a second device.
std::string fixed_config()
{
    return desk_config() + "[device.alarms]\nhum_dbfs = -60.0\n\n" +
           static_device_toml("desk2", "sim8b", "1/2 3/4");
}

bool has_alarm(const Recording& r, bool raised, const std::string& channel,
               const std::string& alarm)
{
    for (const AlarmSignal& s : r.alarms)
        if (s.raised == raised && s.channel == channel && s.alarm == alarm)
            return true;
    return false;
}

bool interfaces_added(const Recording& r, const std::string& path)
{
    for (const InterfacesSignal& s : r.interfaces)
        if (s.added && s.path == path)
            return true;
    return false;
}

std::size_t removals(const Recording& r)
{
    std::size_t count = 0;
    for (const InterfacesSignal& s : r.interfaces)
        count += s.added ? 0 : 1;
    return count;
}

/// The ConfigError value of the latest PropertiesChanged of the Manager that carried one.
std::optional<std::string> announced_config_error(const Recording& r, std::size_t from)
{
    std::optional<std::string> latest;
    for (std::size_t i = from; i < r.properties.size(); ++i)
        if (r.properties[i].path == root_path && r.properties[i].changed.contains("ConfigError"))
            latest = text(r.properties[i].changed, "ConfigError");
    return latest;
}

/// Objects under a device (the device itself included).
std::size_t objects_of(const ManagedObjects& objects, const std::string& device)
{
    std::size_t count = 0;
    for (const auto& [path, interfaces] : objects)
        if (std::string(path) == device_path(device) ||
            std::string(path).starts_with(device_path(device) + "/"))
            ++count;
    return count;
}

double stream_time(MonitorClient& client, const std::string& channel)
{
    return client.property(channel, channel_interface, "StreamTime").get<double>();
}

TEST(DaemonReload, SighupRejectsBrokenConfigThenAppliesFixedOne)
{
    CmrdRig rig(session_rig(desk_config()));
    MonitorClient& client = rig.client();
    const std::string desk_7_8 = pair_path("desk", 7, 8);
    const std::string desk_1_2 = pair_path("desk", 1, 2);
    ASSERT_EQ(objects_of(client.managed_objects(), "desk"), 5U) << rig.cmrd().log_text();
    ASSERT_TRUE(client.wait_for(
        [&](const Recording& r) { return has_alarm(r, true, desk_7_8, "hum"); }, alarm_timeout))
        << "no hum alarm on 7/8 (scenario: -72 dBFS differential hum, threshold -80)";

    // A broken file: rejected, the running configuration and devices stay.
    std::size_t log_mark = rig.cmrd().log_text().size();
    std::size_t signal_mark = client.recording().properties.size();
    rig.write_config(broken_config());
    rig.cmrd().signal(SIGHUP);
    ASSERT_TRUE(client.wait_for(
        [&](const Recording& r) {
            const auto error = announced_config_error(r, signal_mark);
            return error && !error->empty();
        },
        reload_timeout))
        << "no PropertiesChanged of ConfigError after SIGHUP with a broken file";
    const std::string error =
        client.property(root_path, manager_interface, "ConfigError").get<std::string>();
    EXPECT_NE(error.find(rig.config_path().string() + broken_line), std::string::npos) << error;
    EXPECT_NE(error.find("hum_dbfs"), std::string::npos) << error;
    EXPECT_TRUE(rig.cmrd().wait_for_log(error, log_mark, 1s))
        << "the rejection is not logged with the error; log:\n"
        << rig.cmrd().log_text();
    EXPECT_EQ(client.property(root_path, manager_interface, "ConfigFile").get<std::string>(),
              rig.config_path().string());
    EXPECT_EQ(objects_of(client.managed_objects(), "desk"), 5U);
    EXPECT_EQ(removals(client.recording()), 0U) << "a rejected reload removed objects";
    const double before_fix = stream_time(client, desk_1_2);
    EXPECT_TRUE(stream_advances(client, desk_1_2, before_fix, 3s)) << "desk stopped analysing";
    EXPECT_TRUE(rig.cmrd().running());

    // The fixed file: applies, desk carries on (not restarted), desk2 appears, and desk's new
    // hum threshold (-60 dBFS) clears the hum alarm on 7/8.
    log_mark = rig.cmrd().log_text().size();
    signal_mark = client.recording().properties.size();
    rig.write_config(fixed_config());
    const auto reloaded_at = Clock::now();
    rig.cmrd().signal(SIGHUP);
    ASSERT_TRUE(client.wait_for(
        [&](const Recording& r) { return interfaces_added(r, device_path("desk2")); },
        reload_timeout))
        << rig.cmrd().log_text();
    EXPECT_TRUE(client.wait_for(
        [&](const Recording& r) {
            const auto announced = announced_config_error(r, signal_mark);
            return announced && announced->empty();
        },
        reload_timeout))
        << "ConfigError not cleared after a good reload";
    EXPECT_TRUE(rig.cmrd().wait_for_log("configuration reloaded", log_mark, 1s));
    EXPECT_EQ(objects_of(client.managed_objects(), "desk2"), 3U);
    EXPECT_EQ(removals(client.recording()), 0U) << "desk was restarted by a threshold change";
    EXPECT_GT(stream_time(client, desk_1_2), before_fix)
        << "desk's stream time went back: it was restarted";
    EXPECT_TRUE(
        client.wait_for([&](const Recording& r) { return has_alarm(r, false, desk_7_8, "hum"); },
                        hum_clear_timeout))
        << "the hum alarm on 7/8 did not clear under the new -60 dBFS threshold";
    report_measurement("hum alarm cleared after the reload",
                       std::chrono::duration<double>(Clock::now() - reloaded_at).count(), "s");
    EXPECT_EQ(client.property(desk_7_8, channel_interface, "Alarm").get<std::string>(), "none");
}

TEST(DaemonReload, ReloadMethodAnswersConfigInvalidWithFileAndLine)
{
    if (!running_as_root())
        GTEST_SKIP() << "Reload is for root (cmrd checks the caller's uid; this test's bus is a "
                        "session bus where the caller is the test): run the suite as root";
    CmrdRig rig(session_rig(desk_config()));
    MonitorClient& client = rig.client();

    rig.write_config(broken_config());
    try {
        client.reload();
        ADD_FAILURE() << "Reload accepted a broken file";
    } catch (const sdbus::Error& e) {
        EXPECT_EQ(e.getName(), "org.cmrd.Monitor1.Error.ConfigInvalid") << e.getMessage();
        EXPECT_NE(e.getMessage().find(rig.config_path().string() + broken_line), std::string::npos)
            << e.getMessage();
        EXPECT_NE(e.getMessage().find("hum_dbfs"), std::string::npos) << e.getMessage();
        EXPECT_EQ(client.property(root_path, manager_interface, "ConfigError").get<std::string>(),
                  e.getMessage());
    }
    EXPECT_EQ(objects_of(client.managed_objects(), "desk"), 5U);

    rig.write_config(fixed_config());
    EXPECT_NO_THROW(client.reload());
    EXPECT_EQ(client.property(root_path, manager_interface, "ConfigError").get<std::string>(), "");
    EXPECT_EQ(objects_of(client.managed_objects(), "desk2"), 3U);
    EXPECT_TRUE(rig.cmrd().running());
}

} // namespace
} // namespace cmrd::service::testing
