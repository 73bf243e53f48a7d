// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file scenario.hpp
/// Reads synthesiser scenarios (synth.hpp) from TOML files. The format is documented, key by
/// key, in examples/ground-loop.toml. Reading is strict: unknown keys, wrong types, values out
/// of range, inputs used twice and events naming unknown channels are errors.

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include "synth.hpp"

namespace cmr::synth {

/// A scenario that cannot be read. what() is one line: `FILE:LINE: KEY: problem`
/// (syntax errors: `FILE:LINE:COLUMN: problem`).
class ScenarioError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Parses scenario TOML text.
/// @param source_name the name used in error messages (normally the file name).
/// @param base_dir the directory relative programme file paths are resolved against.
/// @throws ScenarioError
[[nodiscard]] Scenario parse_scenario(std::string_view text, const std::string& source_name,
                                      const std::filesystem::path& base_dir = {});

/// Reads and parses a scenario file; relative paths inside it are relative to its directory.
/// @throws ScenarioError (also when the file cannot be read)
[[nodiscard]] Scenario load_scenario(const std::filesystem::path& path);

} // namespace cmr::synth
