// SPDX-License-Identifier: GPL-2.0-or-later
#include "capture/sample_format.hpp"

#include <cstdint>
#include <cstring>

namespace cmrd::capture {
namespace {

// Samples are assembled from bytes rather than loaded through a cast: that is independent of
// the host's byte order and alignment, and compilers turn it into plain loads on x86 and ARM.
std::uint32_t byte_at(const std::byte* p, int i) noexcept
{
    return std::to_integer<std::uint32_t>(p[i]);
}

// Sign-extends the low 24 bits of a word: move bit 23 into the sign bit, shift back
// arithmetically (well defined since C++20).
std::int32_t sign_extend_24(std::uint32_t v) noexcept
{
    return static_cast<std::int32_t>(v << 8) >> 8;
}

constexpr float scale_16 = 1.0f / 32768.0f;      // 2^-15, exact
constexpr float scale_24 = 1.0f / 8388608.0f;    // 2^-23, exact
constexpr float scale_32 = 1.0f / 2147483648.0f; // 2^-31, exact

} // namespace

std::size_t bytes_per_sample(SampleFormat format) noexcept
{
    switch (format) {
    case SampleFormat::s16_le:
        return 2;
    case SampleFormat::s24_3le:
        return 3;
    case SampleFormat::s24_le:
    case SampleFormat::s32_le:
    case SampleFormat::float_le:
        return 4;
    }
    return 4;
}

std::string_view to_string(SampleFormat format) noexcept
{
    switch (format) {
    case SampleFormat::s16_le:
        return "S16_LE";
    case SampleFormat::s24_le:
        return "S24_LE";
    case SampleFormat::s24_3le:
        return "S24_3LE";
    case SampleFormat::s32_le:
        return "S32_LE";
    case SampleFormat::float_le:
        return "FLOAT_LE";
    }
    return "?";
}

std::optional<SampleFormat> sample_format_from_string(std::string_view name) noexcept
{
    for (const SampleFormat f : format_preference)
        if (to_string(f) == name)
            return f;
    return std::nullopt;
}

void convert_to_float(SampleFormat format, std::span<const std::byte> in,
                      std::span<float> out) noexcept
{
    const std::byte* p = in.data();
    const std::size_t n = out.size();
    switch (format) {
    case SampleFormat::s16_le:
        for (std::size_t i = 0; i < n; ++i, p += 2) {
            const auto v = static_cast<std::int16_t>(byte_at(p, 0) | byte_at(p, 1) << 8);
            out[i] = static_cast<float>(v) * scale_16;
        }
        return;
    case SampleFormat::s24_le:
        for (std::size_t i = 0; i < n; ++i, p += 4) {
            const std::uint32_t v = byte_at(p, 0) | byte_at(p, 1) << 8 | byte_at(p, 2) << 16;
            out[i] = static_cast<float>(sign_extend_24(v)) * scale_24;
        }
        return;
    case SampleFormat::s24_3le:
        for (std::size_t i = 0; i < n; ++i, p += 3) {
            const std::uint32_t v = byte_at(p, 0) | byte_at(p, 1) << 8 | byte_at(p, 2) << 16;
            out[i] = static_cast<float>(sign_extend_24(v)) * scale_24;
        }
        return;
    case SampleFormat::s32_le:
        for (std::size_t i = 0; i < n; ++i, p += 4) {
            const std::uint32_t v =
                byte_at(p, 0) | byte_at(p, 1) << 8 | byte_at(p, 2) << 16 | byte_at(p, 3) << 24;
            out[i] = static_cast<float>(static_cast<std::int32_t>(v)) * scale_32;
        }
        return;
    case SampleFormat::float_le:
        for (std::size_t i = 0; i < n; ++i, p += 4) {
            const std::uint32_t v =
                byte_at(p, 0) | byte_at(p, 1) << 8 | byte_at(p, 2) << 16 | byte_at(p, 3) << 24;
            std::memcpy(&out[i], &v, sizeof v);
        }
        return;
    }
}

} // namespace cmrd::capture
