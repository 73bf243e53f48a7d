// SPDX-License-Identifier: GPL-2.0-or-later
#include "sample_format.hpp"

#include <array>
#include <cmath>
#include <cstring>
#include <utility>

namespace cmr::sim {

namespace {

constexpr std::array<std::pair<SampleFormat, std::string_view>, 5> names{{
    {SampleFormat::s16_le, "S16_LE"},
    {SampleFormat::s24_le, "S24_LE"},
    {SampleFormat::s24_3le, "S24_3LE"},
    {SampleFormat::s32_le, "S32_LE"},
    {SampleFormat::float_le, "FLOAT_LE"},
}};

void store_le(std::uint32_t value, unsigned char* out, std::size_t bytes)
{
    for (std::size_t i = 0; i < bytes; ++i)
        out[i] = static_cast<unsigned char>(value >> (8 * i));
}

/// quantize() with the width known at compile time.
template <int Bits> std::int32_t quantize_to(float x)
{
    // In double, x · 2^(bits−1) is exact (a float has 24 significant bits), so only the
    // rounding and the clamp decide the code. NaN (never produced by the synthesiser) reads 0.
    constexpr double full_scale = static_cast<double>(1ULL << (Bits - 1));
    const double scaled = static_cast<double>(x) * full_scale;
    if (!(scaled < full_scale - 0.5))
        return std::isnan(scaled) ? 0 : static_cast<std::int32_t>(full_scale - 1.0);
    if (!(scaled > -full_scale))
        return static_cast<std::int32_t>(-full_scale);
    return static_cast<std::int32_t>(std::lround(scaled));
}

template <SampleFormat Format> void store_one(float x, unsigned char* out)
{
    if constexpr (Format == SampleFormat::s16_le)
        store_le(static_cast<std::uint32_t>(quantize_to<16>(x)), out, 2);
    else if constexpr (Format == SampleFormat::s24_le) // sign-extended into the top byte
        store_le(static_cast<std::uint32_t>(quantize_to<24>(x)), out, 4);
    else if constexpr (Format == SampleFormat::s24_3le)
        store_le(static_cast<std::uint32_t>(quantize_to<24>(x)), out, 3);
    else if constexpr (Format == SampleFormat::s32_le)
        store_le(static_cast<std::uint32_t>(quantize_to<32>(x)), out, 4);
    else {
        std::uint32_t bits = 0;
        std::memcpy(&bits, &x, sizeof bits);
        store_le(bits, out, 4);
    }
}

template <SampleFormat Format>
void store_all(const float* in, std::size_t in_stride, unsigned char* out, std::size_t out_stride,
               std::size_t count)
{
    for (std::size_t i = 0; i < count; ++i)
        store_one<Format>(in[i * in_stride], out + i * out_stride);
}

} // namespace

std::string_view to_string(SampleFormat format)
{
    for (const auto& [f, name] : names)
        if (f == format)
            return name;
    return "?";
}

std::optional<SampleFormat> parse_sample_format(std::string_view name)
{
    for (const auto& [f, n] : names)
        if (n == name)
            return f;
    return std::nullopt;
}

std::size_t sample_bytes(SampleFormat format)
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

std::int32_t quantize(float x, int bits)
{
    switch (bits) {
    case 16:
        return quantize_to<16>(x);
    case 24:
        return quantize_to<24>(x);
    case 32:
        return quantize_to<32>(x);
    default:
        return 0;
    }
}

void store_sample(SampleFormat format, float x, unsigned char* out)
{
    store_samples(format, &x, 1, out, 0, 1);
}

void store_samples(SampleFormat format, const float* in, std::size_t in_stride, unsigned char* out,
                   std::size_t out_stride, std::size_t count)
{
    switch (format) {
    case SampleFormat::s16_le:
        return store_all<SampleFormat::s16_le>(in, in_stride, out, out_stride, count);
    case SampleFormat::s24_le:
        return store_all<SampleFormat::s24_le>(in, in_stride, out, out_stride, count);
    case SampleFormat::s24_3le:
        return store_all<SampleFormat::s24_3le>(in, in_stride, out, out_stride, count);
    case SampleFormat::s32_le:
        return store_all<SampleFormat::s32_le>(in, in_stride, out, out_stride, count);
    case SampleFormat::float_le:
        return store_all<SampleFormat::float_le>(in, in_stride, out, out_stride, count);
    }
}

} // namespace cmr::sim
