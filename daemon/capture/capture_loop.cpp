// SPDX-License-Identifier: GPL-2.0-or-later
#include "capture/capture_loop.hpp"

#include <algorithm>
#include <cerrno>

#include "capture/realtime_path.hpp"
#include "capture/shared_text.hpp"

namespace cmrd::capture {
namespace {

using Clock = std::chrono::steady_clock;

// Consecutive wake-ups with a ready descriptor but no frames after which the loop sleeps one
// period without polling the PCM: a driver or plugin whose descriptor stays readable must not
// make a SCHED_FIFO thread spin.
constexpr int max_empty_wakes = 4;

// The error a device state stands for, 0 for the states that are not trouble.
int error_for_state(snd_pcm_state_t state) noexcept
{
    switch (state) {
    case SND_PCM_STATE_XRUN:
        return -EPIPE;
    case SND_PCM_STATE_SUSPENDED:
        return -ESTRPIPE;
    case SND_PCM_STATE_DISCONNECTED:
        return -ENODEV;
    default:
        return 0;
    }
}

} // namespace

CaptureLoop::CaptureLoop(snd_pcm_t* pcm, const PcmSettings& settings, FrameRing& ring,
                         SharedStatus& status, int stop_fd, LoopTiming timing)
    : pcm_(pcm), settings_(settings), ring_(ring), status_(status), timing_(timing),
      reader_(pcm, settings)
{
    const int count = snd_pcm_poll_descriptors_count(pcm_);
    if (count <= 0)
        throw PcmError(count < 0 ? count : -EINVAL, "the PCM has no poll descriptors");
    fds_.resize(static_cast<std::size_t>(count) + 1);
    fds_[0] = pollfd{stop_fd, POLLIN, 0};
    const int filled =
        snd_pcm_poll_descriptors(pcm_, fds_.data() + 1, static_cast<unsigned>(count));
    if (filled < 0)
        throw PcmError(filled, std::string("poll descriptors: ") + snd_strerror(filled));
    fds_.resize(static_cast<std::size_t>(filled) + 1);
}

LoopEnd CaptureLoop::run() noexcept
{
    const RealtimePathScope realtime_path;
    const auto pcm_fds = static_cast<unsigned>(fds_.size() - 1);
    const auto period = std::chrono::milliseconds(
        std::max<unsigned long>(1, settings_.period_frames * 1000 / settings_.rate));

    if (const int err = snd_pcm_start(pcm_); err < 0) {
        if (recover(err) == Step::disconnected)
            return LoopEnd::disconnected;
    } else {
        status_.set_state(CaptureState::running);
    }
    last_data_ = Clock::now();

    for (;;) {
        const snd_pcm_state_t before = snd_pcm_state(pcm_);
        // A suspended PCM's descriptors report an error at once and for as long as it sleeps;
        // so do those of a device that keeps waking us for nothing: wait on stop alone then.
        const bool spinning = empty_wakes_ >= max_empty_wakes;
        const bool poll_pcm = before != SND_PCM_STATE_SUSPENDED && !spinning;
        const auto timeout =
            spinning ? std::min(timing_.poll_timeout, period) : timing_.poll_timeout;
        const int ready =
            ::poll(fds_.data(), poll_pcm ? fds_.size() : 1, static_cast<int>(timeout.count()));
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            report("poll", -errno);
            return LoopEnd::failed;
        }
        status_.beat();
        if ((fds_[0].revents & POLLIN) != 0)
            return LoopEnd::stopped;
        if (spinning)
            empty_wakes_ = 0;

        Step step = Step::carry_on;
        const auto now = Clock::now();
        if (const int trouble = error_for_state(snd_pcm_state(pcm_)); trouble != 0) {
            step = recover(trouble);
        } else {
            unsigned short revents = 0;
            if (poll_pcm && ready > 0) {
                const int err =
                    snd_pcm_poll_descriptors_revents(pcm_, fds_.data() + 1, pcm_fds, &revents);
                if (err < 0)
                    step = recover(err);
                else if ((revents & POLLNVAL) != 0) {
                    report("poll: descriptor closed under us", -EBADF);
                    return LoopEnd::failed;
                }
            }
            if (step == Step::carry_on) {
                const snd_pcm_sframes_t got = reader_.read_available(*this);
                if (got < 0) {
                    step = recover(static_cast<int>(got));
                } else if (got > 0) {
                    last_data_ = now;
                    empty_wakes_ = 0;
                    const CaptureState state = status_.state();
                    if (state != CaptureState::running)
                        status_.set_state(CaptureState::running);
                } else if (poll_pcm && ready > 0) {
                    ++empty_wakes_;
                }
            }
        }
        if (step == Step::carry_on)
            step = check_stall(now);
        if (step == Step::disconnected)
            return LoopEnd::disconnected;
    }
}

