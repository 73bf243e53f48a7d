// SPDX-License-Identifier: GPL-2.0-or-later
// The analyzer and the alarm engine together, on hard cases: music with bass notes next to the
// mains frequency, and a ground loop that comes and goes.
#include <gtest/gtest.h>

#include "analysis_run.hpp"

namespace cmr::testing {
namespace {

synth::Scenario music(double cm_hum_dbfs)
{
    synth::Scenario s;
    s.duration_s = 30.0;
    s.inputs = 2;
    s.seed = 21;
    s.noise_dbfs = -100.0;
    s.mains.frequency_hz = 50.0;
    synth::PairSpec p;
    p.cm_hum.level_dbfs = cm_hum_dbfs;
    p.cm_hum.profile = {0, -12, -6, -20, -10};
    p.programme.kind = synth::ProgrammeKind::music;
    p.programme.level_dbfs = -12.0;
    // G1, A#1 and B1: 1.0, 1.7 and 1.7 Hz from the nearest mains frequencies.
    p.programme.music.notes_hz = {49.0, 58.3, 61.7, 49.0};
    p.programme.music.note_s = 3.0;
    p.programme.music.decay_s = 2.5;
    s.pairs.push_back(p);
    return s;
}

TEST(Alarms, MusicWithBassNearMainsIsNotHum)
{
    const AnalysisRun run = run_scenario(music(synth::absent_db));
    EXPECT_TRUE(run.events_of(0, AlarmKind::hum).empty());
    EXPECT_TRUE(run.events.empty()) << "first event: " << to_string(run.events[0].kind);
    EXPECT_FALSE(run.summary.mains_hz.has_value()) << "a bass note was taken for the mains";
    for (const TimedResults& t : run.snapshots)
        EXPECT_FALSE(t.mains_hz.has_value()) << "locked at " << t.time_s;
}

TEST(Alarms, MusicOverARealMainsLockIsNotHum)
{
    // Common-mode hum gives a true mains lock at 50 Hz; D carries only the music (e = 0), so
    // its hum is nil however close the G1 (49 Hz) comes.
    const AnalysisRun run = run_scenario(music(-45.0));
    ASSERT_TRUE(run.summary.mains_hz.has_value());
    EXPECT_NEAR(*run.summary.mains_hz, 50.0, 0.005);
    EXPECT_TRUE(run.events_of(0, AlarmKind::hum).empty());
    EXPECT_FALSE(run.summary.channels[0].hum_dbfs.has_value())
        << "summary hum " << run.summary.channels[0].hum_dbfs.value_or(0);
    for (const TimedResults& t : run.snapshots)
        if (t.channels[0].hum_dbfs) {
            EXPECT_LT(*t.channels[0].hum_dbfs, -80.0) << "at " << t.time_s;
        }
}

TEST(Alarms, GroundLoopRaisedWithinThreeAndAHalfSecondsAndCleared)
{
    // Common-mode hum rises 40 dB at t0 (a ground loop appears) and falls back at t1.
    for (double t0 : {6.0, 7.3}) {
        synth::Scenario s;
        s.duration_s = 30.0;
        s.inputs = 4;
        s.seed = 4;
        s.noise_dbfs = -110.0;
        s.mains.frequency_hz = 49.98;
        synth::PairSpec p;
        p.mismatch = 0.0001; // 80 dB: the loop stays out of D
        p.cm_hum.level_dbfs = -70.0;
        p.cm_hum.profile = {0, -15, -6, -20, -10};
        p.programme.kind = synth::ProgrammeKind::pink_noise;
        p.programme.level_dbfs = -24.0;
        s.pairs.push_back(p);
        synth::PairSpec quiet = p;
        quiet.hot = 3;
        quiet.cold = 4;
        s.pairs.push_back(quiet);
        const double t1 = t0 + 12.0;
        s.events.push_back({t0, "1/2", synth::Param::cm_hum_level_dbfs, -30.0});
        s.events.push_back({t1, "1/2", synth::Param::cm_hum_level_dbfs, -70.0});
        const AnalysisRun run = run_scenario(s);
        const std::vector<AlarmEvent> loop = run.events_of(0, AlarmKind::ground_loop);
        ASSERT_EQ(loop.size(), 2U) << "t0 " << t0;
        EXPECT_TRUE(loop[0].raised);
        EXPECT_GT(loop[0].time_s, t0);
        EXPECT_LE(loop[0].time_s, t0 + 3.5);
        EXPECT_FALSE(loop[1].raised);
        EXPECT_GT(loop[1].time_s, t1);
        EXPECT_LE(loop[1].time_s, t1 + 6.0);
        EXPECT_TRUE(run.events_of(1, AlarmKind::ground_loop).empty()) << "the other pair";
        EXPECT_TRUE(run.events_of(0, AlarmKind::hum).empty()) << "80 dB CMRR keeps D clean";
    }
}

TEST(Alarms, WiringFaultRaised)
{
    synth::Scenario s = music(-60.0);
    s.pairs[0].programme.kind = synth::ProgrammeKind::pink_noise;
    s.pairs[0].programme.symmetry = synth::LegSymmetry::in_phase;
    s.duration_s = 15.0;
    const AnalysisRun run = run_scenario(s);
    const std::vector<AlarmEvent> wiring = run.events_of(0, AlarmKind::wiring);
    ASSERT_EQ(wiring.size(), 1U);
    EXPECT_TRUE(wiring[0].raised);
}

} // namespace
} // namespace cmr::testing
