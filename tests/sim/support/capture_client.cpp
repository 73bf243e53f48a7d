// SPDX-License-Identifier: GPL-2.0-or-later
#include "capture_client.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>

#include <poll.h>

namespace cmr::sim::testing {

namespace {

std::mutex errors_mutex;
std::string kept_errors;

void keep_error(const char* file, int line, const char* function, int err, const char* fmt, ...)
    __attribute__((format(printf, 5, 6)));

void keep_error(const char* file, int line, const char* function, int err, const char* fmt, ...)
{
    char message[1024];
    va_list args;
    va_start(args, fmt);
    std::vsnprintf(message, sizeof message, fmt, args);
    va_end(args);
    const std::lock_guard lock(errors_mutex);
    kept_errors += std::string(file != nullptr ? file : "?") + ":" + std::to_string(line) + ":(" +
                   (function != nullptr ? function : "?") + ") " + message;
    if (err != 0)
        kept_errors += std::string(": ") + snd_strerror(err);
    kept_errors += "\n";
}

/// The error a state stands for when poll reports POLLERR.
int state_error(snd_pcm_t* pcm)
{
    switch (snd_pcm_state(pcm)) {
    case SND_PCM_STATE_XRUN:
        return -EPIPE;
    case SND_PCM_STATE_DISCONNECTED:
        return -ENODEV;
    case SND_PCM_STATE_SUSPENDED:
        return -ESTRPIPE;
    default:
        return -EIO;
    }
}

/// Waits for the PCM's descriptors (1 s at most). 0 when readable, else an error code.
int wait_readable(snd_pcm_t* pcm)
{
    const int count = snd_pcm_poll_descriptors_count(pcm);
    if (count <= 0)
        return -EIO;
    std::vector<pollfd> fds(static_cast<std::size_t>(count));
    if (snd_pcm_poll_descriptors(pcm, fds.data(), static_cast<unsigned>(count)) != count)
        return -EIO;
    for (;;) {
        const int ready = ::poll(fds.data(), fds.size(), 1000);
        if (ready < 0)
            return -errno;
        if (ready == 0)
            return -ETIMEDOUT;
        unsigned short revents = 0;
        const int err = snd_pcm_poll_descriptors_revents(pcm, fds.data(),
                                                         static_cast<unsigned>(count), &revents);
        if (err < 0)
            return err;
        if ((revents & (POLLERR | POLLNVAL)) != 0)
            return state_error(pcm);
        if ((revents & POLLIN) != 0)
            return 0;
    }
}

} // namespace

int Pcm::open(const std::string& name, int mode)
{
    close();
    return snd_pcm_open(&pcm_, name.c_str(), SND_PCM_STREAM_CAPTURE, mode);
}

void Pcm::close()
{
    if (pcm_ != nullptr)
        snd_pcm_close(pcm_);
    pcm_ = nullptr;
}

int configure(snd_pcm_t* pcm, const PcmSetup& setup)
{
    snd_pcm_hw_params_t* hw = nullptr;
    snd_pcm_hw_params_alloca(&hw);
    int err = 0;
    if ((err = snd_pcm_hw_params_any(pcm, hw)) < 0 ||
        (err = snd_pcm_hw_params_set_access(pcm, hw, setup.access)) < 0 ||
        (err = snd_pcm_hw_params_set_format(pcm, hw, setup.format)) < 0 ||
        (err = snd_pcm_hw_params_set_channels(pcm, hw, setup.channels)) < 0 ||
        (err = snd_pcm_hw_params_set_rate(pcm, hw, setup.rate, 0)) < 0 ||
        (err = snd_pcm_hw_params_set_period_size(pcm, hw, setup.period, 0)) < 0 ||
        (err = snd_pcm_hw_params_set_periods(pcm, hw, setup.periods, 0)) < 0 ||
        (err = snd_pcm_hw_params(pcm, hw)) < 0)
        return err;
    return 0;
}

int read_frames(snd_pcm_t* pcm, std::size_t frames, std::vector<unsigned char>& out)
{
    const auto frame_bytes = static_cast<std::size_t>(snd_pcm_frames_to_bytes(pcm, 1));
    out.assign(frames * frame_bytes, 0);
    std::size_t done = 0;
    while (done < frames) {
        const snd_pcm_sframes_t got =
            snd_pcm_readi(pcm, out.data() + done * frame_bytes, frames - done);
        if (got == -EAGAIN) {
            const int ready = snd_pcm_wait(pcm, 1000);
            if (ready == 0)
                return -ETIMEDOUT;
            if (ready < 0)
                return ready;
            continue;
        }
        if (got < 0)
            return static_cast<int>(got);
        done += static_cast<std::size_t>(got);
    }
    return 0;
}

int read_frames_mmap(snd_pcm_t* pcm, std::size_t frames, std::vector<unsigned char>& out)
{
    const auto frame_bytes = static_cast<std::size_t>(snd_pcm_frames_to_bytes(pcm, 1));
    out.assign(frames * frame_bytes, 0);
    std::size_t done = 0;
    while (done < frames) {
        if (snd_pcm_state(pcm) == SND_PCM_STATE_PREPARED)
            if (const int err = snd_pcm_start(pcm); err < 0)
                return err;
        const snd_pcm_sframes_t avail = snd_pcm_avail_update(pcm);
        if (avail < 0)
            return static_cast<int>(avail);
        if (avail == 0) {
            if (const int err = wait_readable(pcm); err < 0)
                return err;
            continue;
        }
        const snd_pcm_channel_area_t* areas = nullptr;
        snd_pcm_uframes_t offset = 0;
        snd_pcm_uframes_t chunk = std::min<snd_pcm_uframes_t>(avail, frames - done);
        if (const int err = snd_pcm_mmap_begin(pcm, &areas, &offset, &chunk); err < 0)
            return err;
        const auto* base = static_cast<const unsigned char*>(areas[0].addr) + areas[0].first / 8 +
                           offset * (areas[0].step / 8);
        std::memcpy(out.data() + done * frame_bytes, base, chunk * frame_bytes);
        const snd_pcm_sframes_t committed = snd_pcm_mmap_commit(pcm, offset, chunk);
        if (committed < 0)
            return static_cast<int>(committed);
        if (static_cast<snd_pcm_uframes_t>(committed) != chunk)
            return -EIO;
        done += chunk;
    }
    return 0;
}

void capture_alsa_errors()
{
    {
        const std::lock_guard lock(errors_mutex);
        kept_errors.clear();
    }
    snd_lib_error_set_handler(keep_error);
}

std::string alsa_errors()
{
    const std::lock_guard lock(errors_mutex);
    return kept_errors;
}

} // namespace cmr::sim::testing
