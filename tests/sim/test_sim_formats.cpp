// SPDX-License-Identifier: GPL-2.0-or-later
// The simulated interface through alsa-lib: every sample format converts exactly as an ADC
// would (read and mmap access), and the hardware constraints refuse what the "device" does not
// offer with -EINVAL, as a hw: device does.

#include <string>
#include <vector>

#include <alsa/asoundlib.h>
#include <gtest/gtest.h>

#include "capture_client.hpp"
#include "sim_test_reference.hpp"
#include "simulated_interface.hpp"

namespace {

using cmr::sim::interface_spec;
using cmr::sim::SimulatedInterface;
using namespace cmr::sim::testing;

struct FormatCase {
    snd_pcm_format_t format;
    snd_pcm_access_t access;
};

std::string case_name(const testing::TestParamInfo<FormatCase>& info)
{
    std::string name = snd_pcm_format_name(info.param.format);
    name += info.param.access == SND_PCM_ACCESS_MMAP_INTERLEAVED ? "_mmap" : "_rw";
    return name;
}

class SimFormats : public testing::TestWithParam<FormatCase> {};

// 0.5 s from the first frame: it includes the clipping input, the ramp starting at 0.2 s and
// the hum step at 0.3 s. Tolerance: none, every byte must match the reference encoding.
TEST_P(SimFormats, EverySampleMatchesTheReferenceEncodingOfTheScenario)
{
    const auto scenario = busy_scenario();
    SimulatedInterface sim(interface_spec(8, {"S16_LE", "S24_LE", "S24_3LE", "S32_LE", "FLOAT_LE"}),
                           scenario);
    Pcm pcm;
    ASSERT_EQ(pcm.open(sim.pcm_name()), 0);
    PcmSetup setup;
    setup.format = GetParam().format;
    setup.access = GetParam().access;
    ASSERT_EQ(configure(pcm.get(), setup), 0);

    constexpr std::size_t frames = 24000;
    std::vector<unsigned char> got;
    const int err = setup.access == SND_PCM_ACCESS_MMAP_INTERLEAVED
                        ? read_frames_mmap(pcm.get(), frames, got)
                        : read_frames(pcm.get(), frames, got);
    ASSERT_EQ(err, 0) << snd_strerror(err);

    const std::vector<unsigned char> want =
        reference_bytes(setup.format, render(scenario, 48000, 0, frames));
    ASSERT_EQ(got.size(), want.size());
    const long diff = first_difference(got, want);
    const long frame_bytes = snd_pcm_format_physical_width(setup.format) / 8 * 8; // 8 inputs
    EXPECT_EQ(diff, -1) << "first difference at frame " << diff / frame_bytes << ", byte "
                        << diff % frame_bytes;
}

// The clipping input (5) really reaches both ends of the integer range (the comparison above
// would pass vacuously for a scenario that never clips).
TEST(SimFormats, ClippedInputReachesFullScaleCodes)
{
    SimulatedInterface sim(interface_spec(8, {"S16_LE"}), busy_scenario());
    Pcm pcm;
    ASSERT_EQ(pcm.open(sim.pcm_name()), 0);
    PcmSetup setup;
    setup.format = SND_PCM_FORMAT_S16_LE;
    ASSERT_EQ(configure(pcm.get(), setup), 0);
    std::vector<unsigned char> got;
    ASSERT_EQ(read_frames(pcm.get(), 4800, got), 0);
    int highest = 0;
    int lowest = 0;
    for (std::size_t frame = 0; frame < 4800; ++frame) {
        const std::size_t at = frame * 16 + 4 * 2; // input 5, 2 bytes per sample
        const auto code = static_cast<std::int16_t>(got[at] | (got[at + 1] << 8));
        highest = std::max<int>(highest, code);
        lowest = std::min<int>(lowest, code);
    }
    EXPECT_EQ(highest, 32767);
    EXPECT_EQ(lowest, -32768);
}

INSTANTIATE_TEST_SUITE_P(
    AllFormats, SimFormats,
    testing::Values(FormatCase{SND_PCM_FORMAT_S16_LE, SND_PCM_ACCESS_RW_INTERLEAVED},
                    FormatCase{SND_PCM_FORMAT_S24_LE, SND_PCM_ACCESS_RW_INTERLEAVED},
                    FormatCase{SND_PCM_FORMAT_S24_3LE, SND_PCM_ACCESS_RW_INTERLEAVED},
                    FormatCase{SND_PCM_FORMAT_S32_LE, SND_PCM_ACCESS_RW_INTERLEAVED},
                    FormatCase{SND_PCM_FORMAT_FLOAT_LE, SND_PCM_ACCESS_RW_INTERLEAVED},
                    FormatCase{SND_PCM_FORMAT_S16_LE, SND_PCM_ACCESS_MMAP_INTERLEAVED},
                    FormatCase{SND_PCM_FORMAT_S24_LE, SND_PCM_ACCESS_MMAP_INTERLEAVED},
                    FormatCase{SND_PCM_FORMAT_S24_3LE, SND_PCM_ACCESS_MMAP_INTERLEAVED},
                    FormatCase{SND_PCM_FORMAT_S32_LE, SND_PCM_ACCESS_MMAP_INTERLEAVED},
                    FormatCase{SND_PCM_FORMAT_FLOAT_LE, SND_PCM_ACCESS_MMAP_INTERLEAVED}),
    case_name);

// ---- hardware constraints -------------------------------------------------------------------

class SimConstraints : public testing::Test {
protected:
    // "8 inputs, S32_LE only, 44100/48000/96000", like the example interface.
    SimulatedInterface sim{interface_spec(8, {"S32_LE"}, {44100, 48000, 96000}), busy_scenario()};

