// SPDX-License-Identifier: GPL-2.0-or-later
// Faults injected at run time through the simulated interface's control file, seen by an
// ordinary alsa-lib client: an overrun gives -EPIPE once and the stream recovers with prepare;
// a slow reader gets a genuine overrun; a stall stops data and wake-ups until resume; a
// disconnect gives -ENODEV (also to a reader blocked in a read); busy refuses opens; a suspend
// gives -ESTRPIPE and snd_pcm_resume() (or prepare) revives the stream.

#include <chrono>
#include <future>
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

using cmr::sim::Fault;
using cmr::sim::interface_spec;
using cmr::sim::SimulatedInterface;
using namespace cmr::sim::testing;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::size_t frame_bytes = 8 * 4; // 8 inputs, S32_LE

/// The frame offset at which @p block (whole S32 frames) occurs in @p reference, searching
/// [from, to); -1 when it does not occur.
long find_block(const std::vector<unsigned char>& reference, const unsigned char* block,
                std::size_t block_frames, std::size_t from, std::size_t to)
{
    for (std::size_t offset = from; offset < to; ++offset) {
        if ((offset + block_frames) * frame_bytes > reference.size())
            break;
        if (std::equal(block, block + block_frames * frame_bytes,
                       reference.begin() + static_cast<long>(offset * frame_bytes)))
            return static_cast<long>(offset);
    }
    return -1;
}

class SimFaults : public testing::Test {
protected:
    SimulatedInterface sim{interface_spec(8, {"S32_LE"}), busy_scenario()};
    Pcm pcm;

    void open_and_configure(int mode = 0, snd_pcm_uframes_t period = 480, unsigned periods = 4)
    {
        ASSERT_EQ(pcm.open(sim.pcm_name(), mode), 0);
        PcmSetup setup;
        setup.period = period;
        setup.periods = periods;
        ASSERT_EQ(configure(pcm.get(), setup), 0);
    }
};

// An injected overrun: the next read fails with -EPIPE (state XRUN), once. After prepare the
// stream runs again, and its samples continue at the wall-clock time of the restart (frames
// lost meanwhile are skipped, as on hardware): found in the scenario's render within ±20 ms of
// where the elapsed time puts them.
TEST_F(SimFaults, InjectedOverrunGivesEpipeOnceThenTheStreamRecovers)
{
    open_and_configure();
    std::vector<unsigned char> before;
    const auto start = Clock::now();
    ASSERT_EQ(read_frames(pcm.get(), 9600, before), 0);

    sim.inject(Fault::overrun);
    std::vector<unsigned char> chunk(480 * frame_bytes);
    snd_pcm_sframes_t got = 0;
    for (int i = 0; i < 10 && got >= 0; ++i) // at most one period read before it is noticed
        got = snd_pcm_readi(pcm.get(), chunk.data(), 480);
    ASSERT_EQ(got, -EPIPE);
    EXPECT_EQ(snd_pcm_state(pcm.get()), SND_PCM_STATE_XRUN);

    std::this_thread::sleep_for(milliseconds(100));
    ASSERT_EQ(snd_pcm_prepare(pcm.get()), 0);
    const double restart_s = std::chrono::duration<double>(Clock::now() - start).count();
    std::vector<unsigned char> after;
    ASSERT_EQ(read_frames(pcm.get(), 24000, after), 0) << "one overrun only";

    const auto reference =
        reference_bytes(SND_PCM_FORMAT_S32_LE, render(busy_scenario(), 48000, 0, 96000));
    EXPECT_EQ(find_block(reference, before.data(), 9600, 0, 1), 0)
        << "the first start reads frame 0";
    const auto expected = static_cast<std::size_t>(restart_s * 48000);
    const long found = find_block(reference, after.data(), 4800, expected - 960, expected + 960);
    EXPECT_GE(found, 0) << "restart data not found near frame " << expected;
    EXPECT_EQ(find_block(reference, after.data(), 24000, static_cast<std::size_t>(found),
                         static_cast<std::size_t>(found) + 1),
              found)
        << "the data after the restart is continuous";
}

