// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file exit_status.hpp
/// Exit statuses shared by all cmrctl commands.

namespace cmrctl {

inline constexpr int exit_ok = 0;
/// Something went wrong that is not the caller's fault (an internal error).
inline constexpr int exit_failure = 1;
/// A bad command line or bad input (a file that cannot be analysed, a malformed layout...),
/// the conventional status for usage errors.
inline constexpr int exit_bad_input = 2;

} // namespace cmrctl
