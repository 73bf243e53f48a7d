// SPDX-License-Identifier: GPL-2.0-or-later
// cmrd monitoring a card through the user's sound server, every part real: cmrd on its bus with
// a umockdev card (card 1, the simulated interface `sim8` as its PCM, one opener at a time as
// hardware) playing tests/service/steady-lines.toml, real PipeWire + WirePlumber (reserving the
// card as for every card it manages, its node on sim8) or a real jackd2 on sim8, and the real
// cmrd-agent capturing through them and handing the frames to cmrd.
//
// Tolerances:
// - figures through a server equal direct capture of the same steady scenario within 0.05 dB
//   (hum, common-mode hum, CMRR, leg gain, level) and 1 mHz (mains); the scenario has a
//   different signal on every input, so a remixed or swapped input moves some figure by dBs;
// - a channel volume of 0.9 on one leg of a 40 dB line (a 0.92 dB leg mismatch) brings the CMRR
//   cmrd reads down by more than 15 dB (to about 21 dB) within a minute;
// - the ground loop alarm (a steady loop on 1/2) comes within 1 s of direct capture's time,
//   both counted from the device running;
// - the agent and cmrd follow a server, node or agent going and coming within 10 s (a
//   server's start takes a few seconds; the rest is slack), times the sanitizer slack.

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "agent_fixture.hpp"
#include "headless_pipewire.hpp"
#include "measurement_report.hpp"
#include "test_users.hpp"

namespace cmrd::service::testing {
namespace {

const auto server_timeout = 10s * cmr::sim::timing_slack;
/// After the device runs: the analysis windows fill and the figures settle.
const auto settle_time = 8s;
/// A change of CMRR: cmrd's estimate averages the hum over tens of seconds.
const auto cmrr_settle_timeout = 60s;

/// The reservation name JACK2 takes (its dbus/audio_reserve.c).
constexpr const char* jack_application_name = "Jack audio server";
/// For the servers and the agent: the real machine's processes, outside the umockdev testbed.
const EnvironmentChanges outside_testbed{{"LD_PRELOAD", std::nullopt},
                                         {"UMOCKDEV_DIR", std::nullopt}};

constexpr double db_tolerance = 0.05;
constexpr double hz_tolerance = 0.001;
/// The alarm's time from the start of the capture: the same analysis and alarm rules; what
/// differs is when the first frames arrive and cmrd's publishing (4 per second here).
constexpr double alarm_tolerance_s = 1.0;

/// One pair's figures, as cmrd publishes them.
struct PairFigures {
    double hum_dbfs = NAN;
    double cm_hum_dbfs = NAN;
    double cmrr_db = NAN;
    double leg_gain_db = NAN;
    double level_dbfs = NAN;
    double mains_hz = NAN;
};

const std::vector<std::pair<int, int>> pairs{{1, 2}, {3, 4}, {5, 6}, {7, 8}};

/// jackd2 on the simulated interface, as a user starts it (21 ms periods: on two loaded cores
/// 5 ms periods give jackd xruns of its own, which cmrd rightly counts), and stopped with SIGTERM
/// as a user stops it whatever happens: killed, it leaves its entry in JACK's registry (/dev/shm),
/// and a machine that collects a few refuses the next server ("Too many servers already active").
class JackServer {
public:
    JackServer(const std::string& name, const std::filesystem::path& log)
        : jackd_({{"jackd", "-n", name, "-d", "alsa", "-C", "sim8", "-P", "-r", "48000", "-p",
                   "1024", "-n", "3", "-i", "8"},
                  outside_testbed,
                  log})
    {}
    ~JackServer()
    {
        jackd_.signal(SIGTERM);
        if (!jackd_.wait_exit(10s))
            ADD_FAILURE() << "jackd did not end on SIGTERM";
    }
    JackServer(const JackServer&) = delete;
    JackServer& operator=(const JackServer&) = delete;

private:
    ChildProcess jackd_;
};

class AgentCapture : public AgentFixture {
protected:
    static void SetUpTestSuite() { start_studio(steady_scenario()); }

    static double figure(int hot, int cold, const std::string& name)
    {
        return client()
            .property(pair_path(card_id, hot, cold), channel_interface, name)
            .get<double>();
    }

