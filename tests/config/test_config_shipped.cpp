// SPDX-License-Identifier: GPL-2.0-or-later
// The shipped example daemon/config/cmrd.toml: installed as /etc/cmrd/cmrd.toml, it must be
// valid, equivalent to no file at all, document every key, and its commented-out examples
// must work once uncommented.
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <toml++/toml.h>

#include "config/config_loader.hpp"
#include "config/effective_settings.hpp"
#include "config_test_support.hpp"

namespace cmrd::config::test {
namespace {

/// Every dotted key of a TOML table (tables themselves not included; device entries skipped).
void collect_keys(const toml::table& table, const std::string& prefix, std::set<std::string>& out)
{
    for (auto&& [key, node] : table) {
        const std::string path =
            prefix.empty() ? std::string(key.str()) : prefix + '.' + std::string(key.str());
        if (path == "device")
            continue;
        if (const auto* sub = node.as_table())
            collect_keys(*sub, path, out);
        else
            out.insert(path);
    }
}

/// The file with its examples uncommented: a line where '#' is directly followed by a
/// setting or a table header ("#name = ...", "#[[device]]") loses the '#'.
std::string uncomment_examples(const std::string& text)
{
    std::istringstream in(text);
    std::ostringstream out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.size() > 1 && line[0] == '#' && line[1] != ' ' && line[1] != '#')
            line.erase(0, 1);
        out << line << '\n';
    }
    return out.str();
}

TEST(ShippedConfig, ParsesToTheBuiltInDefaults)
{
    const DaemonConfig shipped = load_config(shipped_config_path());
    EXPECT_EQ(shipped.source, shipped_config_path().string());
    expect_same_settings(shipped, default_config());
    EXPECT_TRUE(shipped.devices.empty());
}

TEST(ShippedConfig, DefaultsAreTheAlarmEngineDefaults)
{
    // The daemon's defaults are libcmr's (one source of truth with `cmrctl analyze`).
    expect_same(default_config().alarms, cmr::AlarmThresholds{});
    EXPECT_TRUE(default_config().source.empty());
    EXPECT_EQ(default_config().event_log.max_bytes, 1048576U);
    EXPECT_EQ(default_config().publish_rate_hz, 2.0);
}

TEST(ShippedConfig, ShowsEveryGlobalKey)
{
    const toml::table document = toml::parse_file(shipped_config_path().string());
    std::set<std::string> keys;
    collect_keys(document, "", keys);
    const std::set<std::string> expected = {
        "alarms.hum_dbfs",
        "alarms.hum_clear_dbfs",
        "alarms.ground_loop_dbfs",
        "alarms.ground_loop_clear_dbfs",
        "alarms.cmrr_min_db",
        "alarms.cmrr_clear_db",
        "alarms.hold_s",
        "alarms.clear_s",
        "alarms.cmrr_hold_s",
        "alarms.wiring_hold_s",
        "capture.rate",
        "capture.period_ms",
        "capture.buffer_ms",
        "capture.realtime",
        "capture.priority",
        "capture.access",
        "analysis.mains",
        "analysis.harmonics",
        "dbus.publish_rate_hz",
        "event_log.max_kib",
    };
    EXPECT_EQ(keys, expected);
}

TEST(ShippedConfig, UncommentedExamplesAreValid)
{
    const std::string text = uncomment_examples(read_text(shipped_config_path()));
    const DaemonConfig config = parse_config(text, "cmrd.toml (examples uncommented)");
    expect_same_settings(config, default_config());
    ASSERT_EQ(config.devices.size(), 2U);

    const DeviceConfig& desk = config.devices[0];
    EXPECT_EQ(desk.name, "desk");
    EXPECT_EQ(desk.pcm, "hw:CARD=UMC1820,DEV=0");
    EXPECT_EQ(desk.channels, "1/2 3/4 7");
    EXPECT_EQ(desk.rate, 96000U);
    EXPECT_FALSE(desk.period_us.has_value());
    ASSERT_EQ(desk.channels_cfg.size(), 1U);
    EXPECT_EQ(desk.channels_cfg[0].id, "7");
    EXPECT_EQ(thresholds_for(config, &desk, "1/2").hum_dbfs, -85.0);
    EXPECT_EQ(thresholds_for(config, &desk, "1/2").hum_clear_dbfs, -88.0);
    EXPECT_EQ(thresholds_for(config, &desk, "7").hum_dbfs, -70.0);
    EXPECT_EQ(thresholds_for(config, &desk, "7").hum_clear_dbfs, -73.0);

    const DeviceConfig& stage = config.devices[1];
    EXPECT_EQ(stage.name, "stage-box");
    EXPECT_FALSE(stage.is_static());
    EXPECT_EQ(stage.serial, "Focusrite_Scarlett_18i20_USB_P9E8R1A1234567");
    EXPECT_EQ(stage.channels, "1/2 3/4 5/6 7/8");
}

TEST(ShippedConfig, NoFileAndEmptyFileAreTheDefaults)
{
    const DaemonConfig empty = parse_config("", "empty.toml");
    expect_same_settings(empty, default_config());
    EXPECT_EQ(empty.source, "empty.toml");
    EXPECT_TRUE(empty.devices.empty());
}

} // namespace
} // namespace cmrd::config::test
