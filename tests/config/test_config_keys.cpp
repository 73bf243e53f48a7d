// SPDX-License-Identifier: GPL-2.0-or-later
// Every key of cmrd.toml read back with a non-default value, the forms each key accepts, and
// loading from a real file.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "config/config_loader.hpp"
#include "config_test_support.hpp"

namespace cmrd::config::test {
namespace {

constexpr const char* every_key = R"(
[alarms]
hum_dbfs = -70.5
hum_clear_dbfs = -75.25
ground_loop_dbfs = -45
ground_loop_clear_dbfs = -49.0
cmrr_min_db = 30.0
cmrr_clear_db = 36.5
hold_s = 1.5
clear_s = 4
cmrr_hold_s = 6.0
wiring_hold_s = 7.5

[capture]
rate = 96000
period_ms = 2.5
buffer_ms = 150
realtime = false
priority = 42
access = "exclusive"

[analysis]
mains = 60
harmonics = 12

[dbus]
publish_rate_hz = 0.5

[event_log]
max_kib = 256

[[device]]
name = "desk"
pcm = "plug:dsnoop_desk"
channels = "3/4, 1/2  9"
[device.alarms]
hum_dbfs = -90.0
hum_clear_dbfs = -95.0
ground_loop_dbfs = -60.0
ground_loop_clear_dbfs = -61.0
cmrr_min_db = 50.0
cmrr_clear_db = 50.0
hold_s = 0.5
clear_s = 0.0
cmrr_hold_s = 1.0
wiring_hold_s = 2.0
[device.capture]
rate = 44100
period_ms = 10.0
access = "shared"
[[device.channel]]
id = "9"
hum_dbfs = -60.0
[[device.channel]]
id = "3/4"
cmrr_min_db = 20.0
wiring_hold_s = 9.0

[[device]]
name = "Stage_Box-2"
card = "Scarlett18i20"
serial = "Focusrite_Scarlett_18i20_USB_P9E8R1A1234567"
path = "pci-0000:00:14.0-usb-0:2:1.0"
)";

TEST(ConfigKeys, EveryKeyIsRead)
{
    const DaemonConfig config = parse_config(every_key, "every.toml");
    EXPECT_EQ(config.source, "every.toml");

    const cmr::AlarmThresholds& alarms = config.alarms;
    EXPECT_EQ(alarms.hum_dbfs, -70.5);
    EXPECT_EQ(alarms.hum_clear_dbfs, -75.25);
    EXPECT_EQ(alarms.ground_loop_dbfs, -45.0); // an integer is a number too
    EXPECT_EQ(alarms.ground_loop_clear_dbfs, -49.0);
    EXPECT_EQ(alarms.cmrr_min_db, 30.0);
    EXPECT_EQ(alarms.cmrr_clear_db, 36.5);
    EXPECT_EQ(alarms.hold_s, 1.5);
    EXPECT_EQ(alarms.clear_s, 4.0);
    EXPECT_EQ(alarms.cmrr_hold_s, 6.0);
    EXPECT_EQ(alarms.wiring_hold_s, 7.5);

    EXPECT_EQ(config.capture.rate, 96000U);
    EXPECT_EQ(config.capture.period_us, 2500U);
    EXPECT_EQ(config.capture.buffer_us, 150000U);
    EXPECT_FALSE(config.capture.realtime);
    EXPECT_EQ(config.capture.priority, 42);
    EXPECT_EQ(config.capture.access, capture::AccessMode::exclusive);
    EXPECT_EQ(config.analysis.mains, cmr::MainsMode::grid_60);
    EXPECT_EQ(config.analysis.harmonics, 12U);
    EXPECT_EQ(config.publish_rate_hz, 0.5);
    EXPECT_EQ(config.event_log.max_bytes, 256U * 1024U);

    ASSERT_EQ(config.devices.size(), 2U);
    const DeviceConfig& desk = config.devices[0];
    EXPECT_EQ(desk.name, "desk");
    EXPECT_EQ(desk.pcm, "plug:dsnoop_desk");
    EXPECT_TRUE(desk.is_static());
    EXPECT_EQ(desk.channels, "3/4 1/2 9"); // canonical form, order kept
    EXPECT_EQ(desk.line, 32);
    EXPECT_EQ(desk.alarms.hum_dbfs, -90.0);
    EXPECT_EQ(desk.alarms.hum_clear_dbfs, -95.0);
    EXPECT_EQ(desk.alarms.ground_loop_dbfs, -60.0);
    EXPECT_EQ(desk.alarms.ground_loop_clear_dbfs, -61.0);
    EXPECT_EQ(desk.alarms.cmrr_min_db, 50.0);
    EXPECT_EQ(desk.alarms.cmrr_clear_db, 50.0); // equal is allowed: at least cmrr_min_db
    EXPECT_EQ(desk.alarms.hold_s, 0.5);
    EXPECT_EQ(desk.alarms.clear_s, 0.0);
    EXPECT_EQ(desk.alarms.cmrr_hold_s, 1.0);
    EXPECT_EQ(desk.alarms.wiring_hold_s, 2.0);
    EXPECT_EQ(desk.rate, 44100U);
    EXPECT_EQ(desk.period_us, 10000U);
    EXPECT_EQ(desk.access, capture::AccessMode::shared);
    ASSERT_EQ(desk.channels_cfg.size(), 2U);
    EXPECT_EQ(desk.channels_cfg[0].id, "9");
    EXPECT_EQ(desk.channels_cfg[0].line, 51);
    EXPECT_EQ(desk.channels_cfg[0].alarms.hum_dbfs, -60.0);
    EXPECT_FALSE(desk.channels_cfg[0].alarms.hold_s.has_value());
    EXPECT_EQ(desk.channels_cfg[1].id, "3/4");
    EXPECT_EQ(desk.channels_cfg[1].alarms.cmrr_min_db, 20.0);
    EXPECT_EQ(desk.channels_cfg[1].alarms.wiring_hold_s, 9.0);

    const DeviceConfig& stage = config.devices[1];
    EXPECT_EQ(stage.name, "Stage_Box-2");
    EXPECT_FALSE(stage.is_static());
    EXPECT_EQ(stage.card, "Scarlett18i20");
    EXPECT_EQ(stage.serial, "Focusrite_Scarlett_18i20_USB_P9E8R1A1234567");
    EXPECT_EQ(stage.path, "pci-0000:00:14.0-usb-0:2:1.0");
    EXPECT_TRUE(stage.channels.empty());
    EXPECT_FALSE(stage.rate.has_value());
    EXPECT_FALSE(stage.alarms.hum_dbfs.has_value());
    EXPECT_TRUE(stage.channels_cfg.empty());
}

TEST(ConfigKeys, MainsForms)
{
    const auto mains = [](const std::string& value) {
        return parse_config("[analysis]\nmains = " + value + "\n", "m.toml").analysis.mains;
    };
    EXPECT_EQ(mains("\"auto\""), cmr::MainsMode::automatic);
    EXPECT_EQ(mains("50"), cmr::MainsMode::grid_50);
    EXPECT_EQ(mains("60"), cmr::MainsMode::grid_60);
    EXPECT_EQ(mains("\"50\""), cmr::MainsMode::grid_50); // as `cmrctl analyze --mains 50`
    EXPECT_EQ(mains("\"60\""), cmr::MainsMode::grid_60);
}

TEST(ConfigKeys, PeriodsInFractionalMilliseconds)
{
    const DaemonConfig config =
        parse_config("[capture]\nperiod_ms = 0.667\nbuffer_ms = 1.5\n", "p.toml");
    EXPECT_EQ(config.capture.period_us, 667U); // rounded to the nearest microsecond
    EXPECT_EQ(config.capture.buffer_us, 1500U);
}

TEST(ConfigKeys, InlineTablesAndDottedKeysAreTheSameSettings)
{
    const DaemonConfig config = parse_config(
        "alarms = { hold_s = 9.0 }\ncapture.priority = 10\n"
        "device = [{ name = \"a\", pcm = \"null\", channel = [{ id = \"1/2\", hold_s = 1.0 }] }]\n",
        "inline.toml");
    EXPECT_EQ(config.alarms.hold_s, 9.0);
    EXPECT_EQ(config.capture.priority, 10);
    ASSERT_EQ(config.devices.size(), 1U);
    ASSERT_EQ(config.devices[0].channels_cfg.size(), 1U);
    EXPECT_EQ(config.devices[0].channels_cfg[0].alarms.hold_s, 1.0);
}

TEST(ConfigKeys, LoadsARealFile)
{
    const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                       ("cmrd-config-test-" + std::to_string(::getpid()) + ".toml");
    {
        std::ofstream out(path);
        out << every_key;
    }
    const DaemonConfig config = load_config(path);
    std::filesystem::remove(path);
    EXPECT_EQ(config.source, path.string());
    EXPECT_EQ(config.alarms.hum_dbfs, -70.5);
    ASSERT_EQ(config.devices.size(), 2U);
    EXPECT_EQ(config.devices[1].name, "Stage_Box-2");
}

} // namespace
} // namespace cmrd::config::test