    /// Every pair's figures once they are all known, the device has run settle_time since, and
    /// they no longer move; no overrun meanwhile (an xrun restarts the windows).
    static std::map<int, PairFigures> settled_figures()
    {
        const auto known = [] {
            return std::all_of(pairs.begin(), pairs.end(), [](const auto& pair) {
                return std::isfinite(figure(pair.first, pair.second, "HumDbfs")) &&
                       std::isfinite(figure(pair.first, pair.second, "CmrrDb"));
            });
        };
        EXPECT_TRUE(client().wait_for([&](const Recording&) { return known(); }, 30s));
        const std::uint64_t overruns_before = overruns();
        std::this_thread::sleep_for(settle_time);
        // Settled: two readings 2 s apart agree within a tenth of the tolerance (a stream
        // that started with a glitch converges again; figures still moving are not compared).
        std::map<int, PairFigures> last = read_figures();
        for (const auto since = Clock::now(); Clock::now() - since < 40s;) {
            std::this_thread::sleep_for(2s);
            std::map<int, PairFigures> now = read_figures();
            const bool steady = std::all_of(pairs.begin(), pairs.end(), [&](const auto& pair) {
                const PairFigures& a = last.at(pair.first);
                const PairFigures& b = now.at(pair.first);
                const auto same = [](double x, double y) {
                    return (std::isnan(x) && std::isnan(y)) || std::fabs(x - y) < 0.005;
                };
                return same(a.hum_dbfs, b.hum_dbfs) && same(a.cm_hum_dbfs, b.cm_hum_dbfs) &&
                       same(a.cmrr_db, b.cmrr_db) && same(a.level_dbfs, b.level_dbfs);
            });
            last = std::move(now);
            if (steady)
                break;
        }
        EXPECT_EQ(overruns(), overruns_before) << "overruns while the figures settled";
        return last;
    }

    static std::map<int, PairFigures> read_figures()
    {
        std::map<int, PairFigures> all;
        for (const auto& [hot, cold] : pairs)
            all[hot] = PairFigures{figure(hot, cold, "HumDbfs"),   figure(hot, cold, "CmHumDbfs"),
                                   figure(hot, cold, "CmrrDb"),    figure(hot, cold, "LegGainDb"),
                                   figure(hot, cold, "LevelDbfs"), figure(hot, cold, "MainsHz")};
        return all;
    }

    /// The figures through a server against direct capture's, with the largest differences
    /// reported as measurements named after @p path.
    static void expect_same_figures(const std::map<int, PairFigures>& direct,
                                    const std::map<int, PairFigures>& through,
                                    const std::string& path)
    {
        double worst_db = 0.0;
        double worst_hz = 0.0;
        for (const auto& [hot, d] : direct) {
            SCOPED_TRACE("pair " + std::to_string(hot) + " through " + path);
            const PairFigures& t = through.at(hot);
            for (const auto& [name, a, b] : {std::tuple{"hum", d.hum_dbfs, t.hum_dbfs},
                                             std::tuple{"cm hum", d.cm_hum_dbfs, t.cm_hum_dbfs},
                                             std::tuple{"cmrr", d.cmrr_db, t.cmrr_db},
                                             std::tuple{"leg gain", d.leg_gain_db, t.leg_gain_db},
                                             std::tuple{"level", d.level_dbfs, t.level_dbfs}}) {
                // Unknown on both paths alike (a silent line has no leg gain) is the same.
                if (std::isnan(a) && std::isnan(b))
                    continue;
                ASSERT_TRUE(std::isfinite(a) && std::isfinite(b)) << name << ": " << a << " " << b;
                EXPECT_NEAR(b, a, db_tolerance) << name;
                worst_db = std::max(worst_db, std::fabs(b - a));
            }
            EXPECT_NEAR(t.mains_hz, d.mains_hz, hz_tolerance);
            worst_hz = std::max(worst_hz, std::fabs(t.mains_hz - d.mains_hz));
        }
        report_measurement(path + " vs direct, largest dB difference", worst_db, "dB");
        report_measurement(path + " vs direct, largest mains difference", worst_hz * 1000.0, "mHz");
    }

    /// Seconds from now until pair 1/2 (a steady ground loop) raises its ground_loop alarm.
    static double seconds_to_ground_loop_alarm()
    {
        const auto since = Clock::now();
        EXPECT_TRUE(client().wait_for(
            [](const Recording&) {
                const auto alarms =
                    client()
                        .property(pair_path(card_id, 1, 2), channel_interface, "ActiveAlarms")
                        .get<std::vector<std::string>>();
                return std::find(alarms.begin(), alarms.end(), "ground_loop") != alarms.end();
            },
            30s));
        return std::chrono::duration<double>(Clock::now() - since).count();
    }

