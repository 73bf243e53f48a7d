// SPDX-License-Identifier: GPL-2.0-or-later
// The simulated interface runs in real time like a sound card: reads take as long as the audio
// they return, the hardware pointer follows CLOCK_MONOTONIC, and poll() wakes once per period
// (or per avail_min) in non-blocking mode. Functional checks of pacing, not performance tests:
// tolerances are ±5% on durations and one period (or a few milliseconds) on positions.

#include <chrono>
#include <thread>
#include <vector>

#include <alsa/asoundlib.h>
#include <gtest/gtest.h>
#include <poll.h>

#include "capture_client.hpp"
#include "sim_test_reference.hpp"
#include "simulated_interface.hpp"
#include "timing_slack.hpp"

namespace {

using cmr::sim::interface_spec;
using cmr::sim::SimulatedInterface;
using namespace cmr::sim::testing;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

class SimPacing : public testing::Test {
protected:
    SimulatedInterface sim{interface_spec(8, {"S32_LE"}), busy_scenario()};
    Pcm pcm;
};

TEST_F(SimPacing, BlockingReadOfOneSecondTakesOneSecondAndReturnsTheScenario)
{
    ASSERT_EQ(pcm.open(sim.pcm_name()), 0);
    ASSERT_EQ(configure(pcm.get(), PcmSetup{}), 0);
    std::vector<unsigned char> got;
    const auto start = Clock::now(); // the first read starts the stream
    ASSERT_EQ(read_frames(pcm.get(), 48000, got), 0);
    const double elapsed = seconds_since(start);
    EXPECT_NEAR(elapsed, 1.0, 0.05 * cmr::sim::timing_slack);
    EXPECT_EQ(first_difference(got, reference_bytes(SND_PCM_FORMAT_S32_LE,
                                                    render(busy_scenario(), 48000, 0, 48000))),
              -1);
}

TEST_F(SimPacing, MmapReadOfOneSecondTakesOneSecond)
{
    ASSERT_EQ(pcm.open(sim.pcm_name(), SND_PCM_NONBLOCK), 0);
    PcmSetup setup;
    setup.access = SND_PCM_ACCESS_MMAP_INTERLEAVED;
    ASSERT_EQ(configure(pcm.get(), setup), 0);
    std::vector<unsigned char> got;
    const auto start = Clock::now();
    ASSERT_EQ(read_frames_mmap(pcm.get(), 48000, got), 0);
    EXPECT_NEAR(seconds_since(start), 1.0, 0.05 * cmr::sim::timing_slack);
}

// Non-blocking: poll() wakes at period boundaries (10 ms periods: 100 wake-ups in 1 s), each
// wake-up finds at least a period to read, and a read with nothing available says -EAGAIN.
TEST_F(SimPacing, PollWakesOncePerPeriod)
{
    ASSERT_EQ(pcm.open(sim.pcm_name(), SND_PCM_NONBLOCK), 0);
    ASSERT_EQ(configure(pcm.get(), PcmSetup{}), 0); // period 480 frames = 10 ms
    const int count = snd_pcm_poll_descriptors_count(pcm.get());
    ASSERT_EQ(count, 1);
    pollfd fd{};
    ASSERT_EQ(snd_pcm_poll_descriptors(pcm.get(), &fd, 1), 1);

    std::vector<unsigned char> buffer(48000 * 32);
    std::size_t frames = 0;
    int wakeups = 0;
    int readable_wakeups = 0;
    int short_wakeups = 0;
    int eagain = 0;
    const auto start = Clock::now();
    ASSERT_EQ(snd_pcm_start(pcm.get()), 0);
    while (frames < 48000) {
        ASSERT_EQ(::poll(&fd, 1, 1000), 1) << "poll timed out";
        ++wakeups;
        unsigned short revents = 0;
        ASSERT_EQ(snd_pcm_poll_descriptors_revents(pcm.get(), &fd, 1, &revents), 0);
        ASSERT_EQ(revents & (POLLERR | POLLNVAL), 0);
        if ((revents & POLLIN) == 0)
            continue;
        ++readable_wakeups;
        const snd_pcm_sframes_t avail = snd_pcm_avail_update(pcm.get());
        ASSERT_GE(avail, 0);
        if (avail < 480)
            ++short_wakeups;
        for (;;) { // drain
            const snd_pcm_sframes_t got = snd_pcm_readi(pcm.get(), buffer.data() + frames * 32,
                                                        std::min<std::size_t>(48000 - frames, 480));
            if (got == -EAGAIN) {
                ++eagain;
                break;
            }
            ASSERT_GT(got, 0) << snd_strerror(static_cast<int>(got));
            frames += static_cast<std::size_t>(got);
            if (frames == 48000)
                break;
        }
    }
    const double elapsed = seconds_since(start);
    EXPECT_NEAR(elapsed, 1.0, 0.05 * cmr::sim::timing_slack);
    EXPECT_NEAR(readable_wakeups, 100, 2);
    EXPECT_LE(wakeups - readable_wakeups, 2) << "spurious wake-ups";
    EXPECT_EQ(short_wakeups, 0);
    EXPECT_GE(eagain, 90);
}

// avail_min of three periods: the descriptor wakes every third period boundary.
TEST_F(SimPacing, PollHonoursAvailMin)
{
    ASSERT_EQ(pcm.open(sim.pcm_name(), SND_PCM_NONBLOCK), 0);
    ASSERT_EQ(configure(pcm.get(), PcmSetup{.access = SND_PCM_ACCESS_RW_INTERLEAVED,
                                            .format = SND_PCM_FORMAT_S32_LE,
                                            .channels = 8,
                                            .rate = 48000,
                                            .period = 480,
                                            .periods = 8}),
              0);
    snd_pcm_sw_params_t* sw = nullptr;
    snd_pcm_sw_params_alloca(&sw);
    ASSERT_EQ(snd_pcm_sw_params_current(pcm.get(), sw), 0);
    ASSERT_EQ(snd_pcm_sw_params_set_avail_min(pcm.get(), sw, 1440), 0);
    ASSERT_EQ(snd_pcm_sw_params(pcm.get(), sw), 0);

    pollfd fd{};
    ASSERT_EQ(snd_pcm_poll_descriptors(pcm.get(), &fd, 1), 1);
    std::vector<unsigned char> buffer(1440 * 8 * 32);
    std::size_t frames = 0;
    int readable_wakeups = 0;
    ASSERT_EQ(snd_pcm_start(pcm.get()), 0);
    while (frames < 48000) {
        ASSERT_EQ(::poll(&fd, 1, 1000), 1);
        unsigned short revents = 0;
        ASSERT_EQ(snd_pcm_poll_descriptors_revents(pcm.get(), &fd, 1, &revents), 0);
        if ((revents & POLLIN) == 0)
            continue;
        ++readable_wakeups;
        const snd_pcm_sframes_t avail = snd_pcm_avail_update(pcm.get());
        ASSERT_GE(avail, 1440);
        ASSERT_EQ(snd_pcm_readi(pcm.get(), buffer.data(), static_cast<snd_pcm_uframes_t>(avail)),
                  avail);
        frames += static_cast<std::size_t>(avail);
    }
    EXPECT_NEAR(readable_wakeups, 48000 / 1440, 2);
}

// The hardware pointer is the time since start times the rate, to the period: it moves a
// period at a time, at period boundaries (10 ms periods here).
TEST_F(SimPacing, HardwarePointerFollowsTheMonotonicClock)
{
    ASSERT_EQ(pcm.open(sim.pcm_name(), SND_PCM_NONBLOCK), 0);
    ASSERT_EQ(configure(pcm.get(), PcmSetup{.access = SND_PCM_ACCESS_RW_INTERLEAVED,
                                            .format = SND_PCM_FORMAT_S32_LE,
                                            .channels = 8,
                                            .rate = 48000,
                                            .period = 480,
                                            .periods = 64}),
              0);
    const auto before_start = Clock::now();
    ASSERT_EQ(snd_pcm_start(pcm.get()), 0);
    const auto after_start = Clock::now();
    for (const int ms : {55, 155, 305}) {
        std::this_thread::sleep_until(before_start + std::chrono::milliseconds(ms));
        const auto before = Clock::now();
        const snd_pcm_sframes_t avail = snd_pcm_avail_update(pcm.get());
        const auto after = Clock::now();
        const double low = std::chrono::duration<double>(before - after_start).count() * 48000;
        const double high = std::chrono::duration<double>(after - before_start).count() * 48000;
        EXPECT_EQ(avail % 480, 0) << ms << " ms";
        EXPECT_GT(static_cast<double>(avail), low - 480) << ms << " ms";
        EXPECT_LE(static_cast<double>(avail), high) << ms << " ms";
    }
}

// A stream that is not running never makes the descriptor readable.
TEST_F(SimPacing, StoppedStreamDoesNotWakePoll)
{
    ASSERT_EQ(pcm.open(sim.pcm_name(), SND_PCM_NONBLOCK), 0);
    ASSERT_EQ(configure(pcm.get(), PcmSetup{}), 0);
    pollfd fd{};
    ASSERT_EQ(snd_pcm_poll_descriptors(pcm.get(), &fd, 1), 1);
    EXPECT_EQ(::poll(&fd, 1, 100), 0) << "prepared, not started";
    ASSERT_EQ(snd_pcm_start(pcm.get()), 0);
    EXPECT_EQ(::poll(&fd, 1, 100), 1) << "running";
    ASSERT_EQ(snd_pcm_drop(pcm.get()), 0);
    EXPECT_EQ(::poll(&fd, 1, 100), 0) << "dropped";
}

} // namespace
