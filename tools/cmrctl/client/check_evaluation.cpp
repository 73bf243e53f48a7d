// SPDX-License-Identifier: GPL-2.0-or-later
#include "client/check_evaluation.hpp"

#include <algorithm>
#include <cctype>

#include "channel_json.hpp"
#include "client/card_holder_text.hpp"
#include "table.hpp"

namespace cmrctl::client {
namespace {

struct Finding {
    CheckState state;
    std::string text;
};

/// Device states in which a device is capturing, or about to again on its own.
bool capturing(const std::string& state)
{
    return state == "running" || state == "starting" || state == "xrun_recovering" ||
           state == "suspended";
}

bool has_alarm(const ChannelState& channel, cmr::AlarmKind kind)
{
    return std::find(channel.active_alarms.begin(), channel.active_alarms.end(), kind) !=
               channel.active_alarms.end() ||
           channel.alarm == kind;
}

std::string db(std::optional<double> value)
{
    return format_fixed(value, db_decimals);
}

std::string db(double value)
{
    return format_fixed(value, db_decimals);
}

/// ", CMRR 52.3 dB" or ", CMRR >= 52.3 dB"; "" when the CMRR is not known.
std::string cmrr_text(const cmr::ChannelResult& r)
{
    const std::string cmrr = format_cmrr(r);
    return cmrr == "-" ? std::string() : ", CMRR " + cmrr + " dB";
}

void check_channel(const DeviceState& device, const ChannelState& channel,
                   const CheckThresholds& limits, std::vector<Finding>& findings)
{
    const cmr::ChannelResult& r = channel.result;
    const std::string name = device.name + " " + r.spec.id();
    const std::size_t before = findings.size();
    if (r.hum_dbfs && *r.hum_dbfs >= limits.crit_hum_dbfs)
        findings.push_back({CheckState::critical, name + " hum " + db(r.hum_dbfs) +
                                                      " dBFS >= " + db(limits.crit_hum_dbfs)});
    else if (r.hum_dbfs && *r.hum_dbfs >= limits.warn_hum_dbfs)
        findings.push_back({CheckState::warning, name + " hum " + db(r.hum_dbfs) +
                                                     " dBFS >= " + db(limits.warn_hum_dbfs)});

    if (has_alarm(channel, cmr::AlarmKind::wiring))
        findings.push_back(
            {CheckState::critical,
             name + " wiring (" +
                 (r.symmetry ? std::string(cmr::to_string(*r.symmetry)) : std::string("?")) + ")"});
    // cmrd's hum alarm says what a hum threshold above already said, if one did.
    if (has_alarm(channel, cmr::AlarmKind::hum) && findings.size() == before)
        findings.push_back(
            {CheckState::warning, name + " hum alarm (" + db(r.hum_dbfs) + " dBFS)"});
    if (has_alarm(channel, cmr::AlarmKind::ground_loop))
        findings.push_back(
            {CheckState::warning,
             name + " ground_loop (CM hum " + db(r.cm_hum_dbfs) + " dBFS" + cmrr_text(r) + ")"});
    if (has_alarm(channel, cmr::AlarmKind::cmrr_low))
        findings.push_back({CheckState::warning, name + " cmrr_low" + cmrr_text(r)});
    else if (r.cmrr_kind == cmr::CmrrKind::measured && r.cmrr_db && *r.cmrr_db < limits.min_cmrr_db)
        findings.push_back({CheckState::warning,
                            name + " CMRR " + db(r.cmrr_db) + " dB < " + db(limits.min_cmrr_db)});
}

/// A perfdata label part: letters, digits and '_' only.
std::string label_part(const std::string& text)
{
    std::string out = text;
    for (char& c : out)
        if (std::isalnum(static_cast<unsigned char>(c)) == 0)
            c = '_';
    return out;
}

std::string perf_value(std::optional<double> value)
{
    return value ? Json(round_to(*value, db_decimals)).dump() : std::string("U");
}

std::string perfdata(const std::vector<DeviceView>& devices, const CheckThresholds& limits)
{
    std::string out;
    const auto add = [&out](const std::string& label, const std::string& value,
                            const std::string& thresholds) {
        out += (out.empty() ? "" : " ") + ("'" + label + "'=" + value) + thresholds;
    };
    // "~:X" is the guidelines' range "anything up to X": a hum above X leaves it and alerts.
    const std::string hum_thresholds =
        ";~:" + Json(limits.warn_hum_dbfs).dump() + ";~:" + Json(limits.crit_hum_dbfs).dump();
    for (const DeviceView& view : devices)
        for (const ChannelState& channel : view.channels) {
            const cmr::ChannelResult& r = channel.result;
            const std::string base =
                label_part(view.device.name) + "_" + label_part(r.spec.id()) + "_";
            add(base + "hum_dbfs", perf_value(r.hum_dbfs), hum_thresholds);
            if (!r.spec.is_pair())
                continue;
            add(base + "cm_hum_dbfs", perf_value(r.cm_hum_dbfs), "");
            if (r.cmrr_kind == cmr::CmrrKind::measured)
                add(base + "cmrr_db", perf_value(r.cmrr_db),
                    ";" + Json(limits.min_cmrr_db).dump() + ":");
            else if (r.cmrr_kind == cmr::CmrrKind::lower_bound)
                add(base + "cmrr_lower_bound_db", perf_value(r.cmrr_db), "");
        }
    return out;
}

std::string plural(std::size_t n, const char* word)
{
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

} // namespace

const char* state_name(CheckState state)
{
    switch (state) {
    case CheckState::ok:
        return "OK";
    case CheckState::warning:
        return "WARNING";
    case CheckState::critical:
        return "CRITICAL";
    case CheckState::unknown:
        break;
    }
    return "UNKNOWN";
}

CheckResult unknown_check(const std::string& reason)
{
    return {CheckState::unknown, std::string("CMRD UNKNOWN - ") + reason};
}

CheckResult evaluate_check(const std::vector<DeviceView>& devices,
                           const CheckThresholds& thresholds)
{
    if (devices.empty())
        return unknown_check("cmrd monitors no device");

    std::vector<Finding> findings;
    std::size_t channels = 0;
    std::size_t unmeasured = 0;
    for (const DeviceView& view : devices) {
        if (!capturing(view.device.state)) {
            const DeviceState& d = view.device;
            std::string why = d.state;
            if (const std::string holder = card_holder_text(d); !holder.empty())
                why += ", " + holder; // who to ask, before what cmrd last met
            else if (!d.last_error.empty())
                why += ": " + d.last_error;
            findings.push_back({CheckState::warning, d.name + " not capturing (" + why + ")"});
        }
        for (const ChannelState& channel : view.channels) {
            ++channels;
            if (!channel.result.hum_dbfs)
                ++unmeasured;
            check_channel(view.device, channel, thresholds, findings);
        }
    }
    // Most severe first; the order of discovery otherwise (devices and inputs in order).
    std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
        return static_cast<int>(a.state) > static_cast<int>(b.state);
    });

    CheckResult result;
    result.state = findings.empty() ? CheckState::ok : findings.front().state;
    std::string text;
    for (const Finding& finding : findings)
        text += (text.empty() ? "" : "; ") + finding.text;
    if (text.empty())
        text = "no alarm, hum below " + db(thresholds.warn_hum_dbfs) + " dBFS";
    text += " (" + plural(channels, "channel") + " on " + plural(devices.size(), "device");
    if (unmeasured > 0)
        text += ", " + std::to_string(unmeasured) + " not measured yet";
    text += ")";
    result.line = std::string("CMRD ") + state_name(result.state) + " - " + text;
    if (const std::string perf = perfdata(devices, thresholds); !perf.empty())
        result.line += " | " + perf;
    return result;
}

} // namespace cmrctl::client
