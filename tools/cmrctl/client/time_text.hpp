// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file time_text.hpp
/// Wall-clock times as cmrctl prints and reads them. cmrd's times are microseconds since the
/// Unix epoch (UTC).

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cmrctl::client {

/// ISO 8601 in UTC with milliseconds: "2024-05-01T12:00:05.250Z" (JSON, hook environment).
[[nodiscard]] std::string iso8601_utc(std::int64_t time_us);

/// Local time for people: "2024-05-01 14:00:05" (tables).
[[nodiscard]] std::string local_date_time(std::int64_t time_us);

/// Local time of day: "14:00:05" (watch lines).
[[nodiscard]] std::string local_time_of_day(std::int64_t time_us);

/// The current wall-clock time in microseconds since the Unix epoch.
[[nodiscard]] std::int64_t now_us();

/// A --since argument that cannot be read; what() says why and what is accepted.
class TimeSyntaxError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Reads a point in time, in microseconds since the Unix epoch:
/// - relative to @p now_us, back in time: a number and a unit, s, m, h, d or w, possibly
///   several ("90s", "30m", "1h30m", "2d");
/// - Unix seconds, optionally with a fraction: "1714564800", "1714564800.5";
/// - ISO 8601: "2024-05-01T12:00:00Z", "2024-05-01T14:00:00+02:00", with optional fractional
///   seconds; without a zone ("2024-05-01T14:00:00", or a blank instead of 'T') it is local
///   time; a date alone ("2024-05-01") is local midnight.
/// @throws TimeSyntaxError.
[[nodiscard]] std::int64_t parse_time(std::string_view text, std::int64_t now_us);

} // namespace cmrctl::client
