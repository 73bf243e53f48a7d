// SPDX-License-Identifier: GPL-2.0-or-later
// The ring between the real-time capture thread and the analysis worker, and the worker
// itself, without ALSA: whole blocks or nothing, wrap-around in two spans, a producer and a
// consumer running concurrently without losing, reordering or tearing a sample (also run under
// ThreadSanitizer), and a worker whose results are exactly what the analyzer gives when fed
// the same frames in the caller's thread, with worker overruns counted when it falls behind.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "capture/analysis_worker.hpp"
#include "capture/frame_ring.hpp"
#include "capture/shared_status.hpp"

namespace cmrd::capture {
namespace {

using namespace std::chrono_literals;

std::vector<float> counting(float from, std::size_t n)
{
    std::vector<float> v(n);
    for (std::size_t i = 0; i < n; ++i)
        v[i] = from + static_cast<float>(i);
    return v;
}

std::vector<float> take_all(FrameRing& ring)
{
    const FrameRing::Readable ready = ring.readable();
    std::vector<float> out(ready.first.begin(), ready.first.end());
    out.insert(out.end(), ready.second.begin(), ready.second.end());
    ring.pop(ready.size());
    return out;
}

TEST(FrameRing, TakesWholeBlocksOrNothing)
{
    FrameRing ring(10);
    EXPECT_EQ(ring.readable().size(), 0U);
    EXPECT_TRUE(ring.push(counting(0, 6)));
    EXPECT_FALSE(ring.push(counting(6, 5))) << "5 more do not fit in 10 - 6";
    EXPECT_EQ(ring.readable().size(), 6U) << "a refused push writes nothing";
    EXPECT_TRUE(ring.push(counting(6, 4)));
    EXPECT_FALSE(ring.push(counting(10, 1)));
    EXPECT_EQ(take_all(ring), counting(0, 10));
    EXPECT_FALSE(ring.push(counting(0, 11))) << "a block larger than the ring never fits";
}

TEST(FrameRing, WrapsAroundInTwoSpans)
{
    FrameRing ring(8);
    ASSERT_TRUE(ring.push(counting(0, 6)));
    ring.pop(6);
    ASSERT_TRUE(ring.push(counting(6, 5))); // positions 6, 7, then 0, 1, 2
    const FrameRing::Readable ready = ring.readable();
    EXPECT_EQ(ready.first.size(), 2U);
    EXPECT_EQ(ready.second.size(), 3U);
    EXPECT_EQ(take_all(ring), counting(6, 5));
    EXPECT_EQ(ring.readable().size(), 0U);
}

TEST(FrameRing, ConcurrentProducerAndConsumerLoseNothing)
{
    // The producer pushes blocks of 1 to 37 samples numbering every sample, retrying when the
    // ring is full; the consumer checks that it sees each number once, in order. A small ring
    // makes both the full and the wrapped cases happen all the time.
    constexpr std::uint64_t total = 2'000'000;
    FrameRing ring(97);
    std::atomic<bool> failed{false};
    std::uint64_t refused = 0;
    std::thread producer([&] {
        std::vector<float> block;
        std::uint64_t next = 0;
        for (std::size_t size = 1; next < total; size = size % 37 + 1) {
            block.resize(std::min<std::uint64_t>(size, total - next));
            for (float& sample : block)
                sample = static_cast<float>(next++ % (1U << 24)); // exact in a float
            while (!ring.push(block) && !failed.load(std::memory_order_relaxed))
                ++refused;
        }
    });
    std::uint64_t expected = 0;
    while (expected < total && !failed) {
        const FrameRing::Readable ready = ring.readable();
        for (const std::span<const float> part : {ready.first, ready.second})
            for (const float sample : part) {
                if (sample != static_cast<float>(expected++ % (1U << 24))) {
                    ADD_FAILURE() << "sample " << expected - 1 << " is " << sample;
                    failed = true;
                    break;
                }
            }
        ring.pop(ready.size());
    }
    producer.join();
    EXPECT_EQ(expected, total);
    EXPECT_GT(refused, 0U) << "the ring never filled: the test did not test the full case";
}

TEST(WorkerOverruns, CountEpisodesAndDroppedFramesApartFromXruns)
{
    // What the capture thread records per block: dropped blocks in a row are one overrun.
    SharedStatus status(-1);
    status.count_block(240, true);
    status.count_block(240, false);
    status.count_block(240, false);
    status.count_block(240, true);
    status.count_block(100, false);
    const CaptureStatus s = status.snapshot();
    EXPECT_EQ(s.frames, 1060U) << "dropped frames were still captured";
    EXPECT_EQ(s.worker_overruns, 2U);
    EXPECT_EQ(s.dropped_frames, 580U);
    EXPECT_EQ(s.overruns, 0U) << "the interface lost nothing";
}

// ---- the worker ----

constexpr int inputs = 4;
constexpr double rate = 48000.0;

cmr::AnalyzerConfig analysis()
{
    cmr::AnalyzerConfig config;
    config.sample_rate = rate;
    config.input_count = inputs;
    config.layout = cmr::default_layout(inputs);
    return config;
}

// @p seconds of two balanced pairs carrying 50 Hz common-mode hum and a little differential.
std::vector<float> hum_frames(double seconds)
{
    const auto frames = static_cast<std::size_t>(seconds * rate);
    std::vector<float> v(frames * inputs);
    for (std::size_t n = 0; n < frames; ++n) {
        const double t = static_cast<double>(n) / rate;
        const double cm = 0.01 * std::sin(2.0 * std::numbers::pi * 50.0 * t);
        const double dm = 0.001 * std::sin(2.0 * std::numbers::pi * 150.0 * t);
        for (int pair = 0; pair < inputs / 2; ++pair) {
            v[n * inputs + 2 * pair] = static_cast<float>(cm + dm);
            v[n * inputs + 2 * pair + 1] = static_cast<float>(cm - dm);
        }
    }
    return v;
}

CaptureSnapshot empty_snapshot(const cmr::AnalyzerConfig& config)
{
    CaptureSnapshot s;
    s.channels.resize(config.layout.size());
    return s;
}

TEST(AnalysisWorker, PublishesWhatTheAnalyzerGivesInline)
{
    const std::vector<float> frames = hum_frames(6.0);

    // Ground truth: the same frames through an analyzer in this thread.
    cmr::Analyzer inline_analyzer(analysis());
    std::uint64_t hops = 0;
    CaptureSnapshot expected = empty_snapshot(analysis());
    inline_analyzer.feed(frames, [&](const cmr::Snapshot& s) {
        ++hops;
        expected.time_s = s.time_s;
        expected.mains_hz = s.mains_hz;
        std::copy(s.channels.begin(), s.channels.end(), expected.channels.begin());
    });
    ASSERT_GT(hops, 10U);
    ASSERT_TRUE(expected.mains_hz.has_value());

    cmr::Analyzer analyzer(analysis());
    TripleBuffer<CaptureSnapshot> results(empty_snapshot(analysis()));
    SharedStatus status(-1);
    FrameRing ring(static_cast<std::size_t>(rate) * inputs); // 1 s
    AnalysisWorker worker(ring, analyzer, results, status);
    worker.start();
    // Periods of 5 ms, as a capture thread would push them, waiting whenever the ring is
    // full (a real capture thread would drop instead; here nothing must be lost).
    const std::size_t period = 240 * inputs;
    for (std::size_t at = 0; at < frames.size(); at += period) {
        const std::span<const float> block(frames.data() + at,
                                           std::min(period, frames.size() - at));
        while (!ring.push(block))
            std::this_thread::sleep_for(1ms);
    }
    worker.stop(); // analyses what is left first

    EXPECT_EQ(status.snapshot().snapshots, hops);
    ASSERT_TRUE(results.update());
    const CaptureSnapshot& got = results.read_slot();
    EXPECT_EQ(got.sequence, hops);
    EXPECT_EQ(got.time_s, expected.time_s);
    ASSERT_TRUE(got.mains_hz.has_value());
    EXPECT_EQ(*got.mains_hz, *expected.mains_hz);
    ASSERT_EQ(got.channels.size(), expected.channels.size());
    for (std::size_t i = 0; i < got.channels.size(); ++i) {
        EXPECT_EQ(got.channels[i].cm_hum_dbfs, expected.channels[i].cm_hum_dbfs) << "channel " << i;
        EXPECT_EQ(got.channels[i].cmrr_db, expected.channels[i].cmrr_db) << "channel " << i;
    }
}

TEST(AnalysisWorker, StopsPromptlyWithNothingToDo)
{
    cmr::Analyzer analyzer(analysis());
    TripleBuffer<CaptureSnapshot> results(empty_snapshot(analysis()));
    SharedStatus status(-1);
    FrameRing ring(1024);
    AnalysisWorker worker(ring, analyzer, results, status);
    worker.start();
    const auto before = std::chrono::steady_clock::now();
    worker.stop();
    worker.stop(); // idempotent
    EXPECT_LT(std::chrono::steady_clock::now() - before, 1s);
    EXPECT_EQ(status.snapshot().snapshots, 0U);
}

} // namespace
} // namespace cmrd::capture
