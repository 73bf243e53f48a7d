// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file pcm_device.hpp
/// Opening an ALSA capture PCM and negotiating what a `hw:` device demands: its own channel
/// count, a sample format from our list, the nearest rate, period and buffer sizes, mmap or
/// read/write access. Start-up only (alsa-lib allocates while opening and configuring).

#include <memory>
#include <stdexcept>
#include <string>

#include <alsa/asoundlib.h>

#include "capture/sample_format.hpp"

namespace cmrd::capture {

/// A failure from alsa-lib while opening or configuring, with its (negative) error code.
class PcmError : public std::runtime_error {
public:
    PcmError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
    /// The negative errno / ALSA code (-EBUSY, -ENOENT, -EINVAL ...).
    [[nodiscard]] int code() const noexcept { return code_; }

private:
    int code_;
};

/// Closes the PCM when it goes.
struct PcmCloser {
    void operator()(snd_pcm_t* pcm) const noexcept { snd_pcm_close(pcm); }
};
using PcmHandle = std::unique_ptr<snd_pcm_t, PcmCloser>;

/// Opens @p name for capture, non-blocking.
/// @return 0 and the handle in @p out, or the negative error snd_pcm_open returned (-EBUSY
///         when another program holds the device). The return value is what counts, not errno.
[[nodiscard]] int open_capture_pcm(const std::string& name, PcmHandle& out) noexcept;

/// What was asked of the device.
struct PcmRequest {
    unsigned rate = 48000;     ///< nearest supported is taken
    int channels = 0;          ///< 0: the device's maximum
    unsigned period_us = 5000; ///< nearest supported is taken
    unsigned buffer_us = 200000;
    bool allow_mmap = true;
};

/// What the device agreed to.
struct PcmSettings {
    SampleFormat format = SampleFormat::s16_le;
    unsigned rate = 0;
    int channels = 0;
    snd_pcm_uframes_t period_frames = 0;
    snd_pcm_uframes_t buffer_frames = 0;
    bool mmap = false; ///< MMAP_INTERLEAVED, else RW_INTERLEAVED
    [[nodiscard]] std::size_t frame_bytes() const
    {
        return bytes_per_sample(format) * static_cast<std::size_t>(channels);
    }
};

/// Negotiates and installs hardware and software parameters on an open capture PCM: access
/// MMAP_INTERLEAVED (else RW_INTERLEAVED), the first format of format_preference the device
/// offers, @p request's channel count (else the maximum), the rate nearest @p request.rate
/// without resampling, the period and buffer nearest the request; avail_min is one period.
/// Leaves the PCM prepared, not started.
/// @throws PcmError naming what the device offers when it offers nothing usable.
[[nodiscard]] PcmSettings configure_capture_pcm(snd_pcm_t* pcm, const PcmRequest& request);

/// The ALSA format of @p format.
[[nodiscard]] snd_pcm_format_t to_alsa(SampleFormat format) noexcept;

} // namespace cmrd::capture