    /// Direct capture's figures (no server, no agent), measured once for the suite, and how
    /// long the ground loop alarm took from the start of the capture.
    struct Direct {
        std::map<int, PairFigures> figures;
        double alarm_s = NAN;
    };
    static const Direct& direct_capture()
    {
        static const Direct direct = [] {
            const std::string syspath = studio_->testbed.plug_card(studio_card("auto"));
            EXPECT_TRUE(state_becomes("running", follow_timeout));
            Direct measured;
            measured.alarm_s = seconds_to_ground_loop_alarm();
            report_measurement("ground loop alarm, direct capture", measured.alarm_s, "s");
            measured.figures = settled_figures();
            studio_->testbed.unplug_card(syspath, card_number);
            EXPECT_TRUE(client().wait_for([](const Recording&) { return !device_exists(); },
                                          follow_timeout));
            return measured;
        }();
        return direct;
    }

    static std::uint64_t overruns()
    {
        return client()
            .property(device_path(card_id), device_interface, "Overruns")
            .get<std::uint64_t>();
    }

    /// The memfds (frame rings) cmrd holds.
    static std::size_t cmrd_rings()
    {
        std::size_t rings = 0;
        const std::filesystem::path fds = "/proc/" + std::to_string(cmrd().pid()) + "/fd";
        for (const auto& entry : std::filesystem::directory_iterator(fds)) {
            std::error_code ec;
            const auto target = std::filesystem::read_symlink(entry.path(), ec);
            if (!ec && target.string().find("cmrd-frame-ring") != std::string::npos)
                ++rings;
        }
        return rings;
    }

    /// Waits until the agent has told cmrd @p report: cmrd then knows before the card appears.
    static ::testing::AssertionResult agent_reported(const std::string& report)
    {
        for (const auto since = Clock::now(); Clock::now() - since < follow_timeout;) {
            if (agent_log().find("told cmrd: " + report) != std::string::npos)
                return ::testing::AssertionSuccess();
            std::this_thread::sleep_for(50ms);
        }
        return ::testing::AssertionFailure() << "the agent did not report " << report << ":\n"
                                             << agent_log();
    }

