// SPDX-License-Identifier: GPL-2.0-or-later
// The lock-free handoffs between the capture thread and the rest of the daemon: the triple
// buffer carrying result snapshots and the seqlock text carrying error messages. Stress tests
// run a writer and a reader concurrently and check that no read is ever torn; they are also
// meant to run under ThreadSanitizer (meson setup -Db_sanitize=thread), which would report a
// data race if a slot could be written while read.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "capture/shared_text.hpp"
#include "capture/triple_buffer.hpp"

namespace cmrd::capture {
namespace {

// A value larger than a cache line whose every word must agree: a torn read shows up as words
// from two different publications.
struct Payload {
    std::uint64_t sequence = 0;
    std::array<std::uint64_t, 96> words{};
};

TEST(TripleBuffer, ReaderSeesOnlyNewValuesAndTheNewest)
{
    TripleBuffer<int> buffer(0);
    EXPECT_FALSE(buffer.update());
    EXPECT_EQ(buffer.read_slot(), 0);
    buffer.write_slot() = 1;
    buffer.publish();
    buffer.write_slot() = 2;
    buffer.publish();
    EXPECT_TRUE(buffer.update());
    EXPECT_EQ(buffer.read_slot(), 2); // 1 was overwritten: the newest wins
    EXPECT_FALSE(buffer.update());
    EXPECT_EQ(buffer.read_slot(), 2);
    // The writer keeps publishing while the reader holds its slot: the slot is never reused.
    for (int i = 3; i < 10; ++i) {
        buffer.write_slot() = i;
        buffer.publish();
        EXPECT_EQ(buffer.read_slot(), 2);
    }
    EXPECT_TRUE(buffer.update());
    EXPECT_EQ(buffer.read_slot(), 9);
}

TEST(TripleBuffer, ConcurrentWriterAndReaderNeverTear)
{
    // The writer runs until the reader has taken many values (so the two really overlap),
    // and at least min_publications times.
    constexpr std::uint64_t min_publications = 200000;
    constexpr std::uint64_t min_reads = 5000;
    // Bounded by time, not by a count: on a loaded machine (the suite runs two tests at once on
    // two cores) 200 M publications once went by with only 744 reads overlapping them.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    TripleBuffer<Payload> buffer(Payload{});
    std::atomic<bool> done{false};
    std::atomic<std::uint64_t> reads{0};
    std::atomic<std::uint64_t> published{0};

    std::thread writer([&] {
        std::uint64_t seq = 0;
        while (seq < min_publications || reads.load(std::memory_order_relaxed) < min_reads) {
            if (seq % 4096 == 0 && std::chrono::steady_clock::now() > deadline)
                break;
            ++seq;
            Payload& slot = buffer.write_slot();
            slot.sequence = seq;
            for (std::uint64_t& w : slot.words)
                w = seq * 0x9E3779B97F4A7C15ULL; // differs in every bit position over time
            buffer.publish();
        }
        published.store(seq, std::memory_order_relaxed);
        done.store(true, std::memory_order_release);
    });

    std::uint64_t last = 0;
    std::uint64_t torn = 0;
    std::uint64_t backwards = 0;
    auto check = [&] {
        const Payload& p = buffer.read_slot();
        for (const std::uint64_t w : p.words)
            if (w != p.sequence * 0x9E3779B97F4A7C15ULL)
                ++torn;
        if (p.sequence <= last)
            ++backwards;
        last = p.sequence;
        reads.fetch_add(1, std::memory_order_relaxed);
    };
    while (!done.load(std::memory_order_acquire))
        if (buffer.update())
            check();
    if (buffer.update())
        check();
    writer.join();

    EXPECT_EQ(torn, 0U);
    EXPECT_EQ(backwards, 0U) << "every successful update must bring a newer publication";
    EXPECT_EQ(last, published.load()) << "the reader must end on the newest value";
    EXPECT_GE(reads.load(), min_reads) << "the reader should have overlapped the writer";
}

TEST(FixedText, ComposesAndTruncates)
{
    FixedText<16> t;
    t << "overrun " << 42 << "/" << -7L;
    EXPECT_EQ(t.view(), "overrun 42/-7");
    t << " and much more text";
    EXPECT_EQ(t.view().size(), 16U);
    EXPECT_EQ(t.view(), "overrun 42/-7 an");
}

TEST(SharedText, StoresAndCutsToCapacity)
{
    SharedText<8> text;
    EXPECT_EQ(text.load(), "");
    text.store("busy");
    EXPECT_EQ(text.load(), "busy");
    text.store("disconnected");
    EXPECT_EQ(text.load(), "disconne");
}

TEST(SharedText, ConcurrentReadsAreNeverMixed)
{
    // The writer alternates texts of different lengths and letters; a reader must see one of
    // them whole, never a mixture or a wrong length.
    SharedText<64> text;
    const std::array<std::string, 3> texts = {std::string(10, 'a'), std::string(64, 'b'),
                                              std::string(33, 'c')};
    // The writer runs until the reader has read many times (so the two really overlap; a
    // fixed count of stores once finished under TSan on a loaded machine before the reader
    // had run ten times), bounded by time.
    constexpr std::uint64_t min_reads = 1000;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    std::atomic<bool> done{false};
    std::atomic<std::uint64_t> reads{0};
    std::thread writer([&] {
        for (std::size_t i = 0; i < 100000 || reads.load(std::memory_order_relaxed) < min_reads;
             ++i) {
            if (i % 1024 == 0 && std::chrono::steady_clock::now() > deadline)
                break;
            text.store(texts[i % texts.size()]);
        }
        done.store(true, std::memory_order_release);
    });
    std::uint64_t bad = 0;
    while (!done.load(std::memory_order_acquire)) {
        const std::string s = text.load();
        reads.fetch_add(1, std::memory_order_relaxed);
        if (s.empty())
            continue; // before the first store
        bool ok = false;
        for (const std::string& t : texts)
            ok = ok || s == t;
        if (!ok)
            ++bad;
    }
    writer.join();
    EXPECT_EQ(bad, 0U);
    EXPECT_GE(reads.load(), min_reads) << "the reader should have overlapped the writer";
}

} // namespace
} // namespace cmrd::capture
