// SPDX-License-Identifier: GPL-2.0-or-later
// Which cards cmrd monitors, under which name, PCM and layout (plan_for_card), and the
// static devices.
#include <gtest/gtest.h>

#include "cmr/layout.hpp"

#include "config/card_plan.hpp"
#include "config/config_loader.hpp"
#include "config/device_name.hpp"

namespace cmrd::config {
namespace {

devices::CardInfo umc1820()
{
    devices::CardInfo card;
    card.syspath = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/sound/card1";
    card.sysname = "card1";
    card.number = 1;
    card.id = "UMC1820";
    card.serial = "BEHRINGER_UMC1820_12345678";
    card.path = "pci-0000:00:14.0-usb-0:2:1.0";
    card.model = "UMC1820";
    return card;
}

constexpr const char* matches = R"(
[[device]]
name = "by-serial"
serial = "BEHRINGER_UMC1820_12345678"
channels = "3/4"

[[device]]
name = "by-card-and-path"
card = "Scarlett"
path = "pci-0000:00:14.0-usb-0:3:1.0"

[[device]]
name = "by-path"
path = "pci-0000:00:14.0-usb-0:4:1.0"

[[device]]
name = "static"
pcm = "dsnoop:CARD=UMC1820"
channels = "1/2 7"
)";

TEST(CardPlan, NobodyAskedNothingMonitored)
{
    const DaemonConfig config = default_config();
    EXPECT_FALSE(plan_for_card(config, umc1820()).has_value());
    devices::CardInfo card = umc1820();
    card.channels = "1/2"; // a layout alone does not ask for monitoring
    card.pcm = "hw:CARD=UMC1820,DEV=1";
    EXPECT_FALSE(plan_for_card(config, card).has_value());
}

TEST(CardPlan, UdevMonitorAlone)
{
    devices::CardInfo card = umc1820();
    card.monitor = true;
    const std::optional<MonitorPlan> plan = plan_for_card(default_config(), card);
    ASSERT_TRUE(plan.has_value());
    EXPECT_EQ(plan->name, "UMC1820");
    EXPECT_EQ(plan->pcm, "hw:CARD=UMC1820,DEV=0");
    EXPECT_TRUE(plan->channels.empty());
    EXPECT_EQ(plan->device, nullptr);
    EXPECT_EQ(plan->reason, "udev CMRD_MONITOR=1");
    EXPECT_TRUE(plan->error.empty());
}

TEST(CardPlan, IgnoreWinsOverEverything)
{
    const DaemonConfig config = parse_config(matches, "m.toml");
    devices::CardInfo card = umc1820();
    card.monitor = true;
    card.ignore = true;
    EXPECT_FALSE(plan_for_card(config, card).has_value()); // config match and udev both ask
}

TEST(CardPlan, ConfigMatchBySerial)
{
    const DaemonConfig config = parse_config(matches, "m.toml");
    const std::optional<MonitorPlan> plan = plan_for_card(config, umc1820());
    ASSERT_TRUE(plan.has_value());
    EXPECT_EQ(plan->name, "by-serial");
    EXPECT_EQ(plan->device, &config.devices[0]);
    EXPECT_EQ(plan->reason, "config device 'by-serial' (serial)");
    EXPECT_EQ(plan->pcm, "hw:CARD=UMC1820,DEV=0");
    EXPECT_EQ(plan->channels, "3/4");
}

TEST(CardPlan, ConfigMatchNeedsEveryGivenKey)
{
    const DaemonConfig config = parse_config(matches, "m.toml");
    devices::CardInfo card = umc1820();
    card.serial.clear();
    card.id = "Scarlett";
    EXPECT_FALSE(plan_for_card(config, card).has_value()); // card id right, path wrong

    card.path = "pci-0000:00:14.0-usb-0:3:1.0";
    std::optional<MonitorPlan> plan = plan_for_card(config, card);
    ASSERT_TRUE(plan.has_value());
    EXPECT_EQ(plan->name, "by-card-and-path");
    EXPECT_EQ(plan->reason, "config device 'by-card-and-path' (card, path)");
    EXPECT_EQ(plan->pcm, "hw:CARD=Scarlett,DEV=0");
    EXPECT_TRUE(plan->channels.empty());

    card.id = "Other";
    card.path = "pci-0000:00:14.0-usb-0:4:1.0";
    plan = plan_for_card(config, card);
    ASSERT_TRUE(plan.has_value());
    EXPECT_EQ(plan->name, "by-path");
    EXPECT_EQ(plan->reason, "config device 'by-path' (path)");
}

TEST(CardPlan, ConfigMatchNameWinsOverUdevMonitor)
{
    const DaemonConfig config = parse_config(matches, "m.toml");
    devices::CardInfo card = umc1820();
    card.monitor = true;
    const std::optional<MonitorPlan> plan = plan_for_card(config, card);
    ASSERT_TRUE(plan.has_value());
    EXPECT_EQ(plan->name, "by-serial");
    EXPECT_NE(plan->device, nullptr);
}

TEST(CardPlan, StaticEntriesNeverMatchCards)
{
    // "static" names a PCM on this very card, but is not a match entry.
    const DaemonConfig config =
        parse_config("[[device]]\nname = \"static\"\npcm = \"dsnoop:CARD=UMC1820\"\n", "s.toml");
    EXPECT_FALSE(plan_for_card(config, umc1820()).has_value());
}

TEST(CardPlan, UdevPcm)
{
    devices::CardInfo card = umc1820();
    card.monitor = true;
    card.pcm = "dsnoop:CARD=UMC1820";
    EXPECT_EQ(plan_for_card(default_config(), card)->pcm, "dsnoop:CARD=UMC1820");
    const DaemonConfig config = parse_config(matches, "m.toml");
    EXPECT_EQ(plan_for_card(config, card)->pcm, "dsnoop:CARD=UMC1820"); // config match too
}

TEST(CardPlan, LayoutPrecedence)
{
    const DaemonConfig config = parse_config(matches, "m.toml");
    devices::CardInfo card = umc1820();
    card.channels = "1/2, 5/6";
    // The config entry's channels win over CMRD_CHANNELS.
    EXPECT_EQ(plan_for_card(config, card)->channels, "3/4");
    // Without a config entry with channels: CMRD_CHANNELS, in canonical form.
    card.monitor = true;
    EXPECT_EQ(plan_for_card(default_config(), card)->channels, "1/2 5/6");
    card.serial.clear();
    card.id = "Scarlett";
    card.path = "pci-0000:00:14.0-usb-0:3:1.0"; // matches "by-card-and-path", no channels
    EXPECT_EQ(plan_for_card(config, card)->channels, "1/2 5/6");
}

TEST(CardPlan, MalformedUdevLayoutIsAnError)
{
    devices::CardInfo card = umc1820();
    card.monitor = true;
    card.channels = "1/2 3/3";
    const std::optional<MonitorPlan> plan = plan_for_card(default_config(), card);
    ASSERT_TRUE(plan.has_value());
    EXPECT_TRUE(plan->channels.empty());
    ASSERT_FALSE(plan->error.empty());
    EXPECT_NE(plan->error.find("CMRD_CHANNELS \"1/2 3/3\""), std::string::npos) << plan->error;
    EXPECT_NE(plan->error.find("3/3"), plan->error.rfind("3/3"))
        << "names the token: " << plan->error;

    // A config layout makes the bad udev one irrelevant.
    const DaemonConfig config = parse_config(matches, "m.toml");
    const std::optional<MonitorPlan> matched = plan_for_card(config, card);
    ASSERT_TRUE(matched.has_value());
    EXPECT_TRUE(matched->error.empty());
    EXPECT_EQ(matched->channels, "3/4");
}

TEST(CardPlan, CardIdsBecomeValidNames)
{
    devices::CardInfo card = umc1820();
    card.monitor = true;
    card.id = "My Card.2";
    const std::optional<MonitorPlan> plan = plan_for_card(default_config(), card);
    ASSERT_TRUE(plan.has_value());
    EXPECT_EQ(plan->name, "My_Card_2");
    EXPECT_TRUE(is_valid_device_name(plan->name));
    EXPECT_EQ(plan->pcm, "hw:CARD=My Card.2,DEV=0"); // the PCM uses the real id

    EXPECT_EQ(sanitize_device_name(std::string(80, 'x')).size(), max_device_name_length);
    EXPECT_EQ(sanitize_device_name(""), "card");
    EXPECT_FALSE(is_valid_device_name(""));
    EXPECT_FALSE(is_valid_device_name("a/b"));
    EXPECT_TRUE(is_valid_device_name("Stage_Box-2"));
}

TEST(StaticDevices, EntriesWithPcmInFileOrder)
{
    const DaemonConfig config = parse_config(matches, "m.toml");
    const std::vector<const DeviceConfig*> found = static_devices(config);
    ASSERT_EQ(found.size(), 1U);
    EXPECT_EQ(found[0], &config.devices[3]);
    const MonitorPlan plan = plan_for_static(*found[0]);
    EXPECT_EQ(plan.name, "static");
    EXPECT_EQ(plan.pcm, "dsnoop:CARD=UMC1820");
    EXPECT_EQ(plan.channels, "1/2 7");
    EXPECT_EQ(plan.device, found[0]);
    EXPECT_EQ(plan.reason, "config device 'static' (pcm)");
    EXPECT_TRUE(static_devices(default_config()).empty());
}

} // namespace
} // namespace cmrd::config
