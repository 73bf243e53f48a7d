// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/toml_reader.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <utility>
#include <vector>

#include "config/config_error.hpp"

namespace cmrd::config {
namespace {

/// Quotes a string for a one-line message: escapes quotes, backslashes and control
/// characters, and shortens long values.
std::string quote(std::string_view text)
{
    constexpr std::size_t max_shown = 60;
    std::string out = "\"";
    for (std::size_t i = 0; i < text.size() && i < max_shown; ++i) {
        const char c = text[i];
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += '?';
        } else {
            out += c;
        }
    }
    if (text.size() > max_shown)
        out += "...";
    return out + '"';
}

/// Levenshtein distance, for "did you mean" suggestions (keys are short).
std::size_t edit_distance(std::string_view a, std::string_view b)
{
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
            row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
            diagonal = above;
        }
    }
    return row[b.size()];
}

int as_int(std::uint32_t value)
{
    return static_cast<int>(std::min<std::uint32_t>(value, 1U << 30U));
}

} // namespace

std::string format_number(double value)
{
    std::array<char, 64> buffer{};
    const auto [end, error] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    if (error != std::errc{})
        return "?";
    return {buffer.data(), end};
}

std::string describe_value(const toml::node& node)
{
    switch (node.type()) {
    case toml::node_type::string:
        return "string " + quote(node.as_string()->get());
    case toml::node_type::integer:
        return "integer " + std::to_string(node.as_integer()->get());
    case toml::node_type::floating_point:
        return "float " + format_number(node.as_floating_point()->get());
    case toml::node_type::boolean:
        return node.as_boolean()->get() ? "boolean true" : "boolean false";
    case toml::node_type::table:
        return "a table";
    case toml::node_type::array:
        return "an array";
    case toml::node_type::date:
        return "a date";
    case toml::node_type::time:
        return "a time";
    case toml::node_type::date_time:
        return "a date-time";
    case toml::node_type::none:
        break;
    }
    return "nothing";
}

TableReader::TableReader(const toml::table& table, std::string path, std::string source)
    : table_(table), path_(std::move(path)), source_(std::move(source))
{}

std::string TableReader::key_path(std::string_view key) const
{
    if (path_.empty())
        return std::string(key);
    return path_ + '.' + std::string(key);
}

void TableReader::fail_at(const toml::node& node, std::string_view key,
                          const std::string& problem) const
{
    const toml::source_position where = node.source().begin;
    throw ConfigError(source_, as_int(where.line), as_int(where.column), key_path(key), problem);
}

void TableReader::fail(std::string_view key, const std::string& problem) const
{
    const toml::node* node = table_.get(key);
    fail_at(node != nullptr ? *node : static_cast<const toml::node&>(table_), key, problem);
}

void TableReader::fail_here(const std::string& problem) const
{
    const toml::source_position where = table_.source().begin;
    throw ConfigError(source_, as_int(where.line), as_int(where.column), path_, problem);
}

const toml::node* TableReader::lookup(std::string_view key)
{
    known_.emplace(key);
    return table_.get(key);
}

const toml::node* TableReader::value(std::string_view key)
{
    return lookup(key);
}

std::optional<double> TableReader::number(std::string_view key, double min, double max)
{
    const toml::node* node = lookup(key);
    if (node == nullptr)
        return std::nullopt;
    double number = 0.0;
    if (const auto* integer = node->as_integer())
        number = static_cast<double>(integer->get());
    else if (const auto* floating = node->as_floating_point())
        number = floating->get();
    else
        fail_at(*node, key, "expected a number, got " + describe_value(*node));
    // Written so that NaN fails too.
    if (!(number >= min && number <= max))
        fail_at(*node, key,
                format_number(number) + " is out of range (" + format_number(min) + " to " +
                    format_number(max) + ")");
    return number;
}

std::optional<std::int64_t> TableReader::integer(std::string_view key, std::int64_t min,
                                                 std::int64_t max)
{
    const toml::node* node = lookup(key);
    if (node == nullptr)
        return std::nullopt;
    const auto* integer = node->as_integer();
    if (integer == nullptr)
        fail_at(*node, key, "expected an integer, got " + describe_value(*node));
    const std::int64_t number = integer->get();
    if (number < min || number > max)
        fail_at(*node, key,
                std::to_string(number) + " is out of range (" + std::to_string(min) + " to " +
                    std::to_string(max) + ")");
    return number;
}

std::optional<bool> TableReader::boolean(std::string_view key)
{
    const toml::node* node = lookup(key);
    if (node == nullptr)
        return std::nullopt;
    const auto* boolean = node->as_boolean();
    if (boolean == nullptr)
        fail_at(*node, key, "expected true or false, got " + describe_value(*node));
    return boolean->get();
}

std::optional<std::string> TableReader::string(std::string_view key)
{
    const toml::node* node = lookup(key);
    if (node == nullptr)
        return std::nullopt;
    const auto* string = node->as_string();
    if (string == nullptr)
        fail_at(*node, key, "expected a string, got " + describe_value(*node));
    if (string->get().empty())
        fail_at(*node, key, "must not be empty");
    return string->get();
}

const toml::table* TableReader::table(std::string_view key)
{
    const toml::node* node = lookup(key);
    if (node == nullptr)
        return nullptr;
    const auto* table = node->as_table();
    if (table == nullptr)
        fail_at(*node, key, "expected a table, got " + describe_value(*node));
    return table;
}

const toml::array* TableReader::table_array(std::string_view key, std::string_view header)
{
    const toml::node* node = lookup(key);
    if (node == nullptr)
        return nullptr;
    const auto* array = node->as_array();
    if (array != nullptr && array->empty())
        return nullptr;
    if (array == nullptr || !array->is_array_of_tables())
        fail_at(*node, key,
                "expected " + std::string(header) + " entries (an array of tables), got " +
                    (array == nullptr ? describe_value(*node) : "an array of other values"));
    return array;
}

void TableReader::reject_unknown_keys() const
{
    // The table iterates in key order; report the unknown key that comes first in the file.
    const toml::key* first = nullptr;
    for (auto&& [key, node] : table_) {
        if (known_.contains(key.str()))
            continue;
        const toml::source_position where = key.source().begin;
        if (first == nullptr || where < first->source().begin)
            first = &key;
    }
    if (first == nullptr)
        return;

    std::string problem = "unknown key";
    const std::string* best = nullptr;
    std::size_t best_distance = 3; // suggest only near misses (a typo or two)
    for (const std::string& candidate : known_) {
        const std::size_t distance = edit_distance(first->str(), candidate);
        if (distance < best_distance) {
            best_distance = distance;
            best = &candidate;
        }
    }
    if (best != nullptr) {
        problem += " (did you mean " + *best + "?)";
    } else {
        problem += " (known here:";
        for (const std::string& candidate : known_)
            problem += ' ' + candidate;
        problem += ')';
    }
    const toml::source_position where = first->source().begin;
    throw ConfigError(source_, as_int(where.line), as_int(where.column), key_path(first->str()),
                      problem);
}

} // namespace cmrd::config
