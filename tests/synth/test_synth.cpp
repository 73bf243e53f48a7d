// SPDX-License-Identifier: GPL-2.0-or-later
// The test-signal synthesiser checked against independent measurements of what it renders:
// direct DFTs at known frequencies, RMS levels, zero crossings. Tolerances are stated per test;
// "float" tolerances come from rounding the rendered samples to 32-bit floats (2^-24 relative).

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sndfile.h>
#include <unistd.h>

#include "scenario.hpp"
#include "synth.hpp"
#include "wav_writer.hpp"

namespace synth = cmr::synth;

namespace {

constexpr double two_pi = 2.0 * std::numbers::pi;

/// One input (0-based) of interleaved frames, as doubles.
std::vector<double> column(const std::vector<float>& frames, int inputs, int input)
{
    std::vector<double> out(frames.size() / static_cast<std::size_t>(inputs));
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<double>(
            frames[i * static_cast<std::size_t>(inputs) + static_cast<std::size_t>(input)]);
    return out;
}

struct Legs {
    std::vector<double> hot, cold, d, c;
};

Legs legs(const std::vector<float>& frames, int inputs, int hot, int cold)
{
    Legs l{column(frames, inputs, hot - 1), column(frames, inputs, cold - 1), {}, {}};
    for (std::size_t i = 0; i < l.hot.size(); ++i) {
        l.d.push_back(l.hot[i] - l.cold[i]);
        l.c.push_back((l.hot[i] + l.cold[i]) / 2.0);
    }
    return l;
}

/// Peak amplitude of the component at @p hz over samples [first, first + count) by a direct
/// DFT. Exact for components with a whole number of cycles in the window.
double amplitude(const std::vector<double>& x, double hz, double fs, std::size_t first = 0,
                 std::size_t count = 0)
{
    if (count == 0)
        count = x.size() - first;
    std::complex<double> acc = 0.0;
    for (std::size_t n = 0; n < count; ++n)
        acc += x[first + n] * std::polar(1.0, -two_pi * hz * static_cast<double>(n) / fs);
    return 2.0 * std::abs(acc) / static_cast<double>(count);
}

double db(double amplitude)
{
    return 20.0 * std::log10(amplitude);
}

/// AES17 level of a signal: 20·log10(RMS·√2).
double level_dbfs(const std::vector<double>& x)
{
    double power = 0.0;
    for (double v : x)
        power += v * v;
    return 10.0 * std::log10(2.0 * power / static_cast<double>(x.size()));
}

/// A pair scenario on inputs 1/2 at 48 kHz with a steady 50 Hz mains and nothing else.
synth::Scenario quiet_pair(double duration_s = 1.0)
{
    synth::Scenario s;
    s.sample_rate = 48000;
    s.duration_s = duration_s;
    s.inputs = 2;
    s.mains.frequency_hz = 50.0;
    s.pairs.push_back(synth::PairSpec{});
    return s;
}

// ---------------------------------------------------------------------------------------------

TEST(SynthHum, CommonModeHarmonicsFollowLevelAndProfile)
{
    synth::Scenario s = quiet_pair();
    s.pairs[0].cm_hum = {-40.0, {0.0, -20.0, -6.0, synth::absent_db, -12.0}};
    synth::Synth synth(s);
    const Legs l = legs(synth.render_all(), 2, 1, 2);

    const double expected[] = {-40.0, -60.0, -46.0, synth::absent_db, -52.0};
    const synth::PairTruth truth = synth.pair_truth(0, 0.5);
    ASSERT_EQ(truth.cm.size(), 5U);
    for (int k = 1; k <= 5; ++k) {
        const double measured = amplitude(l.c, 50.0 * k, 48000.0);
        if (std::isinf(expected[k - 1])) {
            EXPECT_LT(measured, 1e-8) << "k=" << k; // absent: float rounding only
            EXPECT_EQ(truth.cm[static_cast<std::size_t>(k - 1)].amplitude, 0.0);
            continue;
        }
        EXPECT_NEAR(db(measured), expected[k - 1], 0.001) << "k=" << k;
        EXPECT_NEAR(truth.cm[static_cast<std::size_t>(k - 1)].dbfs(), expected[k - 1], 1e-9);
        EXPECT_DOUBLE_EQ(truth.cm[static_cast<std::size_t>(k - 1)].hz, 50.0 * k);
        // Common mode only: with e = 0 both legs are the same float, D is exactly zero.
        EXPECT_EQ(amplitude(l.d, 50.0 * k, 48000.0), 0.0) << "k=" << k;
    }
    EXPECT_FALSE(truth.ideal_cmrr_db.has_value()); // e = 0: infinite
    const double power =
        std::pow(10.0, -4.0) * (1.0 + 1e-2 + std::pow(10.0, -0.6) + std::pow(10.0, -1.2));
    EXPECT_NEAR(truth.cm_hum_dbfs, 10.0 * std::log10(power), 1e-9);
}

TEST(SynthHum, MismatchLeaksCommonModeIntoDAtTheIdealCmrr)
{
    for (const double e : {0.01, -0.001, 0.0316}) {
        synth::Scenario s = quiet_pair();
        s.pairs[0].mismatch = e;
        s.pairs[0].cm_hum = {-30.0, *synth::named_profile("ground_loop")};
        synth::Synth synth(s);
        const Legs l = legs(synth.render_all(), 2, 1, 2);
        const synth::PairTruth truth = synth.pair_truth(0, 0.5);
        ASSERT_TRUE(truth.ideal_cmrr_db.has_value());
        EXPECT_NEAR(*truth.ideal_cmrr_db, -db(std::abs(e)), 1e-9);
        for (int k : {1, 3, 5}) {
            const double c = amplitude(l.c, 50.0 * k, 48000.0);
            const double d = amplitude(l.d, 50.0 * k, 48000.0);
            // D/C is the ideal CMRR to 0.01 dB (float rounding of the legs, at -40..-80 dB).
            EXPECT_NEAR(db(c / d), *truth.ideal_cmrr_db, 0.01) << "e=" << e << " k=" << k;
            const auto i = static_cast<std::size_t>(k - 1);
            EXPECT_NEAR(db(d), truth.d[i].dbfs(), 0.01) << "e=" << e << " k=" << k;
            EXPECT_NEAR(db(c), truth.cm[i].dbfs(), 0.001) << "e=" << e << " k=" << k;
            EXPECT_DOUBLE_EQ(truth.d[i].amplitude, truth.d_from_cm[i].amplitude);
        }
    }
}

TEST(SynthHum, DifferentialHumAppearsInDAndOnlyLeaksIntoCWithMismatch)
{
    synth::Scenario s = quiet_pair();
    s.pairs[0].diff_hum = {-60.0, {0.0, -10.0}};
    {
        synth::Synth synth(s);
        const Legs l = legs(synth.render_all(), 2, 1, 2);
        EXPECT_NEAR(db(amplitude(l.d, 50.0, 48000.0)), -60.0, 0.001);
        EXPECT_NEAR(db(amplitude(l.d, 100.0, 48000.0)), -70.0, 0.001);
        EXPECT_EQ(amplitude(l.c, 50.0, 48000.0), 0.0); // ±y/2 are exact negatives
        EXPECT_NEAR(synth.pair_truth(0, 0.5).d[0].dbfs(), -60.0, 1e-9);
        EXPECT_EQ(synth.pair_truth(0, 0.5).cm[0].amplitude, 0.0);
    }
    // With mismatch e, C picks up (e/4)·y: -60 dB + 20·log10(0.005) = -106.02 dBFS.
    s.pairs[0].mismatch = 0.02;
    synth::Synth synth(s);
    const Legs l = legs(synth.render_all(), 2, 1, 2);
    const synth::PairTruth truth = synth.pair_truth(0, 0.5);
    EXPECT_NEAR(truth.cm[0].dbfs(), -60.0 + db(0.005), 1e-9);
    EXPECT_NEAR(db(amplitude(l.c, 50.0, 48000.0)), truth.cm[0].dbfs(), 0.05);
    EXPECT_NEAR(db(amplitude(l.d, 50.0, 48000.0)), -60.0, 0.001);
}

TEST(SynthHum, CommonAndDifferentialHumAddAsPhasorsInD)
{
    synth::Scenario s = quiet_pair();
    s.pairs[0].mismatch = 0.1;
    s.pairs[0].cm_hum = {-40.0, {0.0}};
    s.pairs[0].diff_hum = {-60.0, {0.0}}; // same order as e·x: the phases matter
    synth::Synth synth(s);
    const Legs l = legs(synth.render_all(), 2, 1, 2);
    const synth::PairTruth truth = synth.pair_truth(0, 0.5);
    EXPECT_NEAR(db(amplitude(l.d, 50.0, 48000.0)), truth.d[0].dbfs(), 0.001);
    EXPECT_NEAR(db(amplitude(l.c, 50.0, 48000.0)), truth.cm[0].dbfs(), 0.001);
    EXPECT_NEAR(truth.d_from_cm[0].dbfs(), -60.0, 1e-9);
}

TEST(SynthHum, SingleInputCarriesItsHum)
{
    synth::Scenario s;
    s.inputs = 3;
    s.duration_s = 1.0;
    s.mains.frequency_hz = 60.0;
    synth::SingleSpec single;
    single.input = 3;
    single.hum = {-50.0, *synth::named_profile("buzz")};
    s.singles.push_back(single);
    synth::Synth synth(s);
    const std::vector<float> frames = synth.render_all();
    const std::vector<double> x = column(frames, 3, 2);
    const synth::SingleTruth truth = synth.single_truth(0, 0.5);
    ASSERT_EQ(truth.hum.size(), 15U);
    for (const synth::HarmonicTruth& h : truth.hum)
        EXPECT_NEAR(db(amplitude(x, h.hz, 48000.0)), h.dbfs(), 0.001) << "k=" << h.k;
    EXPECT_EQ(level_dbfs(column(frames, 3, 0)), -INFINITY); // unused inputs: silence
}

TEST(SynthHum, HarmonicsStopBelowNyquist)
{
    synth::Scenario s = quiet_pair();
    s.sample_rate = 8000;
    s.mains.frequency_hz = 60.0;
    s.pairs[0].cm_hum = {-40.0, synth::HarmonicProfile(64, 0.0)};
    synth::Synth synth(s);
    // k·60 Hz < 0.45·8000 Hz = 3600 Hz: k <= 59.
    EXPECT_EQ(synth.pair_truth(0, 0.0).cm.size(), 59U);
    const Legs l = legs(synth.render_all(), 2, 1, 2);
    EXPECT_NEAR(db(amplitude(l.c, 59 * 60.0, 8000.0)), -40.0, 0.001);
    EXPECT_LT(amplitude(l.c, 3999.0, 8000.0), 1e-6); // nothing aliased near Nyquist
}

// ---------------------------------------------------------------------------------------------

struct SymmetryCase {
    synth::LegSymmetry mode;
    double hot_db, cold_db, d_db; // expected levels of a -20 dBFS programme (e = 0)
};

class SynthSymmetry : public ::testing::TestWithParam<SymmetryCase> {};

TEST_P(SynthSymmetry, ProgrammeLevelIsTheLevelInD)
{
    const SymmetryCase& c = GetParam();
    synth::Scenario s = quiet_pair();
    s.pairs[0].programme.kind = synth::ProgrammeKind::sine;
    s.pairs[0].programme.frequency_hz = 1000.0;
    s.pairs[0].programme.level_dbfs = -20.0;
    s.pairs[0].programme.symmetry = c.mode;
    synth::Synth synth(s);
    const Legs l = legs(synth.render_all(), 2, 1, 2);
    const auto check = [](const std::vector<double>& x, double expected, const char* what) {
        const double a = amplitude(x, 1000.0, 48000.0);
        if (std::isinf(expected))
            EXPECT_LT(a, 1e-9) << what;
        else
            EXPECT_NEAR(db(a), expected, 0.001) << what;
    };
    check(l.hot, c.hot_db, "hot");
    check(l.cold, c.cold_db, "cold");
    check(l.d, c.d_db, "D");
    const synth::PairTruth truth = synth.pair_truth(0, 0.5);
    EXPECT_EQ(truth.symmetry, c.mode);
    EXPECT_NEAR(truth.programme_dbfs, -20.0, 1e-12);
    const auto check_truth = [](double truth_db, double expected) {
        if (std::isinf(expected))
            EXPECT_EQ(truth_db, expected);
        else
            EXPECT_NEAR(truth_db, expected, 0.001);
    };
    check_truth(truth.programme_hot_dbfs, c.hot_db);
    check_truth(truth.programme_cold_dbfs, c.cold_db);
    check_truth(truth.programme_d_dbfs, c.d_db);
}

const double half_db = -20.0 + 20.0 * std::log10(0.5); // -26.02

INSTANTIATE_TEST_SUITE_P(
    Modes, SynthSymmetry,
    ::testing::Values(SymmetryCase{synth::LegSymmetry::symmetric, half_db, half_db, -20.0},
                      SymmetryCase{synth::LegSymmetry::cold_silent, -20.0, -INFINITY, -20.0},
                      SymmetryCase{synth::LegSymmetry::hot_silent, -INFINITY, -20.0, -20.0},
                      SymmetryCase{synth::LegSymmetry::in_phase, half_db, half_db, -INFINITY}));

TEST(SynthSymmetryMismatch, InPhaseProgrammeLeaksIntoDByTheMismatch)
{
    synth::Scenario s = quiet_pair();
    s.pairs[0].mismatch = 0.01;
    s.pairs[0].programme = {synth::ProgrammeKind::sine,   -20.0, 1000.0,
                            synth::LegSymmetry::in_phase, {},    {}};
    synth::Synth synth(s);
    const Legs l = legs(synth.render_all(), 2, 1, 2);
    const double expected = -20.0 + db(0.01 / 2.0); // D = e·p/2
    EXPECT_NEAR(synth.pair_truth(0, 0.1).programme_d_dbfs, expected, 1e-9);
    EXPECT_NEAR(db(amplitude(l.d, 1000.0, 48000.0)), expected, 0.01);
}

// ---------------------------------------------------------------------------------------------

TEST(SynthNoise, WhiteProgrammeAndNoiseFloorLevels)
{
    synth::Scenario s = quiet_pair(2.0);
    s.pairs[0].programme.kind = synth::ProgrammeKind::white_noise;
    s.pairs[0].programme.level_dbfs = -20.0;
    s.noise_dbfs = -60.0;
    synth::Synth synth(s);
    const Legs l = legs(synth.render_all(), 2, 1, 2);
    // 96000 samples: the power estimate has a relative sd of sqrt(2/96000) = 0.02 dB; 0.1 dB is
    // 5 sd. The -60 dBFS floor adds 0.0004 dB to D.
    EXPECT_NEAR(level_dbfs(l.d), -20.0, 0.1);
    EXPECT_NEAR(level_dbfs(l.hot), -20.0 + db(0.5), 0.1);

    s.pairs[0].programme.kind = synth::ProgrammeKind::silence;
    synth::Synth floor(s);
    const Legs n = legs(floor.render_all(), 2, 1, 2);
    EXPECT_NEAR(level_dbfs(n.hot), -60.0, 0.1);
    EXPECT_NEAR(level_dbfs(n.cold), -60.0, 0.1);
    double cross = 0.0;
    for (std::size_t i = 0; i < n.hot.size(); ++i)
        cross += n.hot[i] * n.cold[i];
    const double rho =
        cross / std::sqrt(std::inner_product(n.hot.begin(), n.hot.end(), n.hot.begin(), 0.0) *
                          std::inner_product(n.cold.begin(), n.cold.end(), n.cold.begin(), 0.0));
    EXPECT_LT(std::abs(rho), 5.0 / std::sqrt(96000.0)); // independent legs: |rho| < 5 sd
}

/// Power of 64-sample block means relative to the total power, in dB: about -18 dB for white
/// noise, a few dB for pink noise whose power sits mostly in the low octaves.
double block_mean_power_db(const std::vector<double>& x)
{
    double total = 0.0;
    double blocks = 0.0;
    for (std::size_t b = 0; b + 64 <= x.size(); b += 64) {
        double mean = 0.0;
        for (std::size_t i = 0; i < 64; ++i)
            mean += x[b + i] / 64.0;
        blocks += mean * mean * 64.0;
    }
    for (double v : x)
        total += v * v;
    return 10.0 * std::log10(blocks / total);
}

TEST(SynthNoise, PinkNoiseLevelAndSlope)
{
    synth::Scenario s = quiet_pair(10.0);
    s.pairs[0].programme.kind = synth::ProgrammeKind::pink_noise;
    s.pairs[0].programme.level_dbfs = -20.0;
    synth::Synth synth(s);
    const Legs l = legs(synth.render_all(), 2, 1, 2);
    // The slowest Voss rows change only a few times in 10 s: the level estimate has a sd of
    // about 0.2 dB; 1 dB is 5 sd.
    EXPECT_NEAR(level_dbfs(l.d), -20.0, 1.0);
    EXPECT_GT(block_mean_power_db(l.d), -6.0);

    s.pairs[0].programme.kind = synth::ProgrammeKind::white_noise;
    synth::Synth white(s);
    EXPECT_LT(block_mean_power_db(legs(white.render_all(), 2, 1, 2).d), -15.0);
}

TEST(SynthMusic, BassNotesInTurnAtTheLongTermLevel)
{
    synth::Scenario s = quiet_pair(12.0);
    s.pairs[0].programme.kind = synth::ProgrammeKind::music;
    s.pairs[0].programme.level_dbfs = -20.0;
    synth::Synth synth(s);
    const Legs l = legs(synth.render_all(), 2, 1, 2);
    // 12 whole notes = 4 whole cycles of the 3-note pattern: the long-term level holds to
    // 0.3 dB (sin² ripple and the broadband content's slow rows).
    EXPECT_NEAR(level_dbfs(l.d), -20.0, 0.3);
    const std::vector<double>& notes = s.pairs[0].programme.music.notes_hz;
    for (std::size_t note = 0; note < 12; ++note) {
        std::vector<double> strength;
        for (double hz : notes)
            strength.push_back(amplitude(l.d, hz, 48000.0, note * 48000, 48000));
        const auto loudest = static_cast<std::size_t>(
            std::max_element(strength.begin(), strength.end()) - strength.begin());
        EXPECT_EQ(loudest, note % notes.size()) << "note " << note;
    }
}

// ---------------------------------------------------------------------------------------------

/// Upward zero crossings of x, linearly interpolated, in seconds.
std::vector<double> upward_crossings(const std::vector<double>& x, double fs)
{
    std::vector<double> t;
    for (std::size_t n = 1; n < x.size(); ++n)
        if (x[n - 1] < 0.0 && x[n] >= 0.0)
            t.push_back((static_cast<double>(n - 1) + x[n - 1] / (x[n - 1] - x[n])) / fs);
    return t;
}

TEST(SynthMains, TruthIsTheFrequencyActuallyRendered)
{
    synth::Scenario s = quiet_pair(20.0);
    s.mains.drift_mhz_per_sqrt_s = 20.0; // exaggerated drift
    s.pairs[0].cm_hum = {-20.0, {0.0}};
    s.events.push_back(
        {.at_s = 8.0, .param = synth::Param::mains_frequency_hz, .value = 50.3, .ramp_s = 1.0});
    synth::Synth synth(s);
    const Legs l = legs(synth.render_all(), 2, 1, 2);
    const std::vector<double> t = upward_crossings(l.c, 48000.0);
    ASSERT_GT(t.size(), 950U);

    // Consecutive crossings are exactly one cycle of the truth's phase apart (1e-6 cycles:
    // interpolation and float rounding contribute ~1e-8).
    for (std::size_t j = 1; j < t.size(); ++j)
        ASSERT_NEAR(synth.mains_cycles_at(t[j]) - synth.mains_cycles_at(t[j - 1]), 1.0, 1e-6)
            << "at " << t[j] << " s";
    // The mean frequency between crossings 50 cycles apart is the truth's mean (1e-6 Hz).
    double largest_wander = 0.0;
    for (std::size_t j = 0; j + 50 < t.size(); j += 50) {
        const double measured = 50.0 / (t[j + 50] - t[j]);
        const double truth = synth.mean_mains_frequency(t[j], t[j + 50]);
        EXPECT_NEAR(measured, truth, 1e-6) << "from " << t[j] << " s";
        if (t[j] < 8.0)
            largest_wander = std::max(largest_wander, std::abs(truth - 50.0));
    }
    EXPECT_GT(largest_wander, 0.005); // the walk really moves the frequency
    EXPECT_NEAR(synth.mean_mains_frequency(10.0, 20.0), 50.3, 0.2);
    EXPECT_NEAR(synth.mains_frequency_at(12.0) - synth.mains_frequency_at(7.9), 0.3, 0.1);
}

TEST(SynthMains, SteadyMainsHasNoWalk)
{
    synth::Scenario s = quiet_pair(5.0);
    s.mains.frequency_hz = 59.97;
    synth::Synth synth(s);
    EXPECT_DOUBLE_EQ(synth.mean_mains_frequency(0.3, 4.7), 59.97);
    EXPECT_NEAR(synth.mains_cycles_at(2.0), 2.0 * 59.97, 1e-9);
}

// ---------------------------------------------------------------------------------------------

/// Everything at once: all programme kinds, ramps, symmetry steps, drift, noise.
synth::Scenario busy_scenario()
{
    synth::Scenario s;
    s.sample_rate = 44100;
    s.duration_s = 3.0;
    s.inputs = 7;
    s.seed = 99;
    s.noise_dbfs = -100.0;
    s.mains = {59.97, 5.0};
    const synth::ProgrammeKind kinds[] = {synth::ProgrammeKind::music,
                                          synth::ProgrammeKind::pink_noise,
                                          synth::ProgrammeKind::white_noise};
    for (int i = 0; i < 3; ++i) {
        synth::PairSpec p;
        p.hot = 2 * i + 1;
        p.cold = 2 * i + 2;
        p.mismatch = 0.003 * (i + 1);
        p.cm_hum = {-60.0 + 5.0 * i, *synth::named_profile("ground_loop")};
        p.diff_hum = {-90.0, {0.0, -3.0}};
        p.programme.kind = kinds[i];
        p.programme.level_dbfs = -25.0;
        s.pairs.push_back(p);
    }
    synth::SingleSpec single;
    single.input = 7;
    single.hum = {-70.0, *synth::named_profile("ripple")};
    single.programme = {synth::ProgrammeKind::sine, -30.0, 440.0, {}, {}, {}};
    s.singles.push_back(single);
    s.events = {
        {.at_s = 0.5,
         .channel = "1/2",
         .param = synth::Param::cm_hum_level_dbfs,
         .value = 30.0,
         .relative = true,
         .ramp_s = 0.3},
        {.at_s = 0.7,
         .channel = "1/2",
         .param = synth::Param::cm_hum_level_dbfs,
         .value = -80.0,
         .ramp_s = 0.01},
        {.at_s = 1.0,
         .channel = "3/4",
         .param = synth::Param::programme_symmetry,
         .symmetry = synth::LegSymmetry::in_phase},
        {.at_s = 1.2,
         .channel = "5/6",
         .param = synth::Param::mismatch,
         .value = 0.05,
         .ramp_s = 0.5},
        {.at_s = 1.5,
         .param = synth::Param::mains_frequency_hz,
         .value = 0.2,
         .relative = true,
         .ramp_s = 0.4},
        {.at_s = 2.0, .channel = "7", .param = synth::Param::noise_dbfs, .value = -60.0},
        {.at_s = 2.2,
         .channel = "3/4",
         .param = synth::Param::programme_level_dbfs,
         .value = synth::absent_db,
         .ramp_s = 0.2},
    };
    return s;
}

TEST(SynthStreaming, BlocksOfAnySizeAndSeeksGiveIdenticalSamples)
{
    const synth::Scenario s = busy_scenario();
    const std::vector<float> whole = synth::Synth(s).render_all();
    const auto inputs = static_cast<std::size_t>(s.inputs);
    const auto frames = static_cast<std::int64_t>(whole.size() / inputs);

    std::mt19937 random(12345);
    synth::Synth streaming(s);
    std::vector<float> pieces;
    for (std::int64_t first = 0; first < frames;) {
        const std::int64_t count = std::min<std::int64_t>(
            std::uniform_int_distribution<std::int64_t>(1, 5000)(random), frames - first);
        std::vector<float> block(static_cast<std::size_t>(count) * inputs);
        streaming.render(first, block);
        pieces.insert(pieces.end(), block.begin(), block.end());
        first += count;
    }
    ASSERT_EQ(pieces.size(), whole.size());
    EXPECT_TRUE(pieces == whole) << "sequential blocks differ from rendering at once";

    // Random starts, forwards and backwards, on the same object and on a fresh one.
    synth::Synth fresh(s);
    for (int trial = 0; trial < 40; ++trial) {
        const std::int64_t first =
            std::uniform_int_distribution<std::int64_t>(0, frames - 1)(random);
        const std::int64_t count = std::min<std::int64_t>(
            std::uniform_int_distribution<std::int64_t>(1, 3000)(random), frames - first);
        std::vector<float> block(static_cast<std::size_t>(count) * inputs);
        (trial % 2 == 0 ? streaming : fresh).render(first, block);
        ASSERT_TRUE(std::equal(block.begin(), block.end(),
                               whole.begin() + static_cast<std::ptrdiff_t>(first) *
                                                   static_cast<std::ptrdiff_t>(inputs)))
            << "trial " << trial << " at frame " << first;
    }
}

TEST(SynthStreaming, SameSeedSameOutputOtherSeedOtherOutput)
{
    synth::Scenario s = busy_scenario();
    s.duration_s = 0.5;
    const std::vector<float> a = synth::Synth(s).render_all();
    EXPECT_TRUE(a == synth::Synth(s).render_all());
    s.seed = 100;
    const std::vector<float> b = synth::Synth(s).render_all();
    ASSERT_EQ(a.size(), b.size());
    std::size_t same = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        same += a[i] == b[i] ? 1 : 0;
    EXPECT_LT(same, a.size() / 100);
}

TEST(SynthStreaming, RendersPastTheDurationWithTheLastValues)
{
    synth::Scenario s = busy_scenario();
    synth::Synth synth(s);
    std::vector<float> block(7 * 4800);
    synth.render(synth.frame_count() * 10, block);
    const std::vector<double> single = column(block, 7, 6);
    EXPECT_NEAR(level_dbfs(single), 10.0 * std::log10(std::pow(10.0, -3.0) + std::pow(10.0, -6.0)),
                0.5); // the -30 dBFS sine plus the -60 dBFS noise set at 2 s
}

TEST(SynthTimeline, RampsFollowTheTruth)
{
    synth::Scenario s = quiet_pair(4.0);
    s.pairs[0].cm_hum = {-60.0, {0.0}};
    s.events.push_back({.at_s = 1.0,
                        .channel = "1/2",
                        .param = synth::Param::cm_hum_level_dbfs,
                        .value = -30.0,
                        .ramp_s = 2.0});
    synth::Synth synth(s);
    const Legs l = legs(synth.render_all(), 2, 1, 2);
    EXPECT_NEAR(synth.pair_truth(0, 0.5).cm[0].dbfs(), -60.0, 1e-9);
    EXPECT_NEAR(synth.pair_truth(0, 2.0).cm[0].dbfs(), -45.0, 0.001);
    EXPECT_NEAR(synth.pair_truth(0, 3.5).cm[0].dbfs(), -30.0, 1e-9);
    // One cycle (20 ms) around t: the level changes by 0.3 dB within it, the DFT reads the
    // mean amplitude: 0.05 dB.
    for (double t : {0.5, 1.5, 2.0, 2.5, 3.5}) {
        const auto first = static_cast<std::size_t>(std::lround((t - 0.01) * 48000.0));
        EXPECT_NEAR(db(amplitude(l.c, 50.0, 48000.0, first, 960)),
                    synth.pair_truth(0, t).cm[0].dbfs(), 0.05)
            << "t=" << t;
    }
}

// ---------------------------------------------------------------------------------------------

std::filesystem::path examples_dir()
{
    const char* root = std::getenv("CMR_SOURCE_ROOT");
    return std::filesystem::path(root != nullptr ? root : ".") / "examples";
}

TEST(SynthScenario, GroundLoopExampleRendersItsStory)
{
    const synth::Scenario s = synth::load_scenario(examples_dir() / "ground-loop.toml");
    EXPECT_EQ(s.sample_rate, 48000);
    EXPECT_EQ(s.inputs, 8);
    EXPECT_DOUBLE_EQ(s.duration_s, 30.0);
    ASSERT_EQ(s.pairs.size(), 4U);
    EXPECT_EQ(s.events.size(), 3U);

    synth::Synth synth(s);
    // A ground loop on 1/2 from 5 s to 15 s: common-mode hum -82 dBFS, then -46, then -82.
    EXPECT_NEAR(synth.pair_truth(0, 4.0).cm[0].dbfs(), -82.0, 1e-6);
    EXPECT_NEAR(synth.pair_truth(0, 5.1).cm[0].dbfs(), -64.0, 0.01); // half-way up the ramp
    EXPECT_NEAR(synth.pair_truth(0, 10.0).cm[0].dbfs(), -46.0, 1e-6);
    EXPECT_NEAR(synth.pair_truth(0, 16.0).cm[0].dbfs(), -82.0, 1e-6);
    EXPECT_NEAR(*synth.pair_truth(1, 1.0).ideal_cmrr_db, 30.0, 0.01);
    EXPECT_EQ(synth.pair_truth(2, 1.0).symmetry, synth::LegSymmetry::in_phase);

    // Measured in the rendering: C of 1/2 over 1 s windows at the truth's mean frequency.
    // During the loop the hum stands 36 dB above everything else in C: 0.05 dB. Outside it,
    // the music leaks into C at e/4 (-20 dBFS - 62 dB = -82 dBFS, as loud as the hum), so a
    // 1 s DFT bin reads the hum to within 1 dB only.
    std::vector<float> block(8 * 48000);
    for (const auto& [t, tolerance] : {std::pair{2.0, 1.0}, {10.0, 0.05}, {16.0, 1.0}}) {
        synth.render(std::llround(t * 48000.0), block);
        const Legs l = legs(block, 8, 1, 2);
        const double hz = synth.mean_mains_frequency(t, t + 1.0);
        EXPECT_NEAR(db(amplitude(l.c, hz, 48000.0)), synth.pair_truth(0, t + 0.5).cm[0].dbfs(),
                    tolerance)
            << "t=" << t;
    }
}

TEST(SynthScenario, ReadsEveryKindOfValue)
{
    const synth::Scenario s = synth::parse_scenario(R"(
        inputs = 3
        seed = 5
        duration_s = 2
        [[pair]]
        hot = 2
        cold = 1
        ideal_cmrr_db = 60
        noise_dbfs = -100
        diff_hum = { level_dbfs = -70, profile = [0, -inf, -6] }
        programme = { kind = "file", path = "x.wav", channel = 2, gain_db = -6, loop = false }
        [[single]]
        input = 3
        hum.level_dbfs = -80
        programme = { kind = "music", level_dbfs = -15, notes_hz = [41.2], note_s = 0.5 }
        [[event]]
        at_s = 1
        channel = "2/1"
        set = "programme.symmetry"
        to = "hot_silent"
        [[event]]
        at_s = 1.5
        channel = "3"
        set = "hum.level_dbfs"
        by = 10
        ramp_s = 0.1
    )",
                                                    "inline", "/data");
    ASSERT_EQ(s.pairs.size(), 1U);
    EXPECT_EQ(s.pairs[0].id(), "2/1");
    EXPECT_NEAR(s.pairs[0].mismatch, 0.001, 1e-12);
    EXPECT_EQ(s.pairs[0].noise_dbfs, -100.0);
    ASSERT_EQ(s.pairs[0].diff_hum.profile.size(), 3U);
    EXPECT_TRUE(std::isinf(s.pairs[0].diff_hum.profile[1]));
    EXPECT_EQ(s.pairs[0].programme.kind, synth::ProgrammeKind::file);
    EXPECT_EQ(s.pairs[0].programme.file.path, std::filesystem::path("/data/x.wav"));
    EXPECT_EQ(s.pairs[0].programme.file.channel, 2);
    EXPECT_FALSE(s.pairs[0].programme.file.loop);
    EXPECT_EQ(s.pairs[0].programme.level_dbfs, -6.0);
    EXPECT_EQ(s.singles[0].hum.level_dbfs, -80.0);
    EXPECT_EQ(s.singles[0].programme.music.notes_hz, std::vector<double>{41.2});
    ASSERT_EQ(s.events.size(), 2U);
    EXPECT_EQ(s.events[0].symmetry, synth::LegSymmetry::hot_silent);
    EXPECT_TRUE(s.events[1].relative);
    EXPECT_EQ(s.events[1].param, synth::Param::hum_level_dbfs);
}

