// SPDX-License-Identifier: GPL-2.0-or-later
// The sentence people read in the journal or on stderr.

#include <gtest/gtest.h>

#include "events/event_text.hpp"
#include "events_test_support.hpp"

namespace cmrd::events {
namespace {

Event single_hum(bool raised)
{
    Event event;
    event.device = "rack";
    event.channel = "7";
    event.alarm = cmr::AlarmKind::hum;
    event.raised = raised;
    event.figures.hum_dbfs = -72.26;
    return event;
}

TEST(EventText, GroundLoopCitesTheCommonModeHum)
{
    EXPECT_EQ(event_sentence(test::ground_loop_event(true)),
              "desk 1/2: ground loop raised, common-mode hum -35.2 dBFS");
    Event cleared = test::ground_loop_event(false);
    cleared.figures.cm_hum_dbfs = -61.96;
    EXPECT_EQ(event_sentence(cleared), "desk 1/2: ground loop cleared, common-mode hum -62.0 dBFS");
}

TEST(EventText, HumCitesTheHum)
{
    EXPECT_EQ(event_sentence(single_hum(true)), "rack 7: hum raised, hum -72.3 dBFS");
    EXPECT_EQ(event_sentence(single_hum(false)), "rack 7: hum cleared, hum -72.3 dBFS");
}

TEST(EventText, CmrrSaysWhenItIsALowerBound)
{
    Event event = test::ground_loop_event(true);
    event.alarm = cmr::AlarmKind::cmrr_low;
    event.figures.cmrr_db = 31.04;
    EXPECT_EQ(event_sentence(event), "desk 1/2: low CMRR raised, CMRR 31.0 dB");
    event.figures.cmrr_kind = "lower_bound";
    EXPECT_EQ(event_sentence(event), "desk 1/2: low CMRR raised, CMRR at least 31.0 dB");
}

TEST(EventText, WiringNamesTheSymmetry)
{
    Event event = test::ground_loop_event(true);
    event.alarm = cmr::AlarmKind::wiring;
    event.figures.symmetry = "in_phase";
    EXPECT_EQ(event_sentence(event), "desk 1/2: wiring fault raised, legs in phase");
    event.figures.symmetry = "hot_silent";
    EXPECT_EQ(event_sentence(event), "desk 1/2: wiring fault raised, hot leg silent");
}

TEST(EventText, FallsBackToTheDecidingValueThenToNothing)
{
    Event event = single_hum(true);
    event.figures.hum_dbfs.reset();
    event.figures.value = -70.04;
    EXPECT_EQ(event_sentence(event), "rack 7: hum raised, hum -70.0 dBFS");
    event.figures.value.reset();
    EXPECT_EQ(event_sentence(event), "rack 7: hum raised");
    Event wiring = test::ground_loop_event(false);
    wiring.alarm = cmr::AlarmKind::wiring;
    wiring.figures.symmetry.clear();
    EXPECT_EQ(event_sentence(wiring), "desk 1/2: wiring fault cleared");
}

} // namespace
} // namespace cmrd::events
