// SPDX-License-Identifier: GPL-2.0-or-later
#include "capture/capture_engine.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <system_error>

#include <poll.h>
#include <unistd.h>

#include "capture/analysis_worker.hpp"
#include "capture/busy_retry.hpp"
#include "capture/capture_loop.hpp"
#include "capture/feed_loop.hpp"
#include "capture/frame_ring.hpp"
#include "capture/pcm_device.hpp"
#include "capture/realtime_scheduling.hpp"
#include "devices/pcm_holders.hpp"
#include "event_fd.hpp"

namespace cmrd::capture {
namespace {

void validate(const CaptureConfig& config)
{
    if (config.pcm.empty())
        throw std::invalid_argument("capture: no PCM name");
    if (config.rate == 0 || config.period_us == 0 || config.buffer_us == 0)
        throw std::invalid_argument("capture: rate, period and buffer must be positive");
    if (config.channels < 0)
        throw std::invalid_argument("capture: negative channel count");
    if (config.realtime.priority < 1 || config.realtime.priority > 99)
        throw std::invalid_argument("capture: real-time priority must be 1 to 99");
    if (config.standby && config.standby->state != CaptureState::shared &&
        config.standby->state != CaptureState::busy)
        throw std::invalid_argument("capture: a standby waits as shared or busy");
    if (config.ring_ms == 0)
        throw std::invalid_argument("capture: the analysis ring must hold some time");
    if (config.stall_timeout_ms == 0 || config.poll_timeout_ms == 0 ||
        config.busy_retry_initial_ms == 0 || config.busy_retry_max_ms == 0)
        throw std::invalid_argument("capture: timeouts must be positive");
    // The layout's range check against the device comes once its channel count is known;
    // with an explicit count it can be done now (parse_layout knows every rule).
    if (!config.layout.empty())
        (void)cmr::parse_layout(cmr::format_layout(config.layout), config.channels);
}

/// The card whose holders the engine leaves it to (devices::CardYield), -1 for none:
/// `exclusive` yields to no one, and a PCM of no known card cannot tell whom to yield to.
int card_to_yield(const CaptureConfig& config)
{
    return config.access == AccessMode::exclusive ? -1 : card_of(config);
}

} // namespace

CaptureEngine::CaptureEngine(CaptureConfig config)
    : config_(std::move(config)), stop_fd_(common::make_event_fd()),
      notify_fd_(common::make_event_fd()), status_(notify_fd_.get())
{
    try {
        validate(config_);
    } catch (const cmr::LayoutError& e) {
        throw std::invalid_argument(std::string("capture: layout: ") + e.what());
    }
}

CaptureEngine::~CaptureEngine()
{
    stop();
}

void CaptureEngine::start()
{
    if (thread_.joinable() || stop_requested_.load())
        throw std::logic_error("CaptureEngine::start: already started");
    thread_ = std::thread([this] { run(); });
}

void CaptureEngine::stop()
{
    if (stop_requested_.exchange(true))
        return;
    common::signal_event_fd(stop_fd_.get());
    if (thread_.joinable())
        thread_.join();
    if (!is_final(status_.state()))
        status_.set_state(CaptureState::stopped);
}

CaptureStatus CaptureEngine::status() const
{
    return status_.snapshot();
}

bool CaptureEngine::latest(CaptureSnapshot& out) const
{
    TripleBuffer<CaptureSnapshot>* results = results_ready_.load(std::memory_order_acquire);
    if (results == nullptr)
        return false;
    const std::lock_guard lock(reader_mutex_);
    results->update();
    const CaptureSnapshot& newest = results->read_slot();
    if (newest.sequence == 0 || newest.sequence == out.sequence)
        return false;
    out = newest;
    return true;
}

bool CaptureEngine::wait(std::chrono::milliseconds timeout) const
{
    pollfd fd{notify_fd_.get(), POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(timeout.count())) <= 0)
        return false;
    common::drain_event_fd(notify_fd_.get());
    return true;
}

void CaptureEngine::run() noexcept
{
    status_.set_thread_id(gettid());
    try {
        capture();
    } catch (const std::exception& e) {
        status_.set_error(e.what());
        finish(CaptureState::error);
    } catch (...) {
        status_.set_error("unknown failure in the capture thread");
        finish(CaptureState::error);
    }
}

void CaptureEngine::finish(CaptureState final_state) noexcept
{
    status_.set_state(final_state);
}

