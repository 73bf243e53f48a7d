// SPDX-License-Identifier: GPL-2.0-or-later
#include "service_paths.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace cmrd::service::testing {
namespace {

std::filesystem::path from_environment(const char* name)
{
    const char* value = std::getenv(name); // NOLINT(concurrency-mt-unsafe): never set here
    if (value == nullptr || *value == '\0')
        throw std::runtime_error(std::string("$") + name +
                                 " is not set: run this test through meson test");
    return value;
}

} // namespace

std::filesystem::path cmrctl_binary()
{
    return from_environment("CMRCTL");
}

std::filesystem::path bus_flood_binary()
{
    return from_environment("CMRD_BUS_FLOOD");
}

std::filesystem::path cmrd_binary()
{
    return from_environment("CMRD");
}

std::filesystem::path cmrd_agent_binary()
{
    return from_environment("CMRD_AGENT");
}

std::filesystem::path source_root()
{
    return from_environment("CMR_SOURCE_ROOT");
}

std::filesystem::path dbus_policy_file()
{
    return from_environment("CMRD_DBUS_POLICY");
}

std::filesystem::path sysusers_snippet()
{
    return from_environment("CMRD_SYSUSERS");
}

std::filesystem::path api_definition()
{
    return source_root() / "dbus" / "org.cmrd.Monitor1.xml";
}

std::filesystem::path ground_loop_scenario()
{
    return source_root() / "examples" / "ground-loop.toml";
}

std::filesystem::path steady_scenario()
{
    return source_root() / "tests" / "service" / "steady-lines.toml";
}

} // namespace cmrd::service::testing
