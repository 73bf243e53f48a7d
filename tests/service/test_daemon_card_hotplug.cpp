// SPDX-License-Identifier: GPL-2.0-or-later
// Sound cards plugged into and unplugged from a running cmrd: umockdev fakes the cards (this
// binary runs under umockdev-wrapper, and the cmrd it starts inherits the testbed), tagged the
// way udev rules tag them (CMRD_MONITOR=1, CMRD_CHANNELS, CMRD_PCM=sim8), and the simulated
// interface plays examples/ground-loop.toml as the card's PCM. Truth comes from that file,
// through the synthesiser that renders it.
//
// Tolerances:
// - mains frequency within 0.05 Hz of the scenario's; hum levels and CMRR within 1 dB of the
//   scenario's (cmrd's analyzer is tested far tighter in tests/; 1 dB catches a wrong channel,
//   scale or interface mix-up without depending on the analysis window);
// - AlarmRaised(ground_loop) at stream time onset + hold_s .. onset + 3.5 s (issue #4: within
//   3.5 s of onset; it cannot come before hold_s has passed); AlarmCleared at stream time
//   end + clear_s .. end + clear_s + 1.5 s (beyond clear_s, the same allowance for the
//   analysis as the raise gets beyond hold_s: 3.5 - 2 s). Stream time is the audio time of the
//   decision, on the analyzer's 0.5 s hop grid: it does not depend on the machine's load;
// - the Channel's Alarm property follows a signal within 1 / publish_rate + 1 s (throttled
//   PropertiesChanged, plus scheduling);
// - PropertiesChanged per object over 10 s: at most 2 per second plus 1 for the window's edges,
//   and on a channel at least 1 per second (its figures keep flowing while audio is analysed);
// - repeated plug/unplug: no growth of cmrd's open descriptors or threads after the first
//   cycle.

#include <algorithm>
#include <cmath>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <unistd.h>

#include "cmrd_rig.hpp"
#include "headless_pipewire.hpp"
#include "measurement_report.hpp"
#include "scenario.hpp"
#include "service_paths.hpp"
#include "sound_testbed.hpp"
#include "synth.hpp"
#include "test_users.hpp"
#include "timing_slack.hpp"

