// SPDX-License-Identifier: GPL-2.0-or-later
#include "capture/pcm_device.hpp"

#include <string_view>

namespace cmrd::capture {
namespace {

struct HwParamsFree {
    void operator()(snd_pcm_hw_params_t* p) const noexcept { snd_pcm_hw_params_free(p); }
};
struct SwParamsFree {
    void operator()(snd_pcm_sw_params_t* p) const noexcept { snd_pcm_sw_params_free(p); }
};
struct FormatMaskFree {
    void operator()(snd_pcm_format_mask_t* p) const noexcept { snd_pcm_format_mask_free(p); }
};

// Throws PcmError for a negative alsa-lib result.
void check(int err, std::string_view what)
{
    if (err < 0)
        throw PcmError(err, std::string(what) + ": " + snd_strerror(err));
}

// The formats the device offers, for an error message ("S24_3LE S32_BE").
std::string offered_formats(const snd_pcm_hw_params_t* hw)
{
    snd_pcm_format_mask_t* raw = nullptr;
    if (snd_pcm_format_mask_malloc(&raw) < 0)
        return "?";
    const std::unique_ptr<snd_pcm_format_mask_t, FormatMaskFree> mask(raw);
    snd_pcm_hw_params_get_format_mask(const_cast<snd_pcm_hw_params_t*>(hw), mask.get());
    std::string list;
    for (int f = 0; f <= SND_PCM_FORMAT_LAST; ++f) {
        const auto format = static_cast<snd_pcm_format_t>(f);
        if (snd_pcm_format_mask_test(mask.get(), format) != 0) {
            if (!list.empty())
                list += ' ';
            const char* name = snd_pcm_format_name(format);
            list += name != nullptr ? name : "?";
        }
    }
    return list.empty() ? "none" : list;
}

SampleFormat choose_format(snd_pcm_t* pcm, snd_pcm_hw_params_t* hw)
{
    for (const SampleFormat f : format_preference)
        if (snd_pcm_hw_params_test_format(pcm, hw, to_alsa(f)) == 0) {
            check(snd_pcm_hw_params_set_format(pcm, hw, to_alsa(f)), "set format");
            return f;
        }
    throw PcmError(-EINVAL, "the device offers no usable sample format (offers " +
                                offered_formats(hw) +
                                "; usable: FLOAT_LE S32_LE S24_3LE S24_LE S16_LE)");
}

bool choose_access(snd_pcm_t* pcm, snd_pcm_hw_params_t* hw, bool allow_mmap)
{
    if (allow_mmap && snd_pcm_hw_params_set_access(pcm, hw, SND_PCM_ACCESS_MMAP_INTERLEAVED) == 0)
        return true;
    check(snd_pcm_hw_params_set_access(pcm, hw, SND_PCM_ACCESS_RW_INTERLEAVED),
          "the device offers neither mmap nor read/write interleaved access");
    return false;
}

// More inputs than any interface has (MADI carries 64, large Dante cards 128 or 256).
constexpr unsigned max_device_channels = 512;

int choose_channels(snd_pcm_t* pcm, snd_pcm_hw_params_t* hw, int wanted)
{
    if (wanted > 0) {
        unsigned min = 0;
        unsigned max = 0;
        snd_pcm_hw_params_get_channels_min(hw, &min);
        snd_pcm_hw_params_get_channels_max(hw, &max);
        const int err = snd_pcm_hw_params_set_channels(pcm, hw, static_cast<unsigned>(wanted));
        if (err < 0)
            throw PcmError(err, "the device does not capture " + std::to_string(wanted) +
                                    " channels (it offers " + std::to_string(min) + " to " +
                                    std::to_string(max) + ")");
        return wanted;
    }
    // A hw: device of a multichannel interface offers exactly its input count; take them all.
    // A plugin PCM may accept any count; refuse to guess rather than capture thousands.
    unsigned max = 0;
    check(snd_pcm_hw_params_get_channels_max(hw, &max), "get channels");
    if (max > max_device_channels)
        throw PcmError(-EINVAL, "the PCM accepts up to " + std::to_string(max) +
                                    " channels, so it is not a device's own channel count: "
                                    "configure the channel count");
    unsigned channels = 0;
    check(snd_pcm_hw_params_set_channels_last(pcm, hw, &channels), "set channels");
    return static_cast<int>(channels);
}

} // namespace

int open_capture_pcm(const std::string& name, PcmHandle& out) noexcept
{
    snd_pcm_t* pcm = nullptr;
    const int err = snd_pcm_open(&pcm, name.c_str(), SND_PCM_STREAM_CAPTURE, SND_PCM_NONBLOCK);
    if (err < 0)
        return err;
    out.reset(pcm);
    return 0;
}

snd_pcm_format_t to_alsa(SampleFormat format) noexcept
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

PcmSettings configure_capture_pcm(snd_pcm_t* pcm, const PcmRequest& request)
{
    snd_pcm_hw_params_t* raw_hw = nullptr;
    check(snd_pcm_hw_params_malloc(&raw_hw), "hw_params");
    const std::unique_ptr<snd_pcm_hw_params_t, HwParamsFree> hw(raw_hw);
    check(snd_pcm_hw_params_any(pcm, hw.get()), "the device offers no configuration");

    PcmSettings s;
    s.mmap = choose_access(pcm, hw.get(), request.allow_mmap);
    s.format = choose_format(pcm, hw.get());
    s.channels = choose_channels(pcm, hw.get(), request.channels);

    // A hw: device cannot resample; a plugin PCM must not either (we measure what arrives).
    check(snd_pcm_hw_params_set_rate_resample(pcm, hw.get(), 0), "disable resampling");
    s.rate = request.rate;
    check(snd_pcm_hw_params_set_rate_near(pcm, hw.get(), &s.rate, nullptr),
          "set rate near " + std::to_string(request.rate));

    unsigned period_us = request.period_us;
    check(snd_pcm_hw_params_set_period_time_near(pcm, hw.get(), &period_us, nullptr), "set period");
    unsigned buffer_us = request.buffer_us;
    check(snd_pcm_hw_params_set_buffer_time_near(pcm, hw.get(), &buffer_us, nullptr), "set buffer");
    check(snd_pcm_hw_params(pcm, hw.get()), "install hardware parameters");
    check(snd_pcm_hw_params_get_period_size(hw.get(), &s.period_frames, nullptr),
          "get period size");
    check(snd_pcm_hw_params_get_buffer_size(hw.get(), &s.buffer_frames), "get buffer size");

    snd_pcm_sw_params_t* raw_sw = nullptr;
    check(snd_pcm_sw_params_malloc(&raw_sw), "sw_params");
    const std::unique_ptr<snd_pcm_sw_params_t, SwParamsFree> sw(raw_sw);
    check(snd_pcm_sw_params_current(pcm, sw.get()), "read software parameters");
    // Wake once per period. The stream is started explicitly; an overrun stops it (the default
    // stop threshold, one buffer), so overruns are seen and counted rather than silently
    // overwritten.
    check(snd_pcm_sw_params_set_avail_min(pcm, sw.get(), s.period_frames), "set avail_min");
    check(snd_pcm_sw_params_set_stop_threshold(pcm, sw.get(), s.buffer_frames),
          "set stop threshold");
    check(snd_pcm_sw_params(pcm, sw.get()), "install software parameters");
    return s;
}

} // namespace cmrd::capture
