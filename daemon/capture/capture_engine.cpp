// SPDX-License-Identifier: GPL-2.0-or-later
#include "capture/capture_engine.hpp"

#include <cerrno>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <system_error>

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "capture/busy_retry.hpp"
#include "capture/capture_loop.hpp"
#include "capture/pcm_device.hpp"
#include "capture/realtime_scheduling.hpp"

namespace cmrd::capture {
namespace {

common::UniqueFd make_eventfd()
{
    const int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd < 0)
        throw std::system_error(errno, std::generic_category(), "eventfd");
    return common::UniqueFd(fd);
}

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
    if (config.stall_timeout_ms == 0 || config.poll_timeout_ms == 0 ||
        config.busy_retry_initial_ms == 0 || config.busy_retry_max_ms == 0)
        throw std::invalid_argument("capture: timeouts must be positive");
    // The layout's range check against the device comes once its channel count is known;
    // with an explicit count it can be done now (parse_layout knows every rule).
    if (!config.layout.empty())
        (void)cmr::parse_layout(cmr::format_layout(config.layout), config.channels);
}

} // namespace

CaptureEngine::CaptureEngine(CaptureConfig config)
    : config_(std::move(config)), stop_fd_(make_eventfd()), notify_fd_(make_eventfd()),
      status_(notify_fd_.get())
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
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t written = ::write(stop_fd_.get(), &one, sizeof one);
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
    std::uint64_t count = 0;
    [[maybe_unused]] const ssize_t n = ::read(notify_fd_.get(), &count, sizeof count);
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
    PcmHandle pcm;
    const BusyRetryConfig busy{std::chrono::milliseconds(config_.busy_retry_initial_ms),
                               std::chrono::milliseconds(config_.busy_retry_max_ms),
                               config_.device_dir};
    const std::optional<int> opened = retry_while_busy(
        busy, stop_fd_.get(), [&] { return open_capture_pcm(config_.pcm, pcm); },
        [&](std::chrono::milliseconds delay) {
            status_.count_busy_retry();
            status_.set_error("'" + config_.pcm +
                              "' is busy (another program holds it); retrying in " +
                              std::to_string(delay.count()) + " ms");
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

    cmr::AnalyzerConfig analysis = config_.analysis;
    analysis.sample_rate = settings.rate;
    analysis.input_count = settings.channels;
    analysis.layout =
        config_.layout.empty() ? cmr::default_layout(settings.channels) : config_.layout;
    // Range check against the device's real channel count (throws LayoutError naming the
    // input the device does not have).
    (void)cmr::parse_layout(cmr::format_layout(analysis.layout), settings.channels);
    cmr::Analyzer analyzer(analysis);

    CaptureSnapshot initial;
    initial.channels.resize(analysis.layout.size());
    for (std::size_t i = 0; i < analysis.layout.size(); ++i)
        initial.channels[i].spec = analysis.layout[i];
    results_ = std::make_unique<TripleBuffer<CaptureSnapshot>>(initial);
    results_ready_.store(results_.get(), std::memory_order_release);

    CaptureLoop loop(pcm.get(), settings, analyzer, *results_, status_, stop_fd_.get(),
                     LoopTiming{std::chrono::milliseconds(config_.stall_timeout_ms),
                                std::chrono::milliseconds(config_.poll_timeout_ms)});

    // Last, so that the start-up work above ran at normal priority and mlockall covers it.
    const RealtimeGrant grant = make_this_thread_realtime(config_.realtime);
    status_.set_realtime(grant.mode, grant.priority, grant.memory_locked, grant.detail);

    // ---- the real-time loop ----
    const LoopEnd end = loop.run();

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