// A reader more than a buffer behind loses data: the driver reports an overrun.
TEST_F(SimFaults, SlowReaderGetsAGenuineOverrun)
{
    open_and_configure(0, 480, 4); // 40 ms buffer
    std::vector<unsigned char> chunk(480 * frame_bytes);
    ASSERT_EQ(snd_pcm_readi(pcm.get(), chunk.data(), 480), 480);
    std::this_thread::sleep_for(milliseconds(80));
    snd_pcm_sframes_t got = 0;
    for (int i = 0; i < 5 && got >= 0; ++i)
        got = snd_pcm_readi(pcm.get(), chunk.data(), 480);
    EXPECT_EQ(got, -EPIPE);
    EXPECT_EQ(snd_pcm_avail_update(pcm.get()), -EPIPE);
}

// A reader that keeps up never sees one (2 s with a 80 ms buffer of eight 10 ms periods: a
// 20 ms buffer once overran under TSan on two loaded cores, where the reader itself was late).
TEST_F(SimFaults, ReaderThatKeepsUpHasNoOverrun)
{
    open_and_configure(0, 480, 8);
    std::vector<unsigned char> got;
    EXPECT_EQ(read_frames(pcm.get(), 96000, got), 0);
}

TEST_F(SimFaults, InjectedOverrunReachesAnMmapReader)
{
    ASSERT_EQ(pcm.open(sim.pcm_name(), SND_PCM_NONBLOCK), 0);
    PcmSetup setup;
    setup.access = SND_PCM_ACCESS_MMAP_INTERLEAVED;
    ASSERT_EQ(configure(pcm.get(), setup), 0);
    std::vector<unsigned char> got;
    ASSERT_EQ(read_frames_mmap(pcm.get(), 4800, got), 0);
    sim.inject(Fault::overrun);
    EXPECT_EQ(read_frames_mmap(pcm.get(), 4800, got), -EPIPE);
}

// A stall: the pointer stops and poll stops waking (the client's own timeout fires); resume
// brings data back, continuing exactly where it stopped (the interface's clock stood still).
TEST_F(SimFaults, StallStopsDataAndWakeupsUntilResume)
{
    open_and_configure(SND_PCM_NONBLOCK);
    std::vector<unsigned char> first;
    ASSERT_EQ(read_frames(pcm.get(), 4800, first), 0);

    sim.inject(Fault::stall);
    const snd_pcm_sframes_t stalled_at = snd_pcm_avail_update(pcm.get()); // notices the stall
    ASSERT_GE(stalled_at, 0);
    pollfd fd{};
    ASSERT_EQ(snd_pcm_poll_descriptors(pcm.get(), &fd, 1), 1);
    EXPECT_EQ(::poll(&fd, 1, 300), 0) << "poll woke during a stall";
    EXPECT_EQ(snd_pcm_avail_update(pcm.get()), stalled_at) << "the pointer moved during a stall";
    EXPECT_EQ(snd_pcm_wait(pcm.get(), 100), 0) << "snd_pcm_wait did not time out";

    sim.inject(Fault::resume);
    std::vector<unsigned char> rest;
    ASSERT_EQ(read_frames(pcm.get(), 9600, rest), 0) << "no data after resume";

    std::vector<unsigned char> all = first;
    all.insert(all.end(), rest.begin(), rest.end());
    EXPECT_EQ(first_difference(all, reference_bytes(SND_PCM_FORMAT_S32_LE,
                                                    render(busy_scenario(), 48000, 0, 14400))),
              -1);
}

