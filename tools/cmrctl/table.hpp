// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file table.hpp
/// Readable text output for a terminal of 80-100 columns: a small column-aligned table, cell
/// formatters that print "-" for figures that were not measured, and the channel table and
/// harmonic listing that `analyze` (and the live commands) print.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cmr/measurement.hpp"

namespace cmrctl {

/// A column-aligned text table. Each column has a title and an optional unit; when any column
/// has a unit, units form a second header line. Trailing blanks are trimmed from every line.
class TextTable {
public:
    enum class Align { left, right };
    struct Column {
        std::string title;
        std::string unit;
        Align align = Align::left;
    };

    /// @param indent printed before every line.
    explicit TextTable(std::vector<Column> columns, std::string indent = "");

    /// Adds a row; missing cells are blank, surplus cells are an error (std::invalid_argument).
    void add_row(std::vector<std::string> cells);

    /// The header line(s) and the rows, each ending in '\n'.
    [[nodiscard]] std::string render() const;

private:
    std::vector<Column> columns_;
    std::string indent_;
    std::vector<std::vector<std::string>> rows_;
};

/// Fixed-point text for @p value ("-13.9"), or "-" when empty or not finite.
/// @param plus_sign print a '+' before positive values (gains).
[[nodiscard]] std::string format_fixed(std::optional<double> value, int decimals,
                                       bool plus_sign = false);

/// The CMRR cell: "40.1" when measured, ">= 52.3" for a lower bound, "-" for none or singles.
[[nodiscard]] std::string format_cmrr(const cmr::ChannelResult& result);

/// The channel table: one row per channel with id, level, hum, common-mode hum, CMRR,
/// symmetry, leg gain and alarm, with units in the second header line.
/// @param alarms each channel's current alarm; missing entries print as "-".
[[nodiscard]] std::string format_channel_table(std::span<const cmr::ChannelResult> channels,
                                               std::span<const cmr::AlarmKind> alarms,
                                               const std::string& indent = "");

/// The hum harmonics of each channel, compactly: one line per signal (D or the single input,
/// and CM for pairs) listing the harmonics clear of the noise floor as "k1 -70.1", wrapped to
/// @p width columns; "none clear of the noise floor" or "not measured" (empty list) otherwise.
[[nodiscard]] std::string format_harmonics(std::span<const cmr::ChannelResult> channels,
                                           const std::string& indent = "", int width = 96);

} // namespace cmrctl