    int try_setup(const PcmSetup& setup)
    {
        Pcm pcm;
        const int err = pcm.open(sim.pcm_name());
        if (err < 0)
            return err;
        return configure(pcm.get(), setup);
    }
};

TEST_F(SimConstraints, OfferedConfigurationsAreAccepted)
{
    for (const unsigned rate : {44100U, 48000U, 96000U}) {
        PcmSetup setup;
        setup.rate = rate;
        EXPECT_EQ(try_setup(setup), 0) << rate;
    }
    PcmSetup mmap;
    mmap.access = SND_PCM_ACCESS_MMAP_INTERLEAVED;
    EXPECT_EQ(try_setup(mmap), 0);
    PcmSetup extremes; // the period limits themselves
    extremes.period = 32;
    extremes.periods = 64;
    EXPECT_EQ(try_setup(extremes), 0);
    extremes.period = 32768; // 1 MiB periods of 8 × 4 bytes, 2 of them
    extremes.periods = 2;
    EXPECT_EQ(try_setup(extremes), 0);
}

TEST_F(SimConstraints, AnythingElseFailsWithEinvalLikeAHwDevice)
{
    PcmSetup wrong_channels;
    wrong_channels.channels = 2;
    EXPECT_EQ(try_setup(wrong_channels), -EINVAL);
    wrong_channels.channels = 10;
    EXPECT_EQ(try_setup(wrong_channels), -EINVAL);

    PcmSetup wrong_format;
    wrong_format.format = SND_PCM_FORMAT_S16_LE;
    EXPECT_EQ(try_setup(wrong_format), -EINVAL);
    wrong_format.format = SND_PCM_FORMAT_FLOAT_LE;
    EXPECT_EQ(try_setup(wrong_format), -EINVAL);

    PcmSetup wrong_rate;
    wrong_rate.rate = 32000;
    EXPECT_EQ(try_setup(wrong_rate), -EINVAL);
    wrong_rate.rate = 48001;
    EXPECT_EQ(try_setup(wrong_rate), -EINVAL);

    PcmSetup wrong_access;
    wrong_access.access = SND_PCM_ACCESS_RW_NONINTERLEAVED;
    EXPECT_EQ(try_setup(wrong_access), -EINVAL);

    PcmSetup small_period;
    small_period.period = 16;
    EXPECT_EQ(try_setup(small_period), -EINVAL);
    PcmSetup one_period;
    one_period.periods = 1;
    EXPECT_EQ(try_setup(one_period), -EINVAL);
    PcmSetup many_periods;
    many_periods.periods = 65;
    EXPECT_EQ(try_setup(many_periods), -EINVAL);
}

// What a client asking for "any" configuration is offered: exactly the device's own.
TEST_F(SimConstraints, TheConfigurationSpaceIsTheDevicesOwn)
{
    Pcm pcm;
    ASSERT_EQ(pcm.open(sim.pcm_name()), 0);
    snd_pcm_hw_params_t* hw = nullptr;
    snd_pcm_hw_params_alloca(&hw);
    ASSERT_GE(snd_pcm_hw_params_any(pcm.get(), hw), 0);
    unsigned min_channels = 0;
    unsigned max_channels = 0;
    ASSERT_EQ(snd_pcm_hw_params_get_channels_min(hw, &min_channels), 0);
    ASSERT_EQ(snd_pcm_hw_params_get_channels_max(hw, &max_channels), 0);
    EXPECT_EQ(min_channels, 8U);
    EXPECT_EQ(max_channels, 8U);
    unsigned min_rate = 0;
    unsigned max_rate = 0;
    ASSERT_EQ(snd_pcm_hw_params_get_rate_min(hw, &min_rate, nullptr), 0);
    ASSERT_EQ(snd_pcm_hw_params_get_rate_max(hw, &max_rate, nullptr), 0);
    EXPECT_EQ(min_rate, 44100U);
    EXPECT_EQ(max_rate, 96000U);
    for (int f = 0; f <= SND_PCM_FORMAT_LAST; ++f) {
        const auto format = static_cast<snd_pcm_format_t>(f);
        EXPECT_EQ(snd_pcm_hw_params_test_format(pcm.get(), hw, format) == 0,
                  format == SND_PCM_FORMAT_S32_LE)
            << snd_pcm_format_name(format);
    }
    snd_pcm_uframes_t min_period = 0;
    ASSERT_EQ(snd_pcm_hw_params_get_period_size_min(hw, &min_period, nullptr), 0);
    EXPECT_EQ(min_period, 32U);
}

} // namespace
