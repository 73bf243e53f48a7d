// SPDX-License-Identifier: GPL-2.0-or-later
// Effective settings: derived clear levels, and global <- device <- channel precedence.
#include <gtest/gtest.h>

#include "config/config_loader.hpp"
#include "config/effective_settings.hpp"
#include "config_test_support.hpp"

namespace cmrd::config::test {
namespace {

TEST(DerivedClearLevels, FollowARaiseLevelSetAlone)
{
    const DaemonConfig config = parse_config(
        "[alarms]\nhum_dbfs = -70\nground_loop_dbfs = -40\ncmrr_min_db = 30\n", "d.toml");
    EXPECT_EQ(config.alarms.hum_clear_dbfs, -73.0);
    EXPECT_EQ(config.alarms.ground_loop_clear_dbfs, -43.0);
    EXPECT_EQ(config.alarms.cmrr_clear_db, 33.0);
}

TEST(DerivedClearLevels, ExplicitClearLevelsWin)
{
    const DaemonConfig config = parse_config("[alarms]\nhum_clear_dbfs = -90\nhum_dbfs = -70\n"
                                             "cmrr_clear_db = 45\ncmrr_min_db = 30\n",
                                             "d.toml");
    EXPECT_EQ(config.alarms.hum_dbfs, -70.0);
    EXPECT_EQ(config.alarms.hum_clear_dbfs, -90.0);
    EXPECT_EQ(config.alarms.cmrr_clear_db, 45.0);
    // Untouched: the built-in pair.
    EXPECT_EQ(config.alarms.ground_loop_dbfs, -50.0);
    EXPECT_EQ(config.alarms.ground_loop_clear_dbfs, -53.0);
}

TEST(DerivedClearLevels, AClearLevelAloneKeepsTheInheritedRaiseLevel)
{
    const DaemonConfig config = parse_config("[alarms]\nhum_clear_dbfs = -95\n", "d.toml");
    EXPECT_EQ(config.alarms.hum_dbfs, -80.0);
    EXPECT_EQ(config.alarms.hum_clear_dbfs, -95.0);
}

TEST(DerivedClearLevels, ApplyOverridesDirectly)
{
    AlarmOverrides overrides;
    overrides.ground_loop_dbfs = -20.0;
    overrides.cmrr_min_db = 60.0;
    overrides.cmrr_clear_db = 61.0;
    const cmr::AlarmThresholds result = apply_overrides(cmr::AlarmThresholds{}, overrides);
    EXPECT_EQ(result.ground_loop_dbfs, -20.0);
    EXPECT_EQ(result.ground_loop_clear_dbfs, -23.0);
    EXPECT_EQ(result.cmrr_min_db, 60.0);
    EXPECT_EQ(result.cmrr_clear_db, 61.0);
    expect_same(apply_overrides(cmr::AlarmThresholds{}, AlarmOverrides{}), cmr::AlarmThresholds{});
}

constexpr const char* layered = R"(
[alarms]
hum_dbfs = -70.0
hum_clear_dbfs = -90.0
hold_s = 4.0
clear_s = 6.0

[[device]]
name = "desk"
pcm = "hw:0"
channels = "1/2 3/4 5"
[device.alarms]
hum_dbfs = -60.0
hold_s = 1.0
[[device.channel]]
id = "5"
hum_dbfs = -50.0
clear_s = 0.5
[[device.channel]]
id = "3/4"
ground_loop_clear_dbfs = -70.0

[[device]]
name = "plain"
pcm = "hw:1"
)";

TEST(ThresholdsFor, GlobalThenDeviceThenChannel)
{
    const DaemonConfig config = parse_config(layered, "layered.toml");
    const DeviceConfig* desk = find_device(config, "desk");
    const DeviceConfig* plain = find_device(config, "plain");
    ASSERT_NE(desk, nullptr);
    ASSERT_NE(plain, nullptr);
    EXPECT_EQ(find_device(config, "nobody"), nullptr);

    // No device entry (a card monitored through udev alone): the global thresholds.
    expect_same(thresholds_for(config, nullptr, "1/2"), config.alarms);
    // A device without overrides: the same.
    expect_same(thresholds_for(config, plain, "1/2"), config.alarms);

    // A channel without its own entry: global with the device's overrides; the device set
    // hum_dbfs alone, so its clear level follows 3 dB below (the global -90 does not stay).
    cmr::AlarmThresholds device_level = config.alarms;
    device_level.hum_dbfs = -60.0;
    device_level.hum_clear_dbfs = -63.0;
    device_level.hold_s = 1.0;
    expect_same(thresholds_for(config, desk, "1/2"), device_level);

    // Channel 5: its own hum and clear_s on top of the device's hold_s and the global rest.
    cmr::AlarmThresholds channel_5 = device_level;
    channel_5.hum_dbfs = -50.0;
    channel_5.hum_clear_dbfs = -53.0;
    channel_5.clear_s = 0.5;
    expect_same(thresholds_for(config, desk, "5"), channel_5);

    // Channel 3/4 changes only a clear level.
    cmr::AlarmThresholds channel_34 = device_level;
    channel_34.ground_loop_clear_dbfs = -70.0;
    expect_same(thresholds_for(config, desk, "3/4"), channel_34);
}

TEST(CaptureFor, DeviceRateAndPeriodOverrideTheGlobalOnes)
{
    const DaemonConfig config = parse_config(R"(
[capture]
rate = 44100
period_ms = 4.0
priority = 50
[[device]]
name = "a"
pcm = "hw:0"
[device.capture]
rate = 96000
[[device]]
name = "b"
pcm = "hw:1"
[device.capture]
period_ms = 1.0
)",
                                             "c.toml");
    const CaptureSettings a = capture_for(config, find_device(config, "a"));
    EXPECT_EQ(a.rate, 96000U);
    EXPECT_EQ(a.period_us, 4000U);
    EXPECT_EQ(a.priority, 50);
    const CaptureSettings b = capture_for(config, find_device(config, "b"));
    EXPECT_EQ(b.rate, 44100U);
    EXPECT_EQ(b.period_us, 1000U);
    const CaptureSettings none = capture_for(config, nullptr);
    EXPECT_EQ(none.rate, 44100U);
    EXPECT_EQ(none.period_us, 4000U);
    EXPECT_EQ(none.buffer_us, 200000U);
}

} // namespace
} // namespace cmrd::config::test