void CaptureEngine::capture()
{
    // ---- start-up: everything the loop needs is made here, at normal priority ----
    if (config_.feed)
        return capture_feed();
    if (config_.access == AccessMode::shared || config_.standby) {
        const Standby standby = config_.standby.value_or(
            Standby{CaptureState::shared, "access = shared: the card is left to the sound "
                                          "server; cmrd does not open it"});
        status_.set_error(standby.reason);
        status_.set_state(standby.state);
        pollfd stop{stop_fd_.get(), POLLIN, 0};
        while (::poll(&stop, 1, -1) < 0 && errno == EINTR) {
        }
        return finish(CaptureState::stopped);
    }
    PcmHandle pcm;
    const BusyRetryConfig busy{std::chrono::milliseconds(config_.busy_retry_initial_ms),
                               std::chrono::milliseconds(config_.busy_retry_max_ms),
                               config_.device_dir};
    devices::CardYield yield(card_to_yield(config_));
    const std::optional<int> opened = retry_while_busy(
        busy, stop_fd_.get(), [&] { return open_capture_pcm(config_.pcm, pcm); },
        [&] { return yield.check(); },
        [&](const BusyWait& wait) {
            status_.count_busy_retry();
            const std::string retry = "retrying in " + std::to_string(wait.delay.count()) + " ms";
            status_.set_error(wait.yielding_to.empty()
                                  ? "'" + config_.pcm + "' is busy (another program holds it); " +
                                        retry
                                  : "'" + config_.pcm + "' is left to " + wait.yielding_to +
                                        ", which held it and still runs; " + retry);
            status_.set_state(CaptureState::busy);
        });
    if (!opened)
        return finish(CaptureState::stopped);
    if (*opened < 0) {
        status_.set_error("cannot open '" + config_.pcm + "': " + snd_strerror(*opened));
        return finish(*opened == -ENODEV ? CaptureState::disconnected : CaptureState::error);
    }
    status_.set_state(CaptureState::starting);

    PcmRequest request;
    request.rate = config_.rate;
    request.channels = config_.channels;
    request.period_us = config_.period_us;
    request.buffer_us = config_.buffer_us;
    request.allow_mmap = config_.allow_mmap;
    const PcmSettings settings = configure_capture_pcm(pcm.get(), request);
    status_.set_stream({settings.format, settings.rate, settings.channels, settings.period_frames,
                        settings.buffer_frames, settings.mmap});

    // At least one ALSA buffer, so that the worker can fall behind by a buffer before
    // anything is dropped.
    const LoopEnd end =
        analyse(settings.rate, settings.channels, settings.buffer_frames, [&](FrameRing& ring) {
            CaptureLoop loop(pcm.get(), settings, ring, status_, stop_fd_.get(),
                             LoopTiming{std::chrono::milliseconds(config_.stall_timeout_ms),
                                        std::chrono::milliseconds(config_.poll_timeout_ms)});
            // Last, so that the start-up work above ran at normal priority (the worker too)
            // and mlockall covers it.
            const RealtimeGrant grant = make_this_thread_realtime(config_.realtime);
            status_.set_realtime(grant.mode, grant.priority, grant.memory_locked, grant.detail);
            return loop.run();
        });
    finish_as(end);
}

void CaptureEngine::capture_feed()
{
    ServerFeed& feed = *config_.feed;
    const common::RingFormat& format = feed.ring->format();
    status_.set_stream({SampleFormat::float_le, format.rate, static_cast<int>(format.channels), 0,
                        static_cast<unsigned long>(format.capacity_frames), false});
    // No real-time priority: the agent's ring holds seconds, and the sound server's own
    // real-time threads are the ones that must never wait.
    status_.set_realtime(RealtimeMode::none, 0, false,
                         "not needed: frames come through " + feed.source);
    const LoopEnd end =
        analyse(format.rate, static_cast<int>(format.channels), 0, [&](FrameRing& ring) {
            FeedLoop loop(feed, ring, status_, stop_fd_.get(),
                          LoopTiming{std::chrono::milliseconds(config_.stall_timeout_ms),
                                     std::chrono::milliseconds(config_.poll_timeout_ms)});
            return loop.run();
        });
    finish_as(end);
}

LoopEnd CaptureEngine::analyse(unsigned rate, int channels, std::size_t min_ring_frames,
                               const std::function<LoopEnd(FrameRing&)>& run_loop)
{
    cmr::AnalyzerConfig analysis = config_.analysis;
    analysis.sample_rate = rate;
    analysis.input_count = channels;
    analysis.layout = config_.layout.empty() ? cmr::default_layout(channels) : config_.layout;
    // Range check against the stream's real channel count (throws LayoutError naming the
    // input the device does not have).
    (void)cmr::parse_layout(cmr::format_layout(analysis.layout), channels);
    cmr::Analyzer analyzer(analysis);

    CaptureSnapshot initial;
    initial.channels.resize(analysis.layout.size());
    for (std::size_t i = 0; i < analysis.layout.size(); ++i)
        initial.channels[i].spec = analysis.layout[i];
    results_ = std::make_unique<TripleBuffer<CaptureSnapshot>>(initial);
    results_ready_.store(results_.get(), std::memory_order_release);

    // Whole frames, so that a wrap never splits one.
    const std::size_t ring_frames =
        std::max<std::size_t>(min_ring_frames, std::size_t{rate} * config_.ring_ms / 1000);
    FrameRing ring(ring_frames * static_cast<std::size_t>(channels));
    AnalysisWorker worker(ring, analyzer, *results_, status_);
    // Started while this thread is still at normal priority: the worker runs SCHED_OTHER.
    worker.start();
    const LoopEnd end = run_loop(ring);
    // The worker analyses what the loop pushed last, then ends (before the ring and the
    // analyzer it reads go out of scope).
    worker.stop();
    return end;
}

void CaptureEngine::finish_as(LoopEnd end) noexcept
{
    switch (end) {
    case LoopEnd::stopped:
        return finish(CaptureState::stopped);
    case LoopEnd::disconnected:
        return finish(CaptureState::disconnected);
    case LoopEnd::failed:
        return finish(CaptureState::error);
    }
}

} // namespace cmrd::capture
