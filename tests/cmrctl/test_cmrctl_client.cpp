// SPDX-License-Identifier: GPL-2.0-or-later
// The pure parts of cmrctl's client library (tools/cmrctl/client): property decoding, times,
// selection, check verdicts, metrics text, hook environment. No bus needed: sdbus-c++ builds
// variants on a local pseudo connection.

#include <cmath>
#include <cstdint>
#include <ctime>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "client/alarm_environment.hpp"
#include "client/card_holder_text.hpp"
#include "client/check_evaluation.hpp"
#include "client/event_gaps.hpp"
#include "client/live_json.hpp"
#include "client/metrics_exposition.hpp"
#include "client/selection.hpp"
#include "client/time_text.hpp"
#include "client/wire_types.hpp"

namespace {

using namespace cmrctl::client;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr std::int64_t us = 1000000;

using BusHarmonics = std::vector<sdbus::Struct<std::uint32_t, double, double>>;

PropertyMap pair_properties()
{
    PropertyMap p;
    p["Device"] = sdbus::Variant(sdbus::ObjectPath("/org/cmrd/Monitor1/devices/desk"));
    p["Id"] = sdbus::Variant(std::string("1/2"));
    p["Kind"] = sdbus::Variant(std::string("pair"));
    p["Hot"] = sdbus::Variant(std::uint32_t{1});
    p["Cold"] = sdbus::Variant(std::uint32_t{2});
    p["Input"] = sdbus::Variant(std::uint32_t{0});
    p["MainsHz"] = sdbus::Variant(50.013);
    p["LevelDbfs"] = sdbus::Variant(-13.94);
    p["HumDbfs"] = sdbus::Variant(nan);
    p["Harmonics"] = sdbus::Variant(BusHarmonics{{1U, 50.013, nan}, {2U, 100.026, -97.04}});
    p["CmHumDbfs"] = sdbus::Variant(-35.12);
    p["CmHarmonics"] = sdbus::Variant(BusHarmonics{{1U, 50.013, -35.4}});
    p["CmrrDb"] = sdbus::Variant(52.34);
    p["CmrrKind"] = sdbus::Variant(std::string("lower_bound"));
    p["Symmetry"] = sdbus::Variant(std::string("symmetric"));
    p["LegGainDb"] = sdbus::Variant(6.02);
    p["Alarm"] = sdbus::Variant(std::string("ground_loop"));
    p["ActiveAlarms"] = sdbus::Variant(std::vector<std::string>{"ground_loop", "cmrr_low"});
    p["StreamTime"] = sdbus::Variant(12.5);
    return p;
}

ChannelState decoded_pair()
{
    ChannelState channel;
    apply_channel_properties(channel, pair_properties());
    return channel;
}

TEST(PropertyDecoding, ChannelPropertiesBecomeAChannelResult)
{
    const ChannelState c = decoded_pair();
    EXPECT_EQ(c.device_path, "/org/cmrd/Monitor1/devices/desk");
    EXPECT_TRUE(c.result.spec.is_pair());
    EXPECT_EQ(c.result.spec.id(), "1/2");
    EXPECT_FALSE(c.result.hum_dbfs.has_value()); // NaN on the bus is "not measured"
    ASSERT_EQ(c.result.harmonics.size(), 2U);
    EXPECT_FALSE(c.result.harmonics[0].dbfs.has_value());
    EXPECT_DOUBLE_EQ(*c.result.harmonics[1].dbfs, -97.04);
    EXPECT_EQ(c.result.cmrr_kind, cmr::CmrrKind::lower_bound);
    EXPECT_EQ(c.result.symmetry, cmr::Symmetry::symmetric);
    EXPECT_EQ(c.alarm, cmr::AlarmKind::ground_loop);
    EXPECT_EQ(c.active_alarms,
              (std::vector<cmr::AlarmKind>{cmr::AlarmKind::ground_loop, cmr::AlarmKind::cmrr_low}));
    EXPECT_DOUBLE_EQ(c.stream_time_s, 12.5);
}

TEST(PropertyDecoding, JsonIsDesignsChannelObject)
{
    const cmrctl::Json j = channel_json(decoded_pair());
    EXPECT_EQ(j.dump(), R"({"id":"1/2","kind":"pair","hot":1,"cold":2,"channel":null,)"
                        R"("mains_hz":50.013,"level_dbfs":-13.9,"hum_dbfs":null,)"
                        R"("harmonics":[{"k":1,"hz":50.013,"dbfs":null},)"
                        R"({"k":2,"hz":100.026,"dbfs":-97.0}],"cm_hum_dbfs":-35.1,)"
                        R"("cm_harmonics":[{"k":1,"hz":50.013,"dbfs":-35.4}],"cmrr_db":52.3,)"
                        R"("cmrr_kind":"lower_bound","symmetry":"symmetric",)"
                        R"("leg_gain_db":6.02,"alarm":"ground_loop"})");
}

TEST(PropertyDecoding, PartialUpdatesKeepTheRest)
{
    ChannelState c = decoded_pair();
    PropertyMap change;
    change["HumDbfs"] = sdbus::Variant(-90.0);
    change["Symmetry"] = sdbus::Variant(std::string(""));
    apply_channel_properties(c, change);
    EXPECT_DOUBLE_EQ(*c.result.hum_dbfs, -90.0);
    EXPECT_FALSE(c.result.symmetry.has_value());
    EXPECT_DOUBLE_EQ(*c.result.cm_hum_dbfs, -35.12);
}

TEST(PropertyDecoding, SinglesAndDevices)
{
    PropertyMap p;
    p["Kind"] = sdbus::Variant(std::string("single"));
    p["Input"] = sdbus::Variant(std::uint32_t{7});
    p["CmrrKind"] = sdbus::Variant(std::string(""));
    ChannelState single;
    apply_channel_properties(single, p);
    EXPECT_EQ(single.result.spec.id(), "7");
    EXPECT_EQ(single.result.cmrr_kind, cmr::CmrrKind::none);

    PropertyMap d;
    d["Name"] = sdbus::Variant(std::string("desk"));
    d["SampleRate"] = sdbus::Variant(std::uint32_t{0});
    d["Overruns"] = sdbus::Variant(std::uint64_t{3});
    d["Realtime"] = sdbus::Variant(false);
    d["MainsHz"] = sdbus::Variant(nan);
    d["SomethingNewer"] = sdbus::Variant(std::string("ignored"));
    DeviceState device;
    apply_device_properties(device, d);
    EXPECT_EQ(device.name, "desk");
    EXPECT_EQ(device.overruns, 3U);
    EXPECT_FALSE(device.mains_hz.has_value());
    const cmrctl::Json j = device_json(device);
    EXPECT_TRUE(j["sample_rate"].is_null()); // 0: not configured yet
    EXPECT_TRUE(j["last_error"].is_null());
    EXPECT_EQ(j["overruns"], 3);
    EXPECT_TRUE(j["access"].is_null()); // an older cmrd says nothing
    EXPECT_TRUE(j["reservation"].is_null());

    // A card the user's sound server manages: the access mode and who reserves the card.
    PropertyMap shared;
    shared["Access"] = sdbus::Variant(std::string("auto"));
    shared["ReservedBy"] = sdbus::Variant(std::string("WirePlumber"));
    shared["ReservedPriority"] = sdbus::Variant(std::int32_t{-20});
    shared["ReservedUser"] = sdbus::Variant(std::string("alice"));
    apply_device_properties(device, shared);
    const cmrctl::Json k = device_json(device);
    EXPECT_EQ(k["access"], "auto");
    EXPECT_EQ(k["reservation"],
              (cmrctl::Json{{"application", "WirePlumber"}, {"priority", -20}, {"user", "alice"}}));
    EXPECT_EQ(card_holder_text(device), "reserved by WirePlumber (priority -20, alice's session)");
    EXPECT_TRUE(k["captured_through"].is_null());
    shared.clear();
    shared["CapturedThrough"] = sdbus::Variant(std::string("PipeWire node x (alice's cmrd-agent)"));
    apply_device_properties(device, shared);
    EXPECT_EQ(device_json(device)["captured_through"], "PipeWire node x (alice's cmrd-agent)");
    EXPECT_TRUE(device_json(device)["capture_warning"].is_null());
    shared.clear();
    shared["CaptureWarning"] = sdbus::Variant(std::string("input 3 (AUX2) has a channel volume"));
    apply_device_properties(device, shared);
    EXPECT_EQ(device_json(device)["capture_warning"], "input 3 (AUX2) has a channel volume");
}

TEST(PropertyDecoding, WrongTypesAndUnknownValuesAreProtocolErrors)
{
    PropertyMap wrong_type;
    wrong_type["HumDbfs"] = sdbus::Variant(std::string("-90"));
    ChannelState c;
    EXPECT_THROW(apply_channel_properties(c, wrong_type), ProtocolError);
    PropertyMap unknown_alarm;
    unknown_alarm["Alarm"] = sdbus::Variant(std::string("fire"));
    EXPECT_THROW(apply_channel_properties(c, unknown_alarm), ProtocolError);
    EXPECT_THROW((void)cmrd::wire::parse_symmetry("sideways"), ProtocolError);
}

TEST(TimeText, RelativeUnixAndIsoTimes)
{
    const std::int64_t now = 1714564800LL * us; // 2024-05-01T12:00:00Z
    EXPECT_EQ(parse_time("90s", now), now - 90 * us);
    EXPECT_EQ(parse_time("30m", now), now - 1800 * us);
    EXPECT_EQ(parse_time("1h30m", now), now - 5400 * us);
    EXPECT_EQ(parse_time("2d", now), now - 2LL * 86400 * us);
    EXPECT_EQ(parse_time("1w", now), now - 7LL * 86400 * us);
    EXPECT_EQ(parse_time("1714564800", now), 1714564800LL * us);
    EXPECT_EQ(parse_time("1714564800.25", now), 1714564800LL * us + 250000);
    EXPECT_EQ(parse_time("2024-05-01T12:00:00Z", now), now);
    EXPECT_EQ(parse_time("2024-05-01T12:00:00.5Z", now), now + 500000);
    EXPECT_EQ(parse_time("2024-05-01T14:00:00+02:00", now), now);
    EXPECT_EQ(parse_time("2024-05-01T06:30:00-0530", now), now);

    // Without a zone: local time, as mktime reads it.
    std::tm local{};
    local.tm_year = 124;
    local.tm_mon = 4;
    local.tm_mday = 1;
    local.tm_hour = 14;
    local.tm_isdst = -1;
    const std::int64_t expected = static_cast<std::int64_t>(std::mktime(&local)) * us;
    EXPECT_EQ(parse_time("2024-05-01T14:00:00", now), expected);
    EXPECT_EQ(parse_time("2024-05-01 14:00", now), expected);

    for (const char* bad : {"", "1x", "1h30", "h", "2024-13-01", "2024-05-01T25:00:00Z",
                            "2024-05-01T12:00:00+2", "yesterday", "-5m"})
        EXPECT_THROW((void)parse_time(bad, now), TimeSyntaxError) << bad;
}

TEST(TimeText, IsoOutput)
{
    EXPECT_EQ(iso8601_utc(1714564800LL * us + 5250), "2024-05-01T12:00:00.005Z");
    EXPECT_EQ(iso8601_utc(-1), "1969-12-31T23:59:59.999Z");
}

std::vector<DeviceView> desk_with(std::vector<ChannelState> channels,
                                  const std::string& state = "running")
{
    DeviceView view;
    view.device.name = "desk";
    view.device.state = state;
    view.channels = std::move(channels);
    return {view};
}

ChannelState pair(int hot, std::optional<double> hum, std::optional<double> cmrr,
                  cmr::CmrrKind kind, std::vector<cmr::AlarmKind> alarms = {})
{
    ChannelState c;
    c.result.spec = {cmr::ChannelSpec::Kind::pair, hot, hot + 1, 0};
    c.result.hum_dbfs = hum;
    c.result.cm_hum_dbfs = -60.0;
    c.result.cmrr_db = cmrr;
    c.result.cmrr_kind = kind;
    c.result.symmetry = cmr::Symmetry::symmetric;
    c.active_alarms = alarms;
    c.alarm = alarms.empty() ? cmr::AlarmKind::none : alarms.front();
    return c;
}

TEST(CheckEvaluation, States)
{
    const CheckThresholds t; // -80 / -60 / 40
    const auto ok = evaluate_check(desk_with({pair(1, -100.0, 55.0, cmr::CmrrKind::measured)}), t);
    EXPECT_EQ(ok.state, CheckState::ok);
    EXPECT_EQ(ok.line, "CMRD OK - no alarm, hum below -80.0 dBFS (1 channel on 1 device) | "
                       "'desk_1_2_hum_dbfs'=-100.0;~:-80.0;~:-60.0 'desk_1_2_cm_hum_dbfs'=-60.0 "
                       "'desk_1_2_cmrr_db'=55.0;40.0:");

    EXPECT_EQ(evaluate_check(desk_with({pair(1, -75.0, {}, cmr::CmrrKind::none)}), t).state,
              CheckState::warning);
    EXPECT_EQ(evaluate_check(desk_with({pair(1, -60.0, {}, cmr::CmrrKind::none)}), t).state,
              CheckState::critical);
    // A ground loop kept out of the signal by the link is still a warning.
    const auto loop = evaluate_check(desk_with({pair(1, -110.0, 62.0, cmr::CmrrKind::lower_bound,
                                                     {cmr::AlarmKind::ground_loop})}),
                                     t);
    EXPECT_EQ(loop.state, CheckState::warning);
    EXPECT_NE(loop.line.find("desk 1/2 ground_loop (CM hum -60.0 dBFS, CMRR >= 62.0 dB)"),
              std::string::npos)
        << loop.line;
    EXPECT_NE(loop.line.find("'desk_1_2_cmrr_lower_bound_db'=62.0"), std::string::npos);
    // Legs in phase: the programme cancels, critical whatever the hum.
    EXPECT_EQ(evaluate_check(
                  desk_with({pair(1, {}, {}, cmr::CmrrKind::none, {cmr::AlarmKind::wiring})}), t)
                  .state,
              CheckState::critical);
    // A measured CMRR below the minimum warns; a lower bound below it says nothing.
    EXPECT_EQ(evaluate_check(desk_with({pair(1, -100.0, 35.0, cmr::CmrrKind::measured)}), t).state,
              CheckState::warning);
    EXPECT_EQ(
        evaluate_check(desk_with({pair(1, -100.0, 35.0, cmr::CmrrKind::lower_bound)}), t).state,
        CheckState::ok);
    // Not measured yet: OK, and said so; perfdata 'U'.
    const auto fresh = evaluate_check(desk_with({pair(1, {}, {}, cmr::CmrrKind::none)}), t);
    EXPECT_EQ(fresh.state, CheckState::ok);
    EXPECT_NE(fresh.line.find("1 not measured yet"), std::string::npos);
    EXPECT_NE(fresh.line.find("'desk_1_2_hum_dbfs'=U;"), std::string::npos);
    // A device that does not capture, and nothing at all.
    EXPECT_EQ(evaluate_check(desk_with({}, "disconnected"), t).state, CheckState::warning);
    // A busy card names who holds it, the first thing an engineer asks.
    std::vector<DeviceView> busy = desk_with({}, "busy");
    busy[0].device.holder_pid = 4321;
    busy[0].device.holder_command = "pipewire";
    busy[0].device.holder_user = "alice";
    busy[0].device.last_error = "'hw:CARD=UMC1820,DEV=0' is busy";
    const auto held = evaluate_check(busy, t);
    EXPECT_EQ(held.state, CheckState::warning);
    EXPECT_NE(held.line.find("desk not capturing (busy, held by pipewire (PID 4321, alice))"),
              std::string::npos)
        << held.line;
    // JACK reserving the card too: both named, the process first.
    busy[0].device.reserved_by = "Jack audio server";
    busy[0].device.reserved_priority = 2147483647;
    busy[0].device.reserved_user = "alice";
    EXPECT_NE(evaluate_check(busy, t).line.find(
                  "(busy, held by pipewire (PID 4321, alice), reserved by Jack audio "
                  "server (priority 2147483647, alice's session))"),
              std::string::npos)
        << evaluate_check(busy, t).line;
    EXPECT_EQ(evaluate_check({}, t).state, CheckState::unknown);
}

TEST(CheckEvaluation, MostSevereFirst)
{
    const auto result =
        evaluate_check(desk_with({pair(1, -75.0, {}, cmr::CmrrKind::none),
                                  pair(3, {}, {}, cmr::CmrrKind::none, {cmr::AlarmKind::wiring})}),
                       CheckThresholds{});
    EXPECT_EQ(result.state, CheckState::critical);
    EXPECT_EQ(result.line.rfind("CMRD CRITICAL - desk 3/4 wiring (symmetric); desk 1/2 hum -75.0 "
                                "dBFS >= -80.0 (2 channels",
                                0),
              0U)
        << result.line;
}

TEST(Selection, DevicesAndChannels)
{
    std::vector<DeviceView> devices =
        desk_with({pair(1, {}, {}, cmr::CmrrKind::none), pair(3, {}, {}, cmr::CmrrKind::none)});
    DeviceView odd;
    odd.device.name = "desk/b"; // a device name with a slash: the longest name wins
    odd.channels = {pair(1, {}, {}, cmr::CmrrKind::none)};
    devices.push_back(odd);

    EXPECT_EQ(select(devices, {}).size(), 2U);
    const auto one = select(devices, {"desk/3/4"});
    ASSERT_EQ(one.size(), 1U);
    ASSERT_EQ(one[0].channels.size(), 1U);
    EXPECT_EQ(one[0].channels[0].result.spec.id(), "3/4");
    const auto slash = select(devices, {"desk/b/1/2"});
    ASSERT_EQ(slash.size(), 1U);
    EXPECT_EQ(slash[0].device.name, "desk/b");
    EXPECT_EQ(select(devices, {"desk"})[0].channels.size(), 2U);
    EXPECT_THROW((void)select(devices, {"desk/5/6"}), UnknownSelection);
    EXPECT_THROW((void)select(devices, {"studio"}), UnknownSelection);
}

TEST(EventGaps, JumpsOfSequenceNumbersAreGapsAndNamed)
{
    auto events_with = [](const std::vector<std::optional<std::uint64_t>>& sequences) {
        std::vector<AlarmChange> events;
        for (const auto& sequence : sequences) {
            AlarmChange event;
            event.figures.sequence = sequence;
            events.push_back(event);
        }
        return events;
    };
    EXPECT_TRUE(sequence_gaps(events_with({})).empty());
    EXPECT_TRUE(sequence_gaps(events_with({7, 8, 9})).empty()); // older ones rotated away
    EXPECT_EQ(sequence_gaps(events_with({1, 2, 5, 6, 8})),
              (std::vector<SequenceGap>{{3, 4}, {7, 7}}));
    EXPECT_EQ(sequence_gaps(events_with({1, std::nullopt, 3})), (std::vector<SequenceGap>{{2, 2}}));
    EXPECT_EQ(gap_text({2, 2}), "1 event (sequence 2) could not be stored by cmrd (full disk or "
                                "I/O error; the journal says which)");
    EXPECT_EQ(gap_text({13, 15}).substr(0, 40), "3 events (sequence 13-15) could not be s");
}

TEST(Metrics, UnmeasuredFiguresAreLeftOutAndLabelsEscaped)
{
    std::vector<DeviceView> devices =
        desk_with({pair(1, {}, 62.0, cmr::CmrrKind::lower_bound, {cmr::AlarmKind::ground_loop})});
    devices[0].device.name = "desk \"A\"\\b";
    devices[0].device.overruns = 12345678901234ULL;
    const std::string text = metrics_exposition(devices, {"0.1.0", 3});
    EXPECT_NE(text.find("\ncmrd_events_not_stored_total 3\n"), std::string::npos) << text;
    EXPECT_EQ(text.find("NaN"), std::string::npos);
    EXPECT_EQ(text.find("cmrd_hum_dbfs{"), std::string::npos); // hum not measured
    EXPECT_NE(
        text.find(R"(cmrd_cmrr_db{device="desk \"A\"\\b",channel="1/2",kind="lower_bound"} 62.0)"),
        std::string::npos)
        << text;
    EXPECT_NE(text.find(R"(cmrd_device_overruns_total{device="desk \"A\"\\b"} 12345678901234)"),
              std::string::npos);
    EXPECT_NE(text.find(R"(alarm="ground_loop"} 1)"), std::string::npos);
    EXPECT_NE(text.find(R"(alarm="wiring"} 0)"), std::string::npos);
    EXPECT_EQ(escape_label_value("a\nb"), "a\\nb");
}

