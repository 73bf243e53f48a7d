// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file cmd_analyze.hpp
/// `cmrctl analyze [--channels LAYOUT] [--mains auto|50|60] [--harmonics K] [--json] FILE`:
/// measures a recording offline with the daemon's analyzer and alarm engine.

namespace CLI {
class App;
} // namespace CLI

namespace cmrctl {

/// Recordings shorter than this are too short for the analyzer: its longest window spans 4 s
/// and, with the decimator's delay, its first hum figures come after 5 s of audio (measured
/// with libcmr as of this writing). Such files are still analysed; the figures it could not
/// measure come out null and a warning says why.
inline constexpr double analyze_min_duration_s = 5.0;

/// Adds the `analyze` subcommand to @p app. When the subcommand runs, its exit status is
/// stored in @p exit_status: 0 on success (alarms do not change it), 2 for bad input (one line
/// on stderr: "cmrctl analyze: FILE: problem"), 1 for an internal error.
void add_analyze_command(CLI::App& app, int& exit_status);

} // namespace cmrctl
