// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file live_state.hpp
/// cmrd's Device and Channel objects as plain structs: what the bus properties say, decoded
/// once (property_decoding.hpp) so the commands never touch D-Bus types. A channel's figures
/// are a cmr::ChannelResult again, so that cmrctl prints live channels with the same JSON and
/// table code as `analyze`.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cmr/measurement.hpp"

namespace cmrctl::client {

/// An org.cmrd.Monitor1.Channel object.
struct ChannelState {
    std::string path;        ///< the object path
    std::string device_path; ///< its Device object
    /// The figures; `spec` holds the inputs. Unmeasured figures (NaN on the bus) are empty.
    cmr::ChannelResult result;
    cmr::AlarmKind alarm = cmr::AlarmKind::none; ///< the most severe active alarm
    std::vector<cmr::AlarmKind> active_alarms;   ///< every active alarm
    double stream_time_s = 0.0; ///< seconds of audio analysed when the figures were taken
};

/// An org.cmrd.Monitor1.Device object. Strings that the bus leaves empty stay empty.
struct DeviceState {
    std::string path;
    std::string name;
    std::string pcm;
    std::string origin; ///< "udev" or "config"
    std::string card_id;
    std::string model;
    std::string state;             ///< "running", "disconnected", ... (see the API XML)
    std::uint32_t sample_rate = 0; ///< 0 until the stream is configured
    std::string format;
    std::uint32_t inputs = 0;
    std::uint64_t overruns = 0;
    std::uint64_t restarts = 0;
    bool realtime = false;
    std::string realtime_detail;
    std::string last_error;
    std::optional<double> mains_hz;
};

/// A device with its channels (in input order), as the commands list them.
struct DeviceView {
    DeviceState device;
    std::vector<ChannelState> channels;
};

} // namespace cmrctl::client