TEST(AlarmEnvironment, UnknownFiguresAreUnset)
{
    AlarmChange change;
    change.alarm = cmr::AlarmKind::ground_loop;
    change.raised = true;
    change.figures.device = "desk";
    change.figures.channel = "1/2";
    change.figures.sequence = 7;
    change.figures.time_us = 1714564800LL * us;
    change.figures.cm_hum_dbfs = -45.26;
    change.figures.cmrr_db = 12.0; // without a kind that gives it meaning
    change.figures.cmrr_kind = cmr::CmrrKind::none;
    std::map<std::string, std::optional<std::string>> env;
    for (const auto& [name, value] : alarm_environment(change))
        env[name] = value;
    EXPECT_EQ(env.at("CMRD_DEVICE"), "desk");
    EXPECT_EQ(env.at("CMRD_CHANNEL"), "1/2");
    EXPECT_EQ(env.at("CMRD_ALARM"), "ground_loop");
    EXPECT_EQ(env.at("CMRD_ACTION"), "raised");
    EXPECT_EQ(env.at("CMRD_CM_HUM_DBFS"), "-45.3");
    EXPECT_EQ(env.at("CMRD_HUM_DBFS"), std::nullopt);
    EXPECT_EQ(env.at("CMRD_CMRR_DB"), std::nullopt);
    EXPECT_EQ(env.at("CMRD_CMRR_KIND"), "none");
    EXPECT_EQ(env.at("CMRD_MAINS_HZ"), std::nullopt);
    EXPECT_EQ(env.at("CMRD_SEQUENCE"), "7");
    EXPECT_EQ(env.at("CMRD_TIME"), "2024-05-01T12:00:00.000Z");
}

