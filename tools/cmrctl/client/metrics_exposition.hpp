// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file metrics_exposition.hpp
/// cmrd's figures in the Prometheus text exposition format (version 0.0.4), as `cmrctl
/// metrics` prints them for node_exporter's textfile collector.
///
/// Families (gauges unless named *_total, which are counters); labels: device, channel (the
/// id, "1/2"), and where stated kind, k, alarm, state, symmetry:
///   cmrd_up                                  1 when cmrd answered, 0 when it is not running
///   cmrd_info{version}                       1
///   cmrd_events_not_stored_total             alarm events the event log could not store
///   cmrd_device_up{device}                   1 while the device captures (state running)
///   cmrd_device_state{device,state}          1 for the current state, 0 for the others
///   cmrd_device_sample_rate_hertz{device}    the negotiated rate
///   cmrd_device_realtime{device}             1 when the capture thread runs real-time
///   cmrd_device_overruns_total{device}       capture overruns (lost audio)
///   cmrd_device_restarts_total{device}       stream restarts
///   cmrd_mains_hz{device,channel}            mains frequency
///   cmrd_level_dbfs{device,channel}          programme level (AES17)
///   cmrd_hum_dbfs{device,channel}            hum on D (pairs) or on the input (singles)
///   cmrd_hum_harmonic_dbfs{device,channel,k} each harmonic of it clear of the noise floor
///   cmrd_cm_hum_dbfs{device,channel}         common-mode hum (pairs)
///   cmrd_cm_hum_harmonic_dbfs{device,channel,k}
///   cmrd_cmrr_db{device,channel,kind}        the link's CMRR; kind measured or lower_bound
///   cmrd_leg_gain_db{device,channel}         level of D minus the louder leg (pairs)
///   cmrd_symmetry{device,channel,symmetry}   1 for how the programme is carried, 0 others
///   cmrd_alarm_active{device,channel,alarm}  1 when that alarm is active, 0 when not
///   cmrd_analysed_seconds{device,channel}    seconds of audio analysed (grows while running)
/// A figure cmrd could not measure (NaN on the bus, null in JSON) is left out, never exported
/// as NaN: a gap in the series is what it is. No timestamps: the collector stamps the scrape.

#include <cstdint>
#include <string>
#include <vector>

#include "client/wire_types.hpp"

namespace cmrctl::client {

/// What the exposition says about cmrd itself (its Manager object).
struct DaemonFacts {
    std::string version;
    std::uint64_t events_not_stored = 0;
};

/// The whole exposition for a running cmrd.
[[nodiscard]] std::string metrics_exposition(const std::vector<DeviceView>& devices,
                                             const DaemonFacts& daemon);

/// The exposition when cmrd is not running: `cmrd_up 0` only, so that an alert can fire on it
/// instead of on a file that stopped changing.
[[nodiscard]] std::string metrics_exposition_down();

/// A label value escaped for the text format (backslash, double quote, newline).
[[nodiscard]] std::string escape_label_value(const std::string& value);

} // namespace cmrctl::client
