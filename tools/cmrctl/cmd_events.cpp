// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmd_events.hpp"

#include <iostream>
#include <memory>
#include <optional>

#include "cli11.hpp"
#include "client/cmrd_client.hpp"
#include "client/command_support.hpp"
#include "client/event_gaps.hpp"
#include "client/live_json.hpp"
#include "client/time_text.hpp"
#include "exit_status.hpp"
#include "table.hpp"

namespace cmrctl {
namespace {

struct EventsOptions {
    std::string bus;
    std::optional<std::string> since;
    bool json = false;
};

/// The CMRR cell of an event: "61.1", ">= 52.3" or "-".
std::string event_cmrr(const client::AlarmFigures& f)
{
    if (f.cmrr_kind == cmr::CmrrKind::measured)
        return format_fixed(f.cmrr_db, db_decimals);
    if (f.cmrr_kind == cmr::CmrrKind::lower_bound && f.cmrr_db)
        return ">= " + format_fixed(f.cmrr_db, db_decimals);
    return "-";
}

int run_events(const EventsOptions& options)
{
    // A malformed time is the caller's mistake: reported before cmrd is even asked.
    const std::int64_t since =
        options.since ? client::parse_time(*options.since, client::now_us()) : 0;
    client::CmrdClient cmrd{client::BusTarget(options.bus)};
    // GetEvents takes 0 as "everything": a time at or before the epoch asks for the same.
    const std::vector<client::AlarmChange> events =
        cmrd.events_since(std::max<std::int64_t>(since, 0));
    if (options.json) {
        Json list = Json::array();
        for (const client::AlarmChange& event : events)
            list.push_back(client::alarm_change_json(event));
        std::cout << list.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n';
    } else if (events.empty()) {
        std::cout << (options.since ? "no alarm events since " + *options.since
                                    : std::string("no alarm events"))
                  << '\n';
    } else {
        std::cout << format_events_table(events);
    }
    // A gap is said on stderr, so that --json stays one document (its "seq" shows it too).
    for (const client::SequenceGap& gap : client::sequence_gaps(events))
        std::cerr << "cmrctl events: " << client::gap_text(gap) << '\n';
    std::cout.flush();
    return exit_ok;
}

} // namespace

std::string format_events_table(const std::vector<client::AlarmChange>& events)
{
    using Align = TextTable::Align;
    TextTable table({
        {"TIME", "", Align::left},
        {"DEVICE", "", Align::left},
        {"CHANNEL", "", Align::left},
        {"ALARM", "", Align::left},
        {"ACTION", "", Align::left},
        {"HUM", "dBFS", Align::right},
        {"CM HUM", "dBFS", Align::right},
        {"CMRR", "dB", Align::right},
    });
    for (const client::AlarmChange& event : events) {
        const client::AlarmFigures& f = event.figures;
        table.add_row({
            f.time_us ? client::local_date_time(*f.time_us) : "-",
            f.device,
            f.channel,
            std::string(cmr::to_string(event.alarm)),
            client::action_name(event.raised),
            format_fixed(f.hum_dbfs, db_decimals),
            format_fixed(f.cm_hum_dbfs, db_decimals),
            event_cmrr(f),
        });
    }
    return table.render();
}

void add_events_command(CLI::App& app, int& exit_status)
{
    auto options = std::make_shared<EventsOptions>();
    CLI::App* command =
        app.add_subcommand("events", "Show the alarm history from cmrd's event log");
    command->footer(
        "TIME is a duration back from now (30m, 1h, 2d, 1h30m), Unix seconds (1714564800) or "
        "ISO 8601 (2024-05-01T14:00:00 local, 2024-05-01T12:00:00Z, 2024-05-01).\n"
        "--json prints an array, oldest first, of {\"seq\", \"time\" (ISO 8601, UTC), "
        "\"device\", \"channel\", \"alarm\", \"action\" (raised or cleared), \"mains_hz\", "
        "\"hum_dbfs\", \"cm_hum_dbfs\", \"cmrr_db\", \"cmrr_kind\", \"symmetry\", \"value\"}; "
        "figures cmrd did not know are null. Events cmrd could not store (a full disk) show as a "
        "jump of \"seq\", and are named on stderr.\n"
        "Exit status: 0, 2 (a TIME that cannot be read), 3 (cmrd is not running).");
    command->add_option("--since", options->since, "Only events from TIME on")->type_name("TIME");
    command->add_flag("--json", options->json, "Print a JSON array instead of a table");
    client::add_bus_option(*command, options->bus);
    command->callback([options, &exit_status] {
        exit_status = client::run_reporting_errors("events", [&] { return run_events(*options); });
    });
}

} // namespace cmrctl
