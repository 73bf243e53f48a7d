// SPDX-License-Identifier: GPL-2.0-or-later
// CardWatcher against real libudev, with cards faked by umockdev (run under umockdev-wrapper).
//
// Waiting: every wait polls the watcher's descriptor with a timeout (event_timeout, 5 s: far
// above the microseconds a uevent takes here, so only a missing event reaches it). To show that
// an event was ignored, a marker card is plugged afterwards and waited for: uevents arrive in
// order, so when the marker's `added` is the only event, nothing came before it.

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include <gtest/gtest.h>
#include <malloc.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/card_nodes.hpp"
#include "devices/card_watcher.hpp"
#include "sound_testbed.hpp"

namespace cmrd::devices {
namespace {

using namespace std::chrono_literals;
using testing::FakeCard;
using testing::SoundTestbed;

constexpr auto event_timeout = 5000ms;
constexpr int marker_number = 29;

/// Runs the daemon's loop (poll on fd() and retry_in(), process(), process_retries()) until
/// @p count events have come or @p timeout has passed.
std::vector<CardEvent> wait_for_events(CardWatcher& watcher, std::size_t count,
                                       std::chrono::milliseconds timeout = event_timeout)
{
    std::vector<CardEvent> events;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (events.size() < count) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left <= 0ms)
            break;
        auto wait = left;
        if (const auto retry = watcher.retry_in(); retry && *retry < wait)
            wait = *retry;
        pollfd descriptor{watcher.fd(), POLLIN, 0};
        const int ready = poll(&descriptor, 1, static_cast<int>(wait.count()));
        if (ready < 0 && errno != EINTR)
            throw std::system_error(errno, std::generic_category(), "poll");
        if (ready > 0)
            for (auto& event : watcher.process())
                events.push_back(std::move(event));
        for (auto& event : watcher.process_retries())
            events.push_back(std::move(event));
    }
    return events;
}

/// Plugs the marker card, waits for its `added`, unplugs it and waits for its `removed`, and
/// checks that these two were the only events: whatever the test did before was ignored.
void expect_nothing_before_marker(SoundTestbed& testbed, CardWatcher& watcher)
{
    const std::string marker = testbed.plug_card({marker_number, "Marker", {}});
    auto events = wait_for_events(watcher, 1);
    ASSERT_EQ(events.size(), 1U) << "expected only the marker card";
    EXPECT_EQ(events[0].action, CardAction::added);
    EXPECT_EQ(events[0].card.syspath, marker);
    testbed.unplug_card(marker, marker_number);
    events = wait_for_events(watcher, 1);
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].action, CardAction::removed);
    EXPECT_EQ(events[0].card.syspath, marker);
}

FakeCard umc1820()
{
    return {1,
            "UMC1820",
            {{"ID_SERIAL", "BEHRINGER_UMC1820_A1B2C3"},
             {"ID_PATH", "pci-0000:00:14.0-usb-0:2:1.0"},
             {"ID_MODEL", "UMC1820"},
             {"ID_MODEL_FROM_DATABASE", "UMC1820 Audio Interface"},
             {"CMRD_MONITOR", "1"},
             {"CMRD_CHANNELS", "1/2 3/4 7"},
             {"CMRD_PCM", "hw:CARD=UMC1820,DEV=0"}}};
}

/// Descriptors open in this process (the iteration's own included: the same in every count).
std::size_t open_descriptor_count()
{
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd"))
        ++count;
    return count;
}

TEST(CardWatcher, StartReportsCardsAlreadyThere)
{
    SoundTestbed testbed;
    const std::string syspath = testbed.add_ready_card(umc1820());
    CardWatcher watcher;
    const auto events = watcher.start();
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].action, CardAction::added);
    const CardInfo& card = events[0].card;
    EXPECT_EQ(card.syspath, syspath);
    EXPECT_EQ(card.sysname, "card1");
    EXPECT_EQ(card.number, 1);
    EXPECT_EQ(card.id, "UMC1820");
    EXPECT_EQ(card.serial, "BEHRINGER_UMC1820_A1B2C3");
    EXPECT_TRUE(card.monitor);
    EXPECT_EQ(card.channels, "1/2 3/4 7");
    expect_nothing_before_marker(testbed, watcher);
    EXPECT_TRUE(watcher.take_errors().empty());
}

TEST(CardWatcher, CardAppearingBeforeEnumerationIsReportedOnce)
{
    SoundTestbed testbed;
    CardWatcher watcher; // receiving from here on
    const std::string syspath = testbed.add_ready_card(umc1820());
    // The card is both enumerated and queued as an `add` event.
    const auto events = watcher.start();
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].card.syspath, syspath);
    expect_nothing_before_marker(testbed, watcher);
}

