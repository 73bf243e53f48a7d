// SPDX-License-Identifier: GPL-2.0-or-later
#include "capture/pcm_reader.hpp"

#include <algorithm>
#include <cerrno>

namespace cmrd::capture {

PcmReader::PcmReader(snd_pcm_t* pcm, const PcmSettings& settings)
    : pcm_(pcm), settings_(settings), frame_bytes_(settings.frame_bytes()),
      converted_(settings.buffer_frames * static_cast<std::size_t>(settings.channels)),
      raw_(settings.mmap ? 0 : settings.buffer_frames * frame_bytes_)
{}

snd_pcm_sframes_t PcmReader::read_available(FrameSink& sink) noexcept
{
    const snd_pcm_sframes_t avail = snd_pcm_avail_update(pcm_);
    if (avail <= 0)
        return avail;
    const auto frames = static_cast<snd_pcm_uframes_t>(avail);
    return settings_.mmap ? read_mmap(sink, frames) : read_rw(sink, frames);
}

snd_pcm_sframes_t PcmReader::read_mmap(FrameSink& sink, snd_pcm_uframes_t avail) noexcept
{
    snd_pcm_sframes_t total = 0;
    const std::size_t channels = static_cast<std::size_t>(settings_.channels);
    while (avail > 0) {
        const snd_pcm_channel_area_t* areas = nullptr;
        snd_pcm_uframes_t offset = 0;
        // mmap_begin may return fewer frames than asked: the ring buffer wraps.
        snd_pcm_uframes_t frames = std::min(avail, settings_.buffer_frames);
        if (const int err = snd_pcm_mmap_begin(pcm_, &areas, &offset, &frames); err < 0)
            return err;
        if (frames == 0)
            break;
        // Interleaved access: every channel's area starts at the frame's first byte (channel
        // 0's `first`) and steps by one frame.
        const auto* base = static_cast<const std::byte*>(areas[0].addr) + areas[0].first / 8 +
                           offset * (areas[0].step / 8);
        const std::size_t samples = frames * channels;
        const std::span<float> out(converted_.data(), samples);
        convert_to_float(settings_.format, std::span<const std::byte>(base, frames * frame_bytes_),
                         out);
        const snd_pcm_sframes_t committed = snd_pcm_mmap_commit(pcm_, offset, frames);
        if (committed < 0)
            return committed;
        if (static_cast<snd_pcm_uframes_t>(committed) != frames)
            return -EPIPE; // the driver overwrote part of the region while we converted it
        sink.consume(out);
        total += committed;
        avail -= frames;
    }
    return total;
}

snd_pcm_sframes_t PcmReader::read_rw(FrameSink& sink, snd_pcm_uframes_t avail) noexcept
{
    snd_pcm_sframes_t total = 0;
    const std::size_t channels = static_cast<std::size_t>(settings_.channels);
    while (avail > 0) {
        const snd_pcm_uframes_t want = std::min(avail, settings_.buffer_frames);
        const snd_pcm_sframes_t got = snd_pcm_readi(pcm_, raw_.data(), want);
        if (got == -EAGAIN)
            break;
        if (got < 0)
            return got;
        if (got == 0)
            break;
        const auto frames = static_cast<std::size_t>(got);
        const std::span<float> out(converted_.data(), frames * channels);
        convert_to_float(settings_.format,
                         std::span<const std::byte>(raw_.data(), frames * frame_bytes_), out);
        sink.consume(out);
        total += got;
        avail -= static_cast<snd_pcm_uframes_t>(got);
    }
    return total;
}

} // namespace cmrd::capture
