// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file analyze_report.hpp
/// What `cmrctl analyze` found in a recording, and its two renderings: the JSON object of
/// design.md and a readable text report.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cmr/alarm_engine.hpp"
#include "cmr/layout.hpp"
#include "cmr/measurement.hpp"

#include "channel_json.hpp"

namespace cmrctl {

/// The whole-file results of one recording.
struct AnalyzeReport {
    std::string file;        ///< as named on the command line
    std::string format;      ///< e.g. "WAV (Microsoft), Signed 24 bit PCM"
    int sample_rate = 0;     ///< Hz
    int input_count = 0;     ///< channels in the file
    double duration_s = 0.0; ///< frames / sample rate
    std::optional<double> mains_hz;
    cmr::Layout layout;
    std::vector<cmr::ChannelResult> channels; ///< whole-file results, in layout order
    std::vector<cmr::AlarmKind> alarms;       ///< each channel's alarm at the end of the file
    std::vector<cmr::AlarmEvent> events;      ///< raised and cleared over the recording
    std::int64_t non_finite_samples = 0;      ///< NaN/inf samples replaced by silence
};

/// `{"file", "sample_rate", "duration_s", "mains_hz", "channels": [...], "events": [...]}`
/// with channels and events as in channel_json.hpp.
[[nodiscard]] Json report_to_json(const AnalyzeReport& report);

/// A text report for an 80-100 column terminal: a header (file, format, rate, duration,
/// mains), the channel table with units, the harmonics of each channel and the events.
[[nodiscard]] std::string report_to_text(const AnalyzeReport& report);

} // namespace cmrctl