TEST(CardWatcher, HotplugReportsEveryField)
{
    SoundTestbed testbed;
    CardWatcher watcher;
    EXPECT_TRUE(watcher.start().empty());
    FakeCard fake = umc1820();
    fake.number = 3;
    fake.properties["CMRD_IGNORE"] = "1";
    const std::string syspath = testbed.plug_card(fake);
    const auto events = wait_for_events(watcher, 1);
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].action, CardAction::added);
    const CardInfo& card = events[0].card;
    EXPECT_EQ(card.syspath, syspath);
    EXPECT_EQ(card.sysname, "card3");
    EXPECT_EQ(card.number, 3);
    EXPECT_EQ(card.id, "UMC1820");
    EXPECT_EQ(card.serial, "BEHRINGER_UMC1820_A1B2C3");
    EXPECT_EQ(card.path, "pci-0000:00:14.0-usb-0:2:1.0");
    EXPECT_EQ(card.model, "UMC1820 Audio Interface");
    EXPECT_TRUE(card.monitor);
    EXPECT_TRUE(card.ignore);
    EXPECT_EQ(card.channels, "1/2 3/4 7");
    EXPECT_EQ(card.pcm, "hw:CARD=UMC1820,DEV=0");
    expect_nothing_before_marker(testbed, watcher);
}

TEST(CardWatcher, CardWithoutSoundInitializedWaitsForTheChange)
{
    SoundTestbed testbed;
    const std::string early = testbed.add_uninitialized_card({2, "Early", {}});
    CardWatcher watcher;
    EXPECT_TRUE(watcher.start().empty()) << "enumerated before udev finished with it";
    const std::string late = testbed.add_uninitialized_card({4, "Late", {}});
    expect_nothing_before_marker(testbed, watcher);

    testbed.initialize(late);
    auto events = wait_for_events(watcher, 1);
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].action, CardAction::added);
    EXPECT_EQ(events[0].card.syspath, late);

    testbed.initialize(early);
    events = wait_for_events(watcher, 1);
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].action, CardAction::added);
    EXPECT_EQ(events[0].card.id, "Early");
    expect_nothing_before_marker(testbed, watcher);
}

TEST(CardWatcher, OtherSoundDevicesAreIgnored)
{
    SoundTestbed testbed;
    const testing::Values initialized{{"SOUND_INITIALIZED", "1"}};
    // Children of a card, the global devices, and names that only look like cards.
    testbed.add_device("sound", "timer", "", {}, initialized);
    CardWatcher watcher;
    EXPECT_TRUE(watcher.start().empty());
    const std::string card = testbed.add_device("sound", "card7", "", {{"id", "Seven"}}, {});
    testbed.add_device("sound", "pcmC7D0c", card, {}, initialized);
    testbed.add_device("sound", "controlC7", card, {}, initialized);
    testbed.add_device("sound", "midiC7D0", card, {}, initialized);
    testbed.add_device("sound", "seq", "", {}, initialized);
    testbed.add_device("sound", "cardX", "", {}, initialized);
    testbed.add_device("sound", "card", "", {}, initialized);
    expect_nothing_before_marker(testbed, watcher);
    // None of them is enumerated either (card7 is not initialized).
    CardWatcher second;
    EXPECT_TRUE(second.start().empty());
}

TEST(CardWatcher, UnplugReportsRemoved)
{
    SoundTestbed testbed;
    CardWatcher watcher;
    EXPECT_TRUE(watcher.start().empty());
    const std::string syspath = testbed.plug_card(umc1820());
    ASSERT_EQ(wait_for_events(watcher, 1).size(), 1U);

    testbed.unplug_card(syspath, 1);
    const auto events = wait_for_events(watcher, 1);
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].action, CardAction::removed);
    EXPECT_EQ(events[0].card.syspath, syspath);
    EXPECT_EQ(events[0].card.sysname, "card1");
    EXPECT_EQ(events[0].card.id, "UMC1820");
    expect_nothing_before_marker(testbed, watcher);
}

TEST(CardWatcher, UnplugOfACardNeverReadySaysNothing)
{
    SoundTestbed testbed;
    CardWatcher watcher;
    EXPECT_TRUE(watcher.start().empty());
    const std::string syspath = testbed.add_uninitialized_card({5, "Half", {}});
    testbed.unplug_card(syspath, 5);
    expect_nothing_before_marker(testbed, watcher);
}