    static ::testing::AssertionResult captured_through_becomes(const std::string& prefix)
    {
        if (client().wait_for(
                [&](const Recording&) {
                    return device("CapturedThrough").starts_with(prefix) &&
                           device("State") == "running";
                },
                server_timeout))
            return ::testing::AssertionSuccess();
        return ::testing::AssertionFailure()
               << "CapturedThrough \"" << device("CapturedThrough") << "\", State "
               << device("State") << " (" << device("LastError") << "); the agent said:\n"
               << agent_log() << "\ncmrd said:\n"
               << cmrd().log_text();
    }
};

TEST_F(AgentCapture, PipeWireDeliversEveryInputAsDirectCaptureAndTheAgentFollowsIt)
{
    if (cmr::sim::sanitizer_build)
        GTEST_SKIP() << "PipeWire is not instrumented";
    const Direct& direct = direct_capture();
    HeadlessPipeWire server("sim8", 8, card_number);
    start_agent(server.bus_address(), server.environment());
    ASSERT_TRUE(agent_reported("card 1 reserved by WirePlumber"));
    plug("auto");
    ASSERT_TRUE(captured_through_becomes("PipeWire node cmrd-test-source"));
    // The ground loop alarm comes as soon as with direct capture.
    const double alarm_s = seconds_to_ground_loop_alarm();
    report_measurement("ground loop alarm, through PipeWire", alarm_s, "s");
    EXPECT_NEAR(alarm_s, direct.alarm_s, alarm_tolerance_s);
    EXPECT_EQ(device("CapturedThrough"),
              "PipeWire node cmrd-test-source (" + my_user_name() + "'s cmrd-agent)");
    EXPECT_EQ(device("CaptureWarning"), "");
    expect_same_figures(direct.figures, settled_figures(), "PipeWire");

    // A user's mixer sets input 1 (the hot leg of 1/2, a 40 dB line) to 0.9: the agent says
    // so on the Device, and the CMRR cmrd reads collapses to what a 0.92 dB leg mismatch
    // allows (about 21 dB), so the warning is not idle. Back at 100 %, the warning goes.
    const double cmrr_before = figure(1, 2, "CmrrDb");
    server.set_channel_volumes({0.9F, 1, 1, 1, 1, 1, 1, 1});
    EXPECT_TRUE(client().wait_for(
        [](const Recording&) {
            return device("CaptureWarning").find("input 1 (AUX0) has a channel volume of 0.90") !=
                   std::string::npos;
        },
        follow_timeout))
        << "CaptureWarning \"" << device("CaptureWarning") << "\"; the agent said:\n"
        << agent_log();
    // cmrd's CMRR averages the hum over a while: followed until it settles.
    EXPECT_TRUE(client().wait_for(
        [&](const Recording&) { return figure(1, 2, "CmrrDb") < cmrr_before - 15.0; },
        cmrr_settle_timeout))
        << "CMRR " << figure(1, 2, "CmrrDb") << " dB, was " << cmrr_before;
    report_measurement("CMRR of a 40 dB line with one leg at volume 0.9", figure(1, 2, "CmrrDb"),
                       "dB");
    server.set_channel_volumes({1, 1, 1, 1, 1, 1, 1, 1});
    EXPECT_TRUE(client().wait_for([](const Recording&) { return device("CaptureWarning").empty(); },
                                  follow_timeout));

    // Another client records the same card through the server meanwhile, untroubled.
    const HeadlessPipeWire::Recording recording = server.record(3s);
    EXPECT_GE(recording.seconds, 2.0) << recording.command.describe();
    EXPECT_EQ(device("State"), "running");
    EXPECT_EQ(
        client().property(device_path(card_id), device_interface, "Overruns").get<std::uint64_t>(),
        0U);

    // The node goes (a profile change): cmrd says the stream ended, and it is measured again
    // once the server is back.
    const std::size_t fds = cmrd().open_fd_count();
    const std::size_t threads = cmrd().thread_count();
    server.destroy_node();
    EXPECT_TRUE(client().wait_for([](const Recording&) { return device("State") != "running"; },
                                  follow_timeout));
    server.stop();
    server.start();
    ASSERT_TRUE(captured_through_becomes("PipeWire node cmrd-test-source"));

    // The agent is killed: cmrd no longer captures through it; started again, it is.
    agent_->kill_and_reap();
    EXPECT_TRUE(client().wait_for(
        [](const Recording&) { return device("CapturedThrough").empty(); }, follow_timeout));
    start_agent(server.bus_address(), server.environment());
    ASSERT_TRUE(captured_through_becomes("PipeWire node cmrd-test-source"));
    EXPECT_LE(cmrd().open_fd_count(), fds) << "descriptors grow with each feed";
    EXPECT_LE(cmrd().thread_count(), threads) << "threads grow with each feed";
    EXPECT_EQ(cmrd_rings(), 1U) << "cmrd keeps rings of feeds that ended";
    unplug();
}

TEST_F(AgentCapture, JackDeliversEveryInputAsDirectCaptureAndTheAgentFollowsIt)
{
    if (cmr::sim::sanitizer_build)
        GTEST_SKIP() << "jackd's timing under an instrumented agent is not the test";
    const Direct& direct = direct_capture();
    // jackd2 reserves the card it drives as "Jack audio server" at INT32_MAX; on the simulated
    // PCM it has no card number to reserve, so pw-reserve does that for it.
    const auto reserve_log = studio_->session_dir / "jack-reserve.log";
    reserve(jack_application_name, 2147483647, reserve_log);
    ASSERT_TRUE(wait_for_text(reserve_log, "reserve acquired", follow_timeout))
        << read_text_file(reserve_log);
    const std::string server = "cmrd-test-" + std::to_string(::getpid());
    start_agent({}, outside_testbed, {"--jack-server=" + server});
    ASSERT_TRUE(agent_reported("card 1 reserved by Jack audio server"));
    plug("auto");
    ASSERT_TRUE(state_becomes("shared", follow_timeout));
    const auto jack_log = studio_->session_dir / "jackd.log";
    std::optional<JackServer> jackd(std::in_place, server, jack_log);
    ASSERT_TRUE(captured_through_becomes("JACK server " + server)) << read_text_file(jack_log);
    const double alarm_s = seconds_to_ground_loop_alarm();
    report_measurement("ground loop alarm, through JACK", alarm_s, "s");
    EXPECT_NEAR(alarm_s, direct.alarm_s, alarm_tolerance_s);
    expect_same_figures(direct.figures, settled_figures(), "JACK");

    // jackd stops: the stream ended, and cmrd waits; started again, it is measured again.
    jackd.reset();
    EXPECT_TRUE(client().wait_for([](const Recording&) { return device("State") != "running"; },
                                  follow_timeout));
    jackd.emplace(server, jack_log);
    EXPECT_TRUE(captured_through_becomes("JACK server " + server)) << read_text_file(jack_log);
    jackd.reset();
    unplug();
}

} // namespace
} // namespace cmrd::service::testing
