// SPDX-License-Identifier: GPL-2.0-or-later
// ReopenBackoff: a static device that went away is reopened after the retry interval, then
// after twice as long for each reopen that did not get it running, at most 16 times as long.
#include <chrono>

#include <gtest/gtest.h>

#include "service/reopen_backoff.hpp"

namespace cmrd::service::test {
namespace {

using std::chrono::seconds;

const Clock::time_point t0{seconds(1000)};
const Clock::duration retry = seconds(5);

TEST(ReopenBackoff, NothingDueWhileRunning)
{
    const ReopenBackoff backoff;
    EXPECT_FALSE(backoff.due(t0, retry));
    EXPECT_FALSE(backoff.due(t0 + seconds(3600), retry));
}

TEST(ReopenBackoff, FirstReopenAfterTheRetryInterval)
{
    ReopenBackoff backoff;
    backoff.ended(t0);
    EXPECT_FALSE(backoff.due(t0 + retry - seconds(1), retry));
    EXPECT_TRUE(backoff.due(t0 + retry, retry));
}

TEST(ReopenBackoff, WaitCountsFromTheFirstSightingOfTheEnd)
{
    ReopenBackoff backoff;
    backoff.ended(t0);
    backoff.ended(t0 + seconds(4)); // seen ended again: not a new end
    EXPECT_TRUE(backoff.due(t0 + retry, retry));
}

TEST(ReopenBackoff, ReopenWaitsForTheNextEnd)
{
    ReopenBackoff backoff;
    backoff.ended(t0);
    backoff.reopened();
    EXPECT_FALSE(backoff.due(t0 + seconds(3600), retry));
}

TEST(ReopenBackoff, DoublesAfterEachFailedReopenUpToSixteenTimes)
{
    ReopenBackoff backoff;
    Clock::time_point t = t0;
    for (const int factor : {1, 2, 4, 8, 16, 16, 16}) {
        EXPECT_EQ(backoff.wait(retry), retry * factor);
        backoff.ended(t);
        EXPECT_FALSE(backoff.due(t + retry * factor - seconds(1), retry)) << factor;
        EXPECT_TRUE(backoff.due(t + retry * factor, retry)) << factor;
        t += retry * factor;
        backoff.reopened();
    }
}

TEST(ReopenBackoff, RunningAgainResetsTheWait)
{
    ReopenBackoff backoff;
    for (int i = 0; i < 3; ++i) {
        backoff.ended(t0);
        backoff.reopened();
    }
    EXPECT_EQ(backoff.wait(retry), retry * 8);
    backoff.running();
    EXPECT_EQ(backoff.wait(retry), retry);
    backoff.ended(t0);
    EXPECT_TRUE(backoff.due(t0 + retry, retry));
}

} // namespace
} // namespace cmrd::service::test
