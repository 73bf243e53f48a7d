// SPDX-License-Identifier: GPL-2.0-or-later
// PublishThrottle: a device's properties are published at once when it appears, then at most
// once per interval however often they change, and not at all while nothing changed.
#include <chrono>

#include <gtest/gtest.h>

#include "service/publish_throttle.hpp"

namespace cmrd::service::test {
namespace {

using std::chrono::milliseconds;

const Clock::time_point t0{std::chrono::seconds(1000)};
const Clock::duration interval = milliseconds(500);

TEST(PublishThrottle, FirstPublishIsImmediate)
{
    const PublishThrottle throttle;
    EXPECT_TRUE(throttle.due(t0, interval));
    EXPECT_EQ(throttle.next(t0, interval), t0);
}

TEST(PublishThrottle, NothingPendingWhenClean)
{
    PublishThrottle throttle;
    throttle.published(t0);
    EXPECT_EQ(throttle.next(t0, interval), std::nullopt);
    EXPECT_EQ(throttle.next(t0 + interval * 10, interval), std::nullopt);
    EXPECT_FALSE(throttle.due(t0 + interval * 10, interval));
}

TEST(PublishThrottle, BurstCoalescedIntoOnePublishPerInterval)
{
    PublishThrottle throttle;
    throttle.published(t0);
    int publishes = 0;
    // A change every 10 ms for two intervals: published once per interval, not 100 times.
    for (Clock::time_point t = t0 + milliseconds(10); t <= t0 + interval * 2;
         t += milliseconds(10)) {
        throttle.changed();
        EXPECT_EQ(throttle.next(t, interval), t0 + interval * (publishes + 1));
        if (throttle.due(t, interval)) {
            throttle.published(t);
            ++publishes;
        }
    }
    EXPECT_EQ(publishes, 2);
}

TEST(PublishThrottle, ChangeAfterAQuietSpellIsPublishedAtOnce)
{
    PublishThrottle throttle;
    throttle.published(t0);
    const Clock::time_point later = t0 + interval * 4;
    throttle.changed();
    EXPECT_EQ(throttle.next(later, interval), t0 + interval); // already past: at once
    EXPECT_TRUE(throttle.due(later, interval));
}

TEST(PublishThrottle, NotDueBeforeTheIntervalEnds)
{
    PublishThrottle throttle;
    throttle.published(t0);
    throttle.changed();
    EXPECT_FALSE(throttle.due(t0 + interval - milliseconds(1), interval));
    EXPECT_TRUE(throttle.due(t0 + interval, interval));
}

} // namespace
} // namespace cmrd::service::test
