// SPDX-License-Identifier: GPL-2.0-or-later
// The one event loop (common/event_loop.hpp): each kind of source fires when it should and
// not otherwise, a handler's exception comes out of run(), and a source stops with its object.

#include <csignal>
#include <stdexcept>

#include <gtest/gtest.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "event_loop.hpp"
#include "unique_fd.hpp"

namespace cmrd::common {
namespace {

using namespace std::chrono_literals;

TEST(EventLoop, TimerFiresOnceWhenDueAndExitReturnsTheCode)
{
    EventLoop loop;
    int fired = 0;
    Timer timer(loop, [&] {
        ++fired;
        loop.exit(7);
    });
    const auto armed = Clock::now();
    timer.arm_in(20ms);
    EXPECT_EQ(loop.run(), 7);
    EXPECT_EQ(fired, 1);
    EXPECT_GE(Clock::now() - armed, 20ms);
}

TEST(EventLoop, DisarmedTimerDoesNotFire)
{
    EventLoop loop;
    bool fired = false;
    Timer timer(loop, [&] { fired = true; });
    timer.arm_in(1ms);
    timer.disarm();
    Timer stop(loop, [&] { loop.exit(0); });
    stop.arm_in(30ms);
    loop.run();
    EXPECT_FALSE(fired);
}

TEST(EventLoop, IoSourceFiresWhileReadableAndNotAfterItIsDestroyed)
{
    EventLoop loop;
    const UniqueFd fd(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    ASSERT_GE(fd.get(), 0);
    int reads = 0;
    auto source = std::make_unique<IoSource>(loop, fd.get(), EPOLLIN, [&](std::uint32_t revents) {
        EXPECT_NE(revents & EPOLLIN, 0U);
        eventfd_t value = 0;
        ASSERT_EQ(eventfd_read(fd.get(), &value), 0);
        ++reads;
    });
    EXPECT_TRUE(loop.run_once(0us)); // nothing to read yet
    EXPECT_EQ(reads, 0);
    ASSERT_EQ(eventfd_write(fd.get(), 1), 0);
    EXPECT_TRUE(loop.run_once(100ms));
    EXPECT_EQ(reads, 1);
    source.reset();
    ASSERT_EQ(eventfd_write(fd.get(), 1), 0);
    EXPECT_TRUE(loop.run_once(10ms));
    EXPECT_EQ(reads, 1);
}

TEST(EventLoop, ExceptionInAHandlerStopsTheLoopAndComesOutOfRun)
{
    EventLoop loop;
    Timer timer(loop, [] { throw std::runtime_error("handler failed"); });
    timer.arm_in(0ms);
    EXPECT_THROW(
        {
            try {
                loop.run();
            } catch (const std::runtime_error& e) {
                EXPECT_STREQ(e.what(), "handler failed");
                throw;
            }
        },
        std::runtime_error);
}

TEST(EventLoop, PostSourceRunsAfterAnIterationThatDispatchedSomething)
{
    EventLoop loop;
    int posts = 0;
    int timers = 0;
    PostSource post(loop, [&] {
        ++posts;
        if (timers == 2)
            loop.exit(0);
    });
    Timer timer(loop, [&] { ++timers; });
    Timer again(loop, [&] { ++timers; });
    timer.arm_in(1ms);
    again.arm_in(20ms);
    loop.run();
    EXPECT_EQ(timers, 2);
    EXPECT_EQ(posts, 2);
}

TEST(EventLoop, DeferSourceRunsOncePerSchedule)
{
    EventLoop loop;
    int runs = 0;
    DeferSource defer(loop, [&] { ++runs; });
    EXPECT_TRUE(loop.run_once(0us));
    EXPECT_EQ(runs, 0);
    defer.schedule();
    EXPECT_TRUE(loop.run_once(0us));
    EXPECT_EQ(runs, 1);
    EXPECT_TRUE(loop.run_once(0us));
    EXPECT_EQ(runs, 1);
}

TEST(EventLoop, SignalSourceDeliversABlockedSignalToTheLoop)
{
    EventLoop loop;
    int received = 0;
    SignalSource signals(loop, {SIGUSR1}, [&](int sig) {
        received = sig;
        loop.exit(0);
    });
    ASSERT_EQ(::kill(::getpid(), SIGUSR1), 0); // blocked: waits for the loop, not the default
    loop.run();
    EXPECT_EQ(received, SIGUSR1);
}

} // namespace
} // namespace cmrd::common
