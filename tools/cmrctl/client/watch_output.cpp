// SPDX-License-Identifier: GPL-2.0-or-later
#include "client/watch_output.hpp"

#include <cmath>

#include "channel_json.hpp"
#include "client/card_holder_text.hpp"
#include "client/live_json.hpp"
#include "client/time_text.hpp"
#include "table.hpp"

namespace cmrctl::client {
namespace {

/// "-35.1 dBFS", or "-" when not measured.
std::string figure(std::optional<double> value, int decimals, const char* unit)
{
    return value ? format_fixed(value, decimals) + " " + unit : std::string("-");
}

constexpr int mains_line_decimals = 2;

std::string plural(std::size_t n, const char* word)
{
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string device_summary(const DeviceState& d)
{
    std::string text = d.state + " (" + d.pcm;
    if (d.sample_rate != 0)
        text += ", " + std::to_string(d.sample_rate) + " Hz";
    if (!d.format.empty())
        text += ", " + d.format;
    if (d.inputs != 0)
        text += ", " + plural(d.inputs, "input");
    text += d.realtime ? ", real-time" : "";
    text += ")";
    if (const std::string holder = card_holder_text(d); !holder.empty())
        text += ", " + holder;
    if (d.overruns != 0)
        text += ", " + plural(d.overruns, "overrun");
    if (d.worker_overruns != 0)
        text += ", analysis fell behind " + plural(d.worker_overruns, "time");
    if (!d.last_error.empty())
        text += ", last error: " + d.last_error;
    return text;
}

Json stamped(const char* type, const char* action)
{
    Json object = Json::object();
    object["type"] = type;
    if (action != nullptr)
        object["action"] = action;
    object["time"] = iso8601_utc(now_us());
    return object;
}

/// Whether @p a and @p b differ by at least @p step, or one is measured and the other not.
bool moved(std::optional<double> a, std::optional<double> b, double step)
{
    if (a.has_value() != b.has_value())
        return true;
    return a && std::abs(*a - *b) >= step;
}

/// Steps below which a figure's change is not worth a line of its own.
constexpr double level_step_db = 1.0;
constexpr double mains_step_hz = 0.05;

bool worth_a_line(const ChannelState& before, const ChannelState& after)
{
    const cmr::ChannelResult& a = before.result;
    const cmr::ChannelResult& b = after.result;
    return before.alarm != after.alarm || before.active_alarms != after.active_alarms ||
           a.symmetry != b.symmetry || a.cmrr_kind != b.cmrr_kind ||
           moved(a.mains_hz, b.mains_hz, mains_step_hz) ||
           moved(a.hum_dbfs, b.hum_dbfs, level_step_db) ||
           moved(a.cm_hum_dbfs, b.cm_hum_dbfs, level_step_db) ||
           moved(a.cmrr_db, b.cmrr_db, level_step_db);
}

} // namespace

WatchOutput::WatchOutput(std::ostream& out, bool json) : out_(out), json_(json) {}

void WatchOutput::line(const std::string& text, std::optional<std::int64_t> time_us)
{
    out_ << local_time_of_day(time_us.value_or(now_us())) << ' ' << text << '\n' << std::flush;
}

std::string WatchOutput::channel_text(const ChannelState& channel)
{
    const cmr::ChannelResult& r = channel.result;
    // Mains to 10 mHz: enough to see the grid drift, without a line per millihertz.
    std::string text = "mains " + figure(r.mains_hz, mains_line_decimals, "Hz") + ", hum " +
                       figure(r.hum_dbfs, db_decimals, "dBFS");
    if (r.spec.is_pair()) {
        const std::string cmrr = format_cmrr(r);
        text += ", CM hum " + figure(r.cm_hum_dbfs, db_decimals, "dBFS") + ", CMRR " +
                (cmrr == "-" ? cmrr : cmrr + " dB") + ", " +
                (r.symmetry ? std::string(cmr::to_string(*r.symmetry)) : std::string("-"));
    }
    std::string alarms(cmr::to_string(channel.alarm));
    for (const cmr::AlarmKind alarm : channel.active_alarms)
        if (alarm != channel.alarm)
            alarms += "," + std::string(cmr::to_string(alarm));
    return text + ", alarm " + alarms;
}

void WatchOutput::daemon(const char* action, const std::optional<std::string>& version,
                         const std::string& bus, std::size_t devices, std::size_t channels)
{
    if (json_) {
        Json object = stamped("daemon", action);
        object["version"] = version ? Json(*version) : Json(nullptr);
        out_ << object.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n' << std::flush;
        return;
    }
    const std::string name = "cmrd" + (version ? " " + *version : std::string());
    const std::string contents = plural(devices, "device") + ", " + plural(channels, "channel");
    if (std::string(action) == "running")
        line(name + " on " + bus + ": " + contents + " (Ctrl-C to stop)");
    else if (std::string(action) == "started")
        line(name + " is back: " + contents);
    else
        line("cmrd went away; waiting for it to come back");
}

void WatchOutput::device(const char* action, const DeviceState& device, const DeviceState* before)
{
    const std::string what(action);
    if (json_) {
        Json object = stamped("device", action);
        object["device"] = device_json(device);
        out_ << object.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n' << std::flush;
        return;
    }
    if (what == "added")
        line(device.name + " appeared: " + device_summary(device));
    else if (what == "removed")
        line(device.name + " went away");
    else if (before == nullptr || before->state != device.state ||
             before->overruns != device.overruns ||
             before->worker_overruns != device.worker_overruns ||
             card_holder_text(*before) != card_holder_text(device) ||
             before->last_error != device.last_error)
        line(device.name + ": " + device_summary(device));
}

void WatchOutput::channel(const char* action, const DeviceState* device,
                          const ChannelState& channel)
{
    const std::string what(action);
    const std::string device_name = device != nullptr ? device->name : std::string("?");
    const std::string id = channel.result.spec.id();
    if (json_) {
        Json object = stamped("channel", action);
        object["device"] = device_name;
        object["id"] = id;
        Json alarms = Json::array();
        for (const cmr::AlarmKind alarm : channel.active_alarms)
            alarms.push_back(std::string(cmr::to_string(alarm)));
        object["active_alarms"] = std::move(alarms);
        object["channel"] = what == "removed" ? Json(nullptr) : channel_json(channel);
        out_ << object.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n' << std::flush;
        return;
    }
    if (what == "removed") {
        last_printed_.erase(channel.path);
        line(device_name + " " + id + " removed");
        return;
    }
    // A line per change a person should see, not per update: figures that come and go,
    // a new alarm, symmetry or CMRR kind, or a figure that moved by a step that matters.
    const auto last = last_printed_.find(channel.path);
    if (last != last_printed_.end() && !worth_a_line(last->second, channel))
        return;
    last_printed_[channel.path] = channel;
    line(device_name + " " + id + ": " + channel_text(channel));
}

void WatchOutput::alarm(const AlarmChange& change)
{
    const AlarmFigures& f = change.figures;
    if (json_) {
        Json object = Json::object();
        object["type"] = "alarm";
        const Json fields = alarm_change_json(change);
        for (const auto& [key, value] : fields.items())
            object[key] = value;
        object["stream_time_s"] = json_number(f.stream_time_s, seconds_decimals);
        out_ << object.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n' << std::flush;
        return;
    }
    std::string text = std::string(change.raised ? "ALARM " : "CLEAR ") + f.device + " " +
                       f.channel + " " + std::string(cmr::to_string(change.alarm)) + " " +
                       action_name(change.raised) + ": hum " +
                       figure(f.hum_dbfs, db_decimals, "dBFS");
    if (f.cm_hum_dbfs)
        text += ", CM hum " + figure(f.cm_hum_dbfs, db_decimals, "dBFS");
    if (f.has_cmrr())
        text += std::string(", CMRR ") + (f.cmrr_kind == cmr::CmrrKind::lower_bound ? ">= " : "") +
                figure(f.cmrr_db, db_decimals, "dB");
    if (f.symmetry)
        text += ", " + text_of(f.symmetry);
    if (f.mains_hz)
        text += ", mains " + figure(f.mains_hz, hz_decimals, "Hz");
    line(text, f.time_us);
}

} // namespace cmrctl::client
