// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file event_codec.hpp
/// One event as one line of JSON: the event log's on-disk format, and the shape other
/// outputs (D-Bus GetEvents) reuse. Pure functions, no I/O.
///
/// A line is one object, keys in this order:
/// `{"seq": 12, "time_us": 1747750387123456, "time": "2025-05-20T14:13:07.123456Z",
///   "device": "desk", "channel": "1/2", "alarm": "ground_loop", "action": "raised",
///   "mains_hz": 50.01, "hum_dbfs": -61.0, "cm_hum_dbfs": -35.2, "cmrr_db": 25.8,
///   "cmrr_kind": "measured", "symmetry": "symmetric", "value": -35.2}`
/// `time` is for people (ISO 8601, UTC); `time_us` is authoritative. Figures that are absent
/// (or not finite) are `null`, never left out, as in design.md's JSON shape.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "events/event.hpp"

namespace cmrd::events {

/// Why a line is not an event.
struct ParseError {
    std::string message;
};

/// The event a line holds, or why it holds none.
using ParseResult = std::variant<Event, ParseError>;

/// The event as one JSON object, without a trailing newline. The result never contains a
/// newline (control characters in strings are escaped); invalid UTF-8 in device or channel
/// names is replaced by U+FFFD rather than failing.
[[nodiscard]] std::string to_json_line(const Event& event);

/// The highest sequence number a log line may carry (2^53: beyond any daemon's life, and the
/// last integer a JSON reader keeps exact); a line with a higher one is refused.
inline constexpr std::uint64_t max_sequence = std::uint64_t{1} << 53U;

/// Parses a line written by to_json_line (without its newline). Keys it does not know are
/// ignored and a missing figure reads as null, so lines from other versions still parse;
/// `seq`, `time_us`, `device`, `channel`, `alarm` (not "none") and `action` are required.
[[nodiscard]] ParseResult parse_event_line(std::string_view line);

/// `time_us` (microseconds since the epoch) as ISO 8601 UTC with microseconds,
/// e.g. "2025-05-20T14:13:07.123456Z".
[[nodiscard]] std::string iso8601_utc(std::int64_t time_us);

/// "raised" or "cleared".
[[nodiscard]] std::string_view action_name(bool raised);

} // namespace cmrd::events
