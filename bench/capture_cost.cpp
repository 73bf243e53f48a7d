// SPDX-License-Identifier: GPL-2.0-or-later
// Benchmark (a program, never a test): what live capture plus analysis costs, for 4, 16 and 32
// balanced pairs (8 to 64 inputs) at 48 kHz, captured from the simulated interface.
//
// The simulator replays a pre-rendered recording (cheap for it), and for each size two runs
// are measured on the capturing thread alone, from /proc/self/task/TID (schedstat: CPU time in
// ns; status: context switches):
//   baseline  a plain alsa-lib reader of the same PCM with the same period (the cost of the
//             simulated "hardware" and alsa-lib, which a real card's driver would not charge
//             to cmrd),
//   cmrd      the CaptureEngine: capture, format conversion, analysis, result hand-off.
// The figure that matters is cmrd - baseline, as a percentage of one core; wake-ups per second
// are the capture thread's voluntary context switches.
//
// Usage: capture_cost [SECONDS per run, default 10]
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <alsa/asoundlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "capture/capture_engine.hpp"
#include "simulated_interface.hpp"
#include "studio_recording.hpp"

namespace {

struct ThreadUsage {
    double cpu_s = 0.0;
    long switches = 0;
};

ThreadUsage thread_usage(pid_t tid)
{
    ThreadUsage u;
    const std::string dir = "/proc/self/task/" + std::to_string(tid);
    std::ifstream sched(dir + "/schedstat");
    long long ns = 0;
    sched >> ns;
    u.cpu_s = static_cast<double>(ns) * 1e-9;
    std::ifstream status(dir + "/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("voluntary_ctxt_switches:", 0) == 0)
            u.switches = std::stol(line.substr(line.find(':') + 1));
    return u;
}

struct Cost {
    double cpu_percent = 0.0;
    double wakeups_per_s = 0.0;
};

Cost measure(pid_t tid, double seconds)
{
    const ThreadUsage a = thread_usage(tid);
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    const ThreadUsage b = thread_usage(tid);
    return {100.0 * (b.cpu_s - a.cpu_s) / seconds,
            static_cast<double>(b.switches - a.switches) / seconds};
}

// A minimal blocking reader with the engine's stream settings.
Cost baseline(const std::string& pcm_name, int channels, double seconds)
{
    snd_pcm_t* pcm = nullptr;
    if (snd_pcm_open(&pcm, pcm_name.c_str(), SND_PCM_STREAM_CAPTURE, 0) < 0)
        throw std::runtime_error("baseline: cannot open " + pcm_name);
    // The engine's defaults: 5 ms periods, a 200 ms buffer.
    snd_pcm_hw_params_t* hw = nullptr;
    snd_pcm_hw_params_alloca(&hw);
    unsigned rate = 48000, period_us = 5000, buffer_us = 200000;
    int dir = 0;
    if (snd_pcm_hw_params_any(pcm, hw) < 0 ||
        snd_pcm_hw_params_set_access(pcm, hw, SND_PCM_ACCESS_RW_INTERLEAVED) < 0 ||
        snd_pcm_hw_params_set_format(pcm, hw, SND_PCM_FORMAT_S32_LE) < 0 ||
        snd_pcm_hw_params_set_channels(pcm, hw, static_cast<unsigned>(channels)) < 0 ||
        snd_pcm_hw_params_set_rate_near(pcm, hw, &rate, &dir) < 0 ||
        snd_pcm_hw_params_set_period_time_near(pcm, hw, &period_us, &dir) < 0 ||
        snd_pcm_hw_params_set_buffer_time_near(pcm, hw, &buffer_us, &dir) < 0 ||
        snd_pcm_hw_params(pcm, hw) < 0)
        throw std::runtime_error("baseline: cannot configure " + pcm_name);
    snd_pcm_uframes_t period = 0;
    snd_pcm_hw_params_get_period_size(hw, &period, &dir);
    std::vector<std::int32_t> block(period * static_cast<std::size_t>(channels));
    std::atomic<bool> done{false};
    std::atomic<pid_t> tid{0};
    std::thread reader([&] {
        tid = static_cast<pid_t>(syscall(SYS_gettid));
        while (!done) {
            const snd_pcm_sframes_t n = snd_pcm_readi(pcm, block.data(), period);
            if (n < 0)
                snd_pcm_recover(pcm, static_cast<int>(n), 1);
        }
    });
    while (tid == 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const Cost c = measure(tid, seconds);
    done = true;
    reader.join();
    snd_pcm_close(pcm);
    return c;
}

Cost engine(const std::string& pcm_name, double seconds, bool& realtime)
{
    cmrd::capture::CaptureConfig config;
    config.pcm = pcm_name;
    config.rate = 48000;
    config.device_dir.clear();
    cmrd::capture::CaptureEngine e(config);
    e.start();
    for (int i = 0; i < 500 && e.status().state != cmrd::capture::CaptureState::running; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const cmrd::capture::CaptureStatus st = e.status();
    if (st.state != cmrd::capture::CaptureState::running)
        throw std::runtime_error("engine did not start: " + st.last_error);
    realtime = st.is_realtime();
    // Let the analysis reach its steady state (all windows full, mains locked).
    std::this_thread::sleep_for(std::chrono::seconds(6));
    const Cost c = measure(st.thread_id, seconds);
    e.stop();
    return c;
}

} // namespace

int main(int argc, char** argv)
{
    const double seconds = argc > 1 ? std::stod(argv[1]) : 10.0;
    std::printf("capture + analysis cost at 48 kHz, %.0f s per run, capture thread only\n\n",
                seconds);
    std::printf("%6s %7s | %12s %10s | %12s %10s | %14s\n", "pairs", "inputs", "baseline %",
                "wakeups/s", "cmrd %", "wakeups/s", "cmrd-baseline");
    for (int pairs : {4, 16, 32}) {
        const int inputs = 2 * pairs;
        const cmrd::bench::StudioRecording recording(pairs);
        cmr::sim::SimulatedInterface sim(cmr::sim::interface_spec(inputs, {"S32_LE"}, {48000}),
                                         cmr::sim::Recording{recording.path()});
        const Cost base = baseline(sim.pcm_name(), inputs, seconds);
        bool realtime = false;
        const Cost cmrd = engine(sim.pcm_name(), seconds, realtime);
        std::printf("%6d %7d | %12.2f %10.0f | %12.2f %10.0f | %13.2f%%%s\n", pairs, inputs,
                    base.cpu_percent, base.wakeups_per_s, cmrd.cpu_percent, cmrd.wakeups_per_s,
                    cmrd.cpu_percent - base.cpu_percent, realtime ? "" : "  (not real-time)");
    }
    return 0;
}