/// The message of the ScenarioError thrown for @p text ("" if none).
std::string parse_error(const std::string& text)
{
    try {
        static_cast<void>(synth::parse_scenario(text, "bad.toml"));
    } catch (const synth::ScenarioError& e) {
        return e.what();
    }
    return "";
}

TEST(SynthScenario, ErrorsNameFileLineAndKey)
{
    const std::string pair = "inputs = 4\n[[pair]]\nhot = 1\ncold = 2\n";
    struct Case {
        std::string text;
        std::string expected; // a substring of the message
    };
    const Case cases[] = {
        {"inputs = 4\nduration_s = = 3\nseed = 1\n", "bad.toml:2:"}, // syntax: line (and column)
        {pair + "cm_hun = { level_dbfs = -50 }\n", "bad.toml:5: pair[1].cm_hun: unknown key"},
        {pair + "cm_hum = { level_dbfs = \"loud\" }\n",
         "bad.toml:5: pair[1].cm_hum.level_dbfs: expected a number, got a string"},
        {pair + "cm_hum = { level_dbfs = -50, profile = \"hiss\" }\n",
         "bad.toml:5: pair[1].cm_hum.profile: unknown profile \"hiss\""},
        {"inputs = 4\n[[pair]]\nhot = 1\ncold = 5\n",
         "bad.toml:4: pair[1].cold: input 5 is not among inputs 1..4"},
        {pair + "[[single]]\ninput = 2\n", "bad.toml:6: single[1].input: input 2 is used twice"},
        {pair + "mismatch = 0.1\nideal_cmrr_db = 20\n",
         "bad.toml:6: pair[1].ideal_cmrr_db: give either mismatch or ideal_cmrr_db"},
        // #12 finding 7: this one crashed cmr-synth (the error pointed at an absent key).
        {pair + "ideal_cmrr_db = 1e-20\n",
         "bad.toml:5: pair[1].ideal_cmrr_db: is too small: the legs would differ by 100 %"},
        {pair + "mismatch = 1.5\n", "bad.toml:5: pair[1].mismatch: must lie between -1 and 1"},
        {pair + "programme = { kind = \"sine\", level_dbfs = -20, notes_hz = [50] }\n",
         "bad.toml:5: pair[1].programme.notes_hz: applies to kind = \"music\""},
        {pair + "programme = { kind = \"sine\" }\n",
         "bad.toml:5: pair[1].programme.level_dbfs: missing"},
        {pair + "[[event]]\nat_s = 1\nchannel = \"3/4\"\nset = \"mismatch\"\nto = 0.1\n",
         "bad.toml:7: event[1].channel: no pair or single \"3/4\""},
        {pair + "[[event]]\nat_s = 1\nchannel = \"1/2\"\nset = \"hum.level_dbfs\"\nto = -3\n",
         "bad.toml:8: event[1].set: \"hum.level_dbfs\" does not apply to a pair"},
        {pair + "[[event]]\nat_s = 1\nchannel = \"1/2\"\nset = \"mismatch\"\n",
         "event[1].to: give exactly one of `to` (new value) or `by` (change)"},
        {pair + "[[event]]\nat_s = -1\nchannel = \"1/2\"\nset = \"mismatch\"\nto = 0\n",
         "bad.toml:6: event[1].at_s: must be a time >= 0 s"},
        {"duration_s = 3\n", "bad.toml:1: inputs: missing"},
        {"inputs = 2\nsample_rate = 48000.5\n", "bad.toml:2: sample_rate: expected an integer"},
    };
    for (const Case& c : cases) {
        const std::string message = parse_error(c.text);
        EXPECT_NE(message.find(c.expected), std::string::npos)
            << "scenario:\n"
            << c.text << "\nexpected \"" << c.expected << "\" in: " << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << "one line: " << message;
    }
    EXPECT_EQ(parse_error(pair), ""); // the common prefix itself is valid
    try {
        static_cast<void>(synth::load_scenario("/nonexistent/scenario.toml"));
        ADD_FAILURE() << "no error for a missing file";
    } catch (const synth::ScenarioError& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/scenario.toml: cannot open"),
                  std::string::npos);
    }
}

