// SPDX-License-Identifier: GPL-2.0-or-later
// plan_devices(): which devices a configuration and the ready cards ask for, and how each is
// captured -- without a bus, a capture thread or a sound card.
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "service/device_plan.hpp"
#include "service_test_configs.hpp"

namespace cmrd::service::test {
namespace {

using Cards = std::map<std::string, devices::CardInfo>;

Cards cards_of(std::initializer_list<devices::CardInfo> list)
{
    Cards cards;
    for (const devices::CardInfo& card : list)
        cards.emplace(card.syspath, card);
    return cards;
}

TEST(DevicePlan, NothingWithoutDevicesOrCards)
{
    const DevicePlan plan = plan_devices(config_from(""), {});
    EXPECT_TRUE(plan.devices.empty());
    EXPECT_TRUE(plan.problems.empty());
}

TEST(DevicePlan, StaticDeviceFromConfig)
{
    const DevicePlan plan = plan_devices(config_from(R"(
[capture]
rate = 96000
period_ms = 10.0
realtime = false
[analysis]
mains = 50
harmonics = 12
[[device]]
name = "desk"
pcm = "hw:CARD=UMC1820,DEV=0"
channels = "1/2 7"
)"),
                                         {});
    ASSERT_EQ(plan.devices.size(), 1U);
    const PlannedDevice& desk = plan.devices.at("desk");
    EXPECT_TRUE(desk.syspath.empty());
    EXPECT_EQ(desk.setup.identity.name, "desk");
    EXPECT_EQ(desk.setup.identity.pcm, "hw:CARD=UMC1820,DEV=0");
    EXPECT_EQ(desk.setup.identity.origin, "config");
    EXPECT_TRUE(desk.setup.reopen_when_gone);
    const capture::CaptureConfig& c = desk.setup.capture;
    EXPECT_EQ(c.pcm, "hw:CARD=UMC1820,DEV=0");
    EXPECT_EQ(cmr::format_layout(c.layout), "1/2 7");
    EXPECT_EQ(c.rate, 96000U);
    EXPECT_EQ(c.period_us, 10000U);
    EXPECT_FALSE(c.realtime.enabled);
    EXPECT_EQ(c.analysis.mains, cmr::MainsMode::grid_50);
    EXPECT_EQ(c.analysis.harmonics, 12);
}

TEST(DevicePlan, MonitoredCardUnderItsId)
{
    const devices::CardInfo card = monitored_card("UMC1820", 1);
    const DevicePlan plan = plan_devices(config_from(""), cards_of({card}));
    ASSERT_EQ(plan.devices.size(), 1U);
    const PlannedDevice& device = plan.devices.at("UMC1820");
    EXPECT_EQ(device.syspath, card.syspath);
    EXPECT_EQ(device.setup.identity.origin, "udev");
    EXPECT_EQ(device.setup.identity.card_id, "UMC1820");
    EXPECT_EQ(device.setup.identity.model, "UMC1820 model");
    EXPECT_EQ(device.setup.capture.pcm, "hw:CARD=UMC1820,DEV=0");
    EXPECT_TRUE(device.setup.capture.layout.empty()); // default pairs, once the device is open
    EXPECT_FALSE(device.setup.reopen_when_gone);      // udev says when it is back
}

TEST(DevicePlan, AccessFromTheConfigTheCardOrItsEntry)
{
    devices::CardInfo card = monitored_card("UMC1820", 1);
    EXPECT_EQ(
        plan_devices(config_from(""), cards_of({card})).devices.at("UMC1820").setup.capture.access,
        capture::AccessMode::automatic);
    EXPECT_EQ(plan_devices(config_from("[capture]\naccess = \"yield\"\n"), cards_of({card}))
                  .devices.at("UMC1820")
                  .setup.capture.access,
              capture::AccessMode::yield);
    // The card's CMRD_ACCESS beats the global setting...
    card.access = "exclusive";
    EXPECT_EQ(plan_devices(config_from("[capture]\naccess = \"yield\"\n"), cards_of({card}))
                  .devices.at("UMC1820")
                  .setup.capture.access,
              capture::AccessMode::exclusive);
    // ...and the card's own [[device]] entry beats CMRD_ACCESS.
    const DevicePlan own = plan_devices(config_from(R"(
[[device]]
name = "desk"
card = "UMC1820"
[device.capture]
access = "shared"
)"),
                                        cards_of({card}));
    EXPECT_EQ(own.devices.at("desk").setup.capture.access, capture::AccessMode::shared);
    EXPECT_EQ(own.devices.at("desk").setup.capture.card_index, 1);
    // A value udev rules got wrong is a problem, not a guess.
    card.access = "sometimes";
    const DevicePlan broken = plan_devices(config_from(""), cards_of({card}));
    EXPECT_TRUE(broken.devices.empty());
    ASSERT_EQ(broken.problems.size(), 1U);
    EXPECT_EQ(broken.problems[0],
              "card1 (UMC1820): CMRD_ACCESS=\"sometimes\": expected auto, exclusive, yield or "
              "shared");
}

TEST(DevicePlan, CardNobodyAskedForIsLeftAlone)
{
    devices::CardInfo card = monitored_card("Laptop", 0);
    card.monitor = false;
    EXPECT_TRUE(plan_devices(config_from(""), cards_of({card})).devices.empty());
}

TEST(DevicePlan, BrokenCardLayoutIsAProblemNotADevice)
{
    devices::CardInfo card = monitored_card("UMC1820", 1);
    card.channels = "1/1";
    const DevicePlan plan = plan_devices(config_from(""), cards_of({card}));
    EXPECT_TRUE(plan.devices.empty());
    ASSERT_EQ(plan.problems.size(), 1U);
    EXPECT_EQ(plan.problems[0].rfind("card1 (UMC1820): ", 0), 0U) << plan.problems[0];
}

TEST(DevicePlan, NameTakenByAStaticDevice)
{
    const DevicePlan plan = plan_devices(config_from(R"(
[[device]]
name = "UMC1820"
pcm = "dsnoop:UMC1820"
)"),
                                         cards_of({monitored_card("UMC1820", 1)}));
    ASSERT_EQ(plan.devices.size(), 1U);
    EXPECT_EQ(plan.devices.at("UMC1820").setup.identity.origin, "config");
    ASSERT_EQ(plan.problems.size(), 1U);
    EXPECT_EQ(plan.problems[0],
              "device name 'UMC1820' is taken (/sys/devices/test/sound/card1 not monitored)");
}

TEST(DevicePlan, ThresholdsPerChannelFromTheConfigItWasPlannedWith)
{
    config::DaemonConfig config = config_from(R"(
[alarms]
hum_dbfs = -70.0
[[device]]
name = "desk"
pcm = "hw:0"
channels = "1/2 3/4"
[device.alarms]
cmrr_min_db = 50.0
[[device.channel]]
id = "3/4"
hum_dbfs = -60.0
)");
    const DevicePlan plan = plan_devices(config, {});
    config = config_from(""); // a reload replaces the configuration; the plan keeps its own
    const auto& thresholds = plan.devices.at("desk").setup.thresholds;
    ASSERT_TRUE(thresholds);
    EXPECT_EQ(thresholds("1/2").hum_dbfs, -70.0);
    EXPECT_EQ(thresholds("1/2").cmrr_min_db, 50.0);
    EXPECT_EQ(thresholds("3/4").hum_dbfs, -60.0);
    EXPECT_EQ(thresholds("3/4").hum_clear_dbfs, -63.0);
}

} // namespace
} // namespace cmrd::service::test
