// SPDX-License-Identifier: GPL-2.0-or-later
// The alarm engine: raise/clear rules, hold and clear timing, hysteresis, missing figures,
// per-channel thresholds, threshold reloads, priority and validation. Results are built by
// hand so that each test states exactly what the engine sees. Snapshot times are exact binary
// fractions (0.5 s steps) unless a test is about rounding, so timing boundaries are exact.

#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <limits>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cmr/alarm_engine.hpp"
#include "cmr/measurement.hpp"

// Counts heap allocations so that a test can prove update() allocation-free (the daemon calls
// it from its analysis loop next to the real-time capture). Not inlined: once inlined, g++ 12
// sees malloc'ed pointers reach operator delete (or free() reach operator-new pointers) and
// warns with -Wmismatched-new-delete.
namespace {
std::size_t allocation_count = 0;
}

[[gnu::noinline]] void* operator new(std::size_t size)
{
    ++allocation_count;
    if (void* p = std::malloc(size == 0 ? 1 : size))
        return p;
    throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept
{
    std::free(p);
}
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept
{
    std::free(p);
}

namespace {

using cmr::AlarmEngine;
using cmr::AlarmEvent;
using cmr::AlarmKind;
using cmr::AlarmThresholds;
using cmr::ChannelResult;
using cmr::ChannelSpec;
using cmr::CmrrKind;
using cmr::Symmetry;

/// Snapshot spacing used by most tests.
constexpr double hop = 0.5;

ChannelResult pair_result()
{
    ChannelResult r;
    r.spec = {.kind = ChannelSpec::Kind::pair, .hot = 1, .cold = 2, .input = 0};
    return r;
}

ChannelResult single_result()
{
    ChannelResult r;
    r.spec = {.kind = ChannelSpec::Kind::single, .hot = 0, .cold = 0, .input = 5};
    return r;
}

ChannelResult with_hum(std::optional<double> dbfs)
{
    ChannelResult r = pair_result();
    r.hum_dbfs = dbfs;
    return r;
}

ChannelResult with_cm_hum(std::optional<double> dbfs)
{
    ChannelResult r = pair_result();
    r.cm_hum_dbfs = dbfs;
    return r;
}

ChannelResult with_cmrr(CmrrKind kind, std::optional<double> db)
{
    ChannelResult r = pair_result();
    r.cmrr_kind = kind;
    r.cmrr_db = db;
    return r;
}

ChannelResult with_symmetry(std::optional<Symmetry> symmetry)
{
    ChannelResult r = pair_result();
    r.symmetry = symmetry;
    return r;
}

/// An engine plus the events it emitted.
struct Harness {
    explicit Harness(std::vector<AlarmThresholds> thresholds) : engine(std::move(thresholds)) {}
    explicit Harness(std::size_t channels = 1)
        : engine(std::vector<AlarmThresholds>(channels, AlarmThresholds{}))
    {}

    /// Feeds one snapshot; returns the events it produced.
    std::vector<AlarmEvent> feed(double t, const std::vector<ChannelResult>& channels)
    {
        std::vector<AlarmEvent> produced;
        engine.update(t, channels, [&](const AlarmEvent& e) { produced.push_back(e); });
        all.insert(all.end(), produced.begin(), produced.end());
        return produced;
    }
    std::vector<AlarmEvent> feed(double t, const ChannelResult& channel)
    {
        return feed(t, std::vector<ChannelResult>{channel});
    }

    /// Feeds @p r at every hop in [from, to] (inclusive); returns the time of the first event
    /// or nullopt. Stops at the first event.
    std::optional<double> feed_until_event(double from, double to, const ChannelResult& r)
    {
        for (double t = from; t <= to; t += hop)
            if (!feed(t, r).empty())
                return t;
        return std::nullopt;
    }

    AlarmEngine engine;
    std::vector<AlarmEvent> all;
};

void expect_event(const AlarmEvent& e, double t, std::size_t channel, AlarmKind kind, bool raised,
                  std::optional<double> value)
{
    EXPECT_EQ(e.time_s, t);
    EXPECT_EQ(e.channel, channel);
    EXPECT_EQ(e.kind, kind) << cmr::to_string(e.kind);
    EXPECT_EQ(e.raised, raised);
    EXPECT_EQ(e.value, value);
}

// ----- hum -------------------------------------------------------------------------------

TEST(HumAlarm, RaisedExactlyWhenHoldIsReached)
{
    Harness h; // hold_s = 2
    for (const double t : {0.0, 0.5, 1.0, 1.5}) {
        EXPECT_TRUE(h.feed(t, with_hum(-70.0)).empty()) << "raised early at " << t;
        EXPECT_EQ(h.engine.current(0), AlarmKind::none);
    }
    const auto events = h.feed(2.0, with_hum(-70.0));
    ASSERT_EQ(events.size(), 1U);
    expect_event(events[0], 2.0, 0, AlarmKind::hum, true, -70.0);
    EXPECT_TRUE(h.engine.active(0, AlarmKind::hum));
    EXPECT_EQ(h.engine.current(0), AlarmKind::hum);
    // No repeated event while the condition persists.
    EXPECT_FALSE(h.feed_until_event(2.5, 20.0, with_hum(-70.0)));
}

TEST(HumAlarm, EventCarriesTheValueOfTheDecidingSnapshot)
{
    Harness h;
    h.feed(0.0, with_hum(-70.0));
    h.feed(1.0, with_hum(-60.0));
    const auto events = h.feed(2.0, with_hum(-75.5));
    ASSERT_EQ(events.size(), 1U);
    expect_event(events[0], 2.0, 0, AlarmKind::hum, true, -75.5);
}

TEST(HumAlarm, HoldMeasuredFromFirstTrueSnapshotNotFromStart)
{
    Harness h;
    EXPECT_FALSE(h.feed_until_event(0.0, 10.0, with_hum(-90.0)));
    EXPECT_EQ(h.feed_until_event(10.5, 20.0, with_hum(-70.0)), 12.5);
}

TEST(HumAlarm, RaiseThresholdIsInclusive)
{
    Harness at;
    EXPECT_EQ(at.feed_until_event(0.0, 10.0, with_hum(-80.0)), 2.0);
    Harness below;
    EXPECT_FALSE(below.feed_until_event(0.0, 10.0, with_hum(-80.001)));
}

TEST(HumAlarm, HysteresisBandResetsPendingRaise)
{
    Harness h;
    h.feed(0.0, with_hum(-70.0));
    h.feed(0.5, with_hum(-70.0));
    h.feed(1.0, with_hum(-70.0));
    h.feed(1.5, with_hum(-70.0));
    EXPECT_TRUE(h.feed(2.0, with_hum(-81.0)).empty()); // band: no raise, timer restarts
    EXPECT_EQ(h.feed_until_event(2.5, 10.0, with_hum(-70.0)), 4.5);
}

TEST(HumAlarm, ClearedExactlyWhenClearTimeIsReached)
{
    Harness h; // clear_s = 3
    ASSERT_EQ(h.feed_until_event(0.0, 5.0, with_hum(-70.0)), 2.0);
    for (const double t : {2.5, 3.0, 3.5, 4.0, 4.5, 5.0})
        EXPECT_TRUE(h.feed(t, with_hum(-84.0)).empty()) << "cleared early at " << t;
    EXPECT_TRUE(h.engine.active(0, AlarmKind::hum));
    const auto events = h.feed(5.5, with_hum(-84.0));
    ASSERT_EQ(events.size(), 1U);
    expect_event(events[0], 5.5, 0, AlarmKind::hum, false, -84.0);
    EXPECT_FALSE(h.engine.active(0, AlarmKind::hum));
    EXPECT_EQ(h.engine.current(0), AlarmKind::none);
}

TEST(HumAlarm, ClearThresholdIsExclusiveAndBandHoldsTheAlarm)
{
    Harness h;
    ASSERT_EQ(h.feed_until_event(0.0, 5.0, with_hum(-70.0)), 2.0);
    // -83 is not below hum_clear_dbfs = -83, and -81 is inside the band: the alarm stays.
    EXPECT_FALSE(h.feed_until_event(2.5, 10.0, with_hum(-83.0)));
    EXPECT_FALSE(h.feed_until_event(10.5, 20.0, with_hum(-81.0)));
    EXPECT_TRUE(h.engine.active(0, AlarmKind::hum));
}

TEST(HumAlarm, HysteresisBandResetsPendingClear)
{
    Harness h;
    ASSERT_EQ(h.feed_until_event(0.0, 5.0, with_hum(-70.0)), 2.0);
    h.feed(2.5, with_hum(-90.0));
    h.feed(3.0, with_hum(-90.0));
    h.feed(3.5, with_hum(-90.0));
    h.feed(4.0, with_hum(-90.0));
    h.feed(4.5, with_hum(-90.0));
    EXPECT_TRUE(h.feed(5.0, with_hum(-82.0)).empty()); // band: the clear timer restarts
    EXPECT_EQ(h.feed_until_event(5.5, 20.0, with_hum(-90.0)), 8.5);
}

TEST(HumAlarm, RaiseConditionResetsPendingClear)
{
    Harness h;
    ASSERT_EQ(h.feed_until_event(0.0, 5.0, with_hum(-70.0)), 2.0);
    h.feed(2.5, with_hum(-90.0));
    h.feed(4.5, with_hum(-90.0));
    EXPECT_TRUE(h.feed(5.0, with_hum(-70.0)).empty());
    EXPECT_EQ(h.feed_until_event(5.5, 20.0, with_hum(-90.0)), 8.5);
}

TEST(HumAlarm, NullHumNeverRaisesAndCountsAsClear)
{
    Harness h;
    EXPECT_FALSE(h.feed_until_event(0.0, 10.0, with_hum(std::nullopt)));
    ASSERT_EQ(h.feed_until_event(10.5, 20.0, with_hum(-70.0)), 12.5);
    h.feed(13.0, with_hum(std::nullopt));
    h.feed(14.0, with_hum(-85.0)); // null and below-clear both continue the clear condition
    const auto events = h.feed(16.0, with_hum(std::nullopt));
    ASSERT_EQ(events.size(), 1U);
    expect_event(events[0], 16.0, 0, AlarmKind::hum, false, std::nullopt);
}

// #12 finding 6: an alarm active when cmrd stopped is restored without an event. A fresh
// analysis has no figures for its first seconds (null hum reads as clean): the restored alarm
// is held through them, continues without a second "raised" when the hum is still there, and
// is cleared with an event when it is gone.
TEST(RestoredAlarm, ContinuesWithoutARaiseWhileTheConditionHolds)
{
    Harness h;
    h.engine.restore(0, AlarmKind::hum);
    h.engine.hold_active_until(AlarmEngine::fresh_analysis_s);
    EXPECT_TRUE(h.engine.active(0, AlarmKind::hum));
    EXPECT_EQ(h.engine.current(0), AlarmKind::hum);
    EXPECT_FALSE(h.feed_until_event(0.0, 5.5, with_hum(std::nullopt))) << "no figures yet";
    EXPECT_FALSE(h.feed_until_event(6.0, 30.0, with_hum(-70.0))) << "still there: no event";
    EXPECT_TRUE(h.engine.active(0, AlarmKind::hum));
}

TEST(RestoredAlarm, IsClearedWithAnEventOnceTheAnalysisShowsItGone)
{
    Harness h;
    h.engine.restore(0, AlarmKind::hum);
    h.engine.hold_active_until(AlarmEngine::fresh_analysis_s);
    // Clean from the start: held until 8 s, then the usual clear_s of 3 s.
    EXPECT_EQ(h.feed_until_event(0.0, 30.0, with_hum(-90.0)), AlarmEngine::fresh_analysis_s + 3.0);
    EXPECT_FALSE(h.engine.active(0, AlarmKind::hum));
    EXPECT_THROW(h.engine.restore(1, AlarmKind::hum), std::out_of_range);
    EXPECT_THROW(h.engine.restore(0, AlarmKind::none), std::invalid_argument);
}

TEST(RestoredAlarm, TheHoldNeverDelaysARaise)
{
    Harness h;
    h.engine.hold_active_until(AlarmEngine::fresh_analysis_s);
    EXPECT_EQ(h.feed_until_event(0.0, 10.0, with_hum(-70.0)), 2.0);
}

TEST(HumAlarm, NanHumNeitherRaisesNorClears)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    Harness h;
    EXPECT_FALSE(h.feed_until_event(0.0, 10.0, with_hum(nan)));
    ASSERT_EQ(h.feed_until_event(10.5, 20.0, with_hum(-70.0)), 12.5);
    EXPECT_FALSE(h.feed_until_event(13.0, 30.0, with_hum(nan)));
    EXPECT_TRUE(h.engine.active(0, AlarmKind::hum));
}

TEST(HumAlarm, AppliesToSingleInputs)
{
    Harness h;
    ChannelResult r = single_result();
    r.hum_dbfs = -60.0;
    EXPECT_EQ(h.feed_until_event(0.0, 5.0, r), 2.0);
    ASSERT_EQ(h.all.size(), 1U);
    expect_event(h.all[0], 2.0, 0, AlarmKind::hum, true, -60.0);
}

TEST(HumAlarm, ZeroHoldRaisesOnFirstSnapshotAndZeroClearClearsOnFirst)
{
    AlarmThresholds t;
    t.hold_s = 0.0;
    t.clear_s = 0.0;
    Harness h({t});
    ASSERT_EQ(h.feed(7.0, with_hum(-70.0)).size(), 1U);
    EXPECT_TRUE(h.engine.active(0, AlarmKind::hum));
    ASSERT_EQ(h.feed(7.0, with_hum(-90.0)).size(), 1U);
    EXPECT_FALSE(h.engine.active(0, AlarmKind::hum));
}

TEST(HumAlarm, InfiniteThresholdDisablesTheAlarm)
{
    AlarmThresholds t;
    t.hum_dbfs = std::numeric_limits<double>::infinity();
    Harness h({t});
    EXPECT_FALSE(h.feed_until_event(0.0, 20.0, with_hum(0.0)));
}

// ----- timing with rounded snapshot times ------------------------------------------------

TEST(AlarmTiming, HoldReachedDespiteRoundingOfAccumulatedTimes)
{
    // Times accumulated in 0.1 s steps carry rounding errors (0.1 * 8 -> 0.7999999999999999).
    // A hold of k steps must still raise at the k-th snapshot after the condition began, never
    // one later and never one earlier, wherever the condition begins.
    std::vector<double> times;
    double t = 0.0;
    for (int i = 0; i < 60; ++i, t += 0.1)
        times.push_back(t);
    for (std::size_t start = 0; start < 30; ++start)
        for (int steps = 1; steps <= 20; ++steps) {
            AlarmThresholds th;
            th.hold_s = 0.1 * steps;
            Harness h({th});
            std::optional<std::size_t> raised_at;
            for (std::size_t i = 0; i < times.size() && !raised_at; ++i)
                if (!h.feed(times[i], with_hum(i >= start ? -70.0 : -90.0)).empty())
                    raised_at = i;
            ASSERT_TRUE(raised_at) << "start " << start << " steps " << steps;
            EXPECT_EQ(*raised_at, start + static_cast<std::size_t>(steps))
                << "start " << start << " steps " << steps;
        }
}

// ----- ground loop -----------------------------------------------------------------------

TEST(GroundLoopAlarm, RaiseAndClearOnCommonModeHum)
{
    Harness h; // ground_loop_dbfs = -50, clear below -53, hold 2, clear 3
    EXPECT_FALSE(h.feed_until_event(0.0, 1.5, with_cm_hum(-45.0)));
    auto events = h.feed(2.0, with_cm_hum(-45.0));
    ASSERT_EQ(events.size(), 1U);
    expect_event(events[0], 2.0, 0, AlarmKind::ground_loop, true, -45.0);
    EXPECT_EQ(h.engine.current(0), AlarmKind::ground_loop);

    EXPECT_FALSE(h.feed_until_event(2.5, 10.0, with_cm_hum(-53.0))); // band edge: holds
    EXPECT_FALSE(h.feed_until_event(10.5, 13.0, with_cm_hum(-54.0)));
    events = h.feed(13.5, with_cm_hum(-54.0));
    ASSERT_EQ(events.size(), 1U);
    expect_event(events[0], 13.5, 0, AlarmKind::ground_loop, false, -54.0);
}

TEST(GroundLoopAlarm, ThresholdInclusiveAndBandResetsTimer)
{
    Harness h;
    h.feed(0.0, with_cm_hum(-50.0));
    h.feed(1.5, with_cm_hum(-50.0));
    EXPECT_TRUE(h.feed(1.75, with_cm_hum(-51.0)).empty());
    EXPECT_EQ(h.feed_until_event(2.0, 10.0, with_cm_hum(-50.0)), 4.0);
}

TEST(GroundLoopAlarm, NullCommonModeHumClears)
{
    Harness h;
    ASSERT_EQ(h.feed_until_event(0.0, 5.0, with_cm_hum(-40.0)), 2.0);
    const auto cleared_at = h.feed_until_event(2.5, 10.0, with_cm_hum(std::nullopt));
    EXPECT_EQ(cleared_at, 5.5);
    ASSERT_EQ(h.all.size(), 2U);
    expect_event(h.all[1], 5.5, 0, AlarmKind::ground_loop, false, std::nullopt);
}

TEST(GroundLoopAlarm, IndependentOfDifferentialHum)
{
    Harness h;
    ChannelResult r = with_cm_hum(-30.0);
    r.hum_dbfs = -100.0; // a good link rejects the common-mode hum
    EXPECT_EQ(h.feed_until_event(0.0, 5.0, r), 2.0);
    EXPECT_TRUE(h.engine.active(0, AlarmKind::ground_loop));
    EXPECT_FALSE(h.engine.active(0, AlarmKind::hum));
}

TEST(GroundLoopAlarm, SinglesNeverRaiseIt)
{
    Harness h;
    ChannelResult r = single_result();
    r.hum_dbfs = -90.0; // below the hum threshold; singles carry no common-mode figures
    EXPECT_FALSE(h.feed_until_event(0.0, 30.0, r));
}

// ----- CMRR ------------------------------------------------------------------------------

TEST(CmrrLowAlarm, MeasuredLowCmrrRaisesAfterCmrrHold)
{
    Harness h; // cmrr_min_db = 40, cmrr_hold_s = 5
    EXPECT_FALSE(h.feed_until_event(0.0, 4.5, with_cmrr(CmrrKind::measured, 30.0)));
    const auto events = h.feed(5.0, with_cmrr(CmrrKind::measured, 30.0));
    ASSERT_EQ(events.size(), 1U);
    expect_event(events[0], 5.0, 0, AlarmKind::cmrr_low, true, 30.0);
    EXPECT_EQ(h.engine.current(0), AlarmKind::cmrr_low);
}

TEST(CmrrLowAlarm, MinimumIsExclusive)
{
    Harness h;
    EXPECT_FALSE(h.feed_until_event(0.0, 20.0, with_cmrr(CmrrKind::measured, 40.0)));
}

TEST(CmrrLowAlarm, LowerBoundNeverRaises)
{
    Harness h;
    EXPECT_FALSE(h.feed_until_event(0.0, 20.0, with_cmrr(CmrrKind::lower_bound, 20.0)));
}

TEST(CmrrLowAlarm, NoneResetsPendingRaise)
{
    Harness h;
    h.feed(0.0, with_cmrr(CmrrKind::measured, 30.0));
    h.feed(4.5, with_cmrr(CmrrKind::measured, 30.0));
    EXPECT_TRUE(h.feed(4.75, with_cmrr(CmrrKind::none, std::nullopt)).empty());
    EXPECT_EQ(h.feed_until_event(5.0, 20.0, with_cmrr(CmrrKind::measured, 30.0)), 10.0);
}

TEST(CmrrLowAlarm, LowerBoundBelowClearResetsPendingRaise)
{
    Harness h;
    h.feed(0.0, with_cmrr(CmrrKind::measured, 30.0));
    h.feed(4.5, with_cmrr(CmrrKind::measured, 30.0));
    // "At least 35 dB" neither proves the link poor nor good.
    EXPECT_TRUE(h.feed(4.75, with_cmrr(CmrrKind::lower_bound, 35.0)).empty());
    EXPECT_EQ(h.feed_until_event(5.0, 20.0, with_cmrr(CmrrKind::measured, 30.0)), 10.0);
}

TEST(CmrrLowAlarm, ClearedByMeasuredOrLowerBoundAtClearThreshold)
{
    for (const CmrrKind kind : {CmrrKind::measured, CmrrKind::lower_bound}) {
        Harness h; // cmrr_clear_db = 43, clear_s = 3
        ASSERT_EQ(h.feed_until_event(0.0, 10.0, with_cmrr(CmrrKind::measured, 30.0)), 5.0);
        EXPECT_FALSE(h.feed_until_event(5.5, 8.0, with_cmrr(kind, 43.0)));
        const auto events = h.feed(8.5, with_cmrr(kind, 43.0));
        ASSERT_EQ(events.size(), 1U) << cmr::to_string(kind);
        expect_event(events[0], 8.5, 0, AlarmKind::cmrr_low, false, 43.0);
    }
}

TEST(CmrrLowAlarm, BandAndNoneHoldTheAlarmAndResetPendingClear)
{
    Harness h;
    ASSERT_EQ(h.feed_until_event(0.0, 10.0, with_cmrr(CmrrKind::measured, 30.0)), 5.0);
    EXPECT_FALSE(h.feed_until_event(5.5, 20.0, with_cmrr(CmrrKind::measured, 42.9)));
    EXPECT_FALSE(h.feed_until_event(20.5, 40.0, with_cmrr(CmrrKind::none, std::nullopt)));
    EXPECT_TRUE(h.engine.active(0, AlarmKind::cmrr_low));

    h.feed(40.5, with_cmrr(CmrrKind::lower_bound, 60.0));
    h.feed(43.0, with_cmrr(CmrrKind::lower_bound, 60.0));
    EXPECT_TRUE(h.feed(43.25, with_cmrr(CmrrKind::none, std::nullopt)).empty());
    EXPECT_TRUE(h.feed(43.5, with_cmrr(CmrrKind::lower_bound, 60.0)).empty());
    EXPECT_EQ(h.feed_until_event(44.0, 50.0, with_cmrr(CmrrKind::lower_bound, 60.0)), 46.5);
}

TEST(CmrrLowAlarm, KindNoneIsIgnoredEvenWithAFigure)
{
    // cmrr_kind decides; a figure left over next to "none" must not clear (or raise) anything.
    Harness h;
    ASSERT_EQ(h.feed_until_event(0.0, 10.0, with_cmrr(CmrrKind::measured, 30.0)), 5.0);
    EXPECT_FALSE(h.feed_until_event(5.5, 30.0, with_cmrr(CmrrKind::none, 60.0)));
    EXPECT_TRUE(h.engine.active(0, AlarmKind::cmrr_low));
}

// ----- wiring ----------------------------------------------------------------------------

TEST(WiringAlarm, InPhaseAndHotSilentRaiseAfterWiringHold)
{
    for (const Symmetry fault : {Symmetry::in_phase, Symmetry::hot_silent}) {
        Harness h; // wiring_hold_s = 5
        EXPECT_FALSE(h.feed_until_event(0.0, 4.5, with_symmetry(fault)));
        const auto events = h.feed(5.0, with_symmetry(fault));
        ASSERT_EQ(events.size(), 1U) << cmr::to_string(fault);
        expect_event(events[0], 5.0, 0, AlarmKind::wiring, true, std::nullopt);
        EXPECT_EQ(h.engine.current(0), AlarmKind::wiring);
    }
}

TEST(WiringAlarm, HealthyOrUnjudgeableSymmetriesNeverRaise)
{
    for (const std::optional<Symmetry> s :
         {std::optional<Symmetry>{}, std::optional{Symmetry::no_signal},
          std::optional{Symmetry::symmetric}, std::optional{Symmetry::cold_silent},
          std::optional{Symmetry::uncorrelated}}) {
        Harness h;
        EXPECT_FALSE(h.feed_until_event(0.0, 30.0, with_symmetry(s)));
    }
}

TEST(WiringAlarm, FaultSwitchingBetweenInPhaseAndHotSilentKeepsTheTimer)
{
    Harness h;
    h.feed(0.0, with_symmetry(Symmetry::in_phase));
    h.feed(2.5, with_symmetry(Symmetry::hot_silent));
    EXPECT_EQ(h.feed_until_event(5.0, 10.0, with_symmetry(Symmetry::in_phase)), 5.0);
}

TEST(WiringAlarm, NoSignalResetsPendingRaise)
{
    Harness h;
    h.feed(0.0, with_symmetry(Symmetry::in_phase));
    h.feed(4.5, with_symmetry(Symmetry::in_phase));
    EXPECT_TRUE(h.feed(4.75, with_symmetry(Symmetry::no_signal)).empty());
    EXPECT_EQ(h.feed_until_event(5.0, 20.0, with_symmetry(Symmetry::in_phase)), 10.0);
}

TEST(WiringAlarm, ClearedByAnyHealthySymmetry)
{
    for (const Symmetry ok : {Symmetry::symmetric, Symmetry::cold_silent, Symmetry::uncorrelated}) {
        Harness h;
        ASSERT_EQ(h.feed_until_event(0.0, 10.0, with_symmetry(Symmetry::in_phase)), 5.0);
        EXPECT_FALSE(h.feed_until_event(5.5, 8.0, with_symmetry(ok)));
        const auto events = h.feed(8.5, with_symmetry(ok));
        ASSERT_EQ(events.size(), 1U) << cmr::to_string(ok);
        expect_event(events[0], 8.5, 0, AlarmKind::wiring, false, std::nullopt);
    }
}

TEST(WiringAlarm, SilenceHoldsTheAlarmAndResetsPendingClear)
{
    Harness h;
    ASSERT_EQ(h.feed_until_event(0.0, 10.0, with_symmetry(Symmetry::in_phase)), 5.0);
    EXPECT_FALSE(h.feed_until_event(5.5, 60.0, with_symmetry(Symmetry::no_signal)));
    EXPECT_FALSE(h.feed_until_event(60.5, 70.0, with_symmetry(std::nullopt)));
    EXPECT_TRUE(h.engine.active(0, AlarmKind::wiring));

    h.feed(70.5, with_symmetry(Symmetry::symmetric));
    h.feed(73.0, with_symmetry(Symmetry::symmetric));
    EXPECT_TRUE(h.feed(73.25, with_symmetry(Symmetry::no_signal)).empty());
    EXPECT_EQ(h.feed_until_event(73.5, 80.0, with_symmetry(Symmetry::symmetric)), 76.5);
}

// ----- several channels, per-channel thresholds ------------------------------------------

TEST(AlarmChannels, PerChannelThresholds)
{
    AlarmThresholds strict;
    strict.hum_dbfs = -100.0;
    strict.hum_clear_dbfs = -103.0;
    strict.hold_s = 1.0;
    Harness h({AlarmThresholds{}, strict});
    const std::vector<ChannelResult> snapshot{with_hum(-90.0), with_hum(-90.0)};
    h.feed(0.0, snapshot);
    h.feed(0.5, snapshot);
    const auto events = h.feed(1.0, snapshot);
    ASSERT_EQ(events.size(), 1U);
    expect_event(events[0], 1.0, 1, AlarmKind::hum, true, -90.0);
    for (double t = 1.5; t <= 20.0; t += hop)
        EXPECT_TRUE(h.feed(t, snapshot).empty());
    EXPECT_EQ(h.engine.current(0), AlarmKind::none);
    EXPECT_EQ(h.engine.current(1), AlarmKind::hum);
}

TEST(AlarmChannels, ChannelsHaveIndependentTimersAndStates)
{
    Harness h(3);
    EXPECT_EQ(h.engine.channel_count(), 3U);
    ChannelResult single = single_result();
    single.hum_dbfs = -60.0;
    // Channel 0: hum from t=0; channel 1: ground loop from t=1; channel 2 (single): hum from t=0.5.
    for (double t = 0.0; t <= 3.0; t += hop) {
        const std::vector<ChannelResult> snapshot{with_hum(-70.0),
                                                  with_cm_hum(t >= 1.0 ? -40.0 : -60.0),
                                                  t >= 0.5 ? single : single_result()};
        h.feed(t, snapshot);
    }
    ASSERT_EQ(h.all.size(), 3U);
    expect_event(h.all[0], 2.0, 0, AlarmKind::hum, true, -70.0);
    expect_event(h.all[1], 2.5, 2, AlarmKind::hum, true, -60.0);
    expect_event(h.all[2], 3.0, 1, AlarmKind::ground_loop, true, -40.0);
    EXPECT_EQ(h.engine.current(0), AlarmKind::hum);
    EXPECT_EQ(h.engine.current(1), AlarmKind::ground_loop);
    EXPECT_EQ(h.engine.current(2), AlarmKind::hum);
}

TEST(AlarmChannels, EventsOfOneSnapshotComeInChannelOrder)
{
    AlarmThresholds now;
    now.hold_s = 0.0;
    Harness h({now, now});
    ChannelResult both = with_hum(-70.0);
    both.cm_hum_dbfs = -40.0;
    const auto events = h.feed(1.0, {both, both});
    ASSERT_EQ(events.size(), 4U);
    expect_event(events[0], 1.0, 0, AlarmKind::hum, true, -70.0);
    expect_event(events[1], 1.0, 0, AlarmKind::ground_loop, true, -40.0);
    expect_event(events[2], 1.0, 1, AlarmKind::hum, true, -70.0);
    expect_event(events[3], 1.0, 1, AlarmKind::ground_loop, true, -40.0);
}

TEST(AlarmChannels, SnapshotSizeMismatchIsTolerated)
{
    Harness h(2);
    // Fewer results than channels: only those given advance.
    EXPECT_EQ(h.feed_until_event(0.0, 5.0, with_hum(-70.0)), 2.0);
    EXPECT_EQ(h.all.at(0).channel, 0U);
    EXPECT_EQ(h.engine.current(1), AlarmKind::none);
    // More results than channels: the extras are ignored.
    AlarmThresholds now;
    now.hold_s = 0.0;
    Harness one({now});
    const auto events = one.feed(0.0, {with_hum(-90.0), with_hum(-70.0)});
    EXPECT_TRUE(events.empty());
}

// ----- set_thresholds --------------------------------------------------------------------

TEST(SetThresholds, KeepsActiveAlarms)
{
    Harness h;
    ASSERT_EQ(h.feed_until_event(0.0, 5.0, with_hum(-70.0)), 2.0);
    AlarmThresholds higher;
    higher.hum_dbfs = -60.0;
    higher.hum_clear_dbfs = -75.0;
    h.engine.set_thresholds({higher});
    EXPECT_TRUE(h.engine.active(0, AlarmKind::hum)); // -70 is now inside the band: still active
    EXPECT_FALSE(h.feed_until_event(2.5, 20.0, with_hum(-70.0)));
    EXPECT_TRUE(h.engine.active(0, AlarmKind::hum));
}

TEST(SetThresholds, NewThresholdsApplyToLaterSnapshots)
{
    Harness h;
    ASSERT_EQ(h.feed_until_event(0.0, 5.0, with_hum(-70.0)), 2.0);
    AlarmThresholds higher;
    higher.hum_dbfs = -60.0;
    higher.hum_clear_dbfs = -65.0;
    higher.clear_s = 1.0;
    h.engine.set_thresholds({higher});
    const auto events_at_3 = h.feed(3.0, with_hum(-70.0));
    EXPECT_TRUE(events_at_3.empty());
    const auto events = h.feed(4.0, with_hum(-70.0));
    ASSERT_EQ(events.size(), 1U);
    expect_event(events[0], 4.0, 0, AlarmKind::hum, false, -70.0);
}

TEST(SetThresholds, RejectsInvalidOrMismatchedAndKeepsOldThresholds)
{
    Harness h(2);
    AlarmThresholds bad;
    bad.hum_clear_dbfs = -70.0; // above hum_dbfs = -80
    EXPECT_THROW(h.engine.set_thresholds({AlarmThresholds{}, bad}), std::invalid_argument);
    EXPECT_THROW(h.engine.set_thresholds({AlarmThresholds{}}), std::invalid_argument);
    // Still the defaults on both channels: -79 raises hum after 2 s.
    EXPECT_EQ(h.feed_until_event(0.0, 5.0, with_hum(-79.0)), 2.0);
}

// ----- priority --------------------------------------------------------------------------

TEST(AlarmPriority, CurrentIsMostSevereActiveAlarm)
{
    AlarmThresholds immediate;
    immediate.hold_s = immediate.clear_s = immediate.cmrr_hold_s = immediate.wiring_hold_s = 0.0;
    Harness h({immediate});
    ChannelResult r = with_hum(-70.0);
    r.cm_hum_dbfs = -40.0;
    r.cmrr_kind = CmrrKind::measured;
    r.cmrr_db = 30.0;
    r.symmetry = Symmetry::in_phase;
    EXPECT_EQ(h.feed(0.0, r).size(), 4U);
    EXPECT_EQ(h.engine.current(0), AlarmKind::wiring);

    r.symmetry = Symmetry::symmetric;
    h.feed(1.0, r);
    EXPECT_EQ(h.engine.current(0), AlarmKind::hum);

    r.hum_dbfs = -90.0;
    h.feed(2.0, r);
    EXPECT_EQ(h.engine.current(0), AlarmKind::cmrr_low);

    r.cmrr_db = 50.0;
    h.feed(3.0, r);
    EXPECT_EQ(h.engine.current(0), AlarmKind::ground_loop);

    r.cm_hum_dbfs = -70.0;
    h.feed(4.0, r);
    EXPECT_EQ(h.engine.current(0), AlarmKind::none);
    EXPECT_EQ(h.all.size(), 8U);
}

TEST(AlarmPriority, HumOutranksCmrrAndGroundLoopRegardlessOfOrder)
{
    AlarmThresholds immediate;
    immediate.hold_s = immediate.clear_s = immediate.cmrr_hold_s = immediate.wiring_hold_s = 0.0;
    Harness h({immediate});
    ChannelResult r = with_cm_hum(-40.0);
    h.feed(0.0, r);
    EXPECT_EQ(h.engine.current(0), AlarmKind::ground_loop);
    r.cmrr_kind = CmrrKind::measured;
    r.cmrr_db = 20.0;
    h.feed(1.0, r);
    EXPECT_EQ(h.engine.current(0), AlarmKind::cmrr_low);
    r.hum_dbfs = -60.0;
    h.feed(2.0, r);
    EXPECT_EQ(h.engine.current(0), AlarmKind::hum);
    r.symmetry = Symmetry::hot_silent;
    h.feed(3.0, r);
    EXPECT_EQ(h.engine.current(0), AlarmKind::wiring);
}

TEST(AlarmQueries, NoneIsNeverActiveAndBadChannelThrows)
{
    Harness h;
    EXPECT_FALSE(h.engine.active(0, AlarmKind::none));
    EXPECT_EQ(h.engine.current(0), AlarmKind::none);
    EXPECT_THROW((void)h.engine.current(1), std::out_of_range);
    EXPECT_THROW((void)h.engine.active(1, AlarmKind::hum), std::out_of_range);
}

// ----- validation ------------------------------------------------------------------------

/// The message of the invalid_argument thrown when constructing with @p t as channel 0.
std::string construction_error(const AlarmThresholds& t)
{
    try {
        AlarmEngine engine({t});
    } catch (const std::invalid_argument& error) {
        return error.what();
    }
    ADD_FAILURE() << "thresholds accepted";
    return {};
}

TEST(AlarmValidation, ClearThresholdOnWrongSideNamesTheFields)
{
    AlarmThresholds t;
    t.hum_clear_dbfs = -79.0;
    EXPECT_EQ(
        construction_error(t),
        "alarm thresholds of channel 0: hum_clear_dbfs (-79) must not be above hum_dbfs (-80)");
    t = {};
    t.ground_loop_clear_dbfs = -49.5;
    EXPECT_EQ(construction_error(t), "alarm thresholds of channel 0: ground_loop_clear_dbfs "
                                     "(-49.5) must not be above ground_loop_dbfs (-50)");
    t = {};
    t.cmrr_clear_db = 39.0;
    EXPECT_EQ(
        construction_error(t),
        "alarm thresholds of channel 0: cmrr_clear_db (39) must not be below cmrr_min_db (40)");
}

TEST(AlarmValidation, NegativeOrNanTimesNameTheField)
{
    for (const auto member : {&AlarmThresholds::hold_s, &AlarmThresholds::clear_s,
                              &AlarmThresholds::cmrr_hold_s, &AlarmThresholds::wiring_hold_s}) {
        AlarmThresholds t;
        t.*member = -0.5;
        const std::string message = construction_error(t);
        EXPECT_NE(message.find("must be zero or more seconds (got -0.5)"), std::string::npos)
            << message;
        t.*member = std::numeric_limits<double>::quiet_NaN();
        EXPECT_NE(construction_error(t).find("must be zero or more seconds"), std::string::npos);
    }
    AlarmThresholds t;
    t.cmrr_hold_s = -1.0;
    EXPECT_EQ(construction_error(t),
              "alarm thresholds of channel 0: cmrr_hold_s must be zero or more seconds (got -1)");
}

TEST(AlarmValidation, NanThresholdIsRejected)
{
    AlarmThresholds t;
    t.ground_loop_dbfs = std::numeric_limits<double>::quiet_NaN();
    EXPECT_EQ(construction_error(t),
              "alarm thresholds of channel 0: ground_loop_dbfs is not a number");
}

TEST(AlarmValidation, NamesTheChannel)
{
    AlarmThresholds bad;
    bad.clear_s = -1.0;
    try {
        AlarmEngine engine({AlarmThresholds{}, AlarmThresholds{}, bad});
        ADD_FAILURE() << "thresholds accepted";
    } catch (const std::invalid_argument& error) {
        EXPECT_EQ(std::string(error.what()),
                  "alarm thresholds of channel 2: clear_s must be zero or more seconds (got -1)");
    }
}

TEST(AlarmValidation, EqualThresholdsAndZeroTimesAreAccepted)
{
    AlarmThresholds t;
    t.hum_clear_dbfs = t.hum_dbfs;
    t.ground_loop_clear_dbfs = t.ground_loop_dbfs;
    t.cmrr_clear_db = t.cmrr_min_db;
    t.hold_s = t.clear_s = t.cmrr_hold_s = t.wiring_hold_s = 0.0;
    EXPECT_NO_THROW(AlarmEngine engine({t}));
    EXPECT_NO_THROW(AlarmEngine engine({AlarmThresholds{}}));
    EXPECT_NO_THROW(AlarmEngine engine({}));
}

// ----- real-time friendliness ------------------------------------------------------------

TEST(AlarmEngineUpdate, DoesNotAllocate)
{
    AlarmEngine engine(std::vector<AlarmThresholds>(4, AlarmThresholds{}));
    ChannelResult loud = with_hum(-60.0);
    loud.cm_hum_dbfs = -40.0;
    loud.cmrr_kind = CmrrKind::measured;
    loud.cmrr_db = 20.0;
    loud.symmetry = Symmetry::in_phase;
    ChannelResult quiet = with_hum(std::nullopt);
    quiet.cmrr_kind = CmrrKind::lower_bound;
    quiet.cmrr_db = 70.0;
    quiet.symmetry = Symmetry::symmetric;
    const std::vector<ChannelResult> loud_snapshot(4, loud);
    const std::vector<ChannelResult> quiet_snapshot(4, quiet);
    std::size_t events = 0;

    const std::size_t before = allocation_count;
    for (int i = 0; i < 100; ++i) // raises and clears everything several times
        engine.update(0.5 * i, (i / 20) % 2 == 0 ? loud_snapshot : quiet_snapshot,
                      [&](const AlarmEvent&) { ++events; });
    EXPECT_EQ(allocation_count - before, 0U);
    EXPECT_EQ(events, 4U * 4U * 5U); // 4 channels x 4 kinds x (3 raises + 2 clears)
}

// Proves the allocation counter itself works, so DoesNotAllocate cannot pass vacuously.
TEST(AlarmEngineUpdate, AllocationCounterSeesAllocations)
{
    // A direct call, not a new-expression, so the compiler may not elide it.
    const std::size_t before = allocation_count;
    void* p = ::operator new(64);
    EXPECT_EQ(allocation_count - before, 1U);
    ::operator delete(p);
}

} // namespace
