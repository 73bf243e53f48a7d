// SPDX-License-Identifier: GPL-2.0-or-later
// The capture engine reading a sound server's frames from cmrd-agent's shared ring
// (capture/feed_loop.hpp) instead of a PCM: the figures are exactly those of the analyzer fed
// the same frames directly; the states and counters mean what they mean for a direct capture
// (stalled and back, the server's xruns and frames cmrd missed as overruns, the writer ending
// as disconnected); a ring that lies ends in `error`, saying so, and samples that are not
// numbers never reach the analysis.

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "capture/capture_engine.hpp"
#include "event_fd.hpp"
#include "shared_frame_ring.hpp"
#include "test_capture_support.hpp"
#include "timing_slack.hpp"

namespace cmrd::capture::testing {
namespace {

namespace synth = cmr::synth;

CaptureConfig feed_config(std::shared_ptr<ServerFeed> feed)
{
    CaptureConfig config = sim_config("unused", measurement_layout);
    config.feed = std::move(feed);
    config.stall_timeout_ms = 300;
    config.poll_timeout_ms = 50;
    return config;
}

bool state_becomes(const CaptureEngine& engine, CaptureState state)
{
    return wait_until([&] { return engine.status().state == state; }, 5000ms);
}

TEST(CaptureFeed, FiguresAreThoseOfTheAnalyzerFedTheSameFrames)
{
    FakeAgent agent;
    CaptureEngine engine(feed_config(agent.feed()));
    engine.start();
    ASSERT_TRUE(state_becomes(engine, CaptureState::running)) << engine.status().last_error;
    EXPECT_FALSE(engine.status().is_realtime()) << "a feed needs no real-time thread";

    // 12 s of the measurement scenario, written in PipeWire-sized blocks at twice real time
    // (real time under a sanitizer, where the analysis is slower).
    synth::Scenario scenario = measurement_scenario();
    scenario.duration_s = 12.0;
    synth::Synth synth(scenario);
    const std::vector<float> frames = synth.render_all();
    constexpr std::size_t block = 1024;
    for (std::size_t at = 0; at < frames.size(); at += block * 8) {
        const std::size_t n = std::min(block * 8, frames.size() - at);
        agent.write(std::span<const float>(frames.data() + at, n));
        std::this_thread::sleep_for(std::chrono::microseconds(1024 * 1000000 / 48000 /
                                                              (cmr::sim::sanitizer_build ? 1 : 2)));
    }

    // The same frames straight into an analyzer configured as the engine's.
    cmr::AnalyzerConfig analysis = engine.config().analysis;
    analysis.sample_rate = 48000;
    analysis.input_count = 8;
    analysis.layout = cmr::parse_layout(measurement_layout);
    cmr::Analyzer direct(analysis);
    std::map<double, std::vector<cmr::ChannelResult>> direct_hops;
    std::map<double, std::optional<double>> direct_mains;
    direct.feed(frames, [&](const cmr::Snapshot& s) {
        direct_hops[s.time_s].assign(s.channels.begin(), s.channels.end());
        direct_mains[s.time_s] = s.mains_hz;
    });

    const double last_hop = direct_hops.rbegin()->first;
    CaptureSnapshot snap;
    ASSERT_TRUE(wait_until(
        [&] {
            (void)engine.latest(snap);
            return snap.time_s >= last_hop;
        },
        10000ms))
        << "the engine analysed " << snap.time_s << " s of " << last_hop;
    const CaptureStatus status = engine.status();
    ASSERT_EQ(status.worker_overruns, 0U) << "the analysis fell behind; nothing to compare";
    EXPECT_EQ(status.overruns, 0U);
    EXPECT_EQ(status.frames, frames.size() / 8);

    const auto& expected = direct_hops.at(snap.time_s);
    ASSERT_EQ(snap.channels.size(), expected.size());
    const auto same = [](const std::optional<double>& a, const std::optional<double>& b) {
        return a.has_value() == b.has_value() && (!a || std::abs(*a - *b) < 1e-9);
    };
    EXPECT_TRUE(same(snap.mains_hz, direct_mains.at(snap.time_s)));
    for (std::size_t i = 0; i < expected.size(); ++i) {
        SCOPED_TRACE(expected[i].spec.id());
        EXPECT_TRUE(same(snap.channels[i].hum_dbfs, expected[i].hum_dbfs));
        EXPECT_TRUE(same(snap.channels[i].cm_hum_dbfs, expected[i].cm_hum_dbfs));
        EXPECT_TRUE(same(snap.channels[i].cmrr_db, expected[i].cmrr_db));
        EXPECT_EQ(snap.channels[i].cmrr_kind, expected[i].cmrr_kind);
    }
    ASSERT_TRUE(snap.mains_hz.has_value());
    EXPECT_NEAR(*snap.mains_hz, scenario_mains_hz, 0.02);
    std::printf("through the feed at t=%.1f s: mains %.4f Hz, CM hum (3/4) %.2f dBFS, identical "
                "to the analyzer fed directly\n",
                snap.time_s, *snap.mains_hz, snap.channels[0].cm_hum_dbfs.value_or(NAN));
    engine.stop();
    EXPECT_EQ(engine.status().state, CaptureState::stopped);
}

TEST(CaptureFeed, StallsXrunsGarbageAndTheEndMeanWhatTheyMeanForACard)
{
    FakeAgent agent;
    CaptureEngine engine(feed_config(agent.feed()));
    engine.start();
    ASSERT_TRUE(state_becomes(engine, CaptureState::running));
    const std::vector<float> silence(480 * 8, 0.0F);
    agent.write(silence);

    // Nothing for longer than the stall timeout: stalled; frames again: running.
    ASSERT_TRUE(state_becomes(engine, CaptureState::stalled)) << engine.status().last_error;
    EXPECT_NE(engine.status().last_error.find("no frames"), std::string::npos);
    agent.write(silence);
    EXPECT_TRUE(state_becomes(engine, CaptureState::running));

    // The server's xruns, and samples that are not numbers: overruns, the NaNs never analysed.
    agent.ring.add_xruns(2);
    agent.write(silence);
    EXPECT_TRUE(wait_until([&] { return engine.status().overruns >= 1; }, 2000ms));
    const std::uint64_t before = engine.status().overruns;
    std::vector<float> nan_block = silence;
    nan_block[5] = std::nanf("");
    agent.write(nan_block);
    EXPECT_TRUE(wait_until([&] { return engine.status().overruns > before; }, 2000ms));
    EXPECT_NE(engine.status().last_error.find("not numbers"), std::string::npos)
        << engine.status().last_error;

    // The node goes away: disconnected, with the reason.
    agent.ring.end();
    common::signal_event_fd(agent.wakeup.get());
    EXPECT_TRUE(state_becomes(engine, CaptureState::disconnected));
    EXPECT_NE(engine.status().last_error.find("stream ended"), std::string::npos);
}

TEST(CaptureFeed, ARingWhosePositionGoesBackwardsIsAnError)
{
    FakeAgent agent;
    CaptureEngine engine(feed_config(agent.feed()));
    engine.start();
    ASSERT_TRUE(state_becomes(engine, CaptureState::running));
    agent.write(std::vector<float>(4800 * 8, 0.0F));
    ASSERT_TRUE(wait_until([&] { return engine.status().frames >= 4800; }, 2000ms));
    // A hostile agent rewrites its positions behind the engine's back.
    const std::uint64_t positions[2] = {10, 10};
    ASSERT_EQ(::pwrite(agent.ring.fd(), positions, sizeof positions, 64),
              static_cast<ssize_t>(sizeof positions));
    common::signal_event_fd(agent.wakeup.get());
    EXPECT_TRUE(state_becomes(engine, CaptureState::error));
    EXPECT_NE(engine.status().last_error.find("corrupt"), std::string::npos)
        << engine.status().last_error;
}

} // namespace
} // namespace cmrd::capture::testing
