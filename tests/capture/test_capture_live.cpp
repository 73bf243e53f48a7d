// SPDX-License-Identifier: GPL-2.0-or-later
// The capture engine against simulated interfaces with hardware-like constraints, through real
// alsa-lib: it negotiates what each device demands (its channel count, the one format or rate
// it offers), captures live in real time, and the measurements of the layout's channels match
// the scenario's truth. Five differently constrained devices are captured at once (one ALSA
// configuration declares them all), which keeps the suite fast and exercises several engines
// side by side.
//
// Tolerances: mains frequency within 0.02 Hz of the scenario's; hum levels within 1 dB of the
// synthesiser's truth; frames within 3 % of what the elapsed time implies (the simulator is
// paced by CLOCK_MONOTONIC, like a sound card by its crystal).
#include <chrono>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "capture/capture_engine.hpp"
#include "simulated_interface.hpp"
#include "test_capture_support.hpp"

namespace cmrd::capture::testing {
namespace {

namespace synth = cmr::synth;
using cmr::sim::interface_spec;
using cmr::sim::SimulatedInterface;

// One constrained device and what the engine must make of it.
struct Device {
    std::string pcm;
    std::vector<std::string> formats;
    std::vector<unsigned> rates;
    bool allow_mmap;
    SampleFormat expect_format;
    unsigned expect_rate;
};

// The devices: the fixture's own PCM ("sim") and four more declared in its configuration.
const std::vector<Device>& devices()
{
    static const std::vector<Device> list = {
        // Only S32_LE, like many USB interfaces; three rates, 48 kHz wanted.
        {"sim", {"S32_LE"}, {44100, 48000, 96000}, true, SampleFormat::s32_le, 48000},
        // Only 8 inputs but every format: float is preferred.
        {"sim_any_format",
         {"S16_LE", "S24_LE", "S24_3LE", "S32_LE", "FLOAT_LE"},
         {48000},
         true,
         SampleFormat::float_le,
         48000},
        // Only 96 kHz (48 kHz wanted: the nearest is taken), 24 bits in 4 bytes.
        {"sim_96k", {"S24_LE"}, {96000}, true, SampleFormat::s24_le, 96000},
        // Packed 24-bit, read through readi (the RW fallback) rather than mmap.
        {"sim_s24_3le", {"S24_3LE"}, {48000}, false, SampleFormat::s24_3le, 48000},
        // 16-bit only.
        {"sim_s16", {"S16_LE"}, {44100, 48000}, true, SampleFormat::s16_le, 48000},
    };
    return list;
}

// The configuration of the devices after the first (the fixture declares that one).
std::string extra_devices(const ScenarioOnDisk& scenario)
{
    std::string config;
    for (std::size_t i = 1; i < devices().size(); ++i)
        config += scenario.pcm_block(devices()[i].pcm, devices()[i].formats, devices()[i].rates);
    return config;
}

cmr::sim::InterfaceSpec main_spec(const ScenarioOnDisk& scenario)
{
    const Device& d = devices()[0];
    cmr::sim::InterfaceSpec spec = interface_spec(8, d.formats, d.rates, d.pcm);
    spec.extra_config = extra_devices(scenario);
    return spec;
}

TEST(CaptureLive, NegotiatesEachDeviceAndMeasuresTheScenario)
{
    const ScenarioOnDisk scenario;
    const SimulatedInterface sim(main_spec(scenario), cmr::sim::ScenarioFile{scenario.path()});

    std::vector<std::unique_ptr<CaptureEngine>> engines;
    for (const Device& d : devices()) {
        CaptureConfig config = sim_config(d.pcm, measurement_layout);
        config.allow_mmap = d.allow_mmap;
        engines.push_back(std::make_unique<CaptureEngine>(config));
    }
    const auto start = Clock::now();
    for (auto& e : engines)
        e->start();

    // Capture until every engine has a mains lock and 9 s have passed (the long analysis
    // windows are 4 s; the hum figures settle over a few of them).
    const bool all_locked = wait_until(
        [&] {
            if (Clock::now() - start < 9s)
                return false;
            for (auto& e : engines) {
                CaptureSnapshot snap;
                if (!e->latest(snap) || !snap.mains_hz)
                    return false;
            }
            return true;
        },
        20s);
    EXPECT_TRUE(all_locked) << "every engine should lock onto the mains within 20 s";
    // Pacing over 2 s of steady capture (start-up, which varies with the machine and the
    // build, left out): frames arrive at the stream's rate.
    std::vector<std::uint64_t> frames_before;
    for (auto& e : engines)
        frames_before.push_back(e->status().frames);
    const auto window_start = Clock::now();
    std::this_thread::sleep_for(2s);
    std::vector<std::uint64_t> frames_after;
    for (auto& e : engines)
        frames_after.push_back(e->status().frames);
    const double window_s = std::chrono::duration<double>(Clock::now() - window_start).count();

    for (std::size_t i = 0; i < engines.size(); ++i) {
        const Device& d = devices()[i];
        SCOPED_TRACE(d.pcm);
        const CaptureStatus st = engines[i]->status();
        EXPECT_EQ(st.state, CaptureState::running) << st.last_error;
        ASSERT_TRUE(st.format.has_value()) << st.last_error;
        EXPECT_EQ(*st.format, d.expect_format);
        EXPECT_EQ(st.rate, d.expect_rate);
        EXPECT_EQ(st.channels, 8) << "all inputs are captured, not just the layout's";
        EXPECT_EQ(st.mmap, d.allow_mmap);
        // Period near 5 ms, buffer near 200 ms (the simulator allows both).
        EXPECT_NEAR(static_cast<double>(st.period_frames) / st.rate, 0.005, 0.001);
        EXPECT_NEAR(static_cast<double>(st.buffer_frames) / st.rate, 0.2, 0.03);
        EXPECT_EQ(st.overruns, 0U);
        const auto window_frames = static_cast<double>(frames_after[i] - frames_before[i]);
        // Within 3 % plus a period at each end of the window.
        EXPECT_NEAR(window_frames, window_s * st.rate,
                    0.03 * window_s * st.rate + 2.0 * static_cast<double>(st.period_frames))
            << "capture must be paced in real time";

        CaptureSnapshot snap;
        ASSERT_TRUE(engines[i]->latest(snap));
        EXPECT_EQ(snap.sequence, st.snapshots);
        ASSERT_EQ(snap.channels.size(), 3U);
        EXPECT_EQ(snap.channels[0].spec.id(), "3/4");
        EXPECT_EQ(snap.channels[1].spec.id(), "7/8");
        EXPECT_EQ(snap.channels[2].spec.id(), "5");
        ASSERT_TRUE(snap.mains_hz.has_value());
        EXPECT_NEAR(*snap.mains_hz, scenario_mains_hz, 0.02);

        synth::Scenario truth_scenario = measurement_scenario();
        truth_scenario.sample_rate = static_cast<int>(st.rate);
        const synth::Synth truth(truth_scenario);
        const synth::PairTruth loop = truth.pair_truth(0, snap.time_s);
        const synth::PairTruth quiet = truth.pair_truth(1, snap.time_s);
        const synth::SingleTruth single = truth.single_truth(0, snap.time_s);

        const cmr::ChannelResult& a = snap.channels[0];
        ASSERT_TRUE(a.cm_hum_dbfs.has_value());
        EXPECT_NEAR(*a.cm_hum_dbfs, loop.cm_hum_dbfs, 1.0);
        const cmr::ChannelResult& b = snap.channels[1];
        ASSERT_TRUE(b.cm_hum_dbfs.has_value());
        EXPECT_NEAR(*b.cm_hum_dbfs, quiet.cm_hum_dbfs, 1.0);
        const cmr::ChannelResult& c = snap.channels[2];
        ASSERT_TRUE(c.hum_dbfs.has_value());
        EXPECT_NEAR(*c.hum_dbfs, single.hum_dbfs, 1.0);
        std::printf("%-15s %-8s %6u Hz mmap=%d frames=%llu t=%.1f s mains=%.4f cm(3/4)=%.2f "
                    "[%.2f] cm(7/8)=%.2f [%.2f] hum(5)=%.2f [%.2f] cmrr(3/4)=%s%.1f rt=%s\n",
                    d.pcm.c_str(), std::string(to_string(*st.format)).c_str(), st.rate, st.mmap,
                    static_cast<unsigned long long>(st.frames), snap.time_s, *snap.mains_hz,
                    *a.cm_hum_dbfs, loop.cm_hum_dbfs, *b.cm_hum_dbfs, quiet.cm_hum_dbfs,
                    *c.hum_dbfs, single.hum_dbfs, std::string(to_string(a.cmrr_kind)).c_str(),
                    a.cmrr_db.value_or(0.0), std::string(to_string(st.realtime)).c_str());
    }
    for (auto& e : engines)
        e->stop();
    for (auto& e : engines)
        EXPECT_EQ(e->status().state, CaptureState::stopped);
}

TEST(CaptureLive, ADeviceWithFewerInputsThanTheLayoutIsAnError)
{
    const SimulatedInterface sim(interface_spec(4, {"S32_LE"}), [] {
        synth::Scenario s = measurement_scenario();
        s.inputs = 4;
        s.pairs.erase(s.pairs.begin() + 1); // drop 7/8
        s.singles.clear();
        return s;
    }());
    CaptureEngine engine(sim_config(sim.pcm_name(), measurement_layout));
    engine.start();
    ASSERT_TRUE(wait_until([&] { return is_final(engine.status().state); }, 5s));
    const CaptureStatus st = engine.status();
    EXPECT_EQ(st.state, CaptureState::error);
    EXPECT_EQ(st.channels, 4);
    EXPECT_NE(st.last_error.find('7'), std::string::npos)
        << "the error should name the missing input: " << st.last_error;
}

TEST(CaptureLive, AChannelCountTheDeviceDoesNotOfferIsAnError)
{
    const SimulatedInterface sim(interface_spec(8, {"S32_LE"}), measurement_scenario());
    CaptureConfig config = sim_config(sim.pcm_name(), "1/2");
    config.channels = 2; // a hw: device of an 8-input interface offers 8 or nothing
    CaptureEngine engine(config);
    engine.start();
    ASSERT_TRUE(wait_until([&] { return is_final(engine.status().state); }, 5s));
    const CaptureStatus st = engine.status();
    EXPECT_EQ(st.state, CaptureState::error);
    EXPECT_NE(st.last_error.find("8 to 8"), std::string::npos) << st.last_error;
}

TEST(CaptureLive, AMissingDeviceIsAnErrorNotAHang)
{
    const SimulatedInterface sim(interface_spec(8, {"S32_LE"}), measurement_scenario());
    CaptureEngine engine(sim_config("no_such_pcm", "1/2"));
    engine.start();
    ASSERT_TRUE(wait_until([&] { return is_final(engine.status().state); }, 5s));
    EXPECT_EQ(engine.status().state, CaptureState::error);
    EXPECT_NE(engine.status().last_error.find("no_such_pcm"), std::string::npos);
}

} // namespace
} // namespace cmrd::capture::testing
