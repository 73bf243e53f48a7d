// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file scenario_toml.hpp
/// Writes a synthesiser Scenario as a scenario file (the format of examples/ground-loop.toml),
/// so that a test can build a scenario in code and hand it to the simulated interface, which
/// reads files. The round trip is exact: parse_scenario(to_toml(s)) renders bit-identical
/// samples (numbers are written with 17 significant digits; `-inf` stays `-inf`).

#include <string>

#include "synth.hpp"

namespace cmr::sim {

/// The scenario as TOML text. Programme files are written with absolute paths when the
/// scenario's paths are absolute (relative ones stay relative to where the file is written).
/// @throws std::invalid_argument for what a scenario file cannot express (a seed above
///         2^63 − 1).
[[nodiscard]] std::string to_toml(const synth::Scenario& scenario);

} // namespace cmr::sim
