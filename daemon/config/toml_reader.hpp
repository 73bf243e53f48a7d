// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file toml_reader.hpp
/// Checked reading of one TOML table for the configuration parser (internal to config/).
/// Every accessor records the key as known, so that reject_unknown_keys() can report any key
/// nobody asked about: that is how a misspelt key becomes an error instead of being ignored.

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <toml++/toml.h>

namespace cmrd::config {

/// A one-line description of a TOML value for error messages: `string "two"`, `integer 5`,
/// `float 2.5`, `boolean true`, `a table`, `an array`, `a date`.
[[nodiscard]] std::string describe_value(const toml::node& node);

/// A number as error messages show it: the shortest text that reads back the same ("-80",
/// "2.5").
[[nodiscard]] std::string format_number(double value);

/// Reads the keys of one table. Accessors return nothing for an absent key and throw
/// ConfigError (at the value's line and column, naming `path.key`) for a present but unusable
/// one.
class TableReader {
public:
    /// @param table the table read; it must outlive the reader.
    /// @param path its dotted key path for messages ("alarms", "device[0].alarms"; empty for
    ///        the document root).
    /// @param source the file name for messages.
    TableReader(const toml::table& table, std::string path, std::string source);

    /// A number (integer or float) within [@p min, @p max].
    std::optional<double> number(std::string_view key, double min, double max);
    /// An integer within [@p min, @p max] (a float is refused: no silent truncation).
    std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max);
    std::optional<bool> boolean(std::string_view key);
    /// A non-empty string.
    std::optional<std::string> string(std::string_view key);
    /// Any value, unchecked (for keys taking several types).
    const toml::node* value(std::string_view key);
    /// A sub-table (`[path.key]` or an inline table).
    const toml::table* table(std::string_view key);
    /// An array of tables (`[[header]]` entries); @p header is how the file writes it, for the
    /// message when something else is found ("[[device]]"). An empty array gives nullptr.
    const toml::array* table_array(std::string_view key, std::string_view header);

    /// Throws ConfigError naming the first key of the table that no accessor asked about, with
    /// a suggestion when a known key is spelt similarly.
    void reject_unknown_keys() const;

    /// Throws ConfigError at @p key's value (or at the table when the key is absent).
    [[noreturn]] void fail(std::string_view key, const std::string& problem) const;
    /// Throws ConfigError at the table itself (its header), naming the table's path.
    [[noreturn]] void fail_here(const std::string& problem) const;
    /// Throws ConfigError at @p node (any node of this table's document) naming `path.key`.
    [[noreturn]] void fail_at(const toml::node& node, std::string_view key,
                              const std::string& problem) const;

    /// `path.key` (or `key` at the root).
    [[nodiscard]] std::string key_path(std::string_view key) const;
    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] const std::string& source() const { return source_; }
    [[nodiscard]] const toml::table& toml_table() const { return table_; }

private:
    const toml::node* lookup(std::string_view key);

    const toml::table& table_;
    std::string path_;
    std::string source_;
    std::set<std::string, std::less<>> known_;
};

} // namespace cmrd::config
