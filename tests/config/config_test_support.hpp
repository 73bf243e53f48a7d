// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Helpers shared by the configuration tests.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "cmr/alarm_engine.hpp"

#include "config/daemon_config.hpp"

namespace cmrd::config::test {

/// The source tree (tests/config/meson.build passes it in $CMR_SOURCE_ROOT).
inline std::filesystem::path source_root()
{
    const char* root = std::getenv("CMR_SOURCE_ROOT");
    return root != nullptr ? root : CMR_SOURCE_ROOT_FALLBACK;
}

inline std::filesystem::path shipped_config_path()
{
    return source_root() / "daemon" / "config" / "cmrd.toml";
}

inline std::string read_text(const std::filesystem::path& path)
{
    std::ifstream in(path);
    EXPECT_TRUE(in.good()) << "cannot open " << path;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Thresholds compared field by field (values are parsed from short decimal literals or
/// derived by adding 3: exact comparison is intended).
inline void expect_same(const cmr::AlarmThresholds& actual, const cmr::AlarmThresholds& expected)
{
    EXPECT_EQ(actual.hum_dbfs, expected.hum_dbfs);
    EXPECT_EQ(actual.hum_clear_dbfs, expected.hum_clear_dbfs);
    EXPECT_EQ(actual.ground_loop_dbfs, expected.ground_loop_dbfs);
    EXPECT_EQ(actual.ground_loop_clear_dbfs, expected.ground_loop_clear_dbfs);
    EXPECT_EQ(actual.cmrr_min_db, expected.cmrr_min_db);
    EXPECT_EQ(actual.cmrr_clear_db, expected.cmrr_clear_db);
    EXPECT_EQ(actual.hold_s, expected.hold_s);
    EXPECT_EQ(actual.clear_s, expected.clear_s);
    EXPECT_EQ(actual.cmrr_hold_s, expected.cmrr_hold_s);
    EXPECT_EQ(actual.wiring_hold_s, expected.wiring_hold_s);
}

/// Every global setting compared (not `source`, not the device list).
inline void expect_same_settings(const DaemonConfig& actual, const DaemonConfig& expected)
{
    expect_same(actual.alarms, expected.alarms);
    EXPECT_EQ(actual.capture.rate, expected.capture.rate);
    EXPECT_EQ(actual.capture.period_us, expected.capture.period_us);
    EXPECT_EQ(actual.capture.buffer_us, expected.capture.buffer_us);
    EXPECT_EQ(actual.capture.realtime, expected.capture.realtime);
    EXPECT_EQ(actual.capture.priority, expected.capture.priority);
    EXPECT_EQ(actual.analysis.mains, expected.analysis.mains);
    EXPECT_EQ(actual.analysis.harmonics, expected.analysis.harmonics);
    EXPECT_EQ(actual.publish_rate_hz, expected.publish_rate_hz);
    EXPECT_EQ(actual.event_log.max_bytes, expected.event_log.max_bytes);
}

} // namespace cmrd::config::test
