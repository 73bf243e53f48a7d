// SPDX-License-Identifier: GPL-2.0-or-later
// [capture], [analysis], [dbus] and [event_log].
#include <cmath>
#include <string>

#include "cmr/measurement.hpp"

#include "config/config_sections.hpp"

namespace cmrd::config {
namespace {

// What libcmr's analyzer accepts (cmr::AnalyzerConfig::sample_rate).
constexpr std::int64_t min_rate = 8000;
constexpr std::int64_t max_rate = 192000;
// A period below 0.1 ms or a buffer above 10 s is no setting any interface offers.
constexpr double min_period_ms = 0.1;
constexpr double max_period_ms = 1000.0;
constexpr double min_buffer_ms = 1.0;
constexpr double max_buffer_ms = 10000.0;
// More than 50 updates per channel per second is more than any client can show and loads the
// bus for nothing.
constexpr double max_publish_rate_hz = 50.0;
// At least one update every 1000 s: a slower rate is no monitoring, and far below it the
// interval overflows the clock's integer ticks (#12 finding 8).
constexpr double min_publish_rate_hz = 0.001;
constexpr std::int64_t min_event_log_kib = 16;
constexpr std::int64_t max_event_log_kib = std::int64_t{1024} * 1024; // 1 GiB

unsigned milliseconds_to_us(double milliseconds)
{
    return static_cast<unsigned>(std::lround(milliseconds * 1000.0));
}

void read_capture(TableReader& root, CaptureSettings& capture)
{
    const toml::table* table = root.table("capture");
    if (table == nullptr)
        return;
    TableReader reader(*table, root.key_path("capture"), root.source());
    capture.rate = read_rate(reader).value_or(capture.rate);
    const std::optional<unsigned> period_us = read_period_us(reader);
    capture.period_us = period_us.value_or(capture.period_us);
    const std::optional<double> buffer_ms =
        reader.number("buffer_ms", min_buffer_ms, max_buffer_ms);
    if (buffer_ms)
        capture.buffer_us = milliseconds_to_us(*buffer_ms);
    capture.access = read_access(reader).value_or(capture.access);
    capture.realtime = reader.boolean("realtime").value_or(capture.realtime);
    capture.priority =
        static_cast<int>(reader.integer("priority", 1, 99).value_or(capture.priority));
    check_periods_fit(reader, buffer_ms ? "buffer_ms" : "period_ms", capture.buffer_us,
                      capture.period_us);
    reader.reject_unknown_keys();
}

cmr::MainsMode parse_mains(const TableReader& reader, const toml::node& node)
{
    // Written like `cmrctl analyze --mains`: auto, 50 or 60 (as a number or a string).
    if (const auto* text = node.as_string()) {
        if (text->get() == "auto")
            return cmr::MainsMode::automatic;
        if (text->get() == "50")
            return cmr::MainsMode::grid_50;
        if (text->get() == "60")
            return cmr::MainsMode::grid_60;
    } else if (const auto* number = node.as_integer()) {
        if (number->get() == 50)
            return cmr::MainsMode::grid_50;
        if (number->get() == 60)
            return cmr::MainsMode::grid_60;
    }
    reader.fail_at(node, "mains", "expected \"auto\", 50 or 60, got " + describe_value(node));
}

void read_analysis(TableReader& root, AnalysisSettings& analysis)
{
    const toml::table* table = root.table("analysis");
    if (table == nullptr)
        return;
    TableReader reader(*table, root.key_path("analysis"), root.source());
    if (const toml::node* mains = reader.value("mains"))
        analysis.mains = parse_mains(reader, *mains);
    analysis.harmonics = static_cast<unsigned>(
        reader.integer("harmonics", 1, cmr::max_harmonics).value_or(analysis.harmonics));
    reader.reject_unknown_keys();
}

void read_dbus(TableReader& root, double& publish_rate_hz)
{
    const toml::table* table = root.table("dbus");
    if (table == nullptr)
        return;
    TableReader reader(*table, root.key_path("dbus"), root.source());
    if (const std::optional<double> rate =
            reader.number("publish_rate_hz", min_publish_rate_hz, max_publish_rate_hz))
        publish_rate_hz = *rate;
    reader.reject_unknown_keys();
}

void read_event_log(TableReader& root, EventLogSettings& event_log)
{
    const toml::table* table = root.table("event_log");
    if (table == nullptr)
        return;
    TableReader reader(*table, root.key_path("event_log"), root.source());
    if (const std::optional<std::int64_t> kib =
            reader.integer("max_kib", min_event_log_kib, max_event_log_kib))
        event_log.max_bytes = static_cast<std::size_t>(*kib) * 1024;
    reader.reject_unknown_keys();
}

} // namespace

std::optional<unsigned> read_rate(TableReader& table)
{
    const std::optional<std::int64_t> rate = table.integer("rate", min_rate, max_rate);
    if (!rate)
        return std::nullopt;
    return static_cast<unsigned>(*rate);
}

std::optional<capture::AccessMode> read_access(TableReader& table)
{
    const toml::node* node = table.value("access");
    if (node == nullptr)
        return std::nullopt;
    const auto* text = node->as_string();
    const std::optional<capture::AccessMode> mode =
        text != nullptr ? capture::parse_access_mode(text->get()) : std::nullopt;
    if (!mode)
        table.fail_at(*node, "access",
                      "expected \"auto\", \"exclusive\", \"yield\" or \"shared\", got " +
                          describe_value(*node));
    return mode;
}

std::optional<unsigned> read_period_us(TableReader& table)
{
    const std::optional<double> period_ms = table.number("period_ms", min_period_ms, max_period_ms);
    if (!period_ms)
        return std::nullopt;
    return milliseconds_to_us(*period_ms);
}

void check_periods_fit(const TableReader& table, std::string_view key, unsigned buffer_us,
                       unsigned period_us)
{
    if (buffer_us < 2 * period_us)
        table.fail(key, "the buffer (" + format_number(buffer_us / 1000.0) +
                            " ms) must hold at least two periods (period " +
                            format_number(period_us / 1000.0) + " ms)");
}

void read_settings_sections(TableReader& root, DaemonConfig& config)
{
    read_capture(root, config.capture);
    read_analysis(root, config.analysis);
    read_dbus(root, config.publish_rate_hz);
    read_event_log(root, config.event_log);
}

} // namespace cmrd::config
