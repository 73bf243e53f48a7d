// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file log.hpp
/// cmr-notify's own messages, one line each on stderr: with an sd-daemon "<N>" priority prefix
/// when stderr goes to the journal (a systemd user unit), plain when it is a terminal.

#include <string_view>

#include <syslog.h>

namespace cmrnotify {

/// Logs @p text at @p priority (LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG).
void log(int priority, std::string_view text);

} // namespace cmrnotify
