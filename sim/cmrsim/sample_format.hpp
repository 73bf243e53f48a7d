// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file sample_format.hpp
/// The simulated interface's converter: turns the synthesiser's float samples (±1.0 = full
/// scale) into the sample format negotiated with the client, the way an ADC's output would
/// read. Integer formats clip: a value of n bits is round(x · 2^(n−1)), rounded half away from
/// zero and clamped to [−2^(n−1), 2^(n−1) − 1], so +1.0 reads as the largest code and anything
/// below −1.0 as the smallest.
///
/// | format   | bytes | layout                                                             |
/// |----------|-------|--------------------------------------------------------------------|
/// | S16_LE   | 2     | 16-bit two's complement                                            |
/// | S24_LE   | 4     | 24-bit value in the low 3 bytes of 32 bits, sign-extended          |
/// | S24_3LE  | 3     | 24-bit value, 3 bytes                                              |
/// | S32_LE   | 4     | 32-bit two's complement                                            |
/// | FLOAT_LE | 4     | the synthesiser's float unchanged (not clipped)                    |

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace cmr::sim {

/// The sample formats the simulator can offer.
enum class SampleFormat { s16_le, s24_le, s24_3le, s32_le, float_le };

/// ALSA's name of @p format ("S16_LE", "S24_LE", "S24_3LE", "S32_LE", "FLOAT_LE").
[[nodiscard]] std::string_view to_string(SampleFormat format);
/// Parses one of the names above (exact, upper case, as ALSA writes them).
[[nodiscard]] std::optional<SampleFormat> parse_sample_format(std::string_view name);
/// Bytes one sample occupies in memory.
[[nodiscard]] std::size_t sample_bytes(SampleFormat format);

/// The integer code of @p x in a signed @p bits format: round(x · 2^(bits−1)), clamped.
[[nodiscard]] std::int32_t quantize(float x, int bits);

/// Writes @p x in @p format at @p out (sample_bytes(format) bytes, little-endian).
void store_sample(SampleFormat format, float x, unsigned char* out);

/// Converts @p count samples: `in[i · in_stride]` is written at `out + i · out_stride` bytes.
/// The same conversion as store_sample(), with the format decided once per call.
void store_samples(SampleFormat format, const float* in, std::size_t in_stride, unsigned char* out,
                   std::size_t out_stride, std::size_t count);

} // namespace cmr::sim
