// SPDX-License-Identifier: GPL-2.0-or-later
/// @file cmrsim_plugin.cpp
/// The simulated multi-input audio interface: an ALSA external I/O plugin (snd_pcm_ioplug),
/// built as libasound_module_pcm_cmrsim.so, that any ALSA program can open like a capture
/// device. It behaves like a `hw:` device: only its own channel count and the configured formats
/// and rates are accepted (no conversion), periods and buffers have hardware-like limits, the
/// hardware pointer advances with CLOCK_MONOTONIC, a timerfd is the poll descriptor, a reader
/// that falls a buffer behind gets an overrun, and faults can be injected at run time. The
/// configuration keys are documented in sim/cmrsim/README.md.
///
/// Frame numbering. Stream positions count from the stream's prepare (alsa-lib's appl_ptr and
/// hw_ptr). The sample at position p is the source's frame `signal_offset + p`, rendered when
/// alsa-lib asks for it (transfer() may be called more than once for the same frames in mmap
/// mode; rendering is a pure function of the frame). The source's time is wall time since the
/// first start after hw_params, less the time the interface spent stalled or suspended: the first
/// start reads frame 0, and a restart after an xrun skips the frames that were lost meanwhile.

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <alsa/asoundlib.h>
#include <alsa/pcm_external.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <unistd.h>

#include "control_file.hpp"
#include "pacing.hpp"
#include "sample_format.hpp"
#include "scenario.hpp"
#include "signal_source.hpp"
#include "sim_config.hpp"

namespace cmr::sim {
namespace {

/// Frames rendered per pass in transfer() (bounds the float scratch buffer).
constexpr std::size_t render_chunk_frames = 256;

/// An error that fails snd_pcm_open with a particular code.
class OpenError : public std::runtime_error {
public:
    OpenError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
    [[nodiscard]] int code() const { return code_; }

private:
    int code_;
};

snd_pcm_format_t alsa_format(SampleFormat format)
{
    switch (format) {
    case SampleFormat::s16_le:
        return SND_PCM_FORMAT_S16_LE;
    case SampleFormat::s24_le:
        return SND_PCM_FORMAT_S24_LE;
    case SampleFormat::s24_3le:
        return SND_PCM_FORMAT_S24_3LE;
    case SampleFormat::s32_le:
        return SND_PCM_FORMAT_S32_LE;
    case SampleFormat::float_le:
        return SND_PCM_FORMAT_FLOAT_LE;
    }
    return SND_PCM_FORMAT_UNKNOWN;
}

/// One open PCM.
struct Simulator {
    snd_pcm_ioplug_t io{};
    std::string pcm_name;
    SimConfig config;
    std::unique_ptr<SignalSource> source;
    ControlFileReader control;
    WakeupTimer timer;
    DeviceClock clock;

    // Negotiated set-up.
    SampleFormat format = SampleFormat::s32_le;
    unsigned channels = 0;
    snd_pcm_uframes_t period = 1;
    snd_pcm_uframes_t boundary = LONG_MAX;
    snd_pcm_uframes_t avail_min = 1;
    snd_pcm_uframes_t stop_threshold = 1;

    // Faults.
    bool stalled = false;         ///< the interface's clock has stopped (until `resume`)
    bool disconnected = false;    ///< unplugged: final for this handle
    bool overrun_pending = false; ///< an injected overrun waiting for the next pointer query
    bool xrun = false;            ///< an xrun has been reported; until the next prepare
    bool suspended = false;       ///< asleep (system suspend) until snd_pcm_resume or prepare
    snd_pcm_state_t state_before_suspend = SND_PCM_STATE_PREPARED; ///< what resume restores
    std::int64_t stall_began_ns = 0;
    std::int64_t suspend_began_ns = 0;

    // Source time (see the file comment).
    bool epoch_set = false;
    std::int64_t epoch_ns = 0;
    std::int64_t paused_total_ns = 0; ///< time stalled or suspended (the source paused)
    std::int64_t signal_offset = 0;