namespace cmrd::service::testing {
namespace {

using namespace std::chrono_literals;
using devices::testing::FakeCard;
using devices::testing::SoundTestbed;

constexpr double hold_s = 2.0;
constexpr double clear_s = 3.0;
constexpr double ground_loop_dbfs = -50.0;
constexpr double publish_rate_hz = 2.0;
constexpr double raise_allowance_s = 3.5;
constexpr double clear_allowance_s = raise_allowance_s - hold_s;
constexpr double mains_tolerance_hz = 0.05;
constexpr double level_tolerance_db = 1.0;
constexpr auto objects_timeout = 10s;
constexpr auto property_follow_timeout = std::chrono::duration_cast<Clock::duration>(
    std::chrono::duration<double>(1.0 / publish_rate_hz) + 1s);

constexpr int card_number = 1;
constexpr const char* card_id = "SIM8";

std::string config_text()
{
    return "[alarms]\nhold_s = " + std::to_string(hold_s) +
           "\nclear_s = " + std::to_string(clear_s) +
           "\nground_loop_dbfs = " + std::to_string(ground_loop_dbfs) +
           "\n\n[dbus]\npublish_rate_hz = " + std::to_string(publish_rate_hz) + "\n";
}

FakeCard studio_card()
{
    return FakeCard{
        card_number,
        card_id,
        {{"CMRD_MONITOR", "1"}, {"CMRD_CHANNELS", ground_loop_layout}, {"CMRD_PCM", "sim8"}}};
}

/// The objects a plugged card brings: the Device and its four Channels.
std::vector<std::string> card_objects()
{
    return {device_path(card_id), pair_path(card_id, 1, 2), pair_path(card_id, 3, 4),
            pair_path(card_id, 5, 6), pair_path(card_id, 7, 8)};
}

/// When the ground loop on 1/2 starts and ends in the scenario: the event raising its
/// common-mode hum, and the next one lowering it.
struct GroundLoopTimes {
    double onset_s = NAN;
    double end_s = NAN;
};

GroundLoopTimes ground_loop_times(const cmr::synth::Scenario& scenario)
{
    GroundLoopTimes times;
    for (const cmr::synth::Event& event : scenario.events) {
        if (event.channel != "1/2" || event.param != cmr::synth::Param::cm_hum_level_dbfs)
            continue;
        if (event.value > 0 && std::isnan(times.onset_s))
            times.onset_s = event.at_s;
        else if (event.value < 0 && !std::isnan(times.onset_s) && std::isnan(times.end_s))
            times.end_s = event.at_s;
    }
    return times;
}

/// cmrd and the testbed, shared by the tests here (the testbed first: cmrd inherits it).
struct Studio {
    SoundTestbed testbed;
    CmrdRig rig{[] {
        RigOptions options = session_rig(config_text());
        options.one_opener = true; // as a hardware interface: a sound server locks cmrd out
        return options;
    }()};
};

std::size_t count_interfaces(const Recording& r, bool added, const std::vector<std::string>& paths,
                             std::size_t from = 0)
{
    std::size_t count = 0;
    for (std::size_t i = from; i < r.interfaces.size(); ++i)
        if (r.interfaces[i].added == added &&
            std::find(paths.begin(), paths.end(), r.interfaces[i].path) != paths.end())
            ++count;
    return count;
}

const AlarmSignal* find_alarm(const Recording& r, bool raised, const std::string& channel,
                              const std::string& alarm, std::size_t from = 0)
{
    for (std::size_t i = from; i < r.alarms.size(); ++i)
        if (r.alarms[i].raised == raised && r.alarms[i].channel == channel &&
            r.alarms[i].alarm == alarm)
            return &r.alarms[i];
    return nullptr;
}

/// The first PropertiesChanged on @p path received at or after @p since with
/// @p name == @p value.
const PropertiesSignal* find_change(const Recording& r, const std::string& path,
                                    const std::string& name, const std::string& value,
                                    Clock::time_point since)
{
    for (const PropertiesSignal& p : r.properties)
        if (p.path == path && p.received >= since && p.changed.contains(name) &&
            text(p.changed, name) == value)
            return &p;
    return nullptr;
}

std::vector<std::string> strings(const VariantMap& values, const std::string& name)
{
    const auto found = values.find(name);
    if (found == values.end() || !found->second.containsValueOfType<std::vector<std::string>>())
        return {};
    return found->second.get<std::vector<std::string>>();
}

class CardHotplug : public ::testing::Test {
protected:
    static void SetUpTestSuite() { studio_ = std::make_unique<Studio>(); }
    static void TearDownTestSuite() { studio_.reset(); }

    void TearDown() override
    {
        if (!syspath_.empty())
            unplug();
        EXPECT_TRUE(cmrd().running()) << "cmrd ended; it said:\n" << cmrd().log_text();
    }

    static MonitorClient& client() { return studio_->rig.client(); }
    static CmrdProcess& cmrd() { return studio_->rig.cmrd(); }

    void plug() { syspath_ = studio_->testbed.plug_card(studio_card()); }
    void unplug()
    {
        studio_->testbed.unplug_card(syspath_, card_number);
        syspath_.clear();
    }

    /// Plugs the card and waits for its five objects. @return the recording's interface
    /// signal count before the plug (to look only at what came after).
    std::size_t plug_and_wait_for_objects()
    {
        const std::size_t mark = client().recording().interfaces.size();
        plug();
        const bool appeared = client().wait_for(
            [&](const Recording& r) {
                return count_interfaces(r, true, card_objects(), mark) == card_objects().size();
            },
            objects_timeout);
        EXPECT_TRUE(appeared) << "InterfacesAdded for the card's objects missing; cmrd said:\n"
                              << cmrd().log_text();
        return mark;
    }

    /// The card's Device property @p name, read from the bus now.
    template <typename T> static T device_property(const std::string& name)
    {
        return client().property(device_path(card_id), device_interface, name).template get<T>();
    }