TEST(AlarmChange, EventsDecodeWithTheirFigures)
{
    PropertyMap figures;
    figures["hum_dbfs"] = sdbus::Variant(-71.46);
    figures["cmrr_kind"] = sdbus::Variant(std::string("none"));
    figures["stream_time_s"] = sdbus::Variant(9.5);
    const BusEvent event(std::uint64_t{3}, std::int64_t{1714564800LL * us}, std::string("desk"),
                         std::string("7/8"), std::string("hum"), std::string("cleared"), figures);
    const AlarmChange change = decode_event(event);
    EXPECT_EQ(change.alarm, cmr::AlarmKind::hum);
    EXPECT_FALSE(change.raised);
    EXPECT_EQ(change.figures.sequence, 3U);
    const cmrctl::Json j = alarm_change_json(change);
    EXPECT_EQ(j.dump(), R"({"seq":3,"time":"2024-05-01T12:00:00.000Z","device":"desk",)"
                        R"("channel":"7/8","alarm":"hum","action":"cleared","mains_hz":null,)"
                        R"("hum_dbfs":-71.5,"cm_hum_dbfs":null,"cmrr_db":null,)"
                        R"("cmrr_kind":"none","symmetry":null,"value":null})");
    const BusEvent bad(std::uint64_t{4}, std::int64_t{0}, std::string("desk"), std::string("1/2"),
                       std::string("hum"), std::string("exploded"), PropertyMap{});
    EXPECT_THROW((void)decode_event(bad), ProtocolError);
}

} // namespace
