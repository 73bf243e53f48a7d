// SPDX-License-Identifier: GPL-2.0-or-later
#include "progress.hpp"

#include <algorithm>
#include <cstdio>
#include <utility>

#include <unistd.h>

namespace cmrctl {

namespace {

constexpr std::size_t bar_width = 30;
constexpr std::size_t label_width = 24;
// "\r" returns to the start of the line, "\033[K" erases to its end: understood by every
// terminal emulator in use (VT100).
constexpr const char* erase_line = "\r\033[K";

std::string shorten(std::string text, std::size_t width)
{
    if (text.size() <= width)
        return text;
    return "..." + text.substr(text.size() - (width - 3));
}

} // namespace

bool ProgressBar::wanted(int fd, double duration_s)
{
    return duration_s > progress_min_duration_s && ::isatty(fd) == 1;
}

ProgressBar::ProgressBar(std::string label, std::int64_t total_frames, double sample_rate,
                         bool enabled, int fd)
    : label_(shorten(std::move(label), label_width)), total_frames_(total_frames),
      sample_rate_(sample_rate), enabled_(enabled && total_frames > 0 && sample_rate > 0.0), fd_(fd)
{}

ProgressBar::~ProgressBar()
{
    finish();
}

void ProgressBar::write_text(const std::string& text) const
{
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
        if (n <= 0)
            return; // a progress bar is not worth failing or retrying for
        done += static_cast<std::size_t>(n);
    }
}

void ProgressBar::update(std::int64_t frames_done)
{
    if (!enabled_)
        return;
    frames_done = std::clamp<std::int64_t>(frames_done, 0, total_frames_);
    const double fraction = static_cast<double>(frames_done) / static_cast<double>(total_frames_);
    const auto filled = static_cast<std::size_t>(fraction * static_cast<double>(bar_width));
    char tail[64];
    std::snprintf(tail, sizeof tail, "] %3d%%  %.0f / %.0f s", static_cast<int>(fraction * 100.0),
                  static_cast<double>(frames_done) / sample_rate_,
                  static_cast<double>(total_frames_) / sample_rate_);
    std::string text =
        label_ + " [" + std::string(filled, '#') + std::string(bar_width - filled, '.') + tail;
    if (text == last_drawn_)
        return;
    write_text("\r" + text);
    last_drawn_ = std::move(text);
}

void ProgressBar::finish()
{
    if (enabled_ && !last_drawn_.empty())
        write_text(erase_line);
    enabled_ = false;
}

} // namespace cmrctl
