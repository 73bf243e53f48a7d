// SPDX-License-Identifier: GPL-2.0-or-later
// Benchmark (a program, never a test): how long the capture thread works per wake-up, before and
// after the analysis moved to a worker thread. The time a real-time thread runs per wake-up is
// the time a sound server's or DAW's thread of lower or equal priority on that core may wait.
//
// Both runs capture the same recording from the simulated interface with the engine's stream
// settings, in a thread with the engine's real-time request, and time each wake-up from the
// return of poll() to the end of its work (steady_clock):
//   inline  what the capture thread did up to this change: read, convert, feed cmr::Analyzer,
//           publish each hop's results (the analysis hop lands in some wake-ups);
//   ring    what it does now: read, convert, push into the FrameRing (the AnalysisWorker takes
//           the same frames out and analyses them in its own normal-priority thread).
// Printed per run, as the thread's CPU time (what it took from its core) and as wall time (which
// also counts time the thread was runnable but not running: a virtual CPU the hypervisor
// paused, memory bandwidth the other core's analysis takes): wake-ups, median, 99th, 99.9th
// percentile and worst case in microseconds, and the ratios inline / ring. Figures depend on
// the machine; the ratios are the result.
//
// Usage: realtime_wakeup [SECONDS per run, default 20] [PAIRS, default 16]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include <alsa/asoundlib.h>
#include <poll.h>

#include "capture/analysis_worker.hpp"
#include "capture/frame_ring.hpp"
#include "capture/pcm_device.hpp"
#include "capture/pcm_reader.hpp"
#include "capture/realtime_scheduling.hpp"
#include "capture/shared_status.hpp"
#include "capture/triple_buffer.hpp"
#include "simulated_interface.hpp"
#include "studio_recording.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using cmrd::capture::CaptureSnapshot;

// The frames of one wake-up, to the analyzer in this thread (the code path before the change).
class InlineSink final : public cmrd::capture::FrameSink {
public:
    InlineSink(cmr::Analyzer& analyzer, cmrd::capture::TripleBuffer<CaptureSnapshot>& results)
        : analyzer_(analyzer), results_(results)
    {}
    void consume(std::span<const float> interleaved) noexcept override
    {
        analyzer_.feed(interleaved, [this](const cmr::Snapshot& s) {
            CaptureSnapshot& slot = results_.write_slot();
            slot.sequence = ++sequence_;
            slot.time_s = s.time_s;
            slot.mains_hz = s.mains_hz;
            std::copy_n(s.channels.begin(), std::min(slot.channels.size(), s.channels.size()),
                        slot.channels.begin());
            results_.publish();
        });
    }

private:
    cmr::Analyzer& analyzer_;
    cmrd::capture::TripleBuffer<CaptureSnapshot>& results_;
    std::uint64_t sequence_ = 0;
};

// The frames of one wake-up, into the ring (the code path now).
class RingSink final : public cmrd::capture::FrameSink {
public:
    RingSink(cmrd::capture::FrameRing& ring, cmrd::capture::SharedStatus& status, int channels)
        : ring_(ring), status_(status), channels_(static_cast<std::size_t>(channels))
    {}
    void consume(std::span<const float> interleaved) noexcept override
    {
        status_.count_block(interleaved.size() / channels_, ring_.push(interleaved));
    }

private:
    cmrd::capture::FrameRing& ring_;
    cmrd::capture::SharedStatus& status_;
    std::size_t channels_;
};

// The calling thread's CPU time: what the thread took from its core, whatever the hypervisor
// or the other core did meanwhile (wall time includes those).
double thread_cpu_us()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) * 1e-3;
}

struct Run {
    std::vector<double> wake_us; // wall time per wake-up
    std::vector<double> cpu_us;  // CPU time per wake-up
    std::uint64_t worker_overruns = 0;
    std::string scheduling;
};

