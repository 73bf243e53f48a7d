// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file progress.hpp
/// A one-line progress bar for long analyses. It is drawn only for a person watching a
/// terminal: never into a pipe or file, where it would corrupt logs and captured output.

#include <cstdint>
#include <string>

namespace cmrctl {

/// Recordings at most this long finish too quickly to need a progress bar.
inline constexpr double progress_min_duration_s = 30.0;

/// A progress bar redrawn in place on a terminal ("\r...") and erased when done.
class ProgressBar {
public:
    /// Whether a bar is worth drawing: @p fd is a terminal and the recording is longer than
    /// `progress_min_duration_s`.
    [[nodiscard]] static bool wanted(int fd, double duration_s);

    /// @param label printed before the bar (e.g. the file name; shortened when long).
    /// @param total_frames frames the work covers. @param sample_rate to show seconds.
    /// @param enabled false makes every call a no-op (see `wanted`).
    /// @param fd where to draw, normally standard error.
    ProgressBar(std::string label, std::int64_t total_frames, double sample_rate, bool enabled,
                int fd);
    /// Erases the bar, so that whatever follows (including an error message) starts on a
    /// clean line.
    ~ProgressBar();
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;

    /// Redraws the bar for @p frames_done, if the visible text changed.
    void update(std::int64_t frames_done);
    /// Erases the bar; later updates are ignored.
    void finish();

private:
    void write_text(const std::string& text) const;

    std::string label_;
    std::int64_t total_frames_;
    double sample_rate_;
    bool enabled_;
    int fd_;
    std::string last_drawn_;
};

} // namespace cmrctl
