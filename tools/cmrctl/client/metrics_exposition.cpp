// SPDX-License-Identifier: GPL-2.0-or-later
#include "client/metrics_exposition.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <utility>

#include "channel_json.hpp"

namespace cmrctl::client {
namespace {

using Labels = std::vector<std::pair<std::string, std::string>>;

/// The capture states cmrd reports (org.cmrd.Monitor1.Device.State), each a sample of
/// cmrd_device_state so that a state's series exists before the device enters it.
constexpr std::array<const char*, 10> device_states = {
    "starting",  "busy",    "shared",       "running", "xrun_recovering",
    "suspended", "stalled", "disconnected", "error",   "stopped",
};

/// One metric family: its help, type and samples, printed together.
class Family {
public:
    Family(std::string name, std::string type, std::string help)
        : name_(std::move(name)), type_(std::move(type)), help_(std::move(help))
    {}

    void add(const Labels& labels, double value, int decimals)
    {
        // Rounded as in cmrctl's JSON; nlohmann prints numbers without locale ('.', always).
        // Whole numbers (flags, rates) without a fraction: "1", not "1.0".
        const std::string text = decimals == 0 ? std::to_string(std::llround(value))
                                               : Json(round_to(value, decimals)).dump();
        samples_ += series(labels) + ' ' + text + '\n';
    }

    void add_optional(const Labels& labels, std::optional<double> value, int decimals)
    {
        if (value)
            add(labels, *value, decimals);
    }

    /// A counter's integer value, exactly (a double would round beyond 2^53).
    void add_count(const Labels& labels, std::uint64_t value)
    {
        samples_ += series(labels) + ' ' + std::to_string(value) + '\n';
    }

    /// HELP, TYPE and the samples; nothing for a family without samples.
    [[nodiscard]] std::string text() const
    {
        if (samples_.empty())
            return {};
        return "# HELP " + name_ + ' ' + help_ + "\n# TYPE " + name_ + ' ' + type_ + '\n' +
               samples_;
    }

private:
    /// name{label="value",...}, or the bare name without labels.
    [[nodiscard]] std::string series(const Labels& labels) const
    {
        if (labels.empty())
            return name_;
        std::string text = name_ + '{';
        for (std::size_t i = 0; i < labels.size(); ++i)
            text += (i == 0 ? "" : ",") + labels[i].first + "=\"" +
                    escape_label_value(labels[i].second) + '"';
        return text + '}';
    }

    std::string name_;
    std::string type_;
    std::string help_;
    std::string samples_;
};

Labels with(Labels labels, const char* name, std::string value)
{
    labels.emplace_back(name, std::move(value));
    return labels;
}

/// Every family, in output order.
struct Families {
    Family up{"cmrd_up", "gauge", "Whether cmrd answered on the bus (1) or is not running (0)."};
    Family info{"cmrd_info", "gauge", "cmrd's version, as a label; always 1."};
    Family not_stored{"cmrd_events_not_stored_total", "counter",
                      "Alarm events cmrd could not store in its event log since it started."};
    Family device_up{"cmrd_device_up", "gauge", "Whether the device is capturing (state running)."};
    Family device_state{"cmrd_device_state", "gauge",
                        "The device's capture state: 1 for the current one, 0 for the others."};
    Family sample_rate{"cmrd_device_sample_rate_hertz", "gauge",
                       "The device's negotiated sample rate."};
    Family realtime{"cmrd_device_realtime", "gauge",
                    "Whether the device's capture thread runs with real-time priority."};
    Family overruns{"cmrd_device_overruns_total", "counter",
                    "Capture overruns (audio lost) since the device appeared."};
    Family restarts{"cmrd_device_restarts_total", "counter",
                    "Capture stream restarts since the device appeared."};
    Family worker_overruns{"cmrd_device_worker_overruns_total", "counter",
                           "Times the analysis fell a whole ring behind and frames were skipped "
                           "(the interface lost nothing)."};
    Family mains{"cmrd_mains_hz", "gauge", "Mains frequency found in the channel's hum, in Hz."};
    Family level{"cmrd_level_dbfs", "gauge", "Programme level (AES17 dBFS) of D or the input."};
    Family hum{"cmrd_hum_dbfs", "gauge",
               "Hum reaching the signal: on D for a pair, on the input for a single (dBFS)."};
    Family hum_harmonic{"cmrd_hum_harmonic_dbfs", "gauge",
                        "Each hum harmonic k (k times mains) of D or the input clear of the "
                        "noise floor (dBFS)."};
    Family cm_hum{"cmrd_cm_hum_dbfs", "gauge",
                  "Common-mode hum a pair carries, on C = (hot + cold) / 2 (dBFS)."};
    Family cm_hum_harmonic{"cmrd_cm_hum_harmonic_dbfs", "gauge",
                           "Each common-mode hum harmonic k clear of the noise floor (dBFS)."};
    Family cmrr{"cmrd_cmrr_db", "gauge",
                "The link's common-mode rejection (dB); kind measured, or lower_bound when it "
                "rejects at least this much."};
    Family leg_gain{
        "cmrd_leg_gain_db", "gauge",
        "Level of D minus the louder leg (dB): about 6.02 symmetric, 0 one leg silent."};
    Family symmetry{"cmrd_symmetry", "gauge",
                    "How a pair carries the programme: 1 for the current way, 0 for the others."};
    Family alarm{"cmrd_alarm_active", "gauge", "Whether the alarm is active on the channel."};
    Family analysed{"cmrd_analysed_seconds", "gauge",
                    "Seconds of audio analysed on the device when the figures were taken."};

