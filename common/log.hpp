// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file log.hpp
/// A program's own messages (not alarm events), one line each with a syslog priority, for
/// cmrd, cmr-notify and the tools alike. By default they go to stderr: plain with the
/// program's name on a terminal, with an sd-daemon "<N>" prefix otherwise (a unit's stderr
/// reaches the journal with that priority). cmrd installs its journal sink instead.
/// Never called from a capture thread (it allocates and writes).

#include <string_view>

#include <syslog.h>

namespace cmrd::common {

/// Where messages go: a function taking the priority and the text.
using LogSink = void (*)(int priority, std::string_view text);

/// The name a terminal line starts with ("cmr-notify: ..."); set once at start-up.
void set_log_name(std::string_view name);

/// Replaces the sink (nullptr: back to stderr); set once at start-up.
void set_log_sink(LogSink sink);

/// Logs @p text at @p priority (LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG).
void log(int priority, std::string_view text);

/// The default sink: one write(2) per line on stderr, so lines of a restarting unit never
/// interleave mid-line.
void log_to_stderr(int priority, std::string_view text);

} // namespace cmrd::common