void CaptureLoop::consume(std::span<const float> interleaved) noexcept
{
    const std::size_t frames = interleaved.size() / static_cast<std::size_t>(settings_.channels);
    status_.count_block(frames, ring_.push(interleaved));
}

CaptureLoop::Step CaptureLoop::recover(int err) noexcept
{
    const snd_pcm_state_t state = snd_pcm_state(pcm_);
    if (err == -ENODEV || state == SND_PCM_STATE_DISCONNECTED) {
        report("device disconnected", -ENODEV);
        status_.set_state(CaptureState::disconnected);
        return Step::disconnected;
    }
    if (err == -EPIPE || state == SND_PCM_STATE_XRUN) {
        status_.count_overrun();
        status_.set_state(CaptureState::xrun_recovering);
        report("overrun", -EPIPE);
        return restart();
    }
    if (err == -ESTRPIPE || state == SND_PCM_STATE_SUSPENDED) {
        if (status_.state() != CaptureState::suspended) {
            status_.set_state(CaptureState::suspended);
            status_.count_suspend();
            report("device suspended", -ESTRPIPE);
        }
        return resume();
    }
    if (err == -EAGAIN)
        return Step::carry_on;
    // Anything else (-EBADFD: the stream is not running, -EIO ...): say so and start afresh.
    report("capture error", err);
    return restart();
}

CaptureLoop::Step CaptureLoop::resume() noexcept
{
    const int err = snd_pcm_resume(pcm_);
    if (err == -EAGAIN)
        return Step::carry_on; // still waking up: try again after the next poll timeout
    // Success that leaves the stream suspended is no success: alsa-lib's ioplug layer returns 0
    // whatever a plugin's resume does. Prepare rather than ask again for ever.
    if (err == 0 && snd_pcm_state(pcm_) != SND_PCM_STATE_SUSPENDED)
        return Step::carry_on; // running again; the state turns `running` with the first frames
    if (err == -ENODEV)
        return recover(err);
    // The device cannot resume (-ENOSYS) or failed to: prepare and start afresh.
    return restart();
}

CaptureLoop::Step CaptureLoop::restart() noexcept
{
    // A stalled stream is still RUNNING as far as ALSA knows: stop it before preparing.
    if (snd_pcm_state(pcm_) == SND_PCM_STATE_RUNNING)
        snd_pcm_drop(pcm_);
    int err = snd_pcm_prepare(pcm_);
    if (err == 0)
        err = snd_pcm_start(pcm_);
    if (err == -ENODEV)
        return recover(err);
    if (err < 0) {
        // Not fatal: with no frames arriving, the stall check tries again after its timeout.
        report("restart failed", err);
        return Step::carry_on;
    }
    status_.count_restart();
    empty_wakes_ = 0;
    return Step::carry_on;
}

CaptureLoop::Step CaptureLoop::check_stall(Clock::time_point now) noexcept
{
    if (status_.state() == CaptureState::suspended) {
        last_data_ = now; // a sleeping device is not a stalled one
        return Step::carry_on;
    }
    if (now - last_data_ < timing_.stall_timeout)
        return Step::carry_on;
    last_data_ = now; // the next restart comes one timeout later
    if (status_.state() != CaptureState::stalled) {
        status_.set_state(CaptureState::stalled);
        FixedText<96> text;
        text << "no data for " << static_cast<long long>(timing_.stall_timeout.count()) << " ms";
        status_.set_error(text.view());
    }
    return restart();
}

void CaptureLoop::report(const char* what, int err) noexcept
{
    FixedText<200> text;
    text << what << ": " << snd_strerror(err);
    status_.set_error(text.view());
}

} // namespace cmrd::capture