    /// Waits up to @p timeout until the card's Device property @p name equals @p value.
    template <typename T>
    static bool device_property_becomes(const std::string& name, const T& value,
                                        Clock::duration timeout)
    {
        return client().wait_for(
            [&](const Recording&) { return device_property<T>(name) == value; }, timeout);
    }

    /// Watches the Device for @p period: it must stay busy (cmrd never takes the card).
    static ::testing::AssertionResult stays_busy(Clock::duration period)
    {
        for (const auto since = Clock::now(); Clock::now() - since < period;) {
            if (const auto state = device_property<std::string>("State"); state != "busy")
                return ::testing::AssertionFailure()
                       << "state " << state << " after "
                       << std::chrono::duration<double>(Clock::now() - since).count() << " s";
            std::this_thread::sleep_for(250ms);
        }
        return ::testing::AssertionSuccess();
    }

    void unplug_and_wait_for_removal()
    {
        const std::size_t mark = client().recording().interfaces.size();
        unplug();
        EXPECT_TRUE(client().wait_for(
            [&](const Recording& r) {
                return count_interfaces(r, false, card_objects(), mark) == card_objects().size();
            },
            objects_timeout))
            << "InterfacesRemoved for the card's objects missing; cmrd said:\n"
            << cmrd().log_text();
    }