// A system suspend: the next wait and read fail with -ESTRPIPE (state SUSPENDED);
// snd_pcm_resume() brings the stream back running, and the data continue exactly where they
// stopped (the interface's clock and the source slept together).
TEST_F(SimFaults, SuspendGivesEstrpipeAndResumeContinuesTheStream)
{
    open_and_configure(SND_PCM_NONBLOCK);
    std::vector<unsigned char> first;
    ASSERT_EQ(read_frames(pcm.get(), 4800, first), 0);

    sim.inject(Fault::suspend);
    const auto injected = Clock::now();
    EXPECT_EQ(snd_pcm_wait(pcm.get(), 1000), -ESTRPIPE);
    EXPECT_LT(Clock::now() - injected, milliseconds(100) * cmr::sim::timing_slack)
        << "noticed within about a period";
    EXPECT_EQ(snd_pcm_state(pcm.get()), SND_PCM_STATE_SUSPENDED);
    std::vector<unsigned char> chunk(480 * frame_bytes);
    EXPECT_EQ(snd_pcm_readi(pcm.get(), chunk.data(), 480), -ESTRPIPE);
    std::this_thread::sleep_for(milliseconds(100)); // asleep for a while

    ASSERT_EQ(snd_pcm_resume(pcm.get()), 0);
    EXPECT_EQ(snd_pcm_state(pcm.get()), SND_PCM_STATE_RUNNING);
    std::vector<unsigned char> rest;
    ASSERT_EQ(read_frames(pcm.get(), 9600, rest), 0) << "no data after resume";

    std::vector<unsigned char> all = first;
    all.insert(all.end(), rest.begin(), rest.end());
    EXPECT_EQ(first_difference(all, reference_bytes(SND_PCM_FORMAT_S32_LE,
                                                    render(busy_scenario(), 48000, 0, 14400))),
              -1);
}

// A reader blocked in snd_pcm_readi() is woken with -ESTRPIPE; prepare (the way out for a
// device that cannot resume) also revives the stream.
TEST_F(SimFaults, SuspendWakesABlockedReaderAndPrepareRevives)
{
    open_and_configure();
    auto reader = std::async(std::launch::async, [this] {
        std::vector<unsigned char> got;
        return read_frames(pcm.get(), 48000 * 10, got);
    });
    std::this_thread::sleep_for(milliseconds(200));
    sim.inject(Fault::suspend);
    const auto injected = Clock::now();
    ASSERT_EQ(reader.wait_for(std::chrono::seconds(2)), std::future_status::ready);
    EXPECT_LT(Clock::now() - injected, milliseconds(100) * cmr::sim::timing_slack);
    EXPECT_EQ(reader.get(), -ESTRPIPE);

    ASSERT_EQ(snd_pcm_prepare(pcm.get()), 0);
    std::vector<unsigned char> got;
    EXPECT_EQ(read_frames(pcm.get(), 4800, got), 0);
    EXPECT_EQ(snd_pcm_resume(pcm.get()), 0) << "resume when not suspended changes nothing";
    EXPECT_EQ(snd_pcm_state(pcm.get()), SND_PCM_STATE_RUNNING);
}

// Unplugged: the next wait and read fail with -ENODEV, the state is DISCONNECTED, the handle
// cannot be revived, and the device cannot be opened again until it "comes back".
TEST(SimOneOpener, ASecondOpenIsBusyUntilTheFirstCloses)
{
    cmr::sim::InterfaceSpec spec = interface_spec(8, {"S32_LE"});
    spec.one_opener = true;
    const SimulatedInterface sim(spec, busy_scenario());
    Pcm first;
    ASSERT_EQ(first.open(sim.pcm_name()), 0);
    Pcm second;
    EXPECT_EQ(second.open(sim.pcm_name()), -EBUSY) << "hardware has one capture opener";
    EXPECT_EQ(second.open(sim.pcm_name(), SND_PCM_NONBLOCK), -EBUSY);
    first.close();
    EXPECT_EQ(second.open(sim.pcm_name()), 0) << "closing the first lets the next in";
}