Run capture(const std::string& pcm_name, int inputs, double seconds, bool inline_analysis)
{
    cmrd::capture::PcmHandle pcm;
    if (const int err = cmrd::capture::open_capture_pcm(pcm_name, pcm); err < 0)
        throw std::runtime_error("cannot open " + pcm_name + ": " + snd_strerror(err));
    cmrd::capture::PcmRequest request; // the engine's defaults: 48 kHz, 5 ms, 200 ms
    const cmrd::capture::PcmSettings settings =
        cmrd::capture::configure_capture_pcm(pcm.get(), request);
    cmr::AnalyzerConfig analysis;
    analysis.sample_rate = settings.rate;
    analysis.input_count = settings.channels;
    analysis.layout = cmr::default_layout(inputs);
    cmr::Analyzer analyzer(analysis);
    CaptureSnapshot initial;
    initial.channels.resize(analysis.layout.size());
    cmrd::capture::TripleBuffer<CaptureSnapshot> results(initial);
    cmrd::capture::SharedStatus status(-1);
    cmrd::capture::FrameRing ring(std::size_t{settings.rate} * 3 *
                                  static_cast<std::size_t>(settings.channels));
    cmrd::capture::AnalysisWorker worker(ring, analyzer, results, status);
    InlineSink inline_sink(analyzer, results);
    RingSink ring_sink(ring, status, settings.channels);
    cmrd::capture::FrameSink& sink =
        inline_analysis ? static_cast<cmrd::capture::FrameSink&>(inline_sink) : ring_sink;
    cmrd::capture::PcmReader reader(pcm.get(), settings);
    std::vector<pollfd> fds(static_cast<std::size_t>(snd_pcm_poll_descriptors_count(pcm.get())));
    snd_pcm_poll_descriptors(pcm.get(), fds.data(), static_cast<unsigned>(fds.size()));

    Run run;
    const auto wakes = static_cast<std::size_t>(seconds * settings.rate /
                                                static_cast<double>(settings.period_frames)) +
                       1000;
    run.wake_us.reserve(wakes);
    run.cpu_us.reserve(wakes);
    if (!inline_analysis)
        worker.start();
    const cmrd::capture::RealtimeGrant grant =
        cmrd::capture::make_this_thread_realtime(cmrd::capture::RealtimeRequest{});
    run.scheduling = grant.mode == cmrd::capture::RealtimeMode::none
                         ? "normal priority (" + grant.detail + ")"
                         : "SCHED_FIFO " + std::to_string(grant.priority);
    snd_pcm_start(pcm.get());
    // The first 6 s fill the analyzer's windows and lock mains; then the figures are taken.
    const auto warm_until = Clock::now() + std::chrono::seconds(6);
    const auto end = warm_until + std::chrono::duration<double>(seconds);
    for (auto now = Clock::now(); now < end && run.wake_us.size() < wakes; now = Clock::now()) {
        if (::poll(fds.data(), fds.size(), 200) <= 0)
            continue;
        const auto woke = Clock::now();
        const double cpu_woke = thread_cpu_us();
        const snd_pcm_sframes_t got = reader.read_available(sink);
        if (got < 0) {
            snd_pcm_prepare(pcm.get());
            snd_pcm_start(pcm.get());
        }
        const auto done = Clock::now();
        const double cpu_done = thread_cpu_us();
        if (woke >= warm_until) {
            run.wake_us.push_back(std::chrono::duration<double, std::micro>(done - woke).count());
            run.cpu_us.push_back(cpu_done - cpu_woke);
        }
    }
    worker.stop();
    run.worker_overruns = status.snapshot().worker_overruns;
    return run;
}

double percentile(std::vector<double> v, double p)
{
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
    return v[i];
}

} // namespace

int main(int argc, char** argv)
{
    const double seconds = argc > 1 ? std::stod(argv[1]) : 20.0;
    const int pairs = argc > 2 ? std::stoi(argv[2]) : 16;
    const int inputs = 2 * pairs;

    const cmrd::bench::StudioRecording recording(pairs);
    const cmr::sim::SimulatedInterface sim(cmr::sim::interface_spec(inputs, {"S32_LE"}, {48000}),
                                           cmr::sim::Recording{recording.path()});

    std::printf("capture thread work per wake-up, %d pairs (%d inputs) at 48 kHz, 5 ms periods, "
                "%.0f s per run after 6 s of warm-up\n\n",
                pairs, inputs, seconds);
    std::printf("%-12s %8s %10s %10s %10s %10s  %s\n", "path", "wakeups", "median us", "p99 us",
                "p99.9 us", "max us", "scheduling");
    struct Figures {
        double p999 = 0.0;
        double max = 0.0;
    };
    const auto row = [](const char* name, const std::vector<double>& v, const Run& r) {
        const Figures f{percentile(v, 0.999), *std::max_element(v.begin(), v.end())};
        std::printf("%-12s %8zu %10.1f %10.1f %10.1f %10.1f  %s%s\n", name, v.size(),
                    percentile(v, 0.5), percentile(v, 0.99), f.p999, f.max, r.scheduling.c_str(),
                    r.worker_overruns != 0 ? ", worker overruns!" : "");
        return f;
    };
    const Run before = capture(sim.pcm_name(), inputs, seconds, true);
    const Run after = capture(sim.pcm_name(), inputs, seconds, false);
    if (before.wake_us.empty() || after.wake_us.empty())
        throw std::runtime_error("no wake-ups measured");
    const Figures before_cpu = row("inline cpu", before.cpu_us, before);
    const Figures after_cpu = row("ring cpu", after.cpu_us, after);
    const Figures before_wall = row("inline wall", before.wake_us, before);
    const Figures after_wall = row("ring wall", after.wake_us, after);
    std::printf("\ninline / ring, CPU time: p99.9 %.1fx, worst case %.1fx\n",
                before_cpu.p999 / after_cpu.p999, before_cpu.max / after_cpu.max);
    std::printf("inline / ring, wall time: p99.9 %.1fx, worst case %.1fx\n",
                before_wall.p999 / after_wall.p999, before_wall.max / after_wall.max);
    return 0;
}