    static std::unique_ptr<Studio> studio_;
    std::string syspath_;
};

std::unique_ptr<Studio> CardHotplug::studio_;

/// The card's objects as GetManagedObjects describes them.
void expect_managed_objects_describe_the_card(const ManagedObjects& objects)
{
    for (const std::string& path : card_objects())
        EXPECT_TRUE(objects.contains(sdbus::ObjectPath(path))) << path << " not managed";
    const auto device = objects.find(sdbus::ObjectPath(device_path(card_id)));
    ASSERT_NE(device, objects.end());
    ASSERT_TRUE(device->second.contains(device_interface));
    const VariantMap& d = device->second.at(device_interface);
    EXPECT_EQ(text(d, "Name"), card_id);
    EXPECT_EQ(text(d, "Pcm"), "sim8");
    EXPECT_EQ(text(d, "Origin"), "udev");
    EXPECT_EQ(text(d, "CardId"), card_id);
    for (const auto& [hot, cold] : {std::pair{1, 2}, {3, 4}, {5, 6}, {7, 8}}) {
        const auto channel = objects.find(sdbus::ObjectPath(pair_path(card_id, hot, cold)));
        ASSERT_NE(channel, objects.end());
        ASSERT_TRUE(channel->second.contains(channel_interface));
        const VariantMap& c = channel->second.at(channel_interface);
        EXPECT_EQ(text(c, "Id"), std::to_string(hot) + "/" + std::to_string(cold));
        EXPECT_EQ(text(c, "Kind"), "pair");
        EXPECT_EQ(c.at("Hot").get<std::uint32_t>(), static_cast<std::uint32_t>(hot));
        EXPECT_EQ(c.at("Cold").get<std::uint32_t>(), static_cast<std::uint32_t>(cold));
        EXPECT_EQ(c.at("Device").get<sdbus::ObjectPath>(), device_path(card_id));
    }
}

/// Every channel's figures against the scenario's truth at the channel's own StreamTime.
void expect_figures_match_scenario(MonitorClient& client, cmr::synth::Synth& synth)
{
    const VariantMap device = client.properties(device_path(card_id), device_interface);
    EXPECT_EQ(text(device, "State"), "running");
    EXPECT_EQ(device.at("SampleRate").get<std::uint32_t>(), 48000U);
    EXPECT_EQ(device.at("Inputs").get<std::uint32_t>(), 8U);
    EXPECT_EQ(text(device, "Format"), "S32_LE");

    std::vector<VariantMap> channels;
    for (const auto& [hot, cold] : {std::pair{1, 2}, {3, 4}, {5, 6}, {7, 8}})
        channels.push_back(client.properties(pair_path(card_id, hot, cold), channel_interface));
    for (std::size_t i = 0; i < channels.size(); ++i) {
        const VariantMap& c = channels[i];
        const double t = number(c, "StreamTime");
        const cmr::synth::PairTruth truth = synth.pair_truth(i, t);
        SCOPED_TRACE(text(c, "Id") + " at stream time " + std::to_string(t) + " s");
        EXPECT_NEAR(number(c, "MainsHz"), truth.mains_hz, mains_tolerance_hz);
        switch (i) {
        case 0: // the ground loop, mid-way
            EXPECT_NEAR(number(c, "CmHumDbfs"), truth.cm_hum_dbfs, level_tolerance_db);
            EXPECT_EQ(text(c, "Symmetry"), "symmetric");
            EXPECT_EQ(text(c, "Alarm"), "ground_loop");
            report_measurement("1/2 common-mode hum error",
                               number(c, "CmHumDbfs") - truth.cm_hum_dbfs, "dB");
            break;
        case 1: // poor CMRR
            ASSERT_TRUE(truth.ideal_cmrr_db.has_value());
            EXPECT_NEAR(number(c, "CmrrDb"), *truth.ideal_cmrr_db, level_tolerance_db);
            EXPECT_EQ(text(c, "CmrrKind"), "measured");
            EXPECT_NEAR(number(c, "CmHumDbfs"), truth.cm_hum_dbfs, level_tolerance_db);
            EXPECT_NEAR(number(c, "LevelDbfs"), truth.programme_d_dbfs, level_tolerance_db);
            EXPECT_EQ(text(c, "Symmetry"), "cold_silent");
            report_measurement("3/4 CMRR error", number(c, "CmrrDb") - *truth.ideal_cmrr_db, "dB");
            break;
        case 2: // legs in phase
            EXPECT_EQ(text(c, "Symmetry"), "in_phase");
            EXPECT_NE(text(c, "Alarm"), "none");
            break;
        case 3: // differential hum
            EXPECT_NEAR(number(c, "HumDbfs"), truth.d_hum_dbfs, level_tolerance_db);
            EXPECT_EQ(text(c, "Alarm"), "hum");
            report_measurement("7/8 hum error", number(c, "HumDbfs") - truth.d_hum_dbfs, "dB");
            break;
        default:
            break;
        }
    }
    EXPECT_NEAR(number(device, "MainsHz"),
                synth.mains_frequency_at(number(channels[0], "StreamTime")), mains_tolerance_hz);
}

TEST_F(CardHotplug, PluggedCardFollowsTheScenarioAndGoesAwayWhenUnplugged)
{
    cmr::synth::Synth synth(cmr::synth::load_scenario(ground_loop_scenario()));
    const GroundLoopTimes loop = ground_loop_times(synth.scenario());
    ASSERT_FALSE(std::isnan(loop.onset_s) || std::isnan(loop.end_s)) << "no ground loop on 1/2";
    const std::string loop_channel = pair_path(card_id, 1, 2);

    const std::size_t alarm_mark = client().recording().alarms.size();
    const auto plugged_at = Clock::now();
    plug_and_wait_for_objects();
    report_measurement("objects after plug",
                       std::chrono::duration<double>(Clock::now() - plugged_at).count(), "s");
    expect_managed_objects_describe_the_card(client().managed_objects());

    // The ground loop is raised...
    ASSERT_TRUE(client().wait_for(
        [&](const Recording& r) {
            return find_alarm(r, true, loop_channel, "ground_loop", alarm_mark);
        },
        std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(loop.onset_s + raise_allowance_s + 5.0))))
        << "no AlarmRaised(ground_loop) on " << loop_channel;
    const AlarmSignal raised =
        *find_alarm(client().recording(), true, loop_channel, "ground_loop", alarm_mark);
    EXPECT_GE(raised.stream_time_s(), loop.onset_s + hold_s);
    EXPECT_LE(raised.stream_time_s(), loop.onset_s + raise_allowance_s);
    report_measurement("ground loop raised after onset (stream time)",
                       raised.stream_time_s() - loop.onset_s, "s");
    EXPECT_EQ(text(raised.figures, "device"), card_id);
    EXPECT_EQ(text(raised.figures, "channel"), "1/2");
    EXPECT_GE(number(raised.figures, "cm_hum_dbfs"), ground_loop_dbfs);
    EXPECT_TRUE(raised.figures.contains("sequence"));

