// SPDX-License-Identifier: GPL-2.0-or-later
// The analyzer is fit for a real-time thread: after construction, feeding never allocates;
// and its results do not depend on how the stream is cut into blocks.
#include <atomic>
#include <cstdlib>
#include <new>

#include <gtest/gtest.h>

#include "analysis_run.hpp"

namespace {
std::atomic<long> allocations{0};
std::atomic<bool> counting{false};
} // namespace

// A counting global allocator: every operator new in the process goes through here. (GCC
// cannot see that the matching deletes below pair with it.)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size)
{
    if (counting.load(std::memory_order_relaxed))
        allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size))
        return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept
{
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept
{
    std::free(p);
}

namespace cmr::testing {
namespace {

synth::Scenario busy()
{
    synth::Scenario s;
    s.duration_s = 12.0;
    s.inputs = 8;
    s.seed = 2;
    s.noise_dbfs = -100.0;
    for (int i = 0; i < 3; ++i) {
        synth::PairSpec p;
        p.hot = 2 * i + 1;
        p.cold = 2 * i + 2;
        p.mismatch = 0.001;
        p.cm_hum.level_dbfs = -40.0;
        p.programme.kind = synth::ProgrammeKind::pink_noise;
        p.programme.level_dbfs = -20.0;
        s.pairs.push_back(p);
    }
    synth::SingleSpec single;
    single.input = 8;
    single.hum.level_dbfs = -70.0;
    s.singles.push_back(single);
    return s;
}

TEST(Realtime, FeedNeverAllocates)
{
    const synth::Scenario s = busy();
    synth::Synth synth(s);
    const std::vector<float> all = synth.render_all();
    AnalyzerConfig config;
    config.sample_rate = synth.sample_rate();
    config.input_count = synth.input_count();
    config.layout = scenario_layout(s);
    Analyzer analyzer(config);
    AlarmEngine alarms(std::vector<AlarmThresholds>(config.layout.size()));
    long hops = 0;
    bool locked = false;
    counting = true;
    // Blocks of odd sizes, through every kind of hop (short and long windows, acquisition
    // and locked tracking, alarms included).
    std::size_t pos = 0;
    const std::size_t frame = static_cast<std::size_t>(synth.input_count());
    for (std::size_t block = 1; pos < all.size(); block = block * 7 % 5003 + 1) {
        const std::size_t n = std::min(block * frame, all.size() - pos);
        analyzer.feed(std::span<const float>(all.data() + pos, n), [&](const Snapshot& snap) {
            ++hops;
            locked = locked || snap.mains_hz.has_value();
            alarms.update(snap.time_s, snap.channels, [](const AlarmEvent&) {});
        });
        pos += n;
    }
    counting = false;
    EXPECT_EQ(allocations.load(), 0);
    EXPECT_GE(hops, 20);
    EXPECT_TRUE(locked) << "the run must have reached locked tracking";
}

TEST(Realtime, BlockSizeDoesNotMatter)
{
    const synth::Scenario s = busy();
    const AnalysisRun a = run_scenario(s, {}, 1);
    const AnalysisRun b = run_scenario(s, {}, 4096);
    const AnalysisRun c = run_scenario(s, {}, 333);
    ASSERT_EQ(a.snapshots.size(), b.snapshots.size());
    ASSERT_EQ(a.snapshots.size(), c.snapshots.size());
    for (std::size_t i = 0; i < a.snapshots.size(); ++i)
        for (std::size_t ch = 0; ch < a.snapshots[i].channels.size(); ++ch) {
            EXPECT_EQ(a.snapshots[i].channels[ch].hum_dbfs, b.snapshots[i].channels[ch].hum_dbfs);
            EXPECT_EQ(a.snapshots[i].channels[ch].cm_hum_dbfs,
                      c.snapshots[i].channels[ch].cm_hum_dbfs);
            EXPECT_EQ(a.snapshots[i].channels[ch].cmrr_db, c.snapshots[i].channels[ch].cmrr_db);
        }
    EXPECT_EQ(a.summary.mains_hz, b.summary.mains_hz);
}

TEST(Realtime, RejectsPartialFrames)
{
    AnalyzerConfig config;
    config.input_count = 2;
    config.layout = parse_layout("1/2");
    Analyzer analyzer(config);
    const float three[3] = {0, 0, 0};
    EXPECT_THROW(analyzer.feed(three), std::invalid_argument);
}

TEST(Realtime, ConfigurationErrorsAreClear)
{
    AnalyzerConfig config;
    config.input_count = 2;
    config.layout = parse_layout("1/3");
    EXPECT_THROW({ Analyzer a(config); }, LayoutError);
    config.layout = parse_layout("1/2");
    config.sample_rate = 4000;
    EXPECT_THROW({ Analyzer a(config); }, ConfigError);
    config.sample_rate = 48000;
    config.harmonics = 0;
    EXPECT_THROW({ Analyzer a(config); }, ConfigError);
}

} // namespace
} // namespace cmr::testing
