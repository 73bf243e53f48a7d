// SPDX-License-Identifier: GPL-2.0-or-later
// The frame ring between cmrd-agent and cmrd (common/shared_frame_ring.hpp): frames arrive
// exactly, in order, with losses counted; a reader attached to any descriptor a hostile or
// broken writer hands it (not a memfd, unsealed, garbage header, wrong sizes, positions that
// go backwards or jump, samples that are not numbers) refuses it or reports it, never crashes;
// a writer in another thread or process racing the reader never delivers a torn frame.

#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shared_frame_ring.hpp"

namespace cmrd::common {
namespace {

constexpr RingFormat eight_inputs{8, 48000, 4800}; // 0.1 s

/// The sample of @p frame on @p channel in the test signal: every frame and channel distinct
/// (exact in float for the frame counts used here).
float sample_of(std::uint64_t frame, std::size_t channel)
{
    return static_cast<float>(frame % 1000000) + static_cast<float>(channel) / 16.0F;
}

std::vector<float> frames_from(std::uint64_t first, std::size_t count, std::size_t channels)
{
    std::vector<float> out(count * channels);
    for (std::size_t i = 0; i < count; ++i)
        for (std::size_t c = 0; c < channels; ++c)
            out[i * channels + c] = sample_of(first + i, c);
    return out;
}

/// A duplicate of the writer's descriptor, as D-Bus hands cmrd its own.
UniqueFd duplicate(int fd)
{
    return UniqueFd(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
}

/// A memfd holding @p bytes, sealed against shrinking when @p seal.
UniqueFd memfd_with(const std::vector<unsigned char>& bytes, bool seal = true)
{
    UniqueFd fd(::memfd_create("hostile", MFD_CLOEXEC | MFD_ALLOW_SEALING));
    EXPECT_GE(fd.get(), 0);
    EXPECT_EQ(::write(fd.get(), bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    if (seal) {
        EXPECT_EQ(::fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW), 0);
    }
    return fd;
}

/// The bytes of a real ring of @p format (header and zero samples).
std::vector<unsigned char> ring_bytes(const RingFormat& format)
{
    SharedRingWriter writer(format);
    std::vector<unsigned char> bytes(ring_file_bytes(format));
    EXPECT_EQ(::pread(writer.fd(), bytes.data(), bytes.size(), 0),
              static_cast<ssize_t>(bytes.size()));
    return bytes;
}

/// What attaching a reader to @p fd says: "" when it attaches.
std::string attach_error(UniqueFd fd)
{
    try {
        const SharedRingReader reader(std::move(fd));
        return "";
    } catch (const RingError& e) {
        return e.what();
    }
}

/// The writer's positions, written behind its back (a hostile writer's view of the header).
struct RawPositions {
    std::uint64_t claimed;
    std::uint64_t written;
};
void poke_positions(int fd, const RawPositions& positions)
{
    ASSERT_EQ(::pwrite(fd, &positions, sizeof positions, 64),
              static_cast<ssize_t>(sizeof positions));
}

TEST(SharedFrameRing, FramesArriveExactlyAndInOrder)
{
    SharedRingWriter writer(eight_inputs);
    SharedRingReader reader(duplicate(writer.fd()));
    EXPECT_EQ(reader.format(), eight_inputs);
    std::vector<float> out(1000 * 8);

    std::uint64_t next = 0;
    for (const std::size_t block : {1U, 256U, 999U, 4800U}) {
        writer.write(frames_from(next, block, 8));
        std::size_t got = 0;
        while (got < block) {
            const SharedRingReader::Read r = reader.read(out);
            ASSERT_EQ(r.status, SharedRingReader::Status::ok);
            ASSERT_EQ(r.lost, 0U);
            ASSERT_GT(r.frames, 0U);
            EXPECT_EQ(std::vector<float>(out.begin(), out.begin() + r.frames * 8),
                      frames_from(next + got, r.frames, 8));
            got += r.frames;
        }
        next += block;
    }
    EXPECT_EQ(reader.read(out).frames, 0U); // nothing more
    writer.add_xruns(3);
    EXPECT_EQ(reader.writer_xruns(), 3U);
    EXPECT_FALSE(reader.read(out).writer_ended);
    writer.end();
    EXPECT_TRUE(reader.read(out).writer_ended);
}

TEST(SharedFrameRing, AReaderStartsWithWhatComesNextAndCountsWhatItMissed)
{
    SharedRingWriter writer(eight_inputs);
    writer.write(frames_from(0, 1000, 8)); // before cmrd attached: not analysed
    SharedRingReader reader(duplicate(writer.fd()));
    std::vector<float> out(eight_inputs.capacity_frames * 8);
    EXPECT_EQ(reader.read(out).frames, 0U);

    // The reader falls one and a half rings behind: the newest ring survives.
    const std::uint64_t behind = eight_inputs.capacity_frames * 3 / 2;
    writer.write(frames_from(1000, behind, 8));
    const SharedRingReader::Read r = reader.read(out);
    EXPECT_EQ(r.status, SharedRingReader::Status::ok);
    EXPECT_EQ(r.lost, behind - eight_inputs.capacity_frames);
    ASSERT_EQ(r.frames, eight_inputs.capacity_frames);
    EXPECT_EQ(out, frames_from(1000 + r.lost, r.frames, 8));
}

TEST(SharedFrameRing, FormatsOutsideTheLimitsAreRefusedBothWays)
{
    for (const RingFormat& bad :
         {RingFormat{0, 48000, 48000}, RingFormat{65, 48000, 48000}, RingFormat{2, 100, 1000},
          RingFormat{2, 768000, 76800}, RingFormat{2, 48000, 10}, RingFormat{2, 48000, 48000 * 60},
          RingFormat{64, 384000, 384000 * 30}}) {
        SCOPED_TRACE(std::to_string(bad.channels) + " channels, " + std::to_string(bad.rate) +
                     " Hz, " + std::to_string(bad.capacity_frames) + " frames");
        EXPECT_FALSE(check_ring_format(bad).empty());
        EXPECT_THROW(SharedRingWriter{bad}, RingError);
    }
    EXPECT_EQ(check_ring_format(eight_inputs), "");
}

TEST(SharedFrameRing, DescriptorsThatAreNoRingAreRefusedSayingWhy)
{
    // A pipe, a file that can shrink under the mapping, an empty memfd.
    std::array<int, 2> pipe_fds{};
    ASSERT_EQ(::pipe2(pipe_fds.data(), O_CLOEXEC), 0);
    UniqueFd pipe_write(pipe_fds[1]);
    EXPECT_NE(attach_error(UniqueFd(pipe_fds[0])).find("not a memory file"), std::string::npos);
    const std::vector<unsigned char> good = ring_bytes(eight_inputs);
    EXPECT_NE(attach_error(memfd_with(good, /*seal=*/false)).find("F_SEAL_SHRINK"),
              std::string::npos);
    EXPECT_NE(attach_error(memfd_with({})).find("0 bytes"), std::string::npos);
    EXPECT_EQ(attach_error(memfd_with(good)), ""); // the same bytes, sealed: a ring

    // Header fields that lie.
    const auto with = [&](std::size_t offset, const void* value, std::size_t size) {
        std::vector<unsigned char> bytes = good;
        std::memcpy(bytes.data() + offset, value, size);
        return attach_error(memfd_with(bytes));
    };
    EXPECT_NE(with(0, "XXXX", 4).find("CMRDRNG1"), std::string::npos);
    const std::uint32_t version = 2;
    EXPECT_NE(with(8, &version, 4).find("version 2"), std::string::npos);
    const std::uint32_t channels = 4; // the file is sized for 8
    EXPECT_NE(with(16, &channels, 4).find("need"), std::string::npos);
    const std::uint32_t huge_channels = 100000;
    EXPECT_NE(with(16, &huge_channels, 4).find("100000 channels"), std::string::npos);
    const std::uint32_t rate = 1;
    EXPECT_NE(with(20, &rate, 4).find("rate is 1 Hz"), std::string::npos);
    const std::uint64_t capacity = std::numeric_limits<std::uint64_t>::max() / 4;
    EXPECT_NE(with(24, &capacity, 8).find("frames"), std::string::npos);
    // A file cut short of its samples.
    std::vector<unsigned char> cut = good;
    cut.resize(good.size() - 4);
    EXPECT_NE(attach_error(memfd_with(cut)).find("need"), std::string::npos);
}

TEST(SharedFrameRing, RandomHeadersAreRefusedOrMakeAValidRing)
{
    // Fuzz: 2000 headers with random bytes in every field, in files of the right size for a
    // small ring: each is refused, or attached with a format within the limits, and a read
    // from it returns within the buffer.
    std::mt19937_64 random(20261205);
    const RingFormat small{2, 8000, 800};
    const std::vector<unsigned char> good = ring_bytes(small);
    std::size_t attached = 0;
    std::vector<float> out(4096);
    for (int i = 0; i < 2000; ++i) {
        std::vector<unsigned char> bytes = good;
        const std::size_t spoil = static_cast<std::size_t>(random() % 128);
        for (std::size_t b = spoil; b < 128; ++b)
            if (random() % 3 == 0)
                bytes[b] = static_cast<unsigned char>(random());
        try {
            SharedRingReader reader(memfd_with(bytes));
            EXPECT_EQ(check_ring_format(reader.format()), "");
            const SharedRingReader::Read r = reader.read(out);
            EXPECT_LE(r.frames * reader.format().channels, out.size());
            ++attached;
        } catch (const RingError&) {
        }
    }
    EXPECT_GT(attached, 0U) << "spoiling only the positions must still give a ring";
}

TEST(SharedFrameRing, PositionsThatLieAndSamplesThatAreNoNumbersAreReported)
{
    SharedRingWriter writer(eight_inputs);
    SharedRingReader reader(duplicate(writer.fd()));
    std::vector<float> out(8 * 100);
    writer.write(frames_from(0, 100, 8));
    ASSERT_EQ(reader.read(out).frames, 100U);

    // Backwards: corrupt, nothing read.
    poke_positions(writer.fd(), {50, 50});
    EXPECT_EQ(reader.read(out).status, SharedRingReader::Status::corrupt);
    // Published beyond what it claimed: corrupt.
    poke_positions(writer.fd(), {150, 200});
    EXPECT_EQ(reader.read(out).status, SharedRingReader::Status::corrupt);
    // A claim a ring ahead of what is published: whatever was copied may be overwritten, so
    // it is dropped and counted, never delivered.
    poke_positions(writer.fd(), {200 + eight_inputs.capacity_frames + 100, 200});
    const SharedRingReader::Read overclaimed = reader.read(out);
    EXPECT_EQ(overclaimed.status, SharedRingReader::Status::ok);
    EXPECT_EQ(overclaimed.frames, 0U);
    EXPECT_EQ(overclaimed.lost, 100U);
    // A jump far ahead: a lapped reader, losses counted, no crash.
    const std::uint64_t far = std::uint64_t{1} << 62U;
    poke_positions(writer.fd(), {far, far});
    const SharedRingReader::Read jumped = reader.read(out);
    EXPECT_EQ(jumped.status, SharedRingReader::Status::ok);
    EXPECT_EQ(jumped.lost, far - 200 - eight_inputs.capacity_frames); // it had read to 200
    EXPECT_EQ(jumped.frames, 100U);

    // Samples that are not numbers: the block is dropped and counted.
    SharedRingWriter honest(eight_inputs);
    SharedRingReader clean(duplicate(honest.fd()));
    std::vector<float> block = frames_from(0, 10, 8);
    block[37] = std::numeric_limits<float>::quiet_NaN();
    honest.write(block);
    const SharedRingReader::Read garbage = clean.read(out);
    EXPECT_EQ(garbage.status, SharedRingReader::Status::garbage);
    EXPECT_EQ(garbage.frames, 0U);
    EXPECT_EQ(garbage.lost, 10U);
    honest.write(frames_from(10, 10, 8));
    const SharedRingReader::Read after = clean.read(out);
    EXPECT_EQ(after.status, SharedRingReader::Status::ok);
    EXPECT_EQ(after.frames, 10U);
}

/// Whether every frame in @p out is whole (all channels from one write): sample_of() of one
/// frame number on every channel. @return the frame number of the first, or nullopt.
std::optional<std::uint64_t> check_whole(const float* frame, std::size_t channels)
{
    const float base = frame[0];
    for (std::size_t c = 1; c < channels; ++c)
        if (frame[c] != base + static_cast<float>(c) / 16.0F)
            return std::nullopt;
    return static_cast<std::uint64_t>(base);
}

TEST(SharedFrameRing, AWriterRacingTheReaderNeverDeliversATornFrame)
{
    // The writer in another thread writes as fast as it can, lapping a slow reader again and
    // again; every frame delivered must be whole, in order, and losses must add up.
    const RingFormat tiny{8, 8000, 800};
    SharedRingWriter writer(tiny);
    SharedRingReader reader(duplicate(writer.fd()));
    constexpr std::uint64_t block = 37;
    constexpr std::uint64_t total = block * 100000;
    std::atomic<bool> reading{false};
    std::thread producer([&] {
        while (!reading.load())
            std::this_thread::yield();
        for (std::uint64_t at = 0; at < total; at += block)
            writer.write(frames_from(at, block, 8));
        writer.end();
    });
    std::vector<float> out(8 * 300);
    std::uint64_t delivered = 0;
    std::uint64_t lost = 0;
    std::uint64_t expected = 0;
    std::uint64_t torn = 0;
    reading.store(true);
    for (bool ended = false; !ended;) {
        const SharedRingReader::Read r = reader.read(out);
        ASSERT_EQ(r.status, SharedRingReader::Status::ok);
        lost += r.lost;
        expected += r.lost;
        for (std::size_t i = 0; i < r.frames; ++i) {
            const std::optional<std::uint64_t> frame = check_whole(&out[i * 8], 8);
            if (!frame || *frame != expected % 1000000) {
                ++torn;
                break;
            }
            ++expected;
        }
        delivered += r.frames;
        ended = r.writer_ended;
    }
    producer.join();
    EXPECT_EQ(torn, 0U);
    EXPECT_EQ(delivered + lost, total);
    std::printf("delivered %llu frames, %llu overwritten before they were read\n",
                static_cast<unsigned long long>(delivered), static_cast<unsigned long long>(lost));
}

TEST(SharedFrameRing, AWriterInAnotherProcessHandsOverItsFrames)
{
    // As between cmrd-agent and cmrd: the reader has its own mapping of the writer's memfd.
    SharedRingWriter writer(eight_inputs);
    SharedRingReader reader(duplicate(writer.fd()));
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        for (std::uint64_t at = 0; at < 48000; at += 480) {
            writer.write(frames_from(at, 480, 8));
            ::usleep(1000);
        }
        writer.end();
        ::_exit(0);
    }
    std::vector<float> out(8 * 1000);
    std::uint64_t next = 0;
    for (bool ended = false; !ended;) {
        const SharedRingReader::Read r = reader.read(out);
        ASSERT_EQ(r.status, SharedRingReader::Status::ok);
        ASSERT_EQ(r.lost, 0U) << "a 0.1 s ring and a reader polling every millisecond";
        EXPECT_EQ(std::vector<float>(out.begin(), out.begin() + r.frames * 8),
                  frames_from(next, r.frames, 8));
        next += r.frames;
        ended = r.writer_ended;
        if (r.frames == 0)
            ::usleep(1000);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_EQ(next, 48000U);
}

} // namespace
} // namespace cmrd::common