    // ... and the Channel's Alarm property follows.
    EXPECT_TRUE(client().wait_for(
        [&](const Recording& r) {
            return find_change(r, loop_channel, "Alarm", "ground_loop", raised.received);
        },
        property_follow_timeout))
        << "no PropertiesChanged with Alarm=ground_loop after AlarmRaised";
    EXPECT_EQ(client().property(loop_channel, channel_interface, "Alarm").get<std::string>(),
              "ground_loop");

    // Mid-way through the loop (and past the CMRR hold time), every line's figures.
    const double figures_at_s = (loop.onset_s + loop.end_s) / 2.0;
    ASSERT_TRUE(client().wait_for(
        [&](const Recording& r) {
            return std::any_of(r.properties.begin(), r.properties.end(), [&](const auto& p) {
                return p.path == loop_channel && number(p.changed, "StreamTime") >= figures_at_s;
            });
        },
        std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(figures_at_s))));
    expect_figures_match_scenario(client(), synth);
    const VariantMap loop_now = client().properties(loop_channel, channel_interface);
    EXPECT_EQ(strings(loop_now, "ActiveAlarms"), std::vector<std::string>{"ground_loop"});

    // The loop ends: cleared, and the property follows.
    ASSERT_TRUE(client().wait_for(
        [&](const Recording& r) {
            return find_alarm(r, false, loop_channel, "ground_loop", alarm_mark);
        },
        std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
            loop.end_s - figures_at_s + clear_s + clear_allowance_s + 5.0))))
        << "no AlarmCleared(ground_loop) on " << loop_channel;
    const AlarmSignal cleared =
        *find_alarm(client().recording(), false, loop_channel, "ground_loop", alarm_mark);
    EXPECT_GE(cleared.stream_time_s(), loop.end_s + clear_s);
    EXPECT_LE(cleared.stream_time_s(), loop.end_s + clear_s + clear_allowance_s);
    report_measurement("ground loop cleared after its end (stream time)",
                       cleared.stream_time_s() - loop.end_s, "s");
    EXPECT_TRUE(client().wait_for(
        [&](const Recording& r) {
            return find_change(r, loop_channel, "Alarm", "none", cleared.received);
        },
        property_follow_timeout))
        << "no PropertiesChanged with Alarm=none after AlarmCleared";
    EXPECT_EQ(client().property(loop_channel, channel_interface, "Alarm").get<std::string>(),
              "none");

    // What else the scenario raises, once each: poor CMRR on 3/4, wiring on 5/6, hum on 7/8;
    // and the ground loop exactly once.
    const Recording so_far = client().recording();
    EXPECT_NE(find_alarm(so_far, true, pair_path(card_id, 3, 4), "cmrr_low", alarm_mark), nullptr);
    EXPECT_NE(find_alarm(so_far, true, pair_path(card_id, 5, 6), "wiring", alarm_mark), nullptr);
    EXPECT_NE(find_alarm(so_far, true, pair_path(card_id, 7, 8), "hum", alarm_mark), nullptr);
    EXPECT_EQ(std::count_if(so_far.alarms.begin() + static_cast<std::ptrdiff_t>(alarm_mark),
                            so_far.alarms.end(),
                            [&](const AlarmSignal& s) { return s.channel == loop_channel; }),
              2)
        << "the ground loop should be raised once and cleared once";

    // PropertiesChanged per object over 10 s, from 1 s after the plug.
    const auto window_start = plugged_at + 1s;
    const auto window_end = window_start + 10s;
    for (const std::string& path : card_objects()) {
        const auto n = std::count_if(
            so_far.properties.begin(), so_far.properties.end(), [&](const PropertiesSignal& p) {
                return p.path == path && p.received >= window_start && p.received < window_end;
            });
        EXPECT_LE(n, static_cast<long>(publish_rate_hz * 10) + 1) << path;
        // StreamTime moves with every analysis hop on a channel; a device's own properties
        // (state, counters, mains) change less often.
        if (path != device_path(card_id)) {
            EXPECT_GE(n, 10) << path << ": figures stopped flowing";
        }
        report_measurement("PropertiesChanged per second on " + path, static_cast<double>(n) / 10.0,
                           "/s");
    }

    // Unplugged: the objects go, cmrd stays.
    unplug_and_wait_for_removal();
    const ManagedObjects left = client().managed_objects();
    for (const std::string& path : card_objects())
        EXPECT_FALSE(left.contains(sdbus::ObjectPath(path))) << path << " still managed";
    EXPECT_TRUE(cmrd().running());
}

