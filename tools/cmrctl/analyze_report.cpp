// SPDX-License-Identifier: GPL-2.0-or-later
#include "analyze_report.hpp"

#include "table.hpp"

namespace cmrctl {

Json report_to_json(const AnalyzeReport& report)
{
    Json channels = Json::array();
    for (std::size_t i = 0; i < report.channels.size(); ++i) {
        const cmr::AlarmKind alarm =
            i < report.alarms.size() ? report.alarms[i] : cmr::AlarmKind::none;
        channels.push_back(channel_to_json(report.channels[i], alarm));
    }
    Json events = Json::array();
    for (const cmr::AlarmEvent& event : report.events)
        events.push_back(event_to_json(event, report.layout));

    Json object = Json::object();
    object["file"] = report.file;
    object["sample_rate"] = report.sample_rate;
    object["duration_s"] = round_to(report.duration_s, seconds_decimals);
    object["mains_hz"] = json_number(report.mains_hz, hz_decimals);
    object["channels"] = std::move(channels);
    object["events"] = std::move(events);
    return object;
}

std::string report_to_text(const AnalyzeReport& report)
{
    using Align = TextTable::Align;
    std::string out;
    out += "File      " + report.file + "\n";
    out += "Format    " + report.format + ", " + std::to_string(report.input_count) +
           (report.input_count == 1 ? " input" : " inputs") + "\n";
    out += "Rate      " + std::to_string(report.sample_rate) + " Hz\n";
    out += "Duration  " + format_fixed(report.duration_s, 2) + " s\n";
    out += "Mains     " +
           (report.mains_hz ? format_fixed(report.mains_hz, hz_decimals) + " Hz" : "not found") +
           "\n\n";

    out += format_channel_table(report.channels, report.alarms);

    out += "\nHum harmonics (dBFS at k x mains; those below the noise floor are left out)\n";
    out += format_harmonics(report.channels, "  ");

    if (report.events.empty()) {
        out += "\nAlarm events: none\n";
    } else {
        out += "\nAlarm events\n";
        TextTable table({{"Time", "s", Align::right},
                         {"Channel", "", Align::left},
                         {"Alarm", "", Align::left},
                         {"Action", "", Align::left}},
                        "  ");
        for (const cmr::AlarmEvent& event : report.events) {
            const std::string id = event.channel < report.layout.size()
                                       ? report.layout[event.channel].id()
                                       : std::to_string(event.channel);
            table.add_row({format_fixed(event.time_s, 2), id,
                           std::string(cmr::to_string(event.kind)),
                           event.raised ? "raised" : "cleared"});
        }
        out += table.render();
    }
    return out;
}

} // namespace cmrctl
