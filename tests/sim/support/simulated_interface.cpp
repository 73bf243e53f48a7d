// SPDX-License-Identifier: GPL-2.0-or-later
#include "simulated_interface.hpp"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "scenario_toml.hpp"

#ifndef CMR_SIM_PLUGIN_PATH
#error "CMR_SIM_PLUGIN_PATH (the built plugin's path) must be defined by the build"
#endif

// The environment is process-wide and not thread-safe: the fixture is documented as one at a
// time, set up before the test starts threads (simulated_interface.hpp).

namespace cmr::sim {

namespace {

constexpr const char* config_variable = "ALSA_CONFIG_PATH";

// The environment functions, in one place (not thread-safe: see above).
const char* get_env(const char* name)
{
    return std::getenv(name); // NOLINT(concurrency-mt-unsafe)
}
int set_env(const char* name, const char* value)
{
    return ::setenv(name, value, 1); // NOLINT(concurrency-mt-unsafe)
}
void unset_env(const char* name)
{
    ::unsetenv(name); // NOLINT(concurrency-mt-unsafe)
}

void write_file(const std::filesystem::path& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out)
        throw std::runtime_error("cannot write " + path.string());
}

} // namespace

std::string alsa_quoted(const std::string& text)
{
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

std::filesystem::path SimulatedInterface::plugin_path()
{
    if (const char* env = get_env("CMR_SIM_PLUGIN"); env != nullptr && *env != '\0')
        return env;
    return CMR_SIM_PLUGIN_PATH;
}

std::string SimulatedInterface::alsa_config(const InterfaceSpec& spec,
                                            const std::string& source_line,
                                            const std::filesystem::path& control)
{
    std::ostringstream out;
    out << "# Written by cmr::sim::SimulatedInterface "
           "(tests/sim/support/simulated_interface.cpp).\n"
        << "</usr/share/alsa/alsa.conf>\n\n"
        << "pcm_type.cmrsim {\n"
        << "    lib " << alsa_quoted(plugin_path().string()) << "\n"
        << "}\n\n"
        << "pcm." << spec.pcm_name << " {\n"
        << "    type cmrsim\n"
        << "    channels " << spec.channels << "\n"
        << "    formats [";
    for (const std::string& format : spec.formats)
        out << ' ' << alsa_quoted(format);
    out << " ]\n";
    if (!spec.rates.empty()) {
        out << "    rates [";
        for (unsigned rate : spec.rates)
            out << ' ' << rate;
        out << " ]\n";
    }
    out << "    " << source_line << "\n"
        << "    control " << alsa_quoted(control.string()) << "\n";
    if (spec.one_opener)
        out << "    lock " << alsa_quoted((control.parent_path() / "lock").string()) << "\n";
    out << "}\n";
    if (!spec.extra_config.empty())
        out << "\n" << spec.extra_config << "\n";
    return out.str();
}

SimulatedInterface::SimulatedInterface(const InterfaceSpec& spec) : spec_(spec)
{
    if (spec_.pcm_name.empty() ||
        spec_.pcm_name.find_first_of(" \t\n\"'{}[].,;=#") != std::string::npos)
        throw std::invalid_argument("SimulatedInterface: unusable PCM name \"" + spec_.pcm_name +
                                    "\"");
    std::string pattern = (std::filesystem::temp_directory_path() / "cmrsim-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
        throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
    directory_ = pattern;
    config_path_ = directory_ / "asound.conf";
    control_path_ = directory_ / "control";
    write_file(control_path_, "");
}

SimulatedInterface::SimulatedInterface(const InterfaceSpec& spec, const synth::Scenario& scenario)
    : SimulatedInterface(spec)
{
    const std::filesystem::path path = directory_ / "scenario.toml";
    write_file(path, to_toml(scenario));
    install("scenario " + alsa_quoted(path.string()));
}

SimulatedInterface::SimulatedInterface(const InterfaceSpec& spec, const ScenarioFile& scenario)
    : SimulatedInterface(spec)
{
    install("scenario " + alsa_quoted(std::filesystem::absolute(scenario.path).string()));
}

SimulatedInterface::SimulatedInterface(const InterfaceSpec& spec, const Recording& recording)
    : SimulatedInterface(spec)
{
    install("file " + alsa_quoted(std::filesystem::absolute(recording.path).string()));
}

void SimulatedInterface::install(const std::string& source_line)
{
    write_file(config_path_, alsa_config(spec_, source_line, control_path_));
    if (const char* previous = get_env(config_variable)) {
        had_previous_ = true;
        previous_config_path_ = previous;
    }
    if (set_env(config_variable, config_path_.c_str()) != 0)
        throw std::system_error(errno, std::generic_category(), "setenv ALSA_CONFIG_PATH");
}

SimulatedInterface::~SimulatedInterface()
{
    if (had_previous_)
        set_env(config_variable, previous_config_path_.c_str());
    else if (const char* current = get_env(config_variable);
             current != nullptr && config_path_ == current)
        unset_env(config_variable);
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
}

void SimulatedInterface::inject(Fault fault) const
{
    append_fault(control_path_, fault);
}

} // namespace cmr::sim
