// SPDX-License-Identifier: GPL-2.0-or-later
// Retrying a busy device: the back-off schedule, the early retry when a capture device node
// in the watched directory changes, and giving up at once on stop. Timing tolerances are
// generous (a loaded 2-core machine) but each still distinguishes the behaviours.
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "capture/busy_retry.hpp"
#include "unique_fd.hpp"

namespace cmrd::capture {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct TempDir {
    std::filesystem::path path;
    TempDir()
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "cmr-busy-XXXXXX").string();
        path = ::mkdtemp(pattern.data());
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
};

// Nobody to leave the device to.
std::string no_one()
{
    return {};
}

void touch(const std::filesystem::path& p)
{
    std::ofstream(p) << "x"; // opened for writing and closed: IN_CLOSE_WRITE
}

TEST(BusyRetry, BackoffDoublesFromHalfASecondToEight)
{
    const BusyRetryConfig config; // the engine's defaults
    const std::vector<std::chrono::milliseconds> expected = {500ms,  1000ms, 2000ms,
                                                             4000ms, 8000ms, 8000ms};
    for (std::size_t n = 0; n < expected.size(); ++n)
        EXPECT_EQ(busy_backoff_delay(config, static_cast<int>(n)), expected[n]) << n;
    EXPECT_EQ(busy_backoff_delay(config, 60), 8000ms); // no overflow
}

TEST(BusyRetry, RetriesUntilTheDeviceIsFree)
{
    const common::UniqueFd stop(eventfd(0, EFD_CLOEXEC));
    BusyRetryConfig config;
    config.initial = 20ms;
    config.max = 40ms;
    config.device_dir.clear();
    int attempts = 0;
    std::vector<std::chrono::milliseconds> waits;
    const auto t0 = Clock::now();
    const std::optional<int> result = retry_while_busy(
        config, stop.get(), [&] { return ++attempts < 4 ? -EBUSY : 0; }, no_one,
        [&](const BusyWait& w) { waits.push_back(w.delay); });
    const auto elapsed = Clock::now() - t0;
    EXPECT_EQ(result, 0);
    EXPECT_EQ(attempts, 4);
    EXPECT_EQ(waits, (std::vector<std::chrono::milliseconds>{20ms, 40ms, 40ms}));
    EXPECT_GE(elapsed, 100ms) << "it must really wait between attempts";
    EXPECT_LT(elapsed, 2000ms);
}

TEST(BusyRetry, OtherErrorsEndRetryingAtOnce)
{
    const common::UniqueFd stop(eventfd(0, EFD_CLOEXEC));
    BusyRetryConfig config;
    config.device_dir.clear();
    int attempts = 0;
    const std::optional<int> result = retry_while_busy(
        config, stop.get(), [&] { return ++attempts == 1 ? -EBUSY : -ENOENT; }, no_one,
        [](const BusyWait&) {});
    EXPECT_EQ(result, -ENOENT);
    EXPECT_EQ(attempts, 2);
}

TEST(BusyRetry, StopEndsTheWait)
{
    const common::UniqueFd stop(eventfd(0, EFD_CLOEXEC));
    BusyRetryConfig config;
    config.initial = 10s;
    config.device_dir.clear();
    std::thread stopper([&] {
        std::this_thread::sleep_for(100ms);
        const std::uint64_t one = 1;
        ASSERT_EQ(::write(stop.get(), &one, sizeof one), 8);
    });
    const auto t0 = Clock::now();
    const std::optional<int> result = retry_while_busy(
        config, stop.get(), [] { return -EBUSY; }, no_one, [](const BusyWait&) {});
    const auto elapsed = Clock::now() - t0;
    stopper.join();
    EXPECT_EQ(result, std::nullopt);
    EXPECT_LT(elapsed, 2s) << "stop must cut the 10 s back-off short";
}

TEST(BusyRetry, ACaptureNodeClosingWakesTheRetryEarly)
{
    const TempDir dir;
    const common::UniqueFd stop(eventfd(0, EFD_CLOEXEC));
    BusyRetryConfig config;
    config.initial = 20s;
    config.device_dir = dir.path.string();
    std::atomic<int> attempts{0};
    std::atomic<bool> second_attempt_early{false};
    std::thread holder([&] {
        std::this_thread::sleep_for(200ms);
        // alsa-lib's own control-node opens and playback nodes must not wake the retry...
        touch(dir.path / "controlC3");
        touch(dir.path / "pcmC3D0p");
        std::this_thread::sleep_for(300ms);
        second_attempt_early = attempts.load() > 1;
        // ...a capture node being closed (the holder let go) must.
        touch(dir.path / "pcmC3D0c");
    });
    const auto t0 = Clock::now();
    const std::optional<int> result = retry_while_busy(
        config, stop.get(), [&] { return ++attempts < 2 ? -EBUSY : 0; }, no_one,
        [](const BusyWait&) {});
    const auto elapsed = Clock::now() - t0;
    holder.join();
    EXPECT_EQ(result, 0);
    EXPECT_FALSE(second_attempt_early) << "control and playback nodes woke the retry";
    EXPECT_GE(elapsed, 450ms);
    EXPECT_LT(elapsed, 5s) << "the capture node's close should have woken the 20 s wait";
}

TEST(BusyRetry, NoAttemptWhileYieldingToTheHolderEvenWhenItClosesTheDevice)
{
    // The holder (a sound server suspending an idle card) closes its capture node while it
    // still runs: no attempt until it has ended, and the waits say whom the device is left to.
    const TempDir dir;
    const common::UniqueFd stop(eventfd(0, EFD_CLOEXEC));
    BusyRetryConfig config;
    config.initial = 50ms;
    config.max = 100ms;
    config.device_dir = dir.path.string();
    std::atomic<int> attempts{0};
    std::atomic<bool> holder_runs{true};
    std::thread holder([&] {
        std::this_thread::sleep_for(100ms);
        touch(dir.path / "pcmC3D0c"); // closes the device, goes on running
        std::this_thread::sleep_for(600ms);
        holder_runs = false;
    });
    std::vector<std::string> yielded_to;
    const auto t0 = Clock::now();
    const std::optional<int> result = retry_while_busy(
        config, stop.get(), [&] { return ++attempts == 1 ? -EBUSY : 0; },
        [&] { return holder_runs ? std::string("pipewire (PID 42)") : std::string(); },
        [&](const BusyWait& w) { yielded_to.push_back(w.yielding_to); });
    const auto elapsed = Clock::now() - t0;
    holder.join();
    EXPECT_EQ(result, 0);
    EXPECT_EQ(attempts, 2) << "one refused attempt, one after the holder ended";
    EXPECT_GE(elapsed, 650ms) << "the device was tried while its holder still ran";
    ASSERT_FALSE(yielded_to.empty());
    EXPECT_EQ(yielded_to.front(), "pipewire (PID 42)");
}

} // namespace
} // namespace cmrd::capture
