// SPDX-License-Identifier: GPL-2.0-or-later
// The simulated interface never allocates on the client's capture path once the stream is set
// up: the plugin renders and converts inside snd_pcm_readi() / snd_pcm_mmap_begin(), on the
// capture thread of whatever program opened it (cmrd's real-time thread among them). Counted
// with an interposed malloc (glibc's __libc_* underneath), per thread, while reading.
// Not available in sanitizer builds, whose runtimes own malloc.

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <vector>

#include <alsa/asoundlib.h>
#include <gtest/gtest.h>

#include "capture_client.hpp"
#include "sim_test_reference.hpp"
#include "simulated_interface.hpp"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CMR_SIM_COUNT_ALLOCATIONS 0
#else
#define CMR_SIM_COUNT_ALLOCATIONS 1
#endif

#if CMR_SIM_COUNT_ALLOCATIONS
namespace {
thread_local bool counting = false;
std::atomic<long> allocations{0};
void count()
{
    if (counting)
        allocations.fetch_add(1, std::memory_order_relaxed);
}
} // namespace

extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* pointer, std::size_t size);
void* __libc_memalign(std::size_t alignment, std::size_t size);
void __libc_free(void* pointer);

void* malloc(std::size_t size)
{
    count();
    return __libc_malloc(size);
}
void* calloc(std::size_t n, std::size_t size)
{
    count();
    return __libc_calloc(n, size);
}
void* realloc(void* pointer, std::size_t size)
{
    count();
    return __libc_realloc(pointer, size);
}
void* memalign(std::size_t alignment, std::size_t size)
{
    count();
    return __libc_memalign(alignment, size);
}
void* aligned_alloc(std::size_t alignment, std::size_t size)
{
    count();
    return __libc_memalign(alignment, size);
}
int posix_memalign(void** out, std::size_t alignment, std::size_t size)
{
    count();
    *out = __libc_memalign(alignment, size);
    return *out != nullptr ? 0 : 12; // ENOMEM
}
void free(void* pointer)
{
    __libc_free(pointer);
}
}
#endif

namespace {

using cmr::sim::Fault;
using cmr::sim::interface_spec;
using cmr::sim::SimulatedInterface;
using namespace cmr::sim::testing;

class SimAllocations : public testing::Test {
protected:
    void SetUp() override
    {
        if (!CMR_SIM_COUNT_ALLOCATIONS)
            GTEST_SKIP() << "sanitizer build: malloc belongs to the sanitizer";
    }

    /// Allocations on this thread while @p body runs.
    template <typename Body> long allocations_during(Body body)
    {
#if CMR_SIM_COUNT_ALLOCATIONS
        allocations = 0;
        counting = true;
        body();
        counting = false;
        return allocations.load();
#else
        body();
        return 0;
#endif
    }