    [[nodiscard]] std::string text() const
    {
        std::string out;
        for (const Family* family :
             {&up,       &info,         &not_stored, &device_up,       &device_state, &sample_rate,
              &realtime, &overruns,     &restarts,   &worker_overruns, &mains,        &level,
              &hum,      &hum_harmonic, &cm_hum,     &cm_hum_harmonic, &cmrr,         &leg_gain,
              &symmetry, &alarm,        &analysed})
            out += family->text();
        return out;
    }
};

void add_harmonics(Family& family, const Labels& labels, const cmr::HarmonicList& harmonics)
{
    for (const cmr::Harmonic& h : harmonics)
        family.add_optional(with(labels, "k", std::to_string(h.k)), h.dbfs, db_decimals);
}

void add_device(Families& f, const DeviceState& device)
{
    const Labels labels = {{"device", device.name}};
    f.device_up.add(labels, device.state == "running" ? 1.0 : 0.0, 0);
    bool known_state = false;
    for (const char* state : device_states) {
        known_state = known_state || device.state == state;
        f.device_state.add(with(labels, "state", state), device.state == state ? 1.0 : 0.0, 0);
    }
    if (!known_state && !device.state.empty()) // a state newer than this cmrctl
        f.device_state.add(with(labels, "state", device.state), 1.0, 0);
    if (device.sample_rate != 0)
        f.sample_rate.add(labels, device.sample_rate, 0);
    f.realtime.add(labels, device.realtime ? 1.0 : 0.0, 0);
    f.overruns.add_count(labels, device.overruns);
    f.restarts.add_count(labels, device.restarts);
    f.worker_overruns.add_count(labels, device.worker_overruns);
}

void add_channel(Families& f, const DeviceState& device, const ChannelState& channel)
{
    const cmr::ChannelResult& r = channel.result;
    const Labels labels = {{"device", device.name}, {"channel", r.spec.id()}};
    f.mains.add_optional(labels, r.mains_hz, hz_decimals);
    f.level.add_optional(labels, r.level_dbfs, db_decimals);
    f.hum.add_optional(labels, r.hum_dbfs, db_decimals);
    add_harmonics(f.hum_harmonic, labels, r.harmonics);
    if (r.spec.is_pair()) {
        f.cm_hum.add_optional(labels, r.cm_hum_dbfs, db_decimals);
        add_harmonics(f.cm_hum_harmonic, labels, r.cm_harmonics);
        if (r.cmrr_kind != cmr::CmrrKind::none)
            f.cmrr.add_optional(with(labels, "kind", std::string(cmr::to_string(r.cmrr_kind))),
                                r.cmrr_db, db_decimals);
        f.leg_gain.add_optional(labels, r.leg_gain_db, gain_decimals);
        if (r.symmetry)
            for (const cmr::Symmetry s :
                 {cmr::Symmetry::no_signal, cmr::Symmetry::symmetric, cmr::Symmetry::cold_silent,
                  cmr::Symmetry::hot_silent, cmr::Symmetry::in_phase, cmr::Symmetry::uncorrelated})
                f.symmetry.add(with(labels, "symmetry", std::string(cmr::to_string(s))),
                               *r.symmetry == s ? 1.0 : 0.0, 0);
    }
    for (const cmr::AlarmKind kind : {cmr::AlarmKind::hum, cmr::AlarmKind::ground_loop,
                                      cmr::AlarmKind::cmrr_low, cmr::AlarmKind::wiring}) {
        bool active = false;
        for (const cmr::AlarmKind a : channel.active_alarms)
            active = active || a == kind;
        f.alarm.add(with(labels, "alarm", std::string(cmr::to_string(kind))), active ? 1.0 : 0.0,
                    0);
    }
    f.analysed.add(labels, channel.stream_time_s, seconds_decimals);
}

} // namespace

std::string escape_label_value(const std::string& value)
{
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string metrics_exposition(const std::vector<DeviceView>& devices, const DaemonFacts& daemon)
{
    Families f;
    f.up.add({}, 1.0, 0);
    f.info.add({{"version", daemon.version}}, 1.0, 0);
    f.not_stored.add({}, static_cast<double>(daemon.events_not_stored), 0);
    for (const DeviceView& view : devices) {
        add_device(f, view.device);
        for (const ChannelState& channel : view.channels)
            add_channel(f, view.device, channel);
    }
    return f.text();
}

std::string metrics_exposition_down()
{
    Families f;
    f.up.add({}, 0.0, 0);
    return f.text();
}

} // namespace cmrctl::client
