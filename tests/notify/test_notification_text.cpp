// SPDX-License-Identifier: GPL-2.0-or-later
// The words of cmr-notify's notifications (tools/cmr-notify/notification_text.hpp): summary,
// body, urgency and icon for each alarm, the resolved text and the start-up summary.

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "notification_text.hpp"

namespace cmrnotify {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

/// A channel with alarms given as cmrd spells them ("ground_loop").
ChannelAlarms channel(std::string id, std::initializer_list<std::string_view> alarms,
                      Figures figures = {})
{
    AlarmSet set;
    for (const std::string_view alarm : alarms)
        set.insert(cmrd::wire::parse_alarm_kind(alarm));
    return ChannelAlarms{"desk", std::move(id), std::move(set), std::move(figures)};
}

Figures rejected_ground_loop()
{
    Figures f;
    f.mains_hz = 50.0017;
    f.cm_hum_dbfs = -45.3018;
    f.hum_dbfs = -96.14;
    f.cmrr_db = 50.2;
    f.cmrr_kind = cmr::CmrrKind::measured;
    f.symmetry = cmr::Symmetry::symmetric;
    f.value = -45.3018;
    return f;
}

const TextSettings settings;

TEST(NotificationText, LineNames)
{
    EXPECT_EQ(line_name("1/2"), "line 1/2");
    EXPECT_EQ(line_name("11/12"), "line 11/12");
    EXPECT_EQ(line_name("7"), "input 7");
}

TEST(NotificationText, GroundLoopTheLinkRejectsIsNormal)
{
    const Notification n =
        alarm_notification(channel("1/2", {"ground_loop"}, rejected_ground_loop()), settings);
    EXPECT_EQ(n.summary, "Ground loop on desk, line 1/2");
    EXPECT_EQ(n.urgency, Urgency::normal);
    EXPECT_EQ(n.icon, "audio-input-microphone");
    EXPECT_EQ(n.expire_timeout_ms, -1);
    EXPECT_THAT(n.body, HasSubstr("common-mode hum -45.3 dBFS (mains 50.00 Hz)"));
    EXPECT_THAT(n.body, HasSubstr("The link rejects it (hum in the signal -96.1 dBFS, "
                                  "CMRR 50.2 dB)"));
    EXPECT_THAT(n.body, HasSubstr("one outlet strip (one ground point)"));
    EXPECT_THAT(n.body, HasSubstr("isolating transformer, or the ground lift of a DI box"));
    EXPECT_THAT(n.body, HasSubstr("Do not remove protective earth."));
    EXPECT_THAT(n.body, Not(HasSubstr("reaches the signal")));
}

TEST(NotificationText, GroundLoopWithoutMeasurableHumOrCmrr)
{
    Figures f = rejected_ground_loop();
    f.hum_dbfs.reset();
    f.cmrr_db.reset();
    f.cmrr_kind = cmr::CmrrKind::none;
    const Notification n = alarm_notification(channel("1/2", {"ground_loop"}, f), settings);
    EXPECT_THAT(n.body, HasSubstr("The link rejects it (no hum measurable in the signal)."));
    EXPECT_EQ(n.urgency, Urgency::normal);
}

TEST(NotificationText, CmrrLowerBoundIsSaidSo)
{
    Figures f = rejected_ground_loop();
    f.cmrr_db = 60.0;
    f.cmrr_kind = cmr::CmrrKind::lower_bound;
    const Notification n = alarm_notification(channel("1/2", {"ground_loop"}, f), settings);
    EXPECT_THAT(n.body, HasSubstr("CMRR at least 60.0 dB"));
}

TEST(NotificationText, GroundLoopReachingTheSignalIsCriticalFromTheThresholdOn)
{
    Figures f = rejected_ground_loop();
    f.hum_dbfs = -80.0; // exactly cmrd's default hum threshold: reaches the listener
    f.cmrr_db = 34.7;
    const Notification at = alarm_notification(channel("1/2", {"ground_loop"}, f), settings);
    EXPECT_EQ(at.urgency, Urgency::critical);
    EXPECT_EQ(at.icon, "dialog-warning");
    EXPECT_EQ(at.summary, "Ground loop hum in the signal on desk, line 1/2");
    EXPECT_THAT(at.body, HasSubstr("It reaches the signal: hum -80.0 dBFS on line 1/2, "
                                   "CMRR 34.7 dB."));
    EXPECT_THAT(at.body, HasSubstr("Check the cable shield at pin 1"));

    f.hum_dbfs = -80.1;
    EXPECT_EQ(alarm_notification(channel("1/2", {"ground_loop"}, f), settings).urgency,
              Urgency::normal);

    TextSettings stricter;
    stricter.hum_dbfs = -90.0;
    EXPECT_EQ(alarm_notification(channel("1/2", {"ground_loop"}, f), stricter).urgency,
              Urgency::critical);
}

TEST(NotificationText, GroundLoopWithHumAlarmIsOneCriticalStory)
{
    Figures f = rejected_ground_loop();
    f.hum_dbfs = -70.0;
    const Notification n = alarm_notification(channel("1/2", {"ground_loop", "hum"}, f), settings);
    EXPECT_EQ(n.urgency, Urgency::critical);
    EXPECT_EQ(n.summary, "Ground loop hum in the signal on desk, line 1/2");
    EXPECT_THAT(n.body, HasSubstr("It reaches the signal: hum -70.0 dBFS on line 1/2"));
    // The hum is told once, inside the ground-loop paragraph.
    EXPECT_THAT(n.body, Not(HasSubstr("Hum in the signal:")));
}

TEST(NotificationText, HumOnAPairIsCriticalAndNamesTheLine)
{
    Figures f;
    f.mains_hz = 50.0;
    f.hum_dbfs = -71.52;
    f.cm_hum_dbfs = -89.3;
    f.value = -71.52;
    const Notification n = alarm_notification(channel("7/8", {"hum"}, f), settings);
    EXPECT_EQ(n.summary, "Hum in the signal on desk, line 7/8");
    EXPECT_EQ(n.urgency, Urgency::critical);
    EXPECT_EQ(n.icon, "dialog-warning");
    EXPECT_THAT(n.body, HasSubstr("Hum in the signal: -71.5 dBFS on line 7/8"));
    EXPECT_THAT(n.body, HasSubstr("Common-mode hum -89.3 dBFS."));
    EXPECT_THAT(n.body, HasSubstr("the cable shield and pin 1 at both ends"));
}

TEST(NotificationText, HumOnASingleInput)
{
    Figures f;
    f.hum_dbfs = -64.0;
    const Notification n = alarm_notification(channel("7", {"hum"}, f), settings);
    EXPECT_EQ(n.summary, "Hum on desk, input 7");
    EXPECT_EQ(n.urgency, Urgency::critical);
    EXPECT_THAT(n.body, HasSubstr("Hum -64.0 dBFS on input 7, an unbalanced input"));
}

TEST(NotificationText, HumFallsBackOnTheDecisionValue)
{
    Figures f;
    f.value = -75.26;
    const Notification n = alarm_notification(channel("3/4", {"hum"}, f), settings);
    EXPECT_THAT(n.body, HasSubstr("-75.3 dBFS on line 3/4"));
}

TEST(NotificationText, PoorCmrr)
{
    Figures f;
    f.cmrr_db = 30.006;
    f.cmrr_kind = cmr::CmrrKind::measured;
    f.cm_hum_dbfs = -57.26;
    f.hum_dbfs = -87.1;
    const Notification n = alarm_notification(channel("3/4", {"cmrr_low"}, f), settings);
    EXPECT_EQ(n.summary, "Poor common-mode rejection on desk, line 3/4");
    EXPECT_EQ(n.urgency, Urgency::normal);
    EXPECT_THAT(n.body, HasSubstr("CMRR 30.0 dB, measured on common-mode hum of -57.3 dBFS"));
    EXPECT_THAT(n.body, HasSubstr("is the cold leg grounded at the source"));
    EXPECT_THAT(n.body, HasSubstr("Check the cable"));
}

TEST(NotificationText, WiringLegsInPhaseAndHotLegSilent)
{
    Figures in_phase;
    in_phase.symmetry = cmr::Symmetry::in_phase;
    const Notification a = alarm_notification(channel("5/6", {"wiring"}, in_phase), settings);
    EXPECT_EQ(a.summary, "Wiring fault on desk, line 5/6");
    EXPECT_EQ(a.urgency, Urgency::normal);
    EXPECT_THAT(a.body, HasSubstr("legs are in phase"));
    EXPECT_THAT(a.body, HasSubstr("pins 2 and 3 are not bridged, and the cable is not "
                                  "miswired"));

    Figures hot_silent;
    hot_silent.symmetry = cmr::Symmetry::hot_silent;
    const Notification b = alarm_notification(channel("5/6", {"wiring"}, hot_silent), settings);
    EXPECT_THAT(b.body, HasSubstr("the hot leg (pin 2) is silent"));
    EXPECT_THAT(b.body, HasSubstr("pin 2 is connected at both ends"));
}

TEST(NotificationText, MostSevereAlarmNamesItAndEveryAlarmHasItsParagraph)
{
    Figures f = rejected_ground_loop();
    f.symmetry = cmr::Symmetry::in_phase;
    const Notification n =
        alarm_notification(channel("1/2", {"ground_loop", "wiring"}, f), settings);
    EXPECT_EQ(n.summary, "Wiring fault on desk, line 1/2");
    const auto wiring = n.body.find("Wiring:");
    const auto ground_loop = n.body.find("Ground loop:");
    ASSERT_NE(wiring, std::string::npos);
    ASSERT_NE(ground_loop, std::string::npos);
    EXPECT_LT(wiring, ground_loop);
}

TEST(NotificationText, NothingKnownStillReadsWell)
{
    for (const char* alarm : {"ground_loop", "hum", "cmrr_low", "wiring"}) {
        const Notification n = alarm_notification(channel("1/2", {alarm}), settings);
        EXPECT_THAT(n.body, Not(HasSubstr("nan"))) << alarm;
        EXPECT_THAT(n.body, Not(HasSubstr(" dBFS dBFS"))) << alarm;
        EXPECT_THAT(n.summary, HasSubstr("on desk, line 1/2")) << alarm;
    }
}

// An alarm kind this version does not know never reaches the texts: the wire model's one
// policy rejects it where cmrd's message is decoded (the watcher logs it).
TEST(NotificationText, UnknownAlarmKindIsRejectedWhereItIsDecoded)
{
    EXPECT_THROW((void)cmrd::wire::parse_alarm_kind("clipping"), cmrd::wire::ProtocolError);
}

TEST(NotificationText, NoMarkupCharacters)
{
    // Servers with body-markup read '<' and '&' as markup.
    Figures f = rejected_ground_loop();
    f.symmetry = cmr::Symmetry::in_phase;
    const Notification n = alarm_notification(
        channel("1/2", {"ground_loop", "hum", "cmrr_low", "wiring"}, f), settings);
    EXPECT_EQ(n.body.find_first_of("<>&"), std::string::npos) << n.body;
}

TEST(NotificationText, Resolved)
{
    Figures f;
    f.cm_hum_dbfs = -81.37;
    f.hum_dbfs = -120.0;
    const Notification n = resolved_notification(
        channel("1/2", {}, f), {cmr::AlarmKind::ground_loop, cmr::AlarmKind::hum}, settings);
    EXPECT_EQ(n.summary, "Resolved: hum and ground loop on desk, line 1/2");
    EXPECT_EQ(n.urgency, Urgency::low);
    EXPECT_EQ(n.expire_timeout_ms, settings.resolved_timeout_ms);
    EXPECT_GT(n.expire_timeout_ms, 0);
    EXPECT_EQ(n.body, "No alarm on this line any more. Now: common-mode hum -81.4 dBFS, hum in "
                      "the signal -120.0 dBFS.");
}

TEST(NotificationText, SummaryCountsAlarmsInNaturalOrderWithTheHighestUrgency)
{
    Figures gl = rejected_ground_loop();
    Figures hum;
    hum.hum_dbfs = -71.5;
    Figures cmrr;
    cmrr.cmrr_db = 30.0;
    Figures wiring;
    wiring.symmetry = cmr::Symmetry::in_phase;
    const std::vector<ChannelAlarms> channels = {
        channel("11/12", {"ground_loop"}, gl),
        channel("1/2", {"ground_loop"}, gl),
        channel("3/4", {"cmrr_low"}, cmrr),
        channel("5/6", {}, {}),
        channel("7/8", {"hum", "wiring"},
                [&] {
                    Figures f = hum;
                    f.symmetry = cmr::Symmetry::in_phase;
                    return f;
                }()),
    };
    const Notification n = summary_notification(channels, SummaryReason::startup, settings);
    EXPECT_EQ(n.summary, "cmrd: 5 alarms active on desk");
    EXPECT_EQ(n.urgency, Urgency::critical);
    EXPECT_EQ(n.icon, "dialog-warning");
    EXPECT_EQ(n.body, "line 1/2: ground loop (common-mode hum -45.3 dBFS)\n"
                      "line 3/4: poor common-mode rejection (CMRR 30.0 dB)\n"
                      "line 7/8: wiring fault (legs in phase), hum (-71.5 dBFS in the signal)\n"
                      "line 11/12: ground loop (common-mode hum -45.3 dBFS)");
}

TEST(NotificationText, SummaryOverDevicesAndAfterARestart)
{
    ChannelAlarms rack = channel("1/2", {"cmrr_low"});
    rack.device = "rack";
    const std::vector<ChannelAlarms> channels = {rack, channel("3/4", {"ground_loop"})};
    const Notification n = summary_notification(channels, SummaryReason::cmrd_restarted, settings);
    EXPECT_EQ(n.summary, "cmrd restarted: 2 alarms active on desk, rack");
    EXPECT_EQ(n.urgency, Urgency::normal);
    EXPECT_EQ(n.body, "desk, line 3/4: ground loop\nrack, line 1/2: poor common-mode rejection");

    const Notification one =
        summary_notification({channel("3/4", {"ground_loop"})}, SummaryReason::startup, settings);
    EXPECT_EQ(one.summary, "cmrd: 1 alarm active on desk");

    const Notification none =
        summary_notification({channel("3/4", {})}, SummaryReason::cmrd_restarted, settings);
    EXPECT_EQ(none.summary, "cmrd restarted: no alarms active");
    EXPECT_EQ(none.urgency, Urgency::low);
    EXPECT_EQ(none.body, "Every monitored line is clear.");
}

} // namespace
} // namespace cmrnotify
