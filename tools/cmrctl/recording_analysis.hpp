// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file recording_analysis.hpp
/// Runs a recording through the same analyzer and alarm engine the daemon runs live.

#include <cstdint>
#include <functional>

#include "cmr/analyzer.hpp"
#include "cmr/layout.hpp"

#include "analyze_report.hpp"
#include "audio_file.hpp"

namespace cmrctl {

/// Frames fed to the analyzer per call: large enough to keep the per-call overhead small,
/// small enough for a smooth progress bar.
inline constexpr std::size_t analysis_block_frames = 4096;

/// What to measure in a recording.
struct AnalyzeSettings {
    cmr::Layout layout; ///< must fit the file's inputs
    cmr::MainsMode mains = cmr::MainsMode::automatic;
    int harmonics = 20; ///< 1 to cmr::max_harmonics
};

/// Reads @p file to its end in blocks, feeds every block to a `cmr::Analyzer` and every
/// snapshot to a `cmr::AlarmEngine` with default thresholds, and returns the whole-file
/// summary, the alarm state at the end of the file and the alarm events.
/// Samples that are not finite (possible in float files) are replaced by silence and counted.
/// @param on_progress called after each block with the frames read so far (may be empty).
/// @throws AudioFileError for a read error or truncated file; cmr::ConfigError,
///         cmr::LayoutError for settings the analyzer refuses.
[[nodiscard]] AnalyzeReport
analyze_recording(AudioFile& file, const AnalyzeSettings& settings,
                  const std::function<void(std::int64_t frames_done)>& on_progress = {});

} // namespace cmrctl
