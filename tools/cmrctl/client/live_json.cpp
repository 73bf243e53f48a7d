// SPDX-License-Identifier: GPL-2.0-or-later
#include "client/live_json.hpp"

#include "client/time_text.hpp"

namespace cmrctl::client {
namespace {

Json text_or_null(const std::string& text)
{
    return text.empty() ? Json(nullptr) : Json(text);
}

} // namespace

Json channel_json(const ChannelState& channel)
{
    return channel_to_json(channel.result, channel.alarm);
}

Json device_json(const DeviceState& device)
{
    Json object = Json::object();
    object["name"] = device.name;
    object["pcm"] = device.pcm;
    object["state"] = device.state;
    object["sample_rate"] = device.sample_rate == 0 ? Json(nullptr) : Json(device.sample_rate);
    object["overruns"] = device.overruns;
    object["realtime"] = device.realtime;
    object["origin"] = text_or_null(device.origin);
    object["format"] = text_or_null(device.format);
    object["inputs"] = device.inputs == 0 ? Json(nullptr) : Json(device.inputs);
    object["restarts"] = device.restarts;
    object["worker_overruns"] = device.worker_overruns;
    if (device.holder_pid == 0) {
        object["holder"] = nullptr;
    } else {
        Json holder = Json::object();
        holder["pid"] = device.holder_pid;
        holder["command"] = text_or_null(device.holder_command);
        holder["user"] = text_or_null(device.holder_user);
        object["holder"] = holder;
    }
    object["access"] = text_or_null(device.access);
    if (device.reserved_by.empty()) {
        object["reservation"] = nullptr;
    } else {
        Json reservation = Json::object();
        reservation["application"] = device.reserved_by;
        reservation["priority"] = device.reserved_priority;
        reservation["user"] = text_or_null(device.reserved_user);
        object["reservation"] = reservation;
    }
    object["captured_through"] = text_or_null(device.captured_through);
    object["capture_warning"] = text_or_null(device.capture_warning);
    object["realtime_detail"] = text_or_null(device.realtime_detail);
    object["last_error"] = text_or_null(device.last_error);
    object["mains_hz"] = json_number(device.mains_hz, hz_decimals);
    return object;
}

Json device_with_channels_json(const DeviceView& view)
{
    Json object = device_json(view.device);
    Json channels = Json::array();
    for (const ChannelState& channel : view.channels)
        channels.push_back(channel_json(channel));
    object["channels"] = std::move(channels);
    return object;
}

Json alarm_change_json(const AlarmChange& change)
{
    const AlarmFigures& f = change.figures;
    Json object = Json::object();
    object["seq"] = f.sequence ? Json(*f.sequence) : Json(nullptr);
    object["time"] = f.time_us ? Json(iso8601_utc(*f.time_us)) : Json(nullptr);
    object["device"] = f.device;
    object["channel"] = f.channel;
    object["alarm"] = std::string(cmr::to_string(change.alarm));
    object["action"] = action_name(change.raised);
    object["mains_hz"] = json_number(f.mains_hz, hz_decimals);
    object["hum_dbfs"] = json_number(f.hum_dbfs, db_decimals);
    object["cm_hum_dbfs"] = json_number(f.cm_hum_dbfs, db_decimals);
    // As in the channel object: no CMRR figure without a kind that gives it meaning.
    object["cmrr_db"] = f.has_cmrr() ? json_number(f.cmrr_db, db_decimals) : Json(nullptr);
    object["cmrr_kind"] = text_or_null(text_of(f.cmrr_kind));
    object["symmetry"] = text_or_null(text_of(f.symmetry));
    // `value` is dBFS for hum and ground_loop, dB for cmrr_low: one decimal either way.
    object["value"] = json_number(f.value, db_decimals);
    return object;
}

} // namespace cmrctl::client
