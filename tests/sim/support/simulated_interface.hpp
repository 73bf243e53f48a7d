// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file simulated_interface.hpp
/// A test fixture: a simulated multi-input audio interface that real alsa-lib code (and child
/// processes such as `arecord`) can open by name, backed by the `cmrsim` ALSA plugin.
///
///     cmr::sim::SimulatedInterface sim(cmr::sim::interface_spec(8, {"S32_LE"}), scenario);
///     snd_pcm_open(&pcm, sim.pcm_name().c_str(), SND_PCM_STREAM_CAPTURE, 0);
///     ...
///     sim.inject(cmr::sim::Fault::overrun);
///
/// Construction creates a private temporary directory holding an ALSA configuration (which
/// includes the system's alsa.conf, declares `pcm_type.cmrsim` and one PCM), the scenario file
/// and an empty fault-control file, and points ALSA_CONFIG_PATH at that configuration for the
/// whole process (child processes inherit it). Destruction restores the previous value and
/// removes the directory.
///
/// Because ALSA_CONFIG_PATH is process-wide, only one SimulatedInterface may exist at a time,
/// and it should be created before the test starts threads that use the environment. alsa-lib
/// notices the changed path at the next snd_pcm_open() and reloads its configuration.
///
/// The plugin is found at $CMR_SIM_PLUGIN when set, else at the path the build baked in. Tests
/// that use this fixture should list the plugin target (`cmrsim_plugin` in sim/cmrsim/meson.build)
/// in their test()'s `depends`, so `meson test` builds it.

#include <filesystem>
#include <string>
#include <vector>

#include "fault_control.hpp"
#include "synth.hpp"

namespace cmr::sim {

/// What the simulated interface offers (its "hardware"), and its ALSA name.
struct InterfaceSpec {
    int channels = 8; ///< inputs; must equal the source's count
    std::vector<std::string> formats{
        "S32_LE"};                      ///< ALSA names: S16_LE S24_LE S24_3LE S32_LE FLOAT_LE
    std::vector<unsigned> rates{48000}; ///< offered rates (a recording: its own rate only)
    std::string pcm_name = "sim";       ///< the PCM name to open
    std::string extra_config;           ///< appended verbatim to the ALSA configuration
    /// One opener at a time, as a hardware capture device: a second open fails with -EBUSY
    /// while the first is open (the plugin's `lock`, a file beside the control file).
    bool one_opener = false;
};

/// An InterfaceSpec in one expression (GCC 12 warns about designated initializers that leave
/// members out).
[[nodiscard]] inline InterfaceSpec interface_spec(int channels, std::vector<std::string> formats,
                                                  std::vector<unsigned> rates = {48000},
                                                  std::string pcm_name = "sim")
{
    InterfaceSpec spec;
    spec.channels = channels;
    spec.formats = std::move(formats);
    spec.rates = std::move(rates);
    spec.pcm_name = std::move(pcm_name);
    return spec;
}

/// A scenario TOML file to play (instead of a Scenario object).
struct ScenarioFile {
    std::filesystem::path path;
};

/// A recording (e.g. a multichannel WAV) to play in a loop at its own rate.
struct Recording {
    std::filesystem::path path;
};

/// The fixture (see the file comment).
class SimulatedInterface {
public:
    /// Plays @p scenario (written to `scenario.toml` in the fixture's directory; its
    /// sample_rate is replaced by whatever rate the client negotiates).
    SimulatedInterface(const InterfaceSpec& spec, const synth::Scenario& scenario);
    /// Plays a scenario file (made absolute).
    SimulatedInterface(const InterfaceSpec& spec, const ScenarioFile& scenario);
    /// Plays a recording (made absolute).
    SimulatedInterface(const InterfaceSpec& spec, const Recording& recording);
    ~SimulatedInterface();
    SimulatedInterface(const SimulatedInterface&) = delete;
    SimulatedInterface& operator=(const SimulatedInterface&) = delete;
    SimulatedInterface(SimulatedInterface&&) = delete;
    SimulatedInterface& operator=(SimulatedInterface&&) = delete;

    /// The name to pass to snd_pcm_open() or `arecord -D`.
    [[nodiscard]] const std::string& pcm_name() const { return spec_.pcm_name; }
    [[nodiscard]] const InterfaceSpec& spec() const { return spec_; }
    /// The private directory (removed on destruction); tests may put their own files there.
    [[nodiscard]] const std::filesystem::path& directory() const { return directory_; }
    /// The ALSA configuration file ALSA_CONFIG_PATH points at.
    [[nodiscard]] const std::filesystem::path& config_path() const { return config_path_; }
    /// The fault-control file the plugin watches.
    [[nodiscard]] const std::filesystem::path& control_path() const { return control_path_; }

    /// Sends a fault-injection command (appends a line to the control file; see
    /// fault_control.hpp). The running plugin acts on it at its next pointer query or poll.
    void inject(Fault fault) const;

    /// The ALSA configuration text this fixture writes, for the given source line (e.g.
    /// `scenario "/x.toml"`). Exposed for tests of the configuration itself.
    [[nodiscard]] static std::string alsa_config(const InterfaceSpec& spec,
                                                 const std::string& source_line,
                                                 const std::filesystem::path& control);
    /// The plugin library: $CMR_SIM_PLUGIN, or the path built in.
    [[nodiscard]] static std::filesystem::path plugin_path();

private:
    /// Creates the directory and the control file (the public constructors delegate here, so
    /// the destructor cleans up if they throw afterwards).
    explicit SimulatedInterface(const InterfaceSpec& spec);
    /// Writes the configuration and points ALSA_CONFIG_PATH at it.
    void install(const std::string& source_line);

    InterfaceSpec spec_;
    std::filesystem::path directory_;
    std::filesystem::path config_path_;
    std::filesystem::path control_path_;
    bool had_previous_ = false;
    std::string previous_config_path_;
};

/// Quotes @p text as an ALSA configuration string ("..." with \" and \\ escaped).
[[nodiscard]] std::string alsa_quoted(const std::string& text);

} // namespace cmr::sim
