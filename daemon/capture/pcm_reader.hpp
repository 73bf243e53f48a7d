// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file pcm_reader.hpp
/// Takes every frame a running capture PCM has ready, through mmap (no copy in alsa-lib) or
/// readi, converts it to float and hands it on. Its buffers are allocated by the constructor;
/// reading never allocates, locks (beyond alsa-lib's own) or blocks (the PCM is non-blocking).

#include <cstddef>
#include <span>
#include <vector>

#include <alsa/asoundlib.h>

#include "capture/pcm_device.hpp"

namespace cmrd::capture {

/// Receives converted interleaved float frames.
class FrameSink {
public:
    virtual void consume(std::span<const float> interleaved) noexcept = 0;

protected:
    FrameSink() = default;
    ~FrameSink() = default;
    FrameSink(const FrameSink&) = default;
    FrameSink& operator=(const FrameSink&) = default;
};

class PcmReader {
public:
    /// @param pcm a configured PCM (configure_capture_pcm()), kept, not owned.
    PcmReader(snd_pcm_t* pcm, const PcmSettings& settings);

    /// Reads every frame available now, passing them to @p sink in blocks of at most one
    /// buffer. @return the frames read (0 when none were ready), or the negative alsa-lib error
    ///         that stopped reading (-EPIPE overrun, -ESTRPIPE suspended, -ENODEV gone ...);
    ///         frames read before the error have been passed on.
    snd_pcm_sframes_t read_available(FrameSink& sink) noexcept;

private:
    snd_pcm_sframes_t read_mmap(FrameSink& sink, snd_pcm_uframes_t avail) noexcept;
    snd_pcm_sframes_t read_rw(FrameSink& sink, snd_pcm_uframes_t avail) noexcept;

    snd_pcm_t* pcm_;
    PcmSettings settings_;
    std::size_t frame_bytes_;
    std::vector<float> converted_; ///< one buffer of frames
    std::vector<std::byte> raw_;   ///< readi's destination (read/write access only)
};

} // namespace cmrd::capture