TEST(CardWatcher, ChangedCmrdPropertiesReAddTheCard)
{
    SoundTestbed testbed;
    CardWatcher watcher;
    EXPECT_TRUE(watcher.start().empty());
    FakeCard fake = umc1820();
    fake.properties["CMRD_CHANNELS"] = "1/2";
    const std::string syspath = testbed.plug_card(fake);
    ASSERT_EQ(wait_for_events(watcher, 1).size(), 1U);

    // An administrator edits the rules and runs `udevadm trigger`: a `change` with new values.
    testbed.set_property(syspath, "CMRD_CHANNELS", "3/4 5");
    testbed.uevent(syspath, "change");
    const auto events = wait_for_events(watcher, 2);
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].action, CardAction::removed);
    EXPECT_EQ(events[0].card.channels, "1/2");
    EXPECT_EQ(events[1].action, CardAction::added);
    EXPECT_EQ(events[1].card.channels, "3/4 5");
    EXPECT_EQ(events[1].card.syspath, syspath);

    // A `change` that leaves the CMRD_* properties alone is no news.
    testbed.set_property(syspath, "ID_MODEL_FROM_DATABASE", "Renamed by a hwdb update");
    testbed.uevent(syspath, "change");
    // Nor is an event without SOUND_INITIALIZED (udevadm trigger --action=add skips the
    // rule that sets it) for a card already reported.
    testbed.set_property(syspath, "SOUND_INITIALIZED", "");
    testbed.uevent(syspath, "add");
    expect_nothing_before_marker(testbed, watcher);

    // Monitoring switched off is a change as well.
    testbed.set_property(syspath, "SOUND_INITIALIZED", "1");
    testbed.set_property(syspath, "CMRD_MONITOR", "0");
    testbed.uevent(syspath, "change");
    const auto off = wait_for_events(watcher, 2);
    ASSERT_EQ(off.size(), 2U);
    EXPECT_TRUE(off[0].card.monitor);
    EXPECT_FALSE(off[1].card.monitor);
}

TEST(CardWatcher, InaccessibleNodeIsRetriedUntilItAppears)
{
    SoundTestbed testbed;
    CardWatcher watcher({.interval = 20ms, .give_up_after = 5000ms});
    EXPECT_TRUE(watcher.start().empty());
    EXPECT_FALSE(watcher.retry_in().has_value());

    const std::string syspath = testbed.add_uninitialized_card({6, "Slow", {}});
    testbed.remove_control_node(6);
    ASSERT_NE(control_node_access_error(6), 0);
    testbed.initialize(syspath);
    // The change arrives; the card is ready but for its node.
    pollfd descriptor{watcher.fd(), POLLIN, 0};
    ASSERT_EQ(poll(&descriptor, 1, static_cast<int>(event_timeout.count())), 1);
    EXPECT_TRUE(watcher.process().empty());
    const auto retry = watcher.retry_in();
    ASSERT_TRUE(retry.has_value());
    EXPECT_LE(*retry, 20ms);

    // Several retries fail while the node is missing (about 5 within 100 ms).
    EXPECT_TRUE(wait_for_events(watcher, 1, 100ms).empty());
    ASSERT_TRUE(watcher.retry_in().has_value());

    testbed.create_control_node(6);
    const auto events = wait_for_events(watcher, 1);
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].action, CardAction::added);
    EXPECT_EQ(events[0].card.syspath, syspath);
    EXPECT_FALSE(watcher.retry_in().has_value());
    EXPECT_TRUE(watcher.take_errors().empty());
}

TEST(CardWatcher, InaccessibleNodeIsGivenUpWithAnError)
{
    SoundTestbed testbed;
    CardWatcher watcher({.interval = 10ms, .give_up_after = 150ms});
    EXPECT_TRUE(watcher.start().empty());
    const std::string syspath = testbed.add_uninitialized_card({8, "Locked", {}});
    testbed.remove_control_node(8);
    testbed.initialize(syspath);

    const auto started = std::chrono::steady_clock::now();
    pollfd descriptor{watcher.fd(), POLLIN, 0};
    ASSERT_EQ(poll(&descriptor, 1, static_cast<int>(event_timeout.count())), 1);
    std::vector<CardEvent> events = watcher.process();
    ASSERT_TRUE(watcher.retry_in().has_value());
    while (watcher.retry_in() && std::chrono::steady_clock::now() - started < event_timeout)
        for (auto& event : wait_for_events(watcher, 1, 50ms))
            events.push_back(std::move(event));
    EXPECT_TRUE(events.empty());
    EXPECT_FALSE(watcher.retry_in().has_value()) << "still retrying after 5 s";
    const auto errors = watcher.take_errors();
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_NE(errors[0].find("card8"), std::string::npos) << errors[0];
    EXPECT_NE(errors[0].find("/dev/snd/controlC8"), std::string::npos) << errors[0];
    EXPECT_NE(errors[0].find("No such file"), std::string::npos) << errors[0];
    EXPECT_GE(std::chrono::steady_clock::now() - started, 150ms);

    // udev's next word on the card tries again.
    testbed.create_control_node(8);
    testbed.uevent(syspath, "change");
    events = wait_for_events(watcher, 1);
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].action, CardAction::added);
}

