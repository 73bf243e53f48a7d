// SPDX-License-Identifier: GPL-2.0-or-later
// Sample conversion from every format the capture engine accepts: exact values (compared with
// ==, no tolerance) at the extremes, around zero, and for a sweep of values against an
// independent reference computed in double precision.
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "capture/sample_format.hpp"

namespace cmrd::capture {
namespace {

// Little-endian byte encoders, written independently of the converter.
void put_le(std::vector<std::byte>& out, std::uint32_t v, int bytes)
{
    for (int i = 0; i < bytes; ++i)
        out.push_back(static_cast<std::byte>((v >> (8 * i)) & 0xFF));
}

std::vector<float> convert(SampleFormat format, const std::vector<std::byte>& bytes)
{
    std::vector<float> out(bytes.size() / bytes_per_sample(format), -123.0f);
    convert_to_float(format, bytes, out);
    return out;
}

// The exact value of an integer sample of `bits` bits, rounded once to float (the only
// rounding an exact converter may do; it never happens below 25 bits).
float reference(std::int64_t v, int bits)
{
    return static_cast<float>(static_cast<double>(v) / std::ldexp(1.0, bits - 1));
}

TEST(SampleFormat, SizesAndNames)
{
    EXPECT_EQ(bytes_per_sample(SampleFormat::s16_le), 2U);
    EXPECT_EQ(bytes_per_sample(SampleFormat::s24_3le), 3U);
    EXPECT_EQ(bytes_per_sample(SampleFormat::s24_le), 4U);
    EXPECT_EQ(bytes_per_sample(SampleFormat::s32_le), 4U);
    EXPECT_EQ(bytes_per_sample(SampleFormat::float_le), 4U);
    for (const SampleFormat f : format_preference)
        EXPECT_EQ(sample_format_from_string(to_string(f)), f);
    EXPECT_EQ(sample_format_from_string("S24_3BE"), std::nullopt);
    EXPECT_EQ(format_preference[0], SampleFormat::float_le);
    EXPECT_EQ(format_preference[4], SampleFormat::s16_le);
}

TEST(SampleFormat, S16Extremes)
{
    std::vector<std::byte> b;
    for (const std::int16_t v : {std::int16_t{-32768}, std::int16_t{32767}, std::int16_t{0},
                                 std::int16_t{1}, std::int16_t{-1}, std::int16_t{16384}})
        put_le(b, static_cast<std::uint16_t>(v), 2);
    const std::vector<float> f = convert(SampleFormat::s16_le, b);
    EXPECT_EQ(f[0], -1.0f);
    EXPECT_EQ(f[1], 32767.0f / 32768.0f);
    EXPECT_EQ(f[2], 0.0f);
    EXPECT_EQ(f[3], 1.0f / 32768.0f);
    EXPECT_EQ(f[4], -1.0f / 32768.0f);
    EXPECT_EQ(f[5], 0.5f);
}

TEST(SampleFormat, S16EveryValue)
{
    std::vector<std::byte> b;
    for (int v = -32768; v <= 32767; ++v)
        put_le(b, static_cast<std::uint16_t>(v), 2);
    const std::vector<float> f = convert(SampleFormat::s16_le, b);
    for (int v = -32768; v <= 32767; ++v)
        ASSERT_EQ(f[static_cast<std::size_t>(v + 32768)], reference(v, 16)) << v;
}

TEST(SampleFormat, S24In3BytesExtremes)
{
    // Bytes written by hand: -2^23 = 00 00 80, 2^23-1 = FF FF 7F, -1 = FF FF FF, 1 = 01 00 00.
    const std::vector<std::byte> b = {
        std::byte{0x00}, std::byte{0x00}, std::byte{0x80}, std::byte{0xFF}, std::byte{0xFF},
        std::byte{0x7F}, std::byte{0xFF}, std::byte{0xFF}, std::byte{0xFF}, std::byte{0x01},
        std::byte{0x00}, std::byte{0x00}, std::byte{0x56}, std::byte{0x34}, std::byte{0x12}};
    const std::vector<float> f = convert(SampleFormat::s24_3le, b);
    ASSERT_EQ(f.size(), 5U);
    EXPECT_EQ(f[0], -1.0f);
    EXPECT_EQ(f[1], 8388607.0f / 8388608.0f);
    EXPECT_EQ(f[2], -1.0f / 8388608.0f);
    EXPECT_EQ(f[3], 1.0f / 8388608.0f);
    EXPECT_EQ(f[4], 1193046.0f / 8388608.0f); // 0x123456
}

TEST(SampleFormat, S24In4BytesIgnoresTheTopByte)
{
    std::vector<std::byte> b;
    put_le(b, 0x00800000U, 4); // -2^23
    put_le(b, 0x007FFFFFU, 4); // 2^23 - 1
    put_le(b, 0xFF800000U, 4); // -2^23 sign-extended by the driver
    put_le(b, 0xAB000001U, 4); // garbage in the padding byte: still +1
    put_le(b, 0x00FFFFFFU, 4); // -1 without sign extension
    const std::vector<float> f = convert(SampleFormat::s24_le, b);
    EXPECT_EQ(f[0], -1.0f);
    EXPECT_EQ(f[1], 8388607.0f / 8388608.0f);
    EXPECT_EQ(f[2], -1.0f);
    EXPECT_EQ(f[3], 1.0f / 8388608.0f);
    EXPECT_EQ(f[4], -1.0f / 8388608.0f);
}

TEST(SampleFormat, S24EveryValueSampled)
{
    // Every 97th 24-bit value plus both ends, in both 24-bit layouts.
    std::vector<std::int32_t> values;
    for (std::int32_t v = -8388608; v <= 8388607; v += 97)
        values.push_back(v);
    values.push_back(8388607);
    std::vector<std::byte> packed;
    std::vector<std::byte> padded;
    for (const std::int32_t v : values) {
        put_le(packed, static_cast<std::uint32_t>(v) & 0xFFFFFFU, 3);
        put_le(padded, static_cast<std::uint32_t>(v), 4);
    }
    const std::vector<float> a = convert(SampleFormat::s24_3le, packed);
    const std::vector<float> b = convert(SampleFormat::s24_le, padded);
    for (std::size_t i = 0; i < values.size(); ++i) {
        ASSERT_EQ(a[i], reference(values[i], 24)) << values[i];
        ASSERT_EQ(b[i], reference(values[i], 24)) << values[i];
    }
}

TEST(SampleFormat, S32ExtremesAndRounding)
{
    std::vector<std::byte> b;
    const std::int32_t min = std::numeric_limits<std::int32_t>::min();
    const std::int32_t max = std::numeric_limits<std::int32_t>::max();
    for (const std::int32_t v : {min, max, 0, 256, -256, 1, 0x12345678})
        put_le(b, static_cast<std::uint32_t>(v), 4);
    const std::vector<float> f = convert(SampleFormat::s32_le, b);
    EXPECT_EQ(f[0], -1.0f);
    // 2^31 - 1 needs 31 bits: the nearest float is 1.0 (documented).
    EXPECT_EQ(f[1], 1.0f);
    EXPECT_EQ(f[2], 0.0f);
    // 24-bit audio in a 32-bit word (the common case) is exact: 256 = one 24-bit step.
    EXPECT_EQ(f[3], 1.0f / 8388608.0f);
    EXPECT_EQ(f[4], -1.0f / 8388608.0f);
    EXPECT_EQ(f[5], std::ldexp(1.0f, -31)); // small values keep full precision
    EXPECT_EQ(f[6], reference(0x12345678, 32));
}

TEST(SampleFormat, S32RandomValuesRoundToNearest)
{
    std::mt19937 rng(7);
    std::uniform_int_distribution<std::int32_t> dist(std::numeric_limits<std::int32_t>::min(),
                                                     std::numeric_limits<std::int32_t>::max());
    std::vector<std::int32_t> values(20000);
    std::vector<std::byte> b;
    for (std::int32_t& v : values) {
        v = dist(rng);
        put_le(b, static_cast<std::uint32_t>(v), 4);
    }
    const std::vector<float> f = convert(SampleFormat::s32_le, b);
    for (std::size_t i = 0; i < values.size(); ++i) {
        ASSERT_EQ(f[i], reference(values[i], 32)) << values[i];
        // Within half a float ulp of the exact value (relative 2^-24).
        const double exact = std::ldexp(static_cast<double>(values[i]), -31);
        ASSERT_LE(std::abs(static_cast<double>(f[i]) - exact), std::abs(exact) * 0x1p-24);
    }
}

TEST(SampleFormat, FloatIsCopiedBitForBit)
{
    const std::array<float, 7> values = {1.0f,
                                         -1.0f,
                                         0.25f,
                                         -0.0f,
                                         1.5f,
                                         std::numeric_limits<float>::infinity(),
                                         std::numeric_limits<float>::denorm_min()};
    std::vector<std::byte> b;
    for (const float v : values)
        put_le(b, std::bit_cast<std::uint32_t>(v), 4);
    put_le(b, 0x7FC00001U, 4); // a NaN with payload
    const std::vector<float> f = convert(SampleFormat::float_le, b);
    for (std::size_t i = 0; i < values.size(); ++i)
        EXPECT_EQ(std::bit_cast<std::uint32_t>(f[i]), std::bit_cast<std::uint32_t>(values[i]));
    EXPECT_EQ(std::bit_cast<std::uint32_t>(f[7]), 0x7FC00001U);
}

TEST(SampleFormat, UnalignedInput)
{
    // Packed 3-byte samples start at odd addresses; 16-bit samples at an odd offset too.
    std::vector<std::byte> b = {std::byte{0}};
    put_le(b, static_cast<std::uint16_t>(std::int16_t{-2}), 2);
    put_le(b, 0x7FFF, 2);
    std::array<float, 2> out{};
    convert_to_float(SampleFormat::s16_le, std::span<const std::byte>(b).subspan(1), out);
    EXPECT_EQ(out[0], -2.0f / 32768.0f);
    EXPECT_EQ(out[1], 32767.0f / 32768.0f);
}

} // namespace
} // namespace cmrd::capture
