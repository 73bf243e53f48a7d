// SPDX-License-Identifier: GPL-2.0-or-later
#include "service/reopen_backoff.hpp"

#include <algorithm>

namespace cmrd::service {

void ReopenBackoff::ended(Clock::time_point at)
{
    if (!ended_at_)
        ended_at_ = at;
}

void ReopenBackoff::reopened()
{
    ++failed_reopens_;
    ended_at_.reset();
}

bool ReopenBackoff::due(Clock::time_point now, Clock::duration retry_after) const
{
    return ended_at_ && now - *ended_at_ >= wait(retry_after);
}

Clock::duration ReopenBackoff::wait(Clock::duration retry_after) const
{
    return retry_after * (1 << std::min(failed_reopens_, max_doublings));
}

} // namespace cmrd::service
