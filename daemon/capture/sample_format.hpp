// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file sample_format.hpp
/// The integer and float sample formats the capture engine accepts from a `hw:` device, and
/// their exact conversion to float (±1.0 = full scale). A `hw:` PCM converts nothing, so the
/// engine takes whatever the interface offers and converts here, in the capture thread.

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace cmrd::capture {

/// A little-endian interleaved sample format.
enum class SampleFormat {
    s16_le,  ///< 16-bit signed in 2 bytes
    s24_le,  ///< 24-bit signed in the low 3 bytes of a 4-byte word (the top byte is ignored)
    s24_3le, ///< 24-bit signed packed in 3 bytes
    s32_le,  ///< 32-bit signed in 4 bytes
    float_le ///< IEEE-754 single precision in 4 bytes
};

/// The formats in the order the engine prefers them: float needs no conversion, then the
/// widest integers first (S32 devices often carry 24 bits of data, S24_3LE is exact).
inline constexpr SampleFormat format_preference[] = {SampleFormat::float_le, SampleFormat::s32_le,
                                                     SampleFormat::s24_3le, SampleFormat::s24_le,
                                                     SampleFormat::s16_le};

/// Bytes one sample occupies in a frame.
[[nodiscard]] std::size_t bytes_per_sample(SampleFormat format) noexcept;

/// ALSA's name of the format ("S16_LE", "S24_3LE", "FLOAT_LE" ...).
[[nodiscard]] std::string_view to_string(SampleFormat format) noexcept;

/// The format with ALSA name @p name, if it is one of ours.
[[nodiscard]] std::optional<SampleFormat> sample_format_from_string(std::string_view name) noexcept;

/// Converts `out.size()` samples from @p in (raw little-endian bytes, `out.size() *
/// bytes_per_sample(format)` of them) to float. Integers are scaled by 2^-(bits-1): S16 by
/// 1/32768, both 24-bit formats (sign-extended from bit 23) by 2^-23, S32 by 2^-31, so -full
/// scale maps to exactly -1.0. Every 16- and 24-bit value is represented exactly; S32 values
/// are rounded to float's 24-bit mantissa (round to nearest), so INT32_MAX becomes 1.0f.
/// Float samples are copied bit for bit (non-finite values included: the analyzer counts them).
/// Never allocates; safe in the real-time thread.
void convert_to_float(SampleFormat format, std::span<const std::byte> in,
                      std::span<float> out) noexcept;

} // namespace cmrd::capture
