// SPDX-License-Identifier: GPL-2.0-or-later
#include "table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <utility>

#include "channel_json.hpp"

namespace cmrctl {

namespace {

std::string pad(const std::string& text, std::size_t width, TextTable::Align align)
{
    if (text.size() >= width)
        return text;
    const std::string fill(width - text.size(), ' ');
    return align == TextTable::Align::left ? text + fill : fill + text;
}

void append_line(std::string& out, std::string line)
{
    while (!line.empty() && line.back() == ' ')
        line.pop_back();
    out += line;
    out += '\n';
}

} // namespace

TextTable::TextTable(std::vector<Column> columns, std::string indent)
    : columns_(std::move(columns)), indent_(std::move(indent))
{}

void TextTable::add_row(std::vector<std::string> cells)
{
    if (cells.size() > columns_.size())
        throw std::invalid_argument("TextTable::add_row: more cells than columns");
    cells.resize(columns_.size());
    rows_.push_back(std::move(cells));
}

std::string TextTable::render() const
{
    constexpr std::size_t gap = 2;
    std::vector<std::size_t> widths(columns_.size());
    bool has_units = false;
    for (std::size_t c = 0; c < columns_.size(); ++c) {
        widths[c] = std::max(columns_[c].title.size(), columns_[c].unit.size());
        has_units = has_units || !columns_[c].unit.empty();
        for (const auto& row : rows_)
            widths[c] = std::max(widths[c], row[c].size());
    }

    std::string out;
    const auto emit = [&](auto cell_of) {
        std::string line = indent_;
        for (std::size_t c = 0; c < columns_.size(); ++c) {
            if (c > 0)
                line.append(gap, ' ');
            line += pad(cell_of(c), widths[c], columns_[c].align);
        }
        append_line(out, std::move(line));
    };
    emit([&](std::size_t c) { return columns_[c].title; });
    if (has_units)
        emit([&](std::size_t c) { return columns_[c].unit; });
    for (const auto& row : rows_)
        emit([&](std::size_t c) { return row[c]; });
    return out;
}

std::string format_fixed(std::optional<double> value, int decimals, bool plus_sign)
{
    if (!value || !std::isfinite(*value))
        return "-";
    const double rounded = round_to(*value, decimals);
    char text[64];
    std::snprintf(text, sizeof text, plus_sign ? "%+.*f" : "%.*f", decimals, rounded);
    return text;
}

std::string format_cmrr(const cmr::ChannelResult& result)
{
    if (!result.spec.is_pair() || !result.cmrr_db || !std::isfinite(*result.cmrr_db))
        return "-";
    switch (result.cmrr_kind) {
    case cmr::CmrrKind::measured:
        return format_fixed(result.cmrr_db, db_decimals);
    case cmr::CmrrKind::lower_bound:
        return ">= " + format_fixed(result.cmrr_db, db_decimals);
    case cmr::CmrrKind::none:
        break;
    }
    return "-";
}

std::string format_channel_table(std::span<const cmr::ChannelResult> channels,
                                 std::span<const cmr::AlarmKind> alarms, const std::string& indent)
{
    using Align = TextTable::Align;
    TextTable table(
        {
            {"Channel", "", Align::left},
            {"Level", "dBFS", Align::right},
            {"Hum", "dBFS", Align::right},
            {"CM hum", "dBFS", Align::right},
            {"CMRR", "dB", Align::right},
            {"Symmetry", "", Align::left},
            {"Leg gain", "dB", Align::right},
            {"Alarm", "", Align::left},
        },
        indent);
    for (std::size_t i = 0; i < channels.size(); ++i) {
        const cmr::ChannelResult& result = channels[i];
        const bool pair = result.spec.is_pair();
        table.add_row({
            result.spec.id(),
            format_fixed(result.level_dbfs, db_decimals),
            format_fixed(result.hum_dbfs, db_decimals),
            pair ? format_fixed(result.cm_hum_dbfs, db_decimals) : "-",
            format_cmrr(result),
            pair && result.symmetry ? std::string(cmr::to_string(*result.symmetry)) : "-",
            pair ? format_fixed(result.leg_gain_db, gain_decimals, true) : "-",
            i < alarms.size() ? std::string(cmr::to_string(alarms[i])) : "-",
        });
    }
    return table.render();
}

namespace {

/// "k1 -70.1  k3 -82.4 ..." for the harmonics clear of the floor, wrapped after @p width
/// columns with continuation lines starting at @p lead.size().
std::string harmonic_line(std::string lead, const cmr::HarmonicList& harmonics, int width)
{
    const std::string continuation(lead.size(), ' ');
    std::string out;
    std::string line = std::move(lead);
    bool any = false;
    bool line_has_entries = false;
    for (const cmr::Harmonic& harmonic : harmonics) {
        if (!harmonic.dbfs || !std::isfinite(*harmonic.dbfs))
            continue;
        any = true;
        std::string entry =
            pad("k" + std::to_string(harmonic.k) + " " + format_fixed(harmonic.dbfs, db_decimals),
                11, TextTable::Align::left);
        if (line_has_entries && static_cast<int>(line.size() + entry.size()) > width) {
            append_line(out, std::move(line));
            line = continuation;
        }
        line += entry;
        line_has_entries = true;
    }
    if (harmonics.count == 0)
        line += "not measured";
    else if (!any)
        line += "none clear of the noise floor";
    append_line(out, std::move(line));
    return out;
}

} // namespace

std::string format_harmonics(std::span<const cmr::ChannelResult> channels,
                             const std::string& indent, int width)
{
    std::size_t id_width = 0;
    for (const cmr::ChannelResult& result : channels)
        id_width = std::max(id_width, result.spec.id().size());

    std::string out;
    for (const cmr::ChannelResult& result : channels) {
        const std::string id = pad(result.spec.id(), id_width, TextTable::Align::left);
        if (result.spec.is_pair()) {
            out += harmonic_line(indent + id + "  D   ", result.harmonics, width);
            out += harmonic_line(indent + std::string(id_width, ' ') + "  CM  ",
                                 result.cm_harmonics, width);
        } else {
            out += harmonic_line(indent + id + "      ", result.harmonics, width);
        }
    }
    return out;
}

} // namespace cmrctl
