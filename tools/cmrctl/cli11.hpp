// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file cli11.hpp
/// Includes CLI11 (2.1.2, header-only) for the cmrctl commands. At -O2, g++ 12 reports a
/// "potential null pointer dereference" inside CLI11's inlined string splitting
/// (CLI::detail::split -> std::vector<std::string>::emplace_back), a false positive of
/// -Wnull-dereference in library code that -Werror would turn into a build failure. The
/// warning is silenced for CLI11's code only; cmrctl's own code keeps it.

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <CLI/CLI.hpp>
#pragma GCC diagnostic pop
