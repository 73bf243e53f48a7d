// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file log_file_scan.hpp
/// Reading one event log file back, line by line, telling intact events from damage. Used by
/// EventLog when it opens; changes nothing on disk (EventLog decides what to repair).

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "events/event.hpp"

namespace cmrd::events {

/// What one log file holds.
struct LogFileScan {
    /// The events of the valid lines, in file order.
    std::vector<Event> events;
    /// One entry per malformed line before the last, as "<path>:<line>: <reason>".
    std::vector<std::string> bad_lines;
    /// Size of the file as read, in bytes (0 when it does not exist).
    std::uintmax_t file_size = 0;
    /// Where the file's intact part ends: the file's size, or the start of a torn last line.
    std::uintmax_t intact_size = 0;
    /// Empty, or what is wrong with the last line: no newline (a write cut short by a crash or
    /// power loss) or not an event. A writer cuts the file at intact_size to drop it.
    std::string torn_last_line;
};

/// Reads and parses @p path (JSON lines, see event_codec.hpp). A missing file reads as empty.
/// @throws std::system_error naming the path when the file exists but cannot be read.
[[nodiscard]] LogFileScan scan_log_file(const std::filesystem::path& path);

} // namespace cmrd::events