    // The busy scenario's events (a ramp from 0.2 s to 0.7 s, a step at 0.3 s) and its drifting
    // mains clock fall inside the counted reads.
    SimulatedInterface sim{interface_spec(8, {"S24_3LE", "S32_LE"}), busy_scenario()};
    Pcm pcm;
};

TEST_F(SimAllocations, TheCounterSeesAnAllocation)
{
    const long count = allocations_during([] {
        void* volatile block = std::malloc(16);
        std::free(block);
    });
    EXPECT_EQ(count, 1);
}

TEST_F(SimAllocations, NoneWhileReading)
{
    ASSERT_EQ(pcm.open(sim.pcm_name()), 0);
    PcmSetup setup;
    setup.format = SND_PCM_FORMAT_S24_3LE;
    ASSERT_EQ(configure(pcm.get(), setup), 0);
    std::vector<unsigned char> buffer(480 * 8 * 3);
    ASSERT_EQ(snd_pcm_readi(pcm.get(), buffer.data(), 480), 480); // starts the stream
    int errors = 0;
    const long count = allocations_during([&] {
        for (int i = 0; i < 100; ++i) // 1 s
            errors += snd_pcm_readi(pcm.get(), buffer.data(), 480) == 480 ? 0 : 1;
    });
    EXPECT_EQ(errors, 0);
    EXPECT_EQ(count, 0);
}

TEST_F(SimAllocations, NoneWhileReadingThroughMmapAndPoll)
{
    ASSERT_EQ(pcm.open(sim.pcm_name(), SND_PCM_NONBLOCK), 0);
    PcmSetup setup;
    setup.access = SND_PCM_ACCESS_MMAP_INTERLEAVED;
    ASSERT_EQ(configure(pcm.get(), setup), 0);
    std::vector<unsigned char> got;
    ASSERT_EQ(read_frames_mmap(pcm.get(), 480, got), 0);
    got.reserve(48000 * 32);
    pollfd fd{};
    ASSERT_EQ(snd_pcm_poll_descriptors(pcm.get(), &fd, 1), 1);
    int errors = 0;
    std::size_t frames = 0;
    const long count = allocations_during([&] {
        while (frames < 48000 && errors == 0) {
            if (::poll(&fd, 1, 1000) != 1) {
                ++errors;
                break;
            }
            unsigned short revents = 0;
            snd_pcm_poll_descriptors_revents(pcm.get(), &fd, 1, &revents);
            const snd_pcm_sframes_t avail = snd_pcm_avail_update(pcm.get());
            if (avail < 0)
                ++errors;
            if (avail <= 0)
                continue;
            const snd_pcm_channel_area_t* areas = nullptr;
            snd_pcm_uframes_t offset = 0;
            auto chunk = static_cast<snd_pcm_uframes_t>(avail);
            if (snd_pcm_mmap_begin(pcm.get(), &areas, &offset, &chunk) < 0 ||
                snd_pcm_mmap_commit(pcm.get(), offset, chunk) != static_cast<long>(chunk))
                ++errors;
            frames += chunk;
        }
    });
    EXPECT_EQ(errors, 0);
    EXPECT_EQ(count, 0);
}

// Recovery from an overrun (prepare, restart at a later frame of the scenario) and a stall
// with resume stay allocation-free too.
TEST_F(SimAllocations, NoneThroughOverrunRecoveryAndStall)
{
    ASSERT_EQ(pcm.open(sim.pcm_name()), 0);
    ASSERT_EQ(configure(pcm.get(), PcmSetup{}), 0);
    std::vector<unsigned char> buffer(480 * 8 * 4);
    ASSERT_EQ(snd_pcm_readi(pcm.get(), buffer.data(), 480), 480);
    sim.inject(Fault::overrun); // the control file is written outside the counted section
    snd_pcm_sframes_t result = 0;
    const long during_overrun = allocations_during([&] {
        for (int i = 0; i < 5 && result >= 0; ++i)
            result = snd_pcm_readi(pcm.get(), buffer.data(), 480);
        if (result == -EPIPE && snd_pcm_prepare(pcm.get()) == 0)
            for (int i = 0; i < 20 && result != -1; ++i)
                result = snd_pcm_readi(pcm.get(), buffer.data(), 480) == 480 ? 0 : -1;
    });
    EXPECT_EQ(result, 0);
    EXPECT_EQ(during_overrun, 0);

    sim.inject(Fault::stall);
    const long during_stall = allocations_during([&] {
        result = snd_pcm_avail_update(pcm.get());
        snd_pcm_wait(pcm.get(), 50);
    });
    EXPECT_GE(result, 0);
    EXPECT_EQ(during_stall, 0);
    sim.inject(Fault::resume);
    const long after_resume = allocations_during([&] {
        for (int i = 0; i < 20 && result != -1; ++i)
            result = snd_pcm_readi(pcm.get(), buffer.data(), 480) == 480 ? 0 : -1;
    });
    EXPECT_EQ(result, 0);
    EXPECT_EQ(after_resume, 0);
}

} // namespace
