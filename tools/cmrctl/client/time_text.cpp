// SPDX-License-Identifier: GPL-2.0-or-later
#include "client/time_text.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <ctime>
#include <optional>

namespace cmrctl::client {
namespace {

constexpr std::int64_t us_per_s = 1000000;

/// Floor division, so that times before 1970 still split into seconds and a positive fraction.
std::int64_t floor_div(std::int64_t a, std::int64_t b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

std::tm broken_down(std::int64_t time_us, bool utc)
{
    const std::time_t seconds = static_cast<std::time_t>(floor_div(time_us, us_per_s));
    std::tm tm{};
    if (utc)
        gmtime_r(&seconds, &tm);
    else
        localtime_r(&seconds, &tm);
    return tm;
}

/// The formats cmrctl prints times in; each a literal, so the compiler checks it.
enum class TimeFormat { iso_utc_seconds, local_date_time, local_time_of_day };

std::string format_time(std::int64_t time_us, TimeFormat format)
{
    const std::tm tm = broken_down(time_us, format == TimeFormat::iso_utc_seconds);
    std::array<char, 64> buffer{};
    std::size_t length = 0;
    switch (format) {
    case TimeFormat::iso_utc_seconds:
        length = std::strftime(buffer.data(), buffer.size(), "%Y-%m-%dT%H:%M:%S", &tm);
        break;
    case TimeFormat::local_date_time:
        length = std::strftime(buffer.data(), buffer.size(), "%Y-%m-%d %H:%M:%S", &tm);
        break;
    case TimeFormat::local_time_of_day:
        length = std::strftime(buffer.data(), buffer.size(), "%H:%M:%S", &tm);
        break;
    }
    return std::string(buffer.data(), length);
}

bool all_digits(std::string_view text)
{
    if (text.empty())
        return false;
    for (const char c : text)
        if (std::isdigit(static_cast<unsigned char>(c)) == 0)
            return false;
    return true;
}

/// Reads exactly @p width digits at @p pos.
std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t width)
{
    if (pos + width > text.size() || !all_digits(text.substr(pos, width)))
        return std::nullopt;
    int value = 0;
    std::from_chars(text.data() + pos, text.data() + pos + width, value);
    return value;
}

/// "1h30m": the sum of number-unit groups, in microseconds; nullopt when not of that form.
std::optional<std::int64_t> relative_us(std::string_view text)
{
    if (text.empty())
        return std::nullopt;
    std::int64_t total = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = pos;
        while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end])) != 0)
            ++end;
        if (end == pos || end == text.size() || end - pos > 9)
            return std::nullopt;
        std::int64_t amount = 0;
        std::from_chars(text.data() + pos, text.data() + end, amount);
        std::int64_t unit_s = 0;
        switch (text[end]) {
        case 's':
            unit_s = 1;
            break;
        case 'm':
            unit_s = 60;
            break;
        case 'h':
            unit_s = 3600;
            break;
        case 'd':
            unit_s = 86400;
            break;
        case 'w':
            unit_s = std::int64_t{7} * 86400;
            break;
        default:
            return std::nullopt;
        }
        total += amount * unit_s * us_per_s;
        pos = end + 1;
    }
    return total;
}

/// "1714564800" or "1714564800.25": Unix seconds.
std::optional<std::int64_t> unix_seconds_us(std::string_view text)
{
    const std::size_t dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    const std::string_view fraction =
        dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
    if (!all_digits(whole) || whole.size() > 12 ||
        (dot != std::string_view::npos && !all_digits(fraction)))
        return std::nullopt;
    std::int64_t seconds = 0;
    std::from_chars(whole.data(), whole.data() + whole.size(), seconds);
    std::int64_t micros = 0;
    std::int64_t scale = us_per_s / 10;
    for (std::size_t i = 0; i < fraction.size() && scale > 0; ++i, scale /= 10)
        micros += (fraction[i] - '0') * scale;
    return seconds * us_per_s + micros;
}

