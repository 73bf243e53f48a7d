// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file config_loader.hpp
/// Reading cmrd.toml into a DaemonConfig. Everything is checked at load, so that a reload can
/// reject a broken file and keep the running configuration: unknown keys (a typo must not be
/// silently ignored), wrong types, values out of range, inconsistent thresholds, bad layouts,
/// duplicate names. The first problem found is thrown as a ConfigError naming file, line,
/// column and key.

#include <filesystem>
#include <string>
#include <string_view>

#include "config/config_error.hpp"
#include "config/daemon_config.hpp"

namespace cmrd::config {

/// The built-in defaults (no file): what DaemonConfig{} holds, with an empty `source`.
[[nodiscard]] DaemonConfig default_config();

/// The largest cmrd.toml read (the shipped one is a few KiB).
inline constexpr std::size_t max_config_bytes = std::size_t{1} << 20U;

/// Reads and parses a configuration file; `source` of the result is @p path.
/// @throws ConfigError `PATH: cannot read: <strerror>` when the file cannot be read, is not a
///         regular file (a directory, FIFO, device) or is larger than max_config_bytes, or any
///         error parse_config() reports.
[[nodiscard]] DaemonConfig load_config(const std::filesystem::path& path);

/// Parses configuration text. @p source_name names it in error messages and becomes `source`.
/// Keys absent from the text keep their defaults, so an empty text gives default_config()
/// (with `source` set).
/// @throws ConfigError for the first problem found.
[[nodiscard]] DaemonConfig parse_config(std::string_view text, std::string source_name);

} // namespace cmrd::config