/// A process of the real machine that holds (or stands for whoever holds) the card: outside the
/// umockdev testbed (umockdev's preload library does not survive jackd's many descriptors).
ChildOptions holder_options(std::vector<std::string> argv, std::filesystem::path output = {})
{
    return {std::move(argv),
            {{"LD_PRELOAD", std::nullopt}, {"UMOCKDEV_DIR", std::nullopt}},
            std::move(output)};
}

TEST_F(CardHotplug, BusyCardNamesItsHolderUntilItIsFree)
{
    // Someone holds the card's capture stream: opens fail with -EBUSY (the simulated
    // interface's `busy`), and the kernel's status file of the substream names the owner.
    ChildProcess holder(holder_options({"sleep", "120"}));
    const std::filesystem::path status = "proc/asound/card1/pcm0c/sub0/status";
    studio_->testbed.write_file(status, "state: RUNNING\nowner_pid   : " +
                                            std::to_string(holder.pid()) + "\ntrigger_time: 1.0\n");
    studio_->testbed.write_file("proc/asound/card1/pcm0c/sub1/status", "closed\n");
    studio_->rig.sim().inject(cmr::sim::Fault::busy);
    // Whatever happens below, later tests find the interface free.
    const std::unique_ptr<const cmr::sim::SimulatedInterface,
                          void (*)(const cmr::sim::SimulatedInterface*)>
        free_again(&studio_->rig.sim(), [](const cmr::sim::SimulatedInterface* sim) {
            sim->inject(cmr::sim::Fault::resume);
        });
    const std::size_t log_mark = cmrd().log_text().size();

    plug_and_wait_for_objects();
    const auto held_by = [&](std::uint32_t pid) {
        return device_property_becomes<uint32_t>("HolderPid", pid, objects_timeout);
    };
    ASSERT_TRUE(held_by(static_cast<std::uint32_t>(holder.pid())))
        << "HolderPid never named the holder; cmrd said:\n"
        << cmrd().log_text();
    EXPECT_EQ(device_property<std::string>("State"), "busy");
    EXPECT_EQ(device_property<std::string>("HolderCommand"), "sleep");
    EXPECT_EQ(device_property<std::string>("HolderUser"), my_user_name());
    const std::string notice = std::string(card_id) + " is held by sleep (PID " +
                               std::to_string(holder.pid()) + ", " + my_user_name() + ")";
    EXPECT_TRUE(cmrd().wait_for_log(notice, log_mark, 5000ms)) << cmrd().log_text();
    // Once per busy episode, however many retries it takes.
    std::this_thread::sleep_for(2500ms);
    const std::string log = cmrd().log_text().substr(log_mark);
    EXPECT_EQ(log.find(notice), log.rfind(notice)) << "the notice was repeated:\n" << log;

    // The harm case: the holder closes the card but still runs (a sound server suspending an
    // idle node opens it again for the next recording). cmrd leaves the card alone and says
    // why; the Device no longer names a holder, as no one has the card open.
    studio_->testbed.write_file(status, "closed\n");
    studio_->rig.sim().inject(cmr::sim::Fault::resume);
    EXPECT_TRUE(held_by(0)) << "HolderPid still set; cmrd said:\n" << cmrd().log_text();
    EXPECT_TRUE(client().wait_for(
        [&](const Recording&) {
            return device_property<std::string>("LastError").find("which held it and still runs") !=
                   std::string::npos;
        },
        15s))
        << "cmrd does not say it leaves the card to its holder:\n"
        << cmrd().log_text();
    ASSERT_TRUE(stays_busy(4s)) << "cmrd took the card its holder had only closed";

    // The holder ends: cmrd takes the card.
    holder.kill_and_reap();
    EXPECT_TRUE(device_property_becomes<std::string>("State", "running", 15s)) << cmrd().log_text();
}

