// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file capture_client.hpp
/// A minimal ALSA capture client for tests of the simulated interface: opens a PCM, sets exact
/// hardware parameters (failing as a `hw:` device would, never "near"), reads frames through
/// read calls or mmap, and collects alsa-lib's error messages.

#include <cstddef>
#include <string>
#include <vector>

#include <alsa/asoundlib.h>

namespace cmr::sim::testing {

/// Owns an open PCM.
class Pcm {
public:
    Pcm() = default;
    ~Pcm() { close(); }
    Pcm(const Pcm&) = delete;
    Pcm& operator=(const Pcm&) = delete;
    Pcm(Pcm&&) = delete;
    Pcm& operator=(Pcm&&) = delete;

    /// snd_pcm_open() for capture; returns its result (0 or a negative error code).
    int open(const std::string& name, int mode = 0);
    void close();
    [[nodiscard]] snd_pcm_t* get() const { return pcm_; }
    [[nodiscard]] explicit operator bool() const { return pcm_ != nullptr; }

private:
    snd_pcm_t* pcm_ = nullptr;
};

/// Hardware and software parameters, all exact.
struct PcmSetup {
    snd_pcm_access_t access = SND_PCM_ACCESS_RW_INTERLEAVED;
    snd_pcm_format_t format = SND_PCM_FORMAT_S32_LE;
    unsigned channels = 8;
    unsigned rate = 48000;
    snd_pcm_uframes_t period = 480;
    unsigned periods = 4;
};

/// Applies @p setup; returns the first failing call's error code (e.g. -EINVAL), or 0.
int configure(snd_pcm_t* pcm, const PcmSetup& setup);

/// Reads exactly @p frames frames into @p out (resized) with snd_pcm_readi(), waiting with
/// snd_pcm_wait() when the PCM is non-blocking. Returns 0, or the first error code.
int read_frames(snd_pcm_t* pcm, std::size_t frames, std::vector<unsigned char>& out);

/// The same through mmap (snd_pcm_mmap_begin / commit), waiting with poll() on the PCM's
/// descriptors. Returns 0, or the first error code.
int read_frames_mmap(snd_pcm_t* pcm, std::size_t frames, std::vector<unsigned char>& out);

/// Installs an alsa-lib error handler that keeps the messages (for tests of error reporting);
/// also clears what was kept.
void capture_alsa_errors();
/// The messages kept since capture_alsa_errors(), one per line.
[[nodiscard]] std::string alsa_errors();

} // namespace cmr::sim::testing
