// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file sim_test_reference.hpp
/// What the simulated interface's tests compare against: a scenario that exercises the whole
/// synthesiser, its render, and a reference encoding of the ADC conversion written
/// independently of the plugin's (sample_format.cpp), so a mistake in one is not hidden by the
/// same mistake in the other.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <alsa/asoundlib.h>

#include "synth.hpp"

namespace cmr::sim::testing {

/// Eight inputs: a hummy pair with a 997 Hz tone whose common-mode hum rises 20 dB at 0.3 s,
/// a pair with white noise, a single input driven to +6 dBFS (it clips), a single with pink
/// noise, a music pair on 7/8 with a programme-level ramp; noise floor everywhere, drifting
/// mains.
inline synth::Scenario busy_scenario(int inputs = 8)
{
    synth::Scenario s;
    s.inputs = inputs;
    s.sample_rate = 48000;
    s.duration_s = 30.0;
    s.seed = 42;
    s.noise_dbfs = -100.0;
    s.mains.frequency_hz = 50.0;
    s.mains.drift_mhz_per_sqrt_s = 1.0;

    synth::PairSpec hum_pair;
    hum_pair.hot = 1;
    hum_pair.cold = 2;
    hum_pair.mismatch = 0.01;
    hum_pair.cm_hum = {-60.0, *synth::named_profile("ground_loop")};
    hum_pair.programme.kind = synth::ProgrammeKind::sine;
    hum_pair.programme.level_dbfs = -12.0;
    hum_pair.programme.frequency_hz = 997.0;
    s.pairs.push_back(hum_pair);

    synth::PairSpec noise_pair;
    noise_pair.hot = 3;
    noise_pair.cold = 4;
    noise_pair.programme.kind = synth::ProgrammeKind::white_noise;
    noise_pair.programme.level_dbfs = -10.0;
    noise_pair.programme.symmetry = synth::LegSymmetry::cold_silent;
    s.pairs.push_back(noise_pair);

    synth::SingleSpec clipping;
    clipping.input = 5;
    clipping.programme.kind = synth::ProgrammeKind::sine;
    clipping.programme.level_dbfs = 6.0; // peak 2.0: clips at both ends
    clipping.programme.frequency_hz = 441.0;
    s.singles.push_back(clipping);

    synth::SingleSpec pink;
    pink.input = 6;
    pink.programme.kind = synth::ProgrammeKind::pink_noise;
    pink.programme.level_dbfs = -20.0;
    pink.hum = {-70.0, *synth::named_profile("buzz")};
    s.singles.push_back(pink);

    if (inputs >= 8) {
        synth::PairSpec music;
        music.hot = 7;
        music.cold = 8;
        music.programme.kind = synth::ProgrammeKind::music;
        music.programme.level_dbfs = -18.0;
        s.pairs.push_back(music);
        synth::Event ramp;
        ramp.at_s = 0.2;
        ramp.channel = "7/8";
        ramp.param = synth::Param::programme_level_dbfs;
        ramp.value = 6.0;
        ramp.relative = true;
        ramp.ramp_s = 0.5;
        s.events.push_back(ramp);
    }
    synth::Event loop;
    loop.at_s = 0.3;
    loop.channel = "1/2";
    loop.param = synth::Param::cm_hum_level_dbfs;
    loop.value = 20.0;
    loop.relative = true;
    s.events.push_back(loop);
    return s;
}

/// The scenario's frames [first, first + frames) at @p rate, interleaved.
inline std::vector<float> render(synth::Scenario scenario, unsigned rate, std::int64_t first,
                                 std::size_t frames)
{
    scenario.sample_rate = static_cast<int>(rate);
    synth::Synth synth(std::move(scenario));
    std::vector<float> out(frames * static_cast<std::size_t>(synth.input_count()));
    synth.render(first, out);
    return out;
}

/// The reference ADC code of @p x in a signed @p bits format: the value x·2^(bits−1) rounded
/// to the nearest integer (halves away from zero) and clipped to the format's range.
inline std::int64_t reference_code(float x, int bits)
{
    const long double scaled = std::ldexp(static_cast<long double>(x), bits - 1);
    const long double top = std::ldexp(1.0L, bits - 1) - 1.0L;
    const long double rounded = std::round(scaled);
    if (rounded > top)
        return static_cast<std::int64_t>(top);
    if (rounded < -top - 1.0L)
        return static_cast<std::int64_t>(-top - 1.0L);
    return static_cast<std::int64_t>(rounded);
}

/// The bytes a capture in @p format should deliver for @p samples (little-endian).
inline std::vector<unsigned char> reference_bytes(snd_pcm_format_t format,
                                                  const std::vector<float>& samples)
{
    std::vector<unsigned char> out;
    const auto put = [&out](std::int64_t code, int bytes) {
        const auto bits = static_cast<std::uint64_t>(code); // two's complement
        for (int i = 0; i < bytes; ++i)
            out.push_back(static_cast<unsigned char>((bits >> (8 * i)) & 0xFFU));
    };
    for (const float x : samples) {
        switch (format) {
        case SND_PCM_FORMAT_S16_LE:
            put(reference_code(x, 16), 2);
            break;
        case SND_PCM_FORMAT_S24_LE: // 24-bit code, sign-extended to 32 bits
            put(reference_code(x, 24), 4);
            break;
        case SND_PCM_FORMAT_S24_3LE:
            put(reference_code(x, 24), 3);
            break;
        case SND_PCM_FORMAT_S32_LE:
            put(reference_code(x, 32), 4);
            break;
        case SND_PCM_FORMAT_FLOAT_LE: {
            std::uint32_t bits = 0;
            std::memcpy(&bits, &x, sizeof bits);
            put(bits, 4);
            break;
        }
        default:
            break;
        }
    }
    return out;
}

/// The index of the first differing byte, or -1 when @p a and @p b are equal.
inline long first_difference(const std::vector<unsigned char>& a,
                             const std::vector<unsigned char>& b)
{
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i)
        if (a[i] != b[i])
            return static_cast<long>(i);
    return a.size() == b.size() ? -1 : static_cast<long>(n);
}

} // namespace cmr::sim::testing