TEST(SynthScenario, SynthRejectsInconsistentScenarios)
{
    synth::Scenario s = quiet_pair();
    s.pairs[0].cold = 1;
    EXPECT_THROW(synth::Synth{s}, std::invalid_argument);
    s = quiet_pair();
    s.events.push_back({.at_s = 1.0, .channel = "9", .param = synth::Param::noise_dbfs});
    EXPECT_THROW(synth::Synth{s}, std::invalid_argument);
    s = quiet_pair();
    s.pairs[0].programme.kind = synth::ProgrammeKind::file;
    s.pairs[0].programme.file.path = "/nonexistent.wav";
    EXPECT_THROW(synth::Synth{s}, std::runtime_error);
}

// ---------------------------------------------------------------------------------------------

/// Reads a whole audio file back as floats.
std::vector<float> read_back(const std::filesystem::path& path, SF_INFO& info)
{
    info = SF_INFO{};
    SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
    if (file == nullptr)
        return {};
    std::vector<float> out(static_cast<std::size_t>(info.frames * info.channels));
    sf_readf_float(file, out.data(), info.frames);
    sf_close(file);
    return out;
}

TEST(SynthFiles, WriterRoundTripsEveryFormat)
{
    synth::Scenario s = busy_scenario();
    s.duration_s = 0.25;
    synth::Synth synth(s);
    std::vector<float> frames = synth.render_all();
    frames[3] = 1.5F; // one sample over full scale
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("cmr-test-synth-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    struct Case {
        synth::FileFormat format;
        const char* name;
        double tolerance; // quantisation step (one LSB)
        int sf_major;
    };
    for (const Case& c : {Case{synth::FileFormat::wav_float, "f.wav", 0.0, SF_FORMAT_WAV},
                          Case{synth::FileFormat::wav_pcm16, "16.wav", 0x1.0p-15, SF_FORMAT_WAV},
                          Case{synth::FileFormat::wav_pcm24, "24.wav", 0x1.0p-23, SF_FORMAT_WAV},
                          Case{synth::FileFormat::wav_pcm32, "32.wav", 0x1.0p-23, SF_FORMAT_WAV},
                          Case{synth::FileFormat::flac, "24.flac", 0x1.0p-23, SF_FORMAT_FLAC}}) {
        const std::filesystem::path path = dir / c.name;
        {
            synth::WavWriter writer(path, s.inputs, s.sample_rate, c.format);
            writer.write(std::span<const float>(frames).first(7 * 1000));
            writer.write(std::span<const float>(frames).subspan(7 * 1000));
            writer.close();
            EXPECT_EQ(writer.over_full_scale(), 1U);
            EXPECT_EQ(writer.frames_written(), frames.size() / 7);
        }
        SF_INFO info;
        const std::vector<float> back = read_back(path, info);
        ASSERT_EQ(back.size(), frames.size()) << c.name;
        // WAV may come back as WAVEX (extensible header, normal for more than 2 channels).
        const int major = info.format & SF_FORMAT_TYPEMASK;
        EXPECT_EQ(major == SF_FORMAT_WAVEX ? SF_FORMAT_WAV : major, c.sf_major) << c.name;
        EXPECT_EQ(info.samplerate, 44100);
        for (std::size_t i = 0; i < back.size(); ++i) {
            const float expected =
                c.tolerance > 0.0 ? std::clamp(frames[i], -1.0F, 1.0F) : frames[i];
            ASSERT_NEAR(back[i], expected, c.tolerance) << c.name << " sample " << i;
        }
    }
    EXPECT_THROW(
        synth::WavWriter(dir / "no-such-dir" / "x.wav", 2, 48000, synth::FileFormat::wav_float),
        synth::WavWriteError);
    std::filesystem::remove_all(dir);
}

