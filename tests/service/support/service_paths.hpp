// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file service_paths.hpp
/// Where the things under test are: meson passes them in the environment (tests/service/
/// meson.build), so the tests run the build's own cmrd, policy and scenario.

#include <filesystem>

namespace cmrd::service::testing {

/// The cmrd binary ($CMRD).
[[nodiscard]] std::filesystem::path cmrd_binary();
/// The cmrd-agent binary ($CMRD_AGENT).
[[nodiscard]] std::filesystem::path cmrd_agent_binary();
/// The cmrctl binary ($CMRCTL).
[[nodiscard]] std::filesystem::path cmrctl_binary();
/// The tests' bus flooding client, bus_flood.cpp ($CMRD_BUS_FLOOD).
[[nodiscard]] std::filesystem::path bus_flood_binary();
/// The project's source tree ($CMR_SOURCE_ROOT).
[[nodiscard]] std::filesystem::path source_root();
/// The D-Bus policy file as configured by the build ($CMRD_DBUS_POLICY).
[[nodiscard]] std::filesystem::path dbus_policy_file();
/// The sysusers.d snippet creating the cmrd user ($CMRD_SYSUSERS).
[[nodiscard]] std::filesystem::path sysusers_snippet();
/// The API's definition, dbus/org.cmrd.Monitor1.xml in the source tree.
[[nodiscard]] std::filesystem::path api_definition();
/// examples/ground-loop.toml: the scenario every simulated interface here plays.
[[nodiscard]] std::filesystem::path ground_loop_scenario();
/// tests/service/steady-lines.toml: four steady lines, every input different.
[[nodiscard]] std::filesystem::path steady_scenario();

} // namespace cmrd::service::testing
