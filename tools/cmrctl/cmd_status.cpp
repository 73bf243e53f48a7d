// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmd_status.hpp"

#include <iostream>
#include <memory>

#include "cli11.hpp"
#include "client/card_holder_text.hpp"
#include "client/cmrd_client.hpp"
#include "client/command_support.hpp"
#include "client/live_json.hpp"
#include "client/selection.hpp"
#include "exit_status.hpp"
#include "table.hpp"

namespace cmrctl {
namespace {

struct StatusOptions {
    std::string bus;
    std::vector<std::string> names;
    bool json = false;
};

int run_status(const StatusOptions& options)
{
    client::CmrdClient cmrd{client::BusTarget(options.bus)};
    const std::vector<client::DeviceView> devices =
        client::select(cmrd.read_objects().devices(), options.names);
    if (options.json) {
        Json list = Json::array();
        for (const client::DeviceView& view : devices)
            list.push_back(client::device_with_channels_json(view));
        std::cout << Json{{"devices", std::move(list)}}.dump(-1, ' ', false,
                                                             Json::error_handler_t::replace)
                  << '\n';
    } else if (devices.empty()) {
        std::cout << "cmrd monitors no device\n";
    } else {
        std::cout << format_status_table(devices);
        for (const client::DeviceView& view : devices) {
            if (const std::string holder = client::card_holder_text(view.device); !holder.empty())
                std::cout << view.device.name << " is " << holder << '\n';
            if (!view.device.captured_through.empty())
                std::cout << view.device.name << " is captured through "
                          << view.device.captured_through << '\n';
            if (!view.device.capture_warning.empty())
                std::cout << view.device.name << ": WARNING: " << view.device.capture_warning
                          << '\n';
        }
    }
    std::cout.flush();
    return exit_ok;
}

} // namespace

std::string format_alarms(const client::ChannelState& channel)
{
    std::string text(cmr::to_string(channel.alarm));
    for (const cmr::AlarmKind alarm : channel.active_alarms)
        if (alarm != channel.alarm)
            text += "," + std::string(cmr::to_string(alarm));
    return text;
}

std::string format_status_table(const std::vector<client::DeviceView>& devices)
{
    using Align = TextTable::Align;
    TextTable table({
        {"DEVICE", "", Align::left},
        {"CHANNEL", "", Align::left},
        {"MAINS", "Hz", Align::right},
        {"HUM", "dBFS", Align::right},
        {"CM HUM", "dBFS", Align::right},
        {"CMRR", "dB", Align::right},
        {"SYMMETRY", "", Align::left},
        {"ALARM", "", Align::left},
        {"STATE", "", Align::left},
        {"OVERRUNS", "", Align::right},
    });
    for (const client::DeviceView& view : devices) {
        const client::DeviceState& device = view.device;
        const std::string overruns = std::to_string(device.overruns);
        if (view.channels.empty())
            table.add_row({device.name, "-", format_fixed(device.mains_hz, hz_decimals), "-", "-",
                           "-", "-", "-", device.state, overruns});
        for (const client::ChannelState& channel : view.channels) {
            const cmr::ChannelResult& r = channel.result;
            const bool pair = r.spec.is_pair();
            table.add_row({
                device.name,
                r.spec.id(),
                format_fixed(r.mains_hz, hz_decimals),
                format_fixed(r.hum_dbfs, db_decimals),
                pair ? format_fixed(r.cm_hum_dbfs, db_decimals) : "-",
                format_cmrr(r),
                r.symmetry ? std::string(cmr::to_string(*r.symmetry)) : "-",
                format_alarms(channel),
                device.state,
                overruns,
            });
        }
    }
    return table.render();
}

void add_status_command(CLI::App& app, int& exit_status)
{
    auto options = std::make_shared<StatusOptions>();
    CLI::App* command = app.add_subcommand(
        "status", "Show what cmrd measures now on every channel (or the ones named)");
    command->footer(
        "--json prints one object: {\"devices\": [{\"name\", \"pcm\", \"state\", "
        "\"sample_rate\", \"overruns\", \"realtime\", \"origin\", \"format\", \"inputs\", "
        "\"restarts\", \"realtime_detail\", \"last_error\", \"mains_hz\", \"worker_overruns\", "
        "\"channels\": "
        "[CHANNEL, ...]}]} where CHANNEL is the channel object of `analyze --json` (design.md); "
        "unknown figures are null.\n"
        "Exit status: 0, 1 (a name cmrd does not monitor), 3 (cmrd is not running).");
    command
        ->add_option("NAME", options->names,
                     "A device (all its channels) or DEVICE/CHANNEL, "
                     "e.g. desk/1/2")
        ->type_name("DEVICE[/CHANNEL]");
    command->add_flag("--json", options->json, "Print JSON instead of a table");
    client::add_bus_option(*command, options->bus);
    command->callback([options, &exit_status] {
        exit_status = client::run_reporting_errors("status", [&] { return run_status(*options); });
    });
}

} // namespace cmrctl
