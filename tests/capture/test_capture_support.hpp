// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Helpers shared by the capture engine's tests against the simulated interface: waiting for a
// condition with a deadline, a capture configuration for a simulated PCM, the measurement
// scenario with known truth, and counting the process's open descriptors (a leak check).

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/eventfd.h>

#include "cmr/layout.hpp"

#include "capture/capture_config.hpp"
#include "event_fd.hpp"
#include "scenario_toml.hpp"
#include "shared_frame_ring.hpp"
#include "simulated_interface.hpp"
#include "synth.hpp"

namespace cmrd::capture::testing {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

/// Polls @p done every 5 ms until it is true or @p timeout passes. @return whether it became
/// true.
template <typename Predicate> bool wait_until(Predicate&& done, std::chrono::milliseconds timeout)
{
    const auto deadline = Clock::now() + timeout;
    while (!done()) {
        if (Clock::now() >= deadline)
            return done();
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

/// A capture configuration for a simulated PCM. Memory is not locked: a test process (and a
/// sanitizer's shadow memory) is no place for mlockall; the real-time test turns it on.
inline CaptureConfig sim_config(const std::string& pcm, const std::string& layout)
{
    CaptureConfig config;
    config.pcm = pcm;
    config.layout = cmr::parse_layout(layout);
    config.realtime.lock_memory = false;
    config.device_dir.clear();
    return config;
}

/// The mains frequency of measurement_scenario(): off the round number, so that a fixed
/// 50 Hz answer fails.
inline constexpr double scenario_mains_hz = 50.037;

/// Eight inputs whose truth the tests check: pair 3/4 carries a ground loop (common-mode hum at
/// −40 dBFS with harmonics, 1 % leg mismatch: 40 dB CMRR) under a symmetric −20 dBFS tone;
/// pair 7/8 carries weaker common-mode hum (−55 dBFS, fundamental only); single input 5 has
/// −60 dBFS of hum; the other inputs carry only the −100 dBFS noise floor. Measuring the
/// layout "3/4 7/8 5" shows that the engine feeds the analyzer the right inputs.
inline cmr::synth::Scenario measurement_scenario()
{
    cmr::synth::Scenario s;
    s.inputs = 8;
    s.sample_rate = 48000;
    s.duration_s = 120.0;
    s.seed = 2024;
    s.noise_dbfs = -100.0;
    s.mains.frequency_hz = scenario_mains_hz;

    cmr::synth::PairSpec loop;
    loop.hot = 3;
    loop.cold = 4;
    loop.mismatch = 0.01;
    loop.cm_hum = {-40.0, *cmr::synth::named_profile("ground_loop")};
    loop.programme.kind = cmr::synth::ProgrammeKind::sine;
    loop.programme.level_dbfs = -20.0;
    loop.programme.frequency_hz = 997.0;
    s.pairs.push_back(loop);

    cmr::synth::PairSpec quiet;
    quiet.hot = 7;
    quiet.cold = 8;
    quiet.mismatch = 0.001;
    quiet.cm_hum = {-55.0, {0.0}};
    s.pairs.push_back(quiet);

    cmr::synth::SingleSpec single;
    single.input = 5;
    single.hum = {-60.0, {0.0}};
    s.singles.push_back(single);
    return s;
}

/// The layout measuring measurement_scenario(): its pairs in order, then its single.
inline constexpr const char* measurement_layout = "3/4 7/8 5";

/// measurement_scenario() written once as a scenario file in a private directory, so that
/// several simulated PCMs (declared in one ALSA configuration, see pcm_block()) can play it.
class ScenarioOnDisk {
public:
    ScenarioOnDisk()
    {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "cmr-capture-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr)
            throw std::runtime_error("mkdtemp failed");
        dir_ = pattern;
        path_ = dir_ / "scenario.toml";
        std::ofstream(path_) << cmr::sim::to_toml(measurement_scenario());
    }
    ~ScenarioOnDisk() { std::filesystem::remove_all(dir_); }
    ScenarioOnDisk(const ScenarioOnDisk&) = delete;
    ScenarioOnDisk& operator=(const ScenarioOnDisk&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

    [[nodiscard]] const std::filesystem::path& directory() const { return dir_; }

    /// ALSA configuration declaring one more 8-input cmrsim PCM that plays this scenario (for
    /// InterfaceSpec::extra_config), with its own fault-control file @p control if given
    /// (write to it with cmr::sim::append_fault()).
    [[nodiscard]] std::string pcm_block(const std::string& name,
                                        const std::vector<std::string>& formats,
                                        const std::vector<unsigned>& rates,
                                        const std::filesystem::path& control = {}) const
    {
        std::string block = "pcm." + name + " {\n  type cmrsim\n  channels 8\n  formats [ ";
        for (const std::string& f : formats)
            block += cmr::sim::alsa_quoted(f) + " ";
        block += "]\n  rates [ ";
        for (const unsigned r : rates)
            block += std::to_string(r) + " ";
        block += "]\n  scenario " + cmr::sim::alsa_quoted(path_.string()) + "\n";
        if (!control.empty())
            block += "  control " + cmr::sim::alsa_quoted(control.string()) + "\n";
        return block + "}\n";
    }

private:
    std::filesystem::path dir_;
    std::filesystem::path path_;
};

/// Open file descriptors of this process.
inline int open_descriptors()
{
    int n = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd"))
        ++n;
    return n;
}

/// True while kernel thread @p tid of this process exists.
inline bool thread_exists(pid_t tid)
{
    return std::filesystem::exists("/proc/self/task/" + std::to_string(tid));
}

/// cmrd-agent's side of a server feed: a 2 s ring for 8 inputs at 48 kHz, its wake-up eventfd,
/// and feeds for engines made of duplicates of both (as D-Bus hands cmrd its own).
struct FakeAgent {
    common::SharedRingWriter ring{common::RingFormat{8, 48000, 96000}}; // 2 s
    common::UniqueFd wakeup{::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)};

    std::shared_ptr<ServerFeed> feed()
    {
        auto feed = std::make_shared<ServerFeed>();
        feed->ring = std::make_unique<common::SharedRingReader>(
            common::UniqueFd(::fcntl(ring.fd(), F_DUPFD_CLOEXEC, 0)));
        feed->wakeup = common::UniqueFd(::fcntl(wakeup.get(), F_DUPFD_CLOEXEC, 0));
        feed->source = "a test writer";
        return feed;
    }

    void write(std::span<const float> frames)
    {
        ring.write(frames);
        common::signal_event_fd(wakeup.get());
    }
};

} // namespace cmrd::capture::testing
