// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file config_error.hpp
/// The one error type of configuration loading.

#include <stdexcept>
#include <string>

namespace cmrd::config {

/// A configuration that cannot be used: unreadable file, TOML syntax error, unknown key, wrong
/// type, value out of range, inconsistent settings. what() is one line,
/// `FILE:LINE:COL: KEY: problem` (KEY the dotted key path, e.g. `device[2].channels`, with
/// 0-based entry indexes; omitted for syntax errors), or `FILE: problem` when no position
/// applies (a file that cannot be read), so that it can go to a log or a D-Bus error as is.
class ConfigError : public std::runtime_error {
public:
    /// An error at a position in the file.
    ConfigError(std::string file, int line, int column, std::string key, std::string problem);
    /// An error about the file as a whole (line and column 0, no key).
    ConfigError(std::string file, std::string problem);

    [[nodiscard]] const std::string& file() const { return file_; }
    [[nodiscard]] int line() const { return line_; }              ///< 1-based; 0 when none applies
    [[nodiscard]] int column() const { return column_; }          ///< 1-based; 0 when none applies
    [[nodiscard]] const std::string& key() const { return key_; } ///< dotted path; may be empty
    [[nodiscard]] const std::string& problem() const { return problem_; }

private:
    std::string file_;
    int line_ = 0;
    int column_ = 0;
    std::string key_;
    std::string problem_;
};

} // namespace cmrd::config
