// SPDX-License-Identifier: GPL-2.0-or-later
#include "service/publish_throttle.hpp"

namespace cmrd::service {

void PublishThrottle::published(Clock::time_point now)
{
    last_publish_ = now;
    dirty_ = false;
}

bool PublishThrottle::due(Clock::time_point now, Clock::duration interval) const
{
    return dirty_ && (!last_publish_ || now - *last_publish_ >= interval);
}

std::optional<Clock::time_point> PublishThrottle::next(Clock::time_point now,
                                                       Clock::duration interval) const
{
    if (!dirty_)
        return std::nullopt;
    if (!last_publish_)
        return now;
    return *last_publish_ + interval;
}

} // namespace cmrd::service