TEST(CardWatcher, NodeWithoutPermissionIsNotAccessible)
{
    if (geteuid() == 0)
        GTEST_SKIP() << "root may open any node: the permission case needs an ordinary user";
    SoundTestbed testbed;
    CardWatcher watcher({.interval = 10ms, .give_up_after = 5000ms});
    EXPECT_TRUE(watcher.start().empty());
    const std::string syspath = testbed.add_uninitialized_card({9, "Private", {}});
    ASSERT_EQ(chmod(testbed.control_node(9).c_str(), 0), 0);
    testbed.initialize(syspath);
    EXPECT_TRUE(wait_for_events(watcher, 1, 100ms).empty());
    EXPECT_EQ(control_node_access_error(9), EACCES);
    ASSERT_EQ(chmod(testbed.control_node(9).c_str(), 0660), 0);
    EXPECT_EQ(wait_for_events(watcher, 1).size(), 1U);
}

TEST(CardWatcher, ResynchroniseRecoversLostEvents)
{
    SoundTestbed testbed;
    CardWatcher watcher;
    const std::string first = testbed.add_ready_card(umc1820());
    ASSERT_EQ(watcher.start().size(), 1U);

    // Events lost the way an overflowing socket loses them: the second card's `add` is read
    // past the watcher, and the first card goes without a `remove`.
    const std::string second = testbed.add_ready_card({2, "Second", {}});
    testbed.remove_device_silently(first);
    pollfd descriptor{watcher.fd(), POLLIN, 0};
    ASSERT_EQ(poll(&descriptor, 1, static_cast<int>(event_timeout.count())), 1);
    std::array<char, 65536> buffer{};
    while (recv(watcher.fd(), buffer.data(), buffer.size(), MSG_DONTWAIT) > 0) {
    }
    EXPECT_TRUE(watcher.process().empty());

    const auto events = watcher.resynchronise();
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].action, CardAction::removed);
    EXPECT_EQ(events[0].card.syspath, first);
    EXPECT_EQ(events[1].action, CardAction::added);
    EXPECT_EQ(events[1].card.syspath, second);
    EXPECT_TRUE(watcher.resynchronise().empty()) << "in line already";
    expect_nothing_before_marker(testbed, watcher);
}

// Add and remove a card many times: every cycle reports exactly added then removed, and
// neither descriptors nor heap grow. Heap is measured with mallinfo2 (bytes in use), after a
// warm-up that lets libudev, umockdev and the allocator reach their steady state. A leak of
// one CardInfo per cycle (about 400 bytes with its strings) would add 80 kB over 200 cycles;
// the tolerance, 16 kB, is a fifth of that and far above the growth measured (under 1 kB).
TEST(CardWatcher, RepeatedHotplugLeaksNothing)
{
    SoundTestbed testbed;
    CardWatcher watcher;
    EXPECT_TRUE(watcher.start().empty());
    const auto cycle = [&](int round) {
        const std::string syspath = testbed.plug_card(umc1820());
        auto events = wait_for_events(watcher, 1);
        ASSERT_EQ(events.size(), 1U) << "round " << round;
        ASSERT_EQ(events[0].action, CardAction::added) << "round " << round;
        testbed.unplug_card(syspath, 1);
        events = wait_for_events(watcher, 1);
        ASSERT_EQ(events.size(), 1U) << "round " << round;
        ASSERT_EQ(events[0].action, CardAction::removed) << "round " << round;
    };
    constexpr int warm_up = 20;
    constexpr int rounds = 200;
    constexpr std::size_t heap_tolerance = 16384; // bytes
    for (int round = 0; round < warm_up; ++round)
        ASSERT_NO_FATAL_FAILURE(cycle(round));
    const std::size_t descriptors_before = open_descriptor_count();
    const std::size_t heap_before = mallinfo2().uordblks;
    for (int round = 0; round < rounds; ++round)
        ASSERT_NO_FATAL_FAILURE(cycle(round));
    const std::size_t heap_after = mallinfo2().uordblks;
    EXPECT_EQ(open_descriptor_count(), descriptors_before);
    const std::size_t growth = heap_after > heap_before ? heap_after - heap_before : 0;
    RecordProperty("heap_growth_bytes", std::to_string(growth));
    std::printf("heap in use: %zu -> %zu bytes over %d cycles\n", heap_before, heap_after, rounds);
    if (heap_before == 0 && heap_after == 0)
        // A sanitizer's allocator keeps mallinfo2 at zero; LeakSanitizer checks leaks there.
        std::printf("heap not measurable with this allocator: growth not checked\n");
    else
        EXPECT_LT(growth, heap_tolerance);
    EXPECT_TRUE(watcher.take_errors().empty());
}

} // namespace
} // namespace cmrd::devices
