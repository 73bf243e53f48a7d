// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/config_error.hpp"

#include <utility>

namespace cmrd::config {
namespace {

std::string format_message(const std::string& file, int line, int column, const std::string& key,
                           const std::string& problem)
{
    std::string text = file;
    if (line > 0)
        text += ':' + std::to_string(line) + ':' + std::to_string(column);
    text += ": ";
    if (!key.empty())
        text += key + ": ";
    text += problem;
    // One line, whatever a problem text (e.g. a TOML parser's description) contains.
    for (char& c : text)
        if (c == '\n' || c == '\r')
            c = ' ';
    return text;
}

} // namespace

ConfigError::ConfigError(std::string file, int line, int column, std::string key,
                         std::string problem)
    : std::runtime_error(format_message(file, line, column, key, problem)), file_(std::move(file)),
      line_(line), column_(column), key_(std::move(key)), problem_(std::move(problem))
{}

ConfigError::ConfigError(std::string file, std::string problem)
    : ConfigError(std::move(file), 0, 0, {}, std::move(problem))
{}

} // namespace cmrd::config
