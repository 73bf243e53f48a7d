// SPDX-License-Identifier: GPL-2.0-or-later
#include "recording_analysis.hpp"

#include <span>
#include <vector>

#include "cmr/alarm_engine.hpp"

namespace cmrctl {

AnalyzeReport analyze_recording(AudioFile& file, const AnalyzeSettings& settings,
                                const std::function<void(std::int64_t frames_done)>& on_progress)
{
    cmr::AnalyzerConfig config;
    config.sample_rate = static_cast<double>(file.sample_rate());
    config.input_count = file.channels();
    config.layout = settings.layout;
    config.mains = settings.mains;
    config.harmonics = settings.harmonics;
    cmr::Analyzer analyzer(config);
    cmr::AlarmEngine alarms(
        std::vector<cmr::AlarmThresholds>(settings.layout.size(), cmr::AlarmThresholds{}));

    AnalyzeReport report;
    const auto on_snapshot = [&](const cmr::Snapshot& snapshot) {
        alarms.update(snapshot.time_s, snapshot.channels,
                      [&](const cmr::AlarmEvent& event) { report.events.push_back(event); });
    };

    // Float WAV blocks are read straight into the block buffer: no decoding.
    for (;;) {
        const std::span<const float> samples = file.next(analysis_block_frames);
        if (samples.empty())
            break;
        analyzer.feed(samples, on_snapshot);
        if (on_progress)
            on_progress(file.frames_read());
    }

    // The analyzer takes NaN and infinite samples as silence and counts them.
    report.non_finite_samples = static_cast<std::int64_t>(analyzer.non_finite_samples());
    cmr::Summary summary = analyzer.summary();
    report.file = file.path();
    report.format = file.format_name();
    report.sample_rate = file.sample_rate();
    report.input_count = file.channels();
    report.duration_s = file.duration_s();
    report.mains_hz = summary.mains_hz;
    report.layout = settings.layout;
    report.channels = std::move(summary.channels);
    for (std::size_t i = 0; i < report.channels.size(); ++i)
        report.alarms.push_back(alarms.current(i));
    return report;
}

} // namespace cmrctl