    std::vector<float> scratch;

    /// The flock(2)ed `lock` file while open (-1 without one): closing it lets the next opener in.
    int lock_fd = -1;

    Simulator(std::string name, SimConfig cfg, std::unique_ptr<SignalSource> src,
              ControlFileReader reader)
        : pcm_name(std::move(name)), config(std::move(cfg)), source(std::move(src)),
          control(std::move(reader))
    {}
    ~Simulator()
    {
        if (lock_fd >= 0)
            ::close(lock_fd);
    }
    Simulator(const Simulator&) = delete;
    Simulator& operator=(const Simulator&) = delete;
};

/// Takes the exclusive lock of @p path for an opener. @return its descriptor, or -EBUSY while
/// another open PCM holds it, or another negative errno.
int take_lock(const std::filesystem::path& path)
{
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        return -errno;
    if (::flock(fd, LOCK_EX | LOCK_NB) < 0) {
        const int err = errno == EWOULDBLOCK ? -EBUSY : -errno;
        ::close(fd);
        return err;
    }
    return fd;
}

Simulator& simulator(snd_pcm_ioplug_t* io)
{
    return *static_cast<Simulator*>(io->private_data);
}

snd_pcm_uframes_t wrap(const Simulator& s, std::uint64_t position)
{
    return static_cast<snd_pcm_uframes_t>(position % s.boundary);
}

/// The hardware pointer at @p now. It moves a whole period at a time, at each period boundary,
/// as on a device whose position is updated by its period interrupt: then a client that reads
/// everything available stays period-aligned and is woken once per period with exactly
/// avail_min (or a period) to read, as the kernel would wake it.
std::uint64_t hardware_position(const Simulator& s, std::int64_t now)
{
    return s.clock.position(now) / s.period * s.period;
}

/// Frames the client may read: from its pointer up to the hardware position.
std::uint64_t available(const Simulator& s, std::uint64_t position)
{
    const snd_pcm_uframes_t hw = wrap(s, position);
    const snd_pcm_uframes_t appl = s.io.appl_ptr;
    return hw >= appl ? hw - appl : hw + s.boundary - appl;
}

/// Arms the poll descriptor for a running clock: readable now when the client has avail_min
/// frames to read, else at the first period boundary (a sound card's interrupt) by which it will
/// have them. Arming anew also clears an expiry not yet consumed.
void arm_wakeup(Simulator& s, std::int64_t now, std::uint64_t position, std::uint64_t avail)
{
    if (avail >= s.avail_min) {
        if (!s.timer.readable(now))
            s.timer.arm_at(now);
        return;
    }
    const std::uint64_t appl = position - avail;
    const std::uint64_t wanted = appl + s.avail_min;
    const std::uint64_t boundary = (wanted + s.period - 1) / s.period * s.period;
    s.timer.arm_at(s.clock.time_of(boundary));
}

/// Makes the poll descriptor readable exactly when the client has work: at least avail_min
/// frames to read (checked at period boundaries, like a sound card's interrupt), or an error to
/// discover. Called whenever the position or the client's pointer may have changed.
void settle_wakeup(Simulator& s, std::int64_t now, std::uint64_t position, std::uint64_t avail)
{
    if (s.disconnected || s.xrun || s.suspended) { // stays readable: the client must find out
        if (!s.timer.readable(now))
            s.timer.arm_at(now);
        return;
    }
    if (!s.clock.advancing() || s.io.state != SND_PCM_STATE_RUNNING) {
        s.timer.disarm();
        return;
    }
    arm_wakeup(s, now, position, avail);
}

/// Puts the stream to sleep as a system suspend does: the hardware stops (keeping its position)
/// and the state becomes SUSPENDED, so waits and reads fail with -ESTRPIPE. As in the kernel,
/// only a prepared or running stream (or one in xrun) can be suspended.
void suspend(Simulator& s, std::int64_t now)
{
    const snd_pcm_state_t state = s.io.state;
    if (s.suspended || s.disconnected ||
        (state != SND_PCM_STATE_PREPARED && state != SND_PCM_STATE_RUNNING &&
         state != SND_PCM_STATE_XRUN))
        return;
    s.suspended = true;
    s.state_before_suspend = state;
    s.suspend_began_ns = now;
    s.clock.stop(now);
    snd_pcm_ioplug_set_state(&s.io, SND_PCM_STATE_SUSPENDED);
}

/// Ends a suspension (resume, prepare or drop). The source paused with the interface's clock
/// (a stall already in force counts that time itself).
void end_suspension(Simulator& s, std::int64_t now)
{
    if (!s.suspended)
        return;
    s.suspended = false;
    if (!s.stalled)
        s.paused_total_ns += now - s.suspend_began_ns;
}

void apply_fault(Simulator& s, Fault fault, std::int64_t now)
{
    switch (fault) {
    case Fault::overrun:
        s.overrun_pending = true;
        break;
    case Fault::stall:
        if (!s.stalled) {
            if (s.suspended) // the suspension's time so far; the stall counts from here
                s.paused_total_ns += now - s.suspend_began_ns;
            s.stalled = true;
            s.stall_began_ns = now;
            s.clock.stall(now);
        }
        break;
    case Fault::resume:
        if (s.stalled) {
            s.stalled = false;
            s.paused_total_ns += now - s.stall_began_ns;
            s.suspend_began_ns = now; // (if suspended, the suspension counts from here)
            s.clock.resume(now);
        }
        break;
    case Fault::disconnect:
        if (!s.disconnected) {
            s.disconnected = true;
            s.clock.stop(now);
            snd_pcm_ioplug_set_state(&s.io, SND_PCM_STATE_DISCONNECTED);
        }
        break;
    case Fault::suspend:
        suspend(s, now);
        break;
    case Fault::busy: // affects later opens only
        break;
    case Fault::hang:
        // Block whoever asked (the reader's capture thread), as a driver stuck in the kernel
        // would; the stream overruns meanwhile, like hardware that kept running.
        std::this_thread::sleep_for(std::chrono::seconds(hang_seconds));
        break;
    }
}

void check_control(Simulator& s, std::int64_t now)
{
    s.control.poll([&s, now](Fault fault) { apply_fault(s, fault, now); });
}

/// Reports an xrun: the hardware stops, as a driver stops the stream.
snd_pcm_sframes_t report_xrun(Simulator& s, std::int64_t now)
{
    s.xrun = true;
    s.overrun_pending = false;
    s.clock.stop(now);
    settle_wakeup(s, now, 0, 0);
    return -EPIPE;
}

// ---- ioplug callbacks -----------------------------------------------------------------------

int sim_start(snd_pcm_ioplug_t* io)
{
    Simulator& s = simulator(io);
    if (s.disconnected)
        return -ENODEV;
    if (s.suspended)
        return -ESTRPIPE;
    const std::int64_t now = monotonic_ns();
    if (!s.epoch_set) {
        s.epoch_set = true;
        s.epoch_ns = now;
        s.paused_total_ns = 0;
        s.signal_offset = 0;
    } else {
        const std::int64_t stalled = s.paused_total_ns + (s.stalled ? now - s.stall_began_ns : 0);
        s.signal_offset =
            static_cast<std::int64_t>(frames_in(now - s.epoch_ns - stalled, s.clock.rate()));
    }
    s.clock.start(now);
    if (s.stalled)
        s.clock.stall(now);
    else // (ioplug sets the state to RUNNING only after this returns)
        arm_wakeup(s, now, hardware_position(s, now), available(s, hardware_position(s, now)));
    return 0;
}

int sim_stop(snd_pcm_ioplug_t* io)
{
    Simulator& s = simulator(io);
    const std::int64_t now = monotonic_ns();
    end_suspension(s, now); // (a drop from SUSPENDED)
    s.clock.stop(now);
    if (!s.disconnected)
        s.timer.disarm();
    return 0;
}

/// snd_pcm_resume(): wakes a suspended stream in the state it was suspended in, as a driver
/// with SNDRV_PCM_INFO_RESUME does. The hardware position continues from where it stopped and
/// the source with it (nothing is lost; the reader may find up to a buffer waiting). alsa-lib's
/// ioplug ignores this callback's result and returns 0 in any case (without it too, leaving the
/// state SUSPENDED): so the state must be set here.
int sim_resume(snd_pcm_ioplug_t* io)
{
    Simulator& s = simulator(io);
    if (!s.suspended || s.disconnected)
        return 0;
    const std::int64_t now = monotonic_ns();
    end_suspension(s, now);
    snd_pcm_ioplug_set_state(io, s.state_before_suspend);
    if (s.state_before_suspend == SND_PCM_STATE_RUNNING && !s.xrun) {
        s.clock.start(now); // a stall in force survives (see DeviceClock::start)
        const std::uint64_t position = hardware_position(s, now);
        settle_wakeup(s, now, position, available(s, position));
    } else {
        settle_wakeup(s, now, 0, 0);
    }
    return 0;
}

snd_pcm_sframes_t sim_pointer(snd_pcm_ioplug_t* io)
{
    Simulator& s = simulator(io);
    const std::int64_t now = monotonic_ns();
    check_control(s, now);
    if (s.xrun && !s.disconnected)
        return -EPIPE;
    const std::uint64_t position = hardware_position(s, now);
    const std::uint64_t avail = available(s, position);
    if (!s.disconnected && io->state == SND_PCM_STATE_RUNNING) {
        if (s.overrun_pending)
            return report_xrun(s, now);
        // A reader a whole buffer behind (the stop threshold, normally the buffer size) has
        // lost data: the driver's overrun check. A threshold at the boundary disables it.
        if (s.stop_threshold < s.boundary && avail >= s.stop_threshold)
            return report_xrun(s, now);
    }
    settle_wakeup(s, now, position, avail);
    // While disconnected the position stays valid (a negative one would read as an xrun).
    return static_cast<snd_pcm_sframes_t>(wrap(s, position));
}

snd_pcm_sframes_t sim_transfer(snd_pcm_ioplug_t* io, const snd_pcm_channel_area_t* areas,
                               snd_pcm_uframes_t offset, snd_pcm_uframes_t size)
{
    Simulator& s = simulator(io);
    if (s.disconnected)
        return -ENODEV;
    if (s.suspended)
        return -ESTRPIPE;
    try {
        const auto channels = static_cast<std::size_t>(s.channels);
        const snd_pcm_uframes_t first = io->appl_ptr;
        snd_pcm_uframes_t done = 0;
        while (done < size) {
            const std::size_t count = std::min<std::size_t>(render_chunk_frames, size - done);
            const std::span<float> block(s.scratch.data(), count * channels);
            s.source->render(s.signal_offset + static_cast<std::int64_t>(first + done), block);
            for (std::size_t c = 0; c < channels; ++c) {
                const snd_pcm_channel_area_t& area = areas[c];
                const std::size_t step = area.step / 8;
                auto* out = static_cast<unsigned char*>(area.addr) + area.first / 8 +
                            (offset + done) * step;
                store_samples(s.format, s.scratch.data() + c, channels, out, step, count);
            }
            done += count;
        }
    } catch (const std::exception& e) {
        SNDERR("cmrsim %s: cannot render: %s", s.pcm_name.c_str(), e.what());
        return -EIO;
    }
    // alsa-lib advances the application pointer by `size` after this returns.
    const std::int64_t now = monotonic_ns();
    const std::uint64_t position = hardware_position(s, now);
    const std::uint64_t avail = available(s, position);
    settle_wakeup(s, now, position, avail >= size ? avail - size : 0);
    return static_cast<snd_pcm_sframes_t>(size);
}

int sim_poll_revents(snd_pcm_ioplug_t* io, struct pollfd* /*pfd*/, unsigned int /*nfds*/,
                     unsigned short* revents)
{
    Simulator& s = simulator(io);
    const std::int64_t now = monotonic_ns();
    check_control(s, now);
    if (s.disconnected) {
        *revents = POLLERR | POLLHUP;
        return 0;
    }
    if (s.xrun || s.suspended) {
        *revents = POLLERR;
        return 0;
    }
    const std::uint64_t position = hardware_position(s, now);
    const std::uint64_t avail = available(s, position);
    const bool running = io->state == SND_PCM_STATE_RUNNING;
    // An overrun (injected, or a reader a buffer behind) is found by the next pointer query:
    // report "readable" so that the client makes one.
    const bool overrun = running && (s.overrun_pending ||
                                     (s.stop_threshold < s.boundary && avail >= s.stop_threshold));
    *revents = (running && avail >= s.avail_min) || overrun ? POLLIN : 0;
    settle_wakeup(s, now, position, avail);
    return 0;
}

int sim_hw_params(snd_pcm_ioplug_t* io, snd_pcm_hw_params_t* /*params*/)
{
    Simulator& s = simulator(io);
    if (s.disconnected)
        return -ENODEV;
    bool known = false;
    for (SampleFormat f : s.config.formats)
        if (alsa_format(f) == io->format) {
            s.format = f;
            known = true;
        }
    if (!known)
        return -EINVAL;
    try {
        s.source->set_rate(io->rate);
    } catch (const std::exception& e) {
        SNDERR("cmrsim %s: cannot run at %u Hz: %s", s.pcm_name.c_str(), io->rate, e.what());
        return -EINVAL;
    }
    s.channels = io->channels;
    s.period = std::max<snd_pcm_uframes_t>(io->period_size, 1);
    s.avail_min = s.period;
    s.stop_threshold = io->buffer_size;
    s.scratch.assign(render_chunk_frames * s.channels, 0.0F);
    s.clock.configure(io->rate);
    s.epoch_set = false;
    s.xrun = false;
    s.suspended = false;
    return 0;
}

int sim_sw_params(snd_pcm_ioplug_t* io, snd_pcm_sw_params_t* params)
{
    Simulator& s = simulator(io);
    snd_pcm_uframes_t value = 0;
    if (snd_pcm_sw_params_get_boundary(params, &value) >= 0 && value > 0)
        s.boundary = value;
    if (snd_pcm_sw_params_get_avail_min(params, &value) >= 0)
        s.avail_min = std::max<snd_pcm_uframes_t>(value, 1);
    if (snd_pcm_sw_params_get_stop_threshold(params, &value) >= 0)
        s.stop_threshold = value;
    return 0;
}

int sim_prepare(snd_pcm_ioplug_t* io)
{
    Simulator& s = simulator(io);
    if (s.disconnected)
        return -ENODEV;
    end_suspension(s, monotonic_ns()); // prepare is also the way out of SUSPENDED
    s.clock.reset();
    s.xrun = false;
    s.timer.disarm();
    return 0;
}

int sim_close(snd_pcm_ioplug_t* io)
{
    delete &simulator(io);
    return 0;
}

void sim_dump(snd_pcm_ioplug_t* io, snd_output_t* out)
{
    const Simulator& s = simulator(io);
    snd_output_printf(out, "cmrsim simulated interface %s: %s\n", s.pcm_name.c_str(),
                      s.source->describe().c_str());
    if (!s.config.control.empty())
        snd_output_printf(out, "  control file %s\n", s.config.control.c_str());
    snd_output_printf(out, "  faults: %s%s%s%s\n", s.stalled ? "stalled " : "",
                      s.disconnected ? "disconnected " : "", s.suspended ? "suspended " : "",
                      s.xrun ? "xrun" : "");
    if (io->state != SND_PCM_STATE_OPEN) {
        snd_output_printf(out, "Its setup is:\n");
        snd_pcm_dump_setup(io->pcm, out);
    }
}

const snd_pcm_ioplug_callback_t callbacks = [] {
    snd_pcm_ioplug_callback_t c{};
    c.start = sim_start;
    c.stop = sim_stop;
    c.pointer = sim_pointer;
    c.transfer = sim_transfer;
    c.close = sim_close;
    c.hw_params = sim_hw_params;
    c.sw_params = sim_sw_params;
    c.prepare = sim_prepare;
    c.resume = sim_resume;
    c.poll_revents = sim_poll_revents;
    c.dump = sim_dump;
    return c;
}();

// ---- opening --------------------------------------------------------------------------------

std::unique_ptr<SignalSource> open_source(SimConfig& config)
{
    if (!config.scenario.empty()) {
        synth::Scenario scenario;
        try {
            scenario = synth::load_scenario(config.scenario);
        } catch (const synth::ScenarioError& e) {
            throw ConfigError(std::string("scenario: ") + e.what());
        }
        if (config.channels && *config.channels != scenario.inputs)
            throw ConfigError("channels: the interface has " + std::to_string(*config.channels) +
                              " inputs but scenario " + config.scenario.string() +
                              " has inputs = " + std::to_string(scenario.inputs));
        if (config.rates.empty())
            config.rates = {static_cast<unsigned>(scenario.sample_rate)};
        auto source = std::make_unique<ScenarioSource>(scenario, config.scenario.string());
        for (unsigned rate : config.rates) // every offered rate must work (programme files)
            source->set_rate(rate);
        return source;
    }
    auto source = std::make_unique<RecordingSource>(config.recording);
    if (config.channels && *config.channels != source->channels())
        throw ConfigError("channels: the interface has " + std::to_string(*config.channels) +
                          " inputs but file " + config.recording.string() + " has " +
                          std::to_string(source->channels()) + " channels");
    const unsigned rate = source->native_rate();
    if (!config.rates.empty() && config.rates != std::vector<unsigned>{rate})
        throw ConfigError("rates: file " + config.recording.string() + " is at " +
                          std::to_string(rate) +
                          " Hz, and a recording is played at its own rate only");
    config.rates = {rate};
    source->set_rate(rate);
    return source;
}

/// Hardware constraints, as a driver declares them.
int declare_constraints(Simulator& s)
{
    snd_pcm_ioplug_t* io = &s.io;
    const unsigned access[] = {SND_PCM_ACCESS_MMAP_INTERLEAVED, SND_PCM_ACCESS_RW_INTERLEAVED};
    std::vector<unsigned> formats;
    std::size_t min_sample = 4;
    std::size_t max_sample = 1;
    for (SampleFormat f : s.config.formats) {
        formats.push_back(static_cast<unsigned>(alsa_format(f)));
        min_sample = std::min(min_sample, sample_bytes(f));
        max_sample = std::max(max_sample, sample_bytes(f));
    }
    const auto channels = static_cast<unsigned>(s.source->channels());
    const auto min_frame = static_cast<unsigned>(min_sample) * channels;
    const auto max_frame = static_cast<unsigned>(max_sample) * channels;
    // Period limits are in bytes, as on real hardware: exact in frames for the widest format.
    const unsigned min_period_bytes = BufferLimits::min_period_frames * max_frame;
    const unsigned max_period_bytes =
        std::min(BufferLimits::max_period_frames * min_frame, BufferLimits::max_buffer_bytes / 2);
    int err = 0;
    if ((err = snd_pcm_ioplug_set_param_list(io, SND_PCM_IOPLUG_HW_ACCESS, 2, access)) < 0 ||
        (err = snd_pcm_ioplug_set_param_list(io, SND_PCM_IOPLUG_HW_FORMAT,
                                             static_cast<unsigned>(formats.size()),
                                             formats.data())) < 0 ||
        (err = snd_pcm_ioplug_set_param_minmax(io, SND_PCM_IOPLUG_HW_CHANNELS, channels,
                                               channels)) < 0 ||
        (err = snd_pcm_ioplug_set_param_list(io, SND_PCM_IOPLUG_HW_RATE,
                                             static_cast<unsigned>(s.config.rates.size()),
                                             s.config.rates.data())) < 0 ||
        (err = snd_pcm_ioplug_set_param_minmax(io, SND_PCM_IOPLUG_HW_PERIOD_BYTES, min_period_bytes,
                                               max_period_bytes)) < 0 ||
        (err = snd_pcm_ioplug_set_param_minmax(io, SND_PCM_IOPLUG_HW_PERIODS,
                                               BufferLimits::min_periods,
                                               BufferLimits::max_periods)) < 0 ||
        (err = snd_pcm_ioplug_set_param_minmax(io, SND_PCM_IOPLUG_HW_BUFFER_BYTES,
                                               2 * min_period_bytes,
                                               BufferLimits::max_buffer_bytes)) < 0)
        return err;
    return 0;
}

int open_simulator(snd_pcm_t** pcmp, const char* name, snd_config_t* conf, snd_pcm_stream_t stream,
                   int mode)
{
    if (stream != SND_PCM_STREAM_CAPTURE)
        throw OpenError(-EINVAL, "capture only: the simulated interface has inputs, no outputs");
    SimConfig config = parse_config(conf);

    // Faults already in force: an unplugged or busy device cannot be opened.
    ControlFileReader history(config.control);
    const FaultState faults = history.read_history();
    if (faults.disconnected)
        return -ENODEV;
    if (faults.busy)
        return -EBUSY;

    std::unique_ptr<SignalSource> source = open_source(config);
    // The reader has consumed the history: from here on it sees only new commands.
    auto owned =
        std::make_unique<Simulator>(name, std::move(config), std::move(source), std::move(history));
    Simulator& s = *owned;
    // One opener at a time, as hardware: held until the PCM is closed (~Simulator).
    if (!s.config.lock.empty()) {
        const int lock_fd = take_lock(s.config.lock);
        if (lock_fd < 0)
            return lock_fd;
        s.lock_fd = lock_fd;
    }
    s.stalled = faults.stalled;
    s.stall_began_ns = monotonic_ns();
    s.scratch.assign(render_chunk_frames * static_cast<std::size_t>(s.source->channels()), 0.0F);

    s.io.version = SND_PCM_IOPLUG_VERSION;
    s.io.name = "cmrsim simulated audio interface";
    s.io.callback = &callbacks;
    s.io.private_data = &s;
    s.io.poll_fd = s.timer.fd();
    s.io.poll_events = POLLIN;
    s.io.mmap_rw = 0;
    s.io.flags = SND_PCM_IOPLUG_FLAG_BOUNDARY_WA | SND_PCM_IOPLUG_FLAG_MONOTONIC;

    int err = snd_pcm_ioplug_create(&s.io, name, stream, mode);
    if (err < 0)
        return err;
    static_cast<void>(owned.release()); // the PCM owns it now: closing it runs sim_close()
    err = declare_constraints(s);
    if (err < 0) {
        snd_pcm_ioplug_delete(&s.io);
        return err;
    }
    *pcmp = s.io.pcm;
    return 0;
}

} // namespace
} // namespace cmr::sim

extern "C" {

// The entry point alsa-lib looks up for `type cmrsim`: _snd_pcm_cmrsim_open.
__attribute__((visibility("default"))) SND_PCM_PLUGIN_DEFINE_FUNC(cmrsim)
{
    static_cast<void>(root);
    try {
        return cmr::sim::open_simulator(pcmp, name, conf, stream, mode);
    } catch (const cmr::sim::OpenError& e) {
        SNDERR("cmrsim %s: %s", name, e.what());
        return e.code();
    } catch (const std::exception& e) {
        SNDERR("cmrsim %s: %s", name, e.what());
        return -EINVAL;
    } catch (...) {
        SNDERR("cmrsim %s: unexpected error", name);
        return -EINVAL;
    }
}

// The version symbol alsa-lib checks before calling the entry point (needs -DPIC).
__attribute__((visibility("default"))) SND_PCM_PLUGIN_SYMBOL(cmrsim);

} // extern "C"
