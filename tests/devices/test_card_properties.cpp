// SPDX-License-Identifier: GPL-2.0-or-later
// Reading a card's udev device into CardInfo, with real libudev on umockdev-faked devices
// (run under umockdev-wrapper), and the sysname rules.

#include <gtest/gtest.h>

#include "devices/card_properties.hpp"
#include "devices/udev_handles.hpp"
#include "sound_testbed.hpp"

namespace cmrd::devices {
namespace {

using testing::SoundTestbed;
using testing::Values;

/// The card as libudev reads it from the testbed's sysfs.
CardInfo read_card(SoundTestbed& testbed, const std::string& name, const Values& attributes,
                   const Values& properties)
{
    const std::string syspath = testbed.add_device("sound", name, "", attributes, properties);
    const UdevContext context = make_udev_context();
    const UdevDevice device{udev_device_new_from_syspath(context.get(), syspath.c_str())};
    if (!device)
        throw std::runtime_error("libudev cannot read " + syspath);
    return card_info_from_device(*device);
}

TEST(CardProperties, CardNumberFromSysname)
{
    EXPECT_EQ(card_number_from_sysname("card0"), 0);
    EXPECT_EQ(card_number_from_sysname("card1"), 1);
    EXPECT_EQ(card_number_from_sysname("card31"), 31);
    for (const char* other : {"card", "cardX", "card1a", "card-1", "card 1", "controlC1",
                              "pcmC1D0c", "midiC1D0", "hwC1D0", "timer", "seq", "Card1", ""})
        EXPECT_FALSE(card_number_from_sysname(other).has_value()) << other;
    EXPECT_FALSE(card_number_from_sysname("card99999999999999999999").has_value());
    EXPECT_TRUE(is_card_sysname("card2"));
    EXPECT_FALSE(is_card_sysname("controlC2"));
}

TEST(CardProperties, EveryFieldFromUdev)
{
    SoundTestbed testbed;
    const CardInfo card = read_card(testbed, "card4", {{"id", "UMC1820"}, {"number", "4"}},
                                    {{"SOUND_INITIALIZED", "1"},
                                     {"ID_SERIAL", "BEHRINGER_UMC1820_A1B2C3"},
                                     {"ID_PATH", "pci-0000:00:14.0-usb-0:2:1.0"},
                                     {"ID_MODEL", "UMC1820"},
                                     {"ID_MODEL_FROM_DATABASE", "UMC1820 Audio Interface"},
                                     {"CMRD_MONITOR", "1"},
                                     {"CMRD_IGNORE", "1"},
                                     {"CMRD_CHANNELS", "1/2 3/4 7"},
                                     {"CMRD_PCM", "dsnoop:CARD=UMC1820"}});
    EXPECT_EQ(card.syspath, "/sys/devices/card4");
    EXPECT_EQ(card.sysname, "card4");
    EXPECT_EQ(card.number, 4);
    EXPECT_EQ(card.id, "UMC1820");
    EXPECT_EQ(card.serial, "BEHRINGER_UMC1820_A1B2C3");
    EXPECT_EQ(card.path, "pci-0000:00:14.0-usb-0:2:1.0");
    EXPECT_EQ(card.model, "UMC1820 Audio Interface");
    EXPECT_TRUE(card.monitor);
    EXPECT_TRUE(card.ignore);
    EXPECT_EQ(card.channels, "1/2 3/4 7");
    EXPECT_EQ(card.pcm, "dsnoop:CARD=UMC1820");
}

TEST(CardProperties, ModelFallsBackToIdModelThenId)
{
    SoundTestbed testbed;
    EXPECT_EQ(read_card(testbed, "card1", {{"id", "PCH"}}, {{"ID_MODEL", "Built-in"}}).model,
              "Built-in");
    EXPECT_EQ(read_card(testbed, "card2", {{"id", "PCH"}}, {}).model, "PCH");
}

TEST(CardProperties, AbsentOrOtherValuesMeanNo)
{
    SoundTestbed testbed;
    const CardInfo bare = read_card(testbed, "card1", {{"id", "Bare"}}, {});
    EXPECT_FALSE(bare.monitor);
    EXPECT_FALSE(bare.ignore);
    EXPECT_TRUE(bare.serial.empty());
    EXPECT_TRUE(bare.path.empty());
    EXPECT_TRUE(bare.channels.empty());
    EXPECT_TRUE(bare.pcm.empty());
    // Only "1" is yes, as udev rules write it: a typo must not start monitoring a card.
    const CardInfo odd = read_card(testbed, "card2", {{"id", "Odd"}},
                                   {{"CMRD_MONITOR", "yes"}, {"CMRD_IGNORE", "0"}});
    EXPECT_FALSE(odd.monitor);
    EXPECT_FALSE(odd.ignore);
}

TEST(CardProperties, SoundInitialized)
{
    SoundTestbed testbed;
    const UdevContext context = make_udev_context();
    const std::string ready =
        testbed.add_device("sound", "card1", "", {{"id", "A"}}, {{"SOUND_INITIALIZED", "1"}});
    const std::string early = testbed.add_device("sound", "card2", "", {{"id", "B"}}, {});
    const UdevDevice ready_device{udev_device_new_from_syspath(context.get(), ready.c_str())};
    const UdevDevice early_device{udev_device_new_from_syspath(context.get(), early.c_str())};
    ASSERT_TRUE(ready_device && early_device);
    EXPECT_TRUE(sound_initialized(*ready_device));
    EXPECT_FALSE(sound_initialized(*early_device));
}

TEST(CardProperties, SameCmrdProperties)
{
    CardInfo a;
    a.monitor = true;
    a.channels = "1/2";
    CardInfo b = a;
    b.model = "other model";
    b.serial = "other serial";
    EXPECT_TRUE(same_cmrd_properties(a, b));
    for (auto change :
         {+[](CardInfo& c) { c.monitor = false; }, +[](CardInfo& c) { c.ignore = true; },
          +[](CardInfo& c) { c.channels = "3/4"; }, +[](CardInfo& c) { c.pcm = "plughw:1"; }}) {
        CardInfo changed = a;
        change(changed);
        EXPECT_FALSE(same_cmrd_properties(a, changed));
    }
}

} // namespace
} // namespace cmrd::devices
