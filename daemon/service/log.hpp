// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file log.hpp
/// The daemon's own messages (not alarm events): one line each, with a syslog priority.
/// Never called from a capture thread.

#include <string_view>

#include <syslog.h>

namespace cmrd::service {

/// Logs @p text at @p priority (LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG).
void log(int priority, std::string_view text);

} // namespace cmrd::service
