// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file cmrd_rig.hpp
/// Everything one test needs around a real cmrd: a scratch directory, the simulated 8-input
/// interface playing examples/ground-loop.toml (ALSA PCMs `sim8` and `sim8b`, two independent
/// instances of it), a private bus, a recording client and cmrd itself, started on a
/// configuration the test writes.

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cmrd_process.hpp"
#include "monitor_client.hpp"
#include "private_bus.hpp"
#include "scratch_dir.hpp"
#include "service_paths.hpp"
#include "simulated_interface.hpp"

namespace cmrd::service::testing {

/// The layout of the four lines of ground-loop.toml.
inline constexpr const char* ground_loop_layout = "1/2 3/4 5/6 7/8";

struct RigOptions {
    BusKind bus = BusKind::session;
    /// Run cmrd as the `cmrd` user (the test must be root; files are made readable for it).
    bool as_cmrd_user = false;
    /// cmrd.toml's text.
    std::string config;
    /// Policy files a system-like bus includes (the project's own, from the build tree).
    std::vector<std::filesystem::path> policies;
    /// Environment changes for cmrd (e.g. NOTIFY_SOCKET and WATCHDOG_USEC).
    EnvironmentChanges environment = {};
    /// `sim8` takes one opener at a time, as hardware (a second open fails with -EBUSY).
    bool one_opener = false;
    /// What the simulated interface plays (a cmr-synth scenario).
    std::filesystem::path scenario = ground_loop_scenario();
    /// Runs on the (empty) state directory before cmrd starts: to place an event log there,
    /// or mount a small file system on it. What it makes is given to the cmrd user too.
    std::function<void(const std::filesystem::path& state_dir)> prepare_state;
};

/// cmrd on a session bus, as the test's own user, with this cmrd.toml.
[[nodiscard]] inline RigOptions session_rig(std::string config)
{
    RigOptions options;
    options.config = std::move(config);
    return options;
}

class CmrdRig {
public:
    /// Sets everything up and starts cmrd, waiting until it serves. @throws on any failure
    explicit CmrdRig(const RigOptions& options);
    ~CmrdRig();
    CmrdRig(const CmrdRig&) = delete;
    CmrdRig& operator=(const CmrdRig&) = delete;

    /// Replaces cmrd.toml (cmrd reads it on SIGHUP or Reload).
    void write_config(const std::string& text) const;
    [[nodiscard]] const std::filesystem::path& config_path() const { return config_path_; }
    [[nodiscard]] const std::filesystem::path& state_dir() const { return state_dir_; }

    [[nodiscard]] const ScratchDir& dir() const { return dir_; }
    [[nodiscard]] const cmr::sim::SimulatedInterface& sim() const { return sim_; }
    [[nodiscard]] PrivateBus& bus() { return bus_; }
    [[nodiscard]] MonitorClient& client() { return client_; }
    [[nodiscard]] CmrdProcess& cmrd() { return *cmrd_; }

private:
    ScratchDir dir_;
    std::filesystem::path config_path_;
    std::filesystem::path state_dir_;
    cmr::sim::SimulatedInterface sim_;
    PrivateBus bus_;
    MonitorClient client_;
    std::unique_ptr<CmrdProcess> cmrd_; ///< started once the files are ready
};

/// A device's object path (names of letters and digits only: no escaping needed).
[[nodiscard]] std::string device_path(const std::string& device);
/// A pair's Channel object path: pair_H_C under its device.
[[nodiscard]] std::string pair_path(const std::string& device, int hot, int cold);

} // namespace cmrd::service::testing
