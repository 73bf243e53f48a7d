// SPDX-License-Identifier: GPL-2.0-or-later
// The capture thread's real-time path never touches the heap after start-up, whether or not it
// got real-time scheduling. Every malloc-family call in the process (libstdc++'s operator new,
// alsa-lib, the simulator plugin, FFTW all end in malloc) is counted when it happens on a
// thread inside the capture loop's real-time section (realtime_path.hpp). Two engines run at
// once, one reading through mmap and one through readi, through an overrun (recovery on the
// real-time path), the analyzer's first mains lock (in the analysis worker, fed through the
// ring the real-time path fills), and a disconnect. The analysis workers run at normal
// priority, whatever the capture threads got.
//
// tests/capture/test_capture_as_user.sh runs this binary twice: as root, expecting SCHED_FIFO
// (CMR_EXPECT_REALTIME=1), and as an unprivileged user, expecting it to be refused
// (CMR_EXPECT_REALTIME=0, when no system bus could offer rtkit). Without the variable the test
// only checks that what the engine reports matches the thread's real scheduling.
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <malloc.h>
#include <sched.h>

#include "capture/capture_engine.hpp"
#include "capture/realtime_path.hpp"
#include "test_capture_support.hpp"

// ---- the counting allocator ----

namespace {
std::atomic<long> realtime_allocations{0};
std::atomic<std::size_t> last_realtime_size{0};

void note_allocation(std::size_t size) noexcept
{
    if (cmrd::capture::on_realtime_path()) {
        realtime_allocations.fetch_add(1, std::memory_order_relaxed);
        last_realtime_size.store(size, std::memory_order_relaxed);
    }
}
} // namespace

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
// A sanitizer owns malloc; count operator new only (every C++ allocation). alsa-lib's and
// FFTW's malloc calls go uncounted in these builds, the plain build counts them.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size)
{
    note_allocation(size);
    if (void* p = std::malloc(size == 0 ? 1 : size))
        return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t size, std::align_val_t align)
{
    note_allocation(size);
    if (void* p = std::aligned_alloc(static_cast<std::size_t>(align), size == 0 ? 1 : size))
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
void operator delete(void* p, std::align_val_t) noexcept
{
    std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept
{
    std::free(p);
}
constexpr bool counts_malloc = false;
#else
// glibc supports replacing malloc in the executable ("Replacing malloc" in its manual); these
// forward to glibc's own allocator, so memory from either side may be freed by the other.
extern "C" {
void* __libc_malloc(std::size_t);                // NOLINT(bugprone-reserved-identifier)
void* __libc_calloc(std::size_t, std::size_t);   // NOLINT(bugprone-reserved-identifier)
void* __libc_realloc(void*, std::size_t);        // NOLINT(bugprone-reserved-identifier)
void __libc_free(void*);                         // NOLINT(bugprone-reserved-identifier)
void* __libc_memalign(std::size_t, std::size_t); // NOLINT(bugprone-reserved-identifier)

void* malloc(std::size_t size)
{
    note_allocation(size);
    return __libc_malloc(size);
}
void* calloc(std::size_t n, std::size_t size)
{
    note_allocation(n * size);
    return __libc_calloc(n, size);
}
void* realloc(void* p, std::size_t size)
{
    note_allocation(size);
    return __libc_realloc(p, size);
}
void free(void* p)
{
    __libc_free(p);
}
void* memalign(std::size_t align, std::size_t size)
{
    note_allocation(size);
    return __libc_memalign(align, size);
}
void* aligned_alloc(std::size_t align, std::size_t size)
{
    note_allocation(size);
    return __libc_memalign(align, size);
}
int posix_memalign(void** out, std::size_t align, std::size_t size)
{
    note_allocation(size);
    if (align % sizeof(void*) != 0 || (align & (align - 1)) != 0)
        return EINVAL;
    void* p = __libc_memalign(align, size);
    if (p == nullptr)
        return ENOMEM;
    *out = p;
    return 0;
}
void* valloc(std::size_t size)
{
    note_allocation(size);
    return __libc_memalign(static_cast<std::size_t>(sysconf(_SC_PAGESIZE)), size);
}
}
constexpr bool counts_malloc = true;
#endif

namespace cmrd::capture::testing {
namespace {

using cmr::sim::Fault;
using cmr::sim::interface_spec;
using cmr::sim::SimulatedInterface;

constexpr bool sanitized =
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    true;
#else
    false;
#endif

void* volatile escape = nullptr;

// The kernel thread ids of this process's threads called @p name (/proc/self/task/*/comm).
std::vector<pid_t> threads_named(const std::string& name)
{
    std::vector<pid_t> found;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
        std::ifstream comm(task.path() / "comm");
        std::string line;
        if (std::getline(comm, line) && line == name)
            found.push_back(std::stoi(task.path().filename().string()));
    }
    return found;
}

// -1: no expectation (check consistency only); 0 or 1 from CMR_EXPECT_REALTIME.
int expected_realtime()
{
    const char* v = std::getenv("CMR_EXPECT_REALTIME");
    if (v == nullptr || *v == '\0')
        return -1;
    return std::strcmp(v, "1") == 0 ? 1 : 0;
}

TEST(CaptureRealtime, TheCounterSeesRealtimeAllocations)
{
    // The instrument itself: an allocation inside a real-time section is counted, one outside
    // is not (otherwise the zero below would prove nothing).
    // The pointers escape into a volatile so that the compiler cannot drop the allocations.
    realtime_allocations = 0;
    {
        auto outside = std::make_unique<int>(1);
        escape = outside.get();
    }
    EXPECT_EQ(realtime_allocations.load(), 0);
    {
        const RealtimePathScope scope;
        auto inside = std::make_unique<int>(2);
        escape = inside.get();
        void* raw = std::malloc(100); // NOLINT: the C allocator is what is being checked
        escape = raw;
        std::free(raw); // NOLINT
    }
    EXPECT_EQ(realtime_allocations.load(), counts_malloc ? 2 : 1);
    realtime_allocations = 0;
}

TEST(CaptureRealtime, NoHeapAllocationOnTheRealtimePath)
{
    const ScenarioOnDisk scenario;
    cmr::sim::InterfaceSpec spec = interface_spec(8, {"S32_LE"});
    const std::filesystem::path rw_control = scenario.directory() / "control_rw";
    spec.extra_config = scenario.pcm_block("sim_rw", {"S24_3LE"}, {48000}, rw_control);
    const SimulatedInterface sim(spec, cmr::sim::ScenarioFile{scenario.path()});

    CaptureConfig mmap_config = sim_config(sim.pcm_name(), measurement_layout);
    CaptureConfig rw_config = sim_config("sim_rw", measurement_layout);
    rw_config.allow_mmap = false;
    // Locking memory is part of the real-time set-up; a sanitizer's shadow memory is not
    // something to lock.
    mmap_config.realtime.lock_memory = !sanitized;
    rw_config.realtime.lock_memory = !sanitized;
    CaptureEngine mmap_engine(mmap_config);
    CaptureEngine rw_engine(rw_config);

    realtime_allocations = 0;
    mmap_engine.start();
    rw_engine.start();
    auto both = [&](auto&& check) { return check(mmap_engine) && check(rw_engine); };
    ASSERT_TRUE(wait_until(
        [&] {
            return both([](CaptureEngine& e) { return e.status().state == CaptureState::running; });
        },
        3s));

    // What the engines report about scheduling matches the threads' real policy.
    for (CaptureEngine* e : {&mmap_engine, &rw_engine}) {
        const CaptureStatus st = e->status();
        const int policy = sched_getscheduler(st.thread_id);
        ASSERT_GE(policy, 0) << std::strerror(errno);
        if (st.is_realtime()) {
            EXPECT_EQ(policy & ~SCHED_RESET_ON_FORK, SCHED_FIFO);
            EXPECT_NE(policy & SCHED_RESET_ON_FORK, 0) << "children must not inherit SCHED_FIFO";
        } else {
            EXPECT_EQ(policy & ~SCHED_RESET_ON_FORK, SCHED_OTHER);
            EXPECT_FALSE(st.realtime_detail.empty()) << "a refusal must be explained";
        }
    }
    // The analysis workers (one per engine) stay at normal priority whatever the capture
    // threads got: the analysis never competes with a sound server's real-time threads.
    const std::vector<pid_t> workers = threads_named("cmrd-analysis");
    EXPECT_EQ(workers.size(), 2U);
    for (const pid_t tid : workers)
        EXPECT_EQ(sched_getscheduler(tid) & ~SCHED_RESET_ON_FORK, SCHED_OTHER) << "thread " << tid;

    const CaptureStatus st = mmap_engine.status();
    std::printf("real-time: %s, priority %d, memory locked: %s%s%s\n",
                std::string(to_string(st.realtime)).c_str(), st.realtime_priority,
                st.memory_locked ? "yes" : "no", st.realtime_detail.empty() ? "" : "; ",
                st.realtime_detail.c_str());
    switch (expected_realtime()) {
    case 1:
        EXPECT_EQ(st.realtime, RealtimeMode::sched_fifo);
        EXPECT_EQ(st.realtime_priority, RealtimeRequest{}.priority);
        EXPECT_LT(st.realtime_priority, 10) << "the default must stay below JACK2's 10";
        EXPECT_EQ(st.memory_locked, !sanitized);
        break;
    case 0:
        EXPECT_EQ(st.realtime, RealtimeMode::none);
        EXPECT_NE(st.realtime_detail.find("SCHED_FIFO"), std::string::npos);
        break;
    default:
        break;
    }

    // Recovery is on the real-time path too: an overrun on each device.
    std::this_thread::sleep_for(500ms);
    sim.inject(Fault::overrun);
    cmr::sim::append_fault(rw_control, Fault::overrun);
    ASSERT_TRUE(wait_until(
        [&] { return both([](CaptureEngine& e) { return e.status().overruns == 1; }); }, 2s));

    // Run through the analyzer's acquisition to its first mains lock (long windows included).
    CaptureSnapshot a;
    CaptureSnapshot b;
    EXPECT_TRUE(wait_until(
        [&] {
            mmap_engine.latest(a);
            rw_engine.latest(b);
            return a.mains_hz.has_value() && b.mains_hz.has_value();
        },
        12s));

    // And unplug: the loop ends through recover() and leaves the real-time section.
    sim.inject(Fault::disconnect);
    cmr::sim::append_fault(rw_control, Fault::disconnect);
    ASSERT_TRUE(wait_until(
        [&] { return both([](CaptureEngine& e) { return is_final(e.status().state); }); }, 2s));
    EXPECT_EQ(mmap_engine.status().state, CaptureState::disconnected);
    EXPECT_EQ(rw_engine.status().state, CaptureState::disconnected);

    const long count = realtime_allocations.load();
    EXPECT_EQ(count, 0) << "the last one asked for " << last_realtime_size.load() << " bytes";
    EXPECT_EQ(mmap_engine.status().worker_overruns, 0U);
    EXPECT_EQ(rw_engine.status().worker_overruns, 0U);
    EXPECT_GT(mmap_engine.status().frames, 200000U);
    EXPECT_GT(rw_engine.status().frames, 200000U);
    std::printf("allocations on the real-time path: %ld (%s counted), frames %llu + %llu\n", count,
                counts_malloc ? "malloc and operator new" : "operator new",
                static_cast<unsigned long long>(mmap_engine.status().frames),
                static_cast<unsigned long long>(rw_engine.status().frames));
}

TEST(CaptureRealtime, NoHeapAllocationReadingAServerFeed)
{
    // The feed loop keeps the same rules without real-time priority: through frames, a stall,
    // the server's xruns, samples that are not numbers and the stream's end.
    FakeAgent agent;
    CaptureConfig config = sim_config("unused", measurement_layout);
    config.feed = agent.feed();
    config.stall_timeout_ms = 200;
    CaptureEngine engine(config);
    realtime_allocations = 0;
    engine.start();
    ASSERT_TRUE(wait_until([&] { return engine.status().state == CaptureState::running; }, 3s));
    cmr::synth::Synth synth(measurement_scenario());
    std::vector<float> block(1024 * 8);
    for (std::int64_t at = 0; at < 48000 * 3; at += 1024) {
        synth.render(at, block);
        agent.write(block);
        std::this_thread::sleep_for(5ms);
    }
    ASSERT_TRUE(wait_until([&] { return engine.status().state == CaptureState::stalled; }, 3s));
    agent.ring.add_xruns(1);
    block[3] = std::nanf("");
    agent.write(block);
    agent.ring.end();
    common::signal_event_fd(agent.wakeup.get());
    ASSERT_TRUE(
        wait_until([&] { return engine.status().state == CaptureState::disconnected; }, 3s));
    EXPECT_EQ(realtime_allocations.load(), 0)
        << "the last one asked for " << last_realtime_size.load() << " bytes";
    EXPECT_GE(engine.status().overruns, 1U);
    EXPECT_GT(engine.status().frames, 100000U);
}

} // namespace
} // namespace cmrd::capture::testing
