// SPDX-License-Identifier: GPL-2.0-or-later
#include "events/event_codec.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <optional>
#include <type_traits>

#include <nlohmann/json.hpp>

namespace cmrd::events {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr std::array alarm_kinds{cmr::AlarmKind::hum, cmr::AlarmKind::ground_loop,
                                 cmr::AlarmKind::cmrr_low, cmr::AlarmKind::wiring};

ordered_json number_or_null(const std::optional<double>& value)
{
    // JSON has no NaN or infinity; a figure that is not a number is not measured.
    if (!value || !std::isfinite(*value))
        return nullptr;
    return *value;
}

ordered_json text_or_null(const std::string& text)
{
    if (text.empty())
        return nullptr;
    return text;
}

std::optional<cmr::AlarmKind> alarm_from_name(std::string_view name)
{
    for (cmr::AlarmKind kind : alarm_kinds)
        if (cmr::to_string(kind) == name)
            return kind;
    return std::nullopt;
}

/// Reads an optional figure: absent or null is "not measured"; anything but a number is an
/// error (returned as its message).
std::optional<std::string> read_figure(const json& object, const char* key,
                                       std::optional<double>& out)
{
    auto it = object.find(key);
    if (it == object.end() || it->is_null())
        return std::nullopt;
    if (!it->is_number())
        return std::string("\"") + key + "\" is not a number or null";
    out = it->get<double>();
    return std::nullopt;
}

std::optional<std::string> read_text_figure(const json& object, const char* key, std::string& out)
{
    auto it = object.find(key);
    if (it == object.end() || it->is_null())
        return std::nullopt;
    if (!it->is_string())
        return std::string("\"") + key + "\" is not a string or null";
    out = it->get<std::string>();
    return std::nullopt;
}

std::optional<std::string> read_required_string(const json& object, const char* key,
                                                std::string& out)
{
    auto it = object.find(key);
    if (it == object.end() || !it->is_string())
        return std::string("\"") + key + "\" is missing or not a string";
    out = it->get<std::string>();
    return std::nullopt;
}

} // namespace

std::string_view action_name(bool raised)
{
    return raised ? "raised" : "cleared";
}

std::string iso8601_utc(std::int64_t time_us)
{
    constexpr std::int64_t us_per_s = 1'000'000;
    std::int64_t seconds = time_us / us_per_s;
    std::int64_t micros = time_us % us_per_s;
    if (micros < 0) { // floor, so times before the epoch still read forwards
        micros += us_per_s;
        --seconds;
    }
    const auto t = static_cast<std::time_t>(seconds);
    std::tm utc{};
    gmtime_r(&t, &utc);
    std::array<char, 64> text{};
    const int n = std::snprintf(text.data(), text.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
                                utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
                                utc.tm_min, utc.tm_sec, static_cast<int>(micros));
    return {text.data(), static_cast<std::size_t>(n)};
}

std::string to_json_line(const Event& event)
{
    ordered_json line;
    line["seq"] = event.sequence;
    line["time_us"] = event.time_us;
    line["time"] = iso8601_utc(event.time_us);
    line["device"] = event.device;
    line["channel"] = event.channel;
    line["alarm"] = cmr::to_string(event.alarm);
    line["action"] = action_name(event.raised);
    visit_figures(event.figures, [&line](const char* key, const auto& value) {
        if constexpr (std::is_same_v<std::decay_t<decltype(value)>, std::string>)
            line[key] = text_or_null(value);
        else
            line[key] = number_or_null(value);
    });
    return line.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

namespace {

/// The event @p object holds, or why it holds none. May throw json::exception.
ParseResult event_from_object(const json& object)
{
    if (!object.is_object())
        return ParseError{"not a JSON object"};

    Event event;
    auto seq = object.find("seq");
    if (seq == object.end() || !seq->is_number_unsigned())
        return ParseError{"\"seq\" is missing or not a non-negative integer"};
    event.sequence = seq->get<std::uint64_t>();
    // Beyond any daemon's life (2^53 events), and beyond what a JSON reader keeps exact: a
    // sequence there could only wrap the next one.
    if (event.sequence > max_sequence)
        return ParseError{"\"seq\" " + std::to_string(event.sequence) + " is beyond " +
                          std::to_string(max_sequence)};
    auto time_us = object.find("time_us");
    if (time_us == object.end() || !time_us->is_number_integer())
        return ParseError{"\"time_us\" is missing or not an integer"};
    event.time_us = time_us->get<std::int64_t>();

    std::string alarm;
    std::string action;
    for (auto [key, out] :
         {std::pair{"device", &event.device}, std::pair{"channel", &event.channel},
          std::pair{"alarm", &alarm}, std::pair{"action", &action}})
        if (auto error = read_required_string(object, key, *out))
            return ParseError{*error};
    auto kind = alarm_from_name(alarm);
    if (!kind)
        return ParseError{"unknown alarm \"" + alarm + "\""};
    event.alarm = *kind;
    if (action != "raised" && action != "cleared")
        return ParseError{"unknown action \"" + action + "\""};
    event.raised = action == "raised";

    EventFigures& f = event.figures;
    for (auto [key, out] : {std::pair{"mains_hz", &f.mains_hz}, std::pair{"hum_dbfs", &f.hum_dbfs},
                            std::pair{"cm_hum_dbfs", &f.cm_hum_dbfs},
                            std::pair{"cmrr_db", &f.cmrr_db}, std::pair{"value", &f.value}})
        if (auto error = read_figure(object, key, *out))
            return ParseError{*error};
    for (auto [key, out] :
         {std::pair{"cmrr_kind", &f.cmrr_kind}, std::pair{"symmetry", &f.symmetry}})
        if (auto error = read_text_figure(object, key, *out))
            return ParseError{*error};
    return event;
}

} // namespace

ParseResult parse_event_line(std::string_view line)
{
    json object;
    try {
        object = json::parse(line);
    } catch (const json::exception& e) {
        // parse_error, and out_of_range for a number no double holds ("time_us":1e999).
        return ParseError{std::string("not valid JSON: ") + e.what()};
    }
    // Whatever a damaged line holds, reading it is a skipped line, never an exception.
    try {
        return event_from_object(object);
    } catch (const json::exception& e) {
        return ParseError{std::string("not an event: ") + e.what()};
    }
}

} // namespace cmrd::events
