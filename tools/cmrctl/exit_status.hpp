// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file exit_status.hpp
/// Exit statuses shared by all cmrctl commands, documented in `cmrctl --help`.
///
///   0  success
///   1  failure: an internal error, an error cmrd returned (a rejected configuration for
///      `reload`), a device or channel that cmrd does not monitor
///   2  a bad command line or bad input (a file `analyze` cannot read, a malformed time)
///   3  cmrd is not running on the bus asked for, or that bus cannot be reached
///   4  permission denied (`reload` by someone who is not an administrator)
///
/// `check` follows the monitoring-plugin convention instead (Nagios, Icinga, Naemon, ...):
/// 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (cmrd not running, an unknown channel, a bad command
/// line). Status 3 means "cmrd is not there" for every command.

namespace cmrctl {

inline constexpr int exit_ok = 0;
/// Something went wrong that is not the caller's fault (an internal error), or cmrd refused.
inline constexpr int exit_failure = 1;
/// A bad command line or bad input (a file that cannot be analysed, a malformed layout...),
/// the conventional status for usage errors.
inline constexpr int exit_bad_input = 2;
/// cmrd is not running on the bus, or the bus cannot be reached.
inline constexpr int exit_cmrd_unavailable = 3;
/// The caller is not allowed to do this (reload).
inline constexpr int exit_permission_denied = 4;

/// `cmrctl check`'s statuses (monitoring-plugin convention).
inline constexpr int check_ok = 0;
inline constexpr int check_warning = 1;
inline constexpr int check_critical = 2;
inline constexpr int check_unknown = 3;

} // namespace cmrctl