TEST_F(SimFaults, DisconnectGivesEnodev)
{
    open_and_configure(SND_PCM_NONBLOCK);
    std::vector<unsigned char> got;
    ASSERT_EQ(read_frames(pcm.get(), 2400, got), 0);

    sim.inject(Fault::disconnect);
    const auto injected = Clock::now();
    EXPECT_EQ(snd_pcm_wait(pcm.get(), 1000), -ENODEV);
    EXPECT_LT(Clock::now() - injected, milliseconds(100) * cmr::sim::timing_slack)
        << "noticed within about a period";
    EXPECT_EQ(snd_pcm_state(pcm.get()), SND_PCM_STATE_DISCONNECTED);
    std::vector<unsigned char> chunk(480 * frame_bytes);
    EXPECT_EQ(snd_pcm_readi(pcm.get(), chunk.data(), 480), -ENODEV);
    EXPECT_GE(snd_pcm_avail_update(pcm.get()), 0) << "the pointer stays valid (no xrun)";
    EXPECT_EQ(snd_pcm_prepare(pcm.get()), -ENODEV);

    Pcm again;
    EXPECT_EQ(again.open(sim.pcm_name()), -ENODEV);
    sim.inject(Fault::resume); // plugged in again: a new open works, the old handle stays dead
    EXPECT_EQ(again.open(sim.pcm_name()), 0);
    EXPECT_EQ(snd_pcm_readi(pcm.get(), chunk.data(), 480), -ENODEV);
}

// An mmap reader: whatever frames it had been told about, the next wait or mmap_begin fails.
TEST_F(SimFaults, DisconnectReachesAnMmapReader)
{
    ASSERT_EQ(pcm.open(sim.pcm_name(), SND_PCM_NONBLOCK), 0);
    PcmSetup setup;
    setup.access = SND_PCM_ACCESS_MMAP_INTERLEAVED;
    ASSERT_EQ(configure(pcm.get(), setup), 0);
    std::vector<unsigned char> got;
    ASSERT_EQ(read_frames_mmap(pcm.get(), 2400, got), 0);
    std::this_thread::sleep_for(milliseconds(25)); // frames waiting when the cable goes
    sim.inject(Fault::disconnect);
    EXPECT_EQ(read_frames_mmap(pcm.get(), 4800, got), -ENODEV);
}

// A reader blocked inside snd_pcm_readi() is woken with -ENODEV.
TEST_F(SimFaults, DisconnectWakesABlockedReader)
{
    open_and_configure();
    auto reader = std::async(std::launch::async, [this] {
        std::vector<unsigned char> got;
        return read_frames(pcm.get(), 48000 * 10, got);
    });
    std::this_thread::sleep_for(milliseconds(200));
    sim.inject(Fault::disconnect);
    const auto injected = Clock::now();
    ASSERT_EQ(reader.wait_for(std::chrono::seconds(2)), std::future_status::ready);
    EXPECT_LT(Clock::now() - injected, milliseconds(100) * cmr::sim::timing_slack);
    EXPECT_EQ(reader.get(), -ENODEV);
}

// Busy (another program holds the device): opens fail with -EBUSY until it is released; a
// stream already open carries on.
TEST_F(SimFaults, BusyRefusesOpens)
{
    open_and_configure();
    sim.inject(Fault::busy);
    Pcm other;
    EXPECT_EQ(other.open(sim.pcm_name()), -EBUSY);
    std::vector<unsigned char> got;
    EXPECT_EQ(read_frames(pcm.get(), 4800, got), 0);
    sim.inject(Fault::resume);
    EXPECT_EQ(other.open(sim.pcm_name()), 0);
}

// Commands already in the control file when a PCM is opened are history: a stall is in force,
// an old overrun is not replayed.
TEST_F(SimFaults, CommandsBeforeOpenSetStateButDoNotReplayOverruns)
{
    sim.inject(Fault::overrun);
    open_and_configure();
    std::vector<unsigned char> got;
    EXPECT_EQ(read_frames(pcm.get(), 9600, got), 0);
    pcm.close();

    sim.inject(Fault::stall);
    open_and_configure(SND_PCM_NONBLOCK);
    ASSERT_EQ(snd_pcm_start(pcm.get()), 0);
    std::this_thread::sleep_for(milliseconds(50));
    EXPECT_EQ(snd_pcm_avail_update(pcm.get()), 0) << "stalled from the start";
    sim.inject(Fault::resume);
    EXPECT_EQ(read_frames(pcm.get(), 2400, got), 0);
}

} // namespace