/// ISO 8601 date, optional time, optional fraction, optional zone (see parse_time()).
std::optional<std::int64_t> iso8601_us(std::string_view text)
{
    std::tm tm{};
    const auto year = digits(text, 0, 4);
    const auto month = digits(text, 5, 2);
    const auto day = digits(text, 8, 2);
    if (!year || !month || !day || text[4] != '-' || text[7] != '-')
        return std::nullopt;
    tm.tm_year = *year - 1900;
    tm.tm_mon = *month - 1;
    tm.tm_mday = *day;
    std::size_t pos = 10;
    std::int64_t micros = 0;
    if (pos < text.size() && (text[pos] == 'T' || text[pos] == ' ')) {
        const auto hour = digits(text, pos + 1, 2);
        const auto minute = digits(text, pos + 4, 2);
        if (!hour || !minute || text[pos + 3] != ':')
            return std::nullopt;
        tm.tm_hour = *hour;
        tm.tm_min = *minute;
        pos += 6;
        if (pos < text.size() && text[pos] == ':') {
            const auto second = digits(text, pos + 1, 2);
            if (!second)
                return std::nullopt;
            tm.tm_sec = *second;
            pos += 3;
            if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
                std::int64_t scale = us_per_s / 10;
                ++pos;
                const std::size_t start = pos;
                for (; pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]));
                     ++pos, scale /= 10)
                    micros += (text[pos] - '0') * scale;
                if (pos == start)
                    return std::nullopt;
            }
        }
    }
    if (*month < 1 || *month > 12 || *day < 1 || *day > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
        tm.tm_sec > 60)
        return std::nullopt;

    const std::string_view zone = text.substr(pos);
    std::time_t seconds = 0;
    if (zone.empty()) {
        tm.tm_isdst = -1; // local time: let mktime find out whether DST applies
        seconds = std::mktime(&tm);
        if (seconds == static_cast<std::time_t>(-1))
            return std::nullopt;
    } else {
        std::int64_t offset_s = 0;
        if (zone != "Z" && zone != "z") {
            const auto hours = digits(zone, 1, 2);
            const bool colon = zone.size() == 6 && zone[3] == ':';
            const auto minutes = digits(zone, colon ? 4 : 3, 2);
            if ((zone[0] != '+' && zone[0] != '-') || !hours || !minutes ||
                zone.size() != (colon ? 6U : 5U))
                return std::nullopt;
            offset_s = (std::int64_t{*hours} * 3600 + std::int64_t{*minutes} * 60) *
                       (zone[0] == '-' ? -1 : 1);
        }
        seconds = timegm(&tm) - static_cast<std::time_t>(offset_s);
    }
    return static_cast<std::int64_t>(seconds) * us_per_s + micros;
}

} // namespace

std::string iso8601_utc(std::int64_t time_us)
{
    const std::int64_t millis = (time_us - floor_div(time_us, us_per_s) * us_per_s) / 1000;
    std::string fraction = std::to_string(millis);
    fraction.insert(0, 3 - fraction.size(), '0');
    return format_time(time_us, TimeFormat::iso_utc_seconds) + "." + fraction + "Z";
}

std::string local_date_time(std::int64_t time_us)
{
    return format_time(time_us, TimeFormat::local_date_time);
}

std::string local_time_of_day(std::int64_t time_us)
{
    return format_time(time_us, TimeFormat::local_time_of_day);
}

std::int64_t now_us()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::int64_t parse_time(std::string_view text, std::int64_t now)
{
    if (const auto back = relative_us(text))
        return now - *back;
    if (const auto unix_time = unix_seconds_us(text))
        return *unix_time;
    if (const auto iso = iso8601_us(text))
        return *iso;
    throw TimeSyntaxError("cannot read the time '" + std::string(text) +
                          "': give a duration back from now (30m, 1h, 2d, 1h30m), Unix seconds "
                          "(1714564800) or ISO 8601 (2024-05-01T14:00:00, 2024-05-01T12:00:00Z, "
                          "2024-05-01)");
}

} // namespace cmrctl::client