std::string read_text(const std::string& path)
{
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST_F(CardHotplug, JackHoldingTheCardKeepsItAndCmrdNamesIt)
{
    // A real JACK server (jackd2, as field-notes.md runs it on any ALSA PCM) captures from the
    // interface, which takes one opener. cmrd must never get in its way: it waits, names jackd
    // as the holder, and takes the card only once jackd has ended.
    if (cmr::sim::sanitizer_build)
        GTEST_SKIP() << "a sound server cannot load the sanitizer-instrumented simulated "
                        "interface (the plain build runs this test)";
    const std::string log = (std::filesystem::temp_directory_path() /
                             ("cmrd-jackd-" + std::to_string(getpid()) + ".log"))
                                .string();
    ChildProcess jackd(
        holder_options({"jackd", "-n", "cmrd-test-" + std::to_string(getpid()), "-d", "alsa", "-C",
                        "sim8", "-P", "-r", "48000", "-p", "256", "-n", "2", "-i", "8"},
                       log));
    const auto started = Clock::now();
    while (read_text(log).find("periods for capture") == std::string::npos) {
        ASSERT_LT(Clock::now() - started, 10s) << "jackd did not start:\n" << read_text(log);
        std::this_thread::sleep_for(100ms);
    }
    // What the kernel would show for a hardware card held by jackd.
    const std::filesystem::path status = "proc/asound/card1/pcm0c/sub0/status";
    studio_->testbed.write_file(
        status, "state: RUNNING\nowner_pid   : " + std::to_string(jackd.pid()) + "\n");
    const std::size_t log_mark = cmrd().log_text().size();
    const std::size_t xruns_before = count_of(read_text(log), "xrun");

    plug_and_wait_for_objects();
    ASSERT_TRUE(device_property_becomes<uint32_t>("HolderPid", static_cast<uint32_t>(jackd.pid()),
                                                  objects_timeout))
        << cmrd().log_text();
    EXPECT_EQ(device_property<std::string>("HolderCommand"), "jackd");
    EXPECT_TRUE(cmrd().wait_for_log(std::string(card_id) + " is held by jackd (PID " +
                                        std::to_string(jackd.pid()) + ", " + my_user_name() + ")",
                                    log_mark, 5000ms))
        << cmrd().log_text();
    ASSERT_TRUE(stays_busy(3s)) << "cmrd took the card jackd holds";
    const std::string jack_log = read_text(log);
    EXPECT_EQ(count_of(jack_log, "xrun"), xruns_before) << "jackd had xruns while cmrd waited:\n"
                                                        << jack_log;

    // jackd ends: the card is free, and cmrd takes it. SIGTERM, as its user would stop it:
    // killed, jackd leaves its entry in JACK's server registry (/dev/shm), and a machine that
    // collects a few of those refuses the next server ("Too many servers already active").
    jackd.signal(SIGTERM);
    if (!jackd.wait_exit(10s))
        jackd.kill_and_reap();
    studio_->testbed.write_file(status, "closed\n");
    EXPECT_TRUE(device_property_becomes<std::string>("State", "running", 15s)) << cmrd().log_text();
    EXPECT_EQ(device_property<uint32_t>("HolderPid"), 0U);
    std::filesystem::remove(log);
}

TEST_F(CardHotplug, PipeWireSuspendingTheCardNeverLosesItToCmrd)
{
    // The harm case (field-notes.md): WirePlumber suspends an idle node after 5 s and PipeWire
    // closes the PCM; a program that takes the card then breaks the user's next recording.
    // Real PipeWire and WirePlumber serve the simulated interface; cmrd sees the card while
    // PipeWire records from it, then must leave it alone through every suspend, and the
    // recordings through the server must all succeed.
    if (cmr::sim::sanitizer_build)
        GTEST_SKIP() << "a sound server cannot load the sanitizer-instrumented simulated "
                        "interface (the plain build runs this test)";
    HeadlessPipeWire server("sim8", 8);
    const std::filesystem::path status = "proc/asound/card1/pcm0c/sub0/status";
    const std::string held =
        "state: RUNNING\nowner_pid   : " + std::to_string(server.pipewire_pid()) + "\n";
    studio_->testbed.write_file(status, held);
    HeadlessPipeWire::Recording first;
    std::thread recording([&] { first = server.record(4s); });
    std::this_thread::sleep_for(1500ms); // PipeWire has opened the card
    plug_and_wait_for_objects();
    const bool named = device_property_becomes<uint32_t>(
        "HolderPid", static_cast<uint32_t>(server.pipewire_pid()), objects_timeout);
    recording.join();
    ASSERT_TRUE(named) << cmrd().log_text() << server.log();
    EXPECT_EQ(device_property<std::string>("HolderCommand"), "pipewire");
    EXPECT_GT(first.seconds, 2.0) << first.command.describe() << server.log();

    for (int round = 1; round <= 2; ++round) {
        SCOPED_TRACE("suspend " + std::to_string(round));
        // Idle: WirePlumber suspends the node and PipeWire closes the card after 5 s.
        studio_->testbed.write_file(status, "closed\n");
        ASSERT_TRUE(stays_busy(8s)) << "cmrd took the card PipeWire had suspended:\n"
                                    << cmrd().log_text();
        // The user records again: PipeWire reopens the card, and gets all of it.
        studio_->testbed.write_file(status, held);
        const HeadlessPipeWire::Recording again = server.record(2s);
        EXPECT_GT(again.seconds, 1.0) << again.command.describe() << server.log();
    }

    // PipeWire ends (the user logs out): the card is free for cmrd.
    server.stop();
    studio_->testbed.write_file(status, "closed\n");
    EXPECT_TRUE(device_property_becomes<std::string>("State", "running", 15s)) << cmrd().log_text();
}

TEST_F(CardHotplug, RepeatedPlugAndUnplugLeaksNothing)
{
    constexpr int cycles = 5;
    std::size_t baseline_fds = 0;
    std::size_t baseline_threads = 0;
    for (int cycle = 0; cycle < cycles; ++cycle) {
        SCOPED_TRACE("cycle " + std::to_string(cycle + 1));
        const auto plugged_at = Clock::now();
        plug_and_wait_for_objects();
        // Capturing, not only announced: the capture thread and the PCM are open.
        EXPECT_TRUE(client().wait_for(
            [&](const Recording& r) {
                return find_change(r, device_path(card_id), "State", "running", plugged_at);
            },
            objects_timeout))
            << "the device did not reach state running";
        const std::size_t fds_while_plugged = cmrd().open_fd_count();
        unplug_and_wait_for_removal();
        if (HasFailure())
            return;
        const std::size_t fds = cmrd().open_fd_count();
        const std::size_t threads = cmrd().thread_count();
        EXPECT_GT(fds_while_plugged, fds) << "plugging opened nothing?";
        if (cycle == 0) {
            baseline_fds = fds;
            baseline_threads = threads;
            continue;
        }
        EXPECT_LE(fds, baseline_fds) << "descriptors grow with each plug";
        EXPECT_LE(threads, baseline_threads) << "threads grow with each plug";
    }
    report_measurement("cmrd descriptors after the plug cycles",
                       static_cast<double>(cmrd().open_fd_count()), "");
    report_measurement("cmrd descriptors after the first cycle", static_cast<double>(baseline_fds),
                       "");
}

} // namespace
} // namespace cmrd::service::testing
