// SPDX-License-Identifier: GPL-2.0-or-later
#include "recording_analysis.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "cmr/alarm_engine.hpp"

namespace cmrctl {
namespace {

// Float files can hold NaN or infinity, which would poison every sum downstream. The check is
// a branch-free scan over the exponent bits (it vectorises; a per-sample isfinite() branch
// cost a fifth of the whole analysis); only a block that has some is repaired.
std::size_t silence_non_finite(std::span<float> samples)
{
    std::uint32_t all_ones = 0;
    for (const float sample : samples) {
        std::uint32_t bits = 0;
        std::memcpy(&bits, &sample, sizeof bits);
        all_ones |= static_cast<std::uint32_t>((bits & 0x7f800000U) == 0x7f800000U);
    }
    if (all_ones == 0)
        return 0;
    std::size_t repaired = 0;
    for (float& sample : samples)
        if (!std::isfinite(sample)) {
            sample = 0.0F;
            ++repaired;
        }
    return repaired;
}

} // namespace

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

    const auto channels = static_cast<std::size_t>(file.channels());
    std::vector<float> block(analysis_block_frames * channels);
    for (;;) {
        const std::size_t frames = file.read(block);
        if (frames == 0)
            break;
        const std::span<float> samples(block.data(), frames * channels);
        report.non_finite_samples += silence_non_finite(samples);
        analyzer.feed(samples, on_snapshot);
        if (on_progress)
            on_progress(file.frames_read());
    }

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