TEST(SynthFiles, FileProgrammeIsPlayedAtItsGain)
{
    const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                       ("cmr-test-prog-" + std::to_string(::getpid()) + ".wav");
    std::vector<float> source(2 * 4800);
    for (std::size_t i = 0; i < 4800; ++i) {
        source[2 * i] = 0.25F;
        source[2 * i + 1] =
            static_cast<float>(std::sin(two_pi * 1000.0 * static_cast<double>(i) / 48000.0));
    }
    synth::write_audio_file(path, source, 2, 48000, synth::FileFormat::wav_float);
    synth::Scenario s = quiet_pair(0.25); // 12000 frames: the 4800-frame file loops
    s.pairs[0].programme.kind = synth::ProgrammeKind::file;
    s.pairs[0].programme.file = {path, 2, true};
    s.pairs[0].programme.level_dbfs = -6.0;
    s.pairs[0].programme.symmetry = synth::LegSymmetry::cold_silent;
    synth::Synth synth(s);
    const Legs l = legs(synth.render_all(), 2, 1, 2);
    EXPECT_NEAR(db(amplitude(l.hot, 1000.0, 48000.0, 7000, 4800)), -6.0, 0.001);
    EXPECT_EQ(level_dbfs(l.cold), -INFINITY);

    s.sample_rate = 44100;
    EXPECT_THROW(synth::Synth{s}, std::runtime_error); // rate mismatch
    std::filesystem::remove(path);
}

} // namespace
