// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file daemon_config.hpp
/// cmrd's configuration as parsed from /etc/cmrd/cmrd.toml (config_loader.hpp reads it):
/// plain structs, every member at its built-in default. The shipped, documented example
/// (daemon/config/cmrd.toml) shows every setting at exactly these values.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "cmr/alarm_engine.hpp"
#include "cmr/analyzer.hpp"

#include "capture/access_mode.hpp"

namespace cmrd::config {

/// Alarm thresholds that a device or channel entry changes; unset members inherit. When a
/// raise level is set without its clear level, the clear level follows it (raise - 3 dB for
/// hum and ground_loop, cmrr_min_db + 3 dB for CMRR): see apply_overrides().
struct AlarmOverrides {
    std::optional<double> hum_dbfs;
    std::optional<double> hum_clear_dbfs;
    std::optional<double> ground_loop_dbfs;
    std::optional<double> ground_loop_clear_dbfs;
    std::optional<double> cmrr_min_db;
    std::optional<double> cmrr_clear_db;
    std::optional<double> hold_s;
    std::optional<double> clear_s;
    std::optional<double> cmrr_hold_s;
    std::optional<double> wiring_hold_s;
};

/// [capture]: how every device is captured (cmrd::capture::CaptureConfig takes these).
struct CaptureSettings {
    unsigned rate = 48000;       ///< rate = 48000: wanted sample rate, Hz (nearest supported)
    unsigned period_us = 5000;   ///< period_ms = 5.0: wanted wake-up interval
    unsigned buffer_us = 200000; ///< buffer_ms = 200.0: wanted ring-buffer length
    bool realtime = true;        ///< realtime = true: ask for SCHED_FIFO (rtkit as fallback)
    int priority = 5;            ///< priority = 5: SCHED_FIFO priority, 1..99
    /// access = "auto": whether cmrd may open a card a sound server may want (cmrd.toml(5)).
    capture::AccessMode access = capture::AccessMode::automatic;
};

/// [analysis]: what libcmr's analyzer is asked to measure.
struct AnalysisSettings {
    cmr::MainsMode mains = cmr::MainsMode::automatic; ///< mains = "auto" | 50 | 60
    unsigned harmonics = 20; ///< harmonics = 20 (K), 1..64 (cmr::max_harmonics)
};

/// [event_log]: the event log under the state directory.
struct EventLogSettings {
    std::size_t max_bytes = std::size_t{1024} * 1024; ///< max_kib = 1024: size bound
};

/// One [[device.channel]] entry: alarm overrides for one channel of a device.
struct ChannelConfig {
    std::string id;        ///< canonical channel id, "1/2" or "7" (cmr::ChannelSpec::id())
    AlarmOverrides alarms; ///< the alarm keys written in the entry itself
    int line = 0;          ///< source line of the [[device.channel]] header
};

/// One [[device]] entry. Either a static device (`pcm` set: any ALSA PCM name, opened at
/// start) or a udev match (at least one of `card`, `serial`, `path`: the card whose
/// properties equal every key given is monitored under `name`), never both.
struct DeviceConfig {
    /// Required; used in D-Bus object paths and output: [A-Za-z0-9_-], 1 to 64 characters,
    /// unique among the entries.
    std::string name;
    std::string pcm;    ///< ALSA PCM of a static device; empty for a udev match
    std::string card;   ///< match: ALSA card id (sysfs `id`, e.g. "UMC1820")
    std::string serial; ///< match: udev ID_SERIAL
    std::string path;   ///< match: udev ID_PATH
    /// Layout (design.md syntax) in canonical form (cmr::format_layout); empty: for a match,
    /// the card's CMRD_CHANNELS, else consecutive pairs of the device's inputs.
    std::string channels;
    AlarmOverrides alarms;                     ///< [device.alarms]
    std::vector<ChannelConfig> channels_cfg;   ///< [[device.channel]] entries
    std::optional<unsigned> rate;              ///< [device.capture] rate
    std::optional<unsigned> period_us;         ///< [device.capture] period_ms
    std::optional<capture::AccessMode> access; ///< [device.capture] access
    int line = 0;                              ///< source line of the [[device]] header

    /// Whether this is a static device (opened by PCM name) rather than a udev match.
    [[nodiscard]] bool is_static() const { return !pcm.empty(); }
};

/// The whole configuration. A default-constructed DaemonConfig is the built-in default (what
/// cmrd runs with when no file exists, and what the shipped example file parses to).
struct DaemonConfig {
    std::string source;                ///< path the configuration was read from; empty: defaults
    cmr::AlarmThresholds alarms;       ///< [alarms]: global defaults (derived clear levels applied)
    CaptureSettings capture;           ///< [capture]
    AnalysisSettings analysis;         ///< [analysis]
    double publish_rate_hz = 2.0;      ///< [dbus] publish_rate_hz: PropertiesChanged per channel/s
    EventLogSettings event_log;        ///< [event_log]
    std::vector<DeviceConfig> devices; ///< [[device]] entries, in file order
};

} // namespace cmrd::config
