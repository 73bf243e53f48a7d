// SPDX-License-Identifier: GPL-2.0-or-later
// The restart key: a running device restarts when a reload or a card changes how it must be
// captured, and only then -- new thresholds are applied to the running device.
#include <string>

#include <gtest/gtest.h>

#include "service/capture_key.hpp"
#include "service/device_plan.hpp"
#include "service_test_configs.hpp"

namespace cmrd::service::test {
namespace {

const std::string base_config = R"(
[capture]
rate = 48000
period_ms = 5.0
buffer_ms = 200.0
realtime = true
priority = 5
[analysis]
mains = "auto"
harmonics = 20
[[device]]
name = "desk"
pcm = "hw:0"
channels = "1/2 3/4"
)";

CaptureKey key_of_desk(const std::string& toml)
{
    return plan_devices(config_from(toml), {}).devices.at("desk").capture_key;
}

/// @p toml with its line starting @p line_start replaced by @p replacement.
std::string with_line(std::string toml, const std::string& line_start,
                      const std::string& replacement)
{
    const std::size_t at = toml.find("\n" + line_start);
    EXPECT_NE(at, std::string::npos) << line_start;
    const std::size_t end = toml.find('\n', at + 1);
    return toml.replace(at + 1, end - at - 1, replacement);
}

TEST(CaptureKey, SameSettingsNoRestart)
{
    EXPECT_EQ(key_of_desk(base_config), key_of_desk(base_config));
}

TEST(CaptureKey, ThresholdsOnlyNoRestart)
{
    const std::string changed = base_config + R"(
[device.alarms]
hum_dbfs = -60.0
[[device.channel]]
id = "1/2"
cmrr_min_db = 55.0
)";
    EXPECT_EQ(key_of_desk(base_config), key_of_desk("[alarms]\nhold_s = 9.0\n" + changed));
}

struct Change {
    const char* what;
    const char* line_start;
    const char* replacement;
};

class CaptureKeyChange : public ::testing::TestWithParam<Change> {};

TEST_P(CaptureKeyChange, Restarts)
{
    const Change& c = GetParam();
    EXPECT_FALSE(key_of_desk(base_config) ==
                 key_of_desk(with_line(base_config, c.line_start, c.replacement)))
        << c.what;
}

INSTANTIATE_TEST_SUITE_P(EachCaptureSetting, CaptureKeyChange,
                         ::testing::Values(Change{"pcm", "pcm =", "pcm = \"hw:1\""},
                                           Change{"layout", "channels =", "channels = \"1/2 3\""},
                                           Change{"rate", "rate =", "rate = 96000"},
                                           Change{"period", "period_ms =", "period_ms = 10.0"},
                                           Change{"buffer", "buffer_ms =", "buffer_ms = 400.0"},
                                           Change{"realtime", "realtime =", "realtime = false"},
                                           Change{"priority", "priority =", "priority = 60"},
                                           Change{"mains", "mains =", "mains = 60"},
                                           Change{"harmonics", "harmonics =", "harmonics = 10"}),
                         [](const ::testing::TestParamInfo<Change>& param) {
                             return std::string(param.param.what);
                         });

TEST(CaptureKey, OriginAloneRestarts)
{
    // A static device and a udev card of the same name are different devices.
    DeviceSetup setup;
    setup.identity.origin = "config";
    CaptureKey from_config = capture_key_of(setup);
    setup.identity.origin = "udev";
    EXPECT_FALSE(from_config == capture_key_of(setup));
}

} // namespace
} // namespace cmrd::service::test
