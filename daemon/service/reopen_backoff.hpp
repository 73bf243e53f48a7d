// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file reopen_backoff.hpp
/// When a static device whose capture ended is opened again: a retry interval after it ended,
/// doubled after each reopen that did not get the device running, up to 16 times as long, so
/// a device that stays away is not hammered (and the log not flooded).

#include <optional>

#include "service/service_clock.hpp"

namespace cmrd::service {

class ReopenBackoff {
public:
    /// Doublings at most: the wait grows to 2^4 = 16 times the retry interval.
    static constexpr int max_doublings = 4;

    /// The capture was seen ended at @p at. Later sightings before the reopen do not move it:
    /// the wait counts from the end itself.
    void ended(Clock::time_point at);
    /// The device runs again: the next end waits the plain retry interval.
    void running() { failed_reopens_ = 0; }
    /// A reopen was made. It counts as failed until running() says otherwise, and the next
    /// wait starts at the next end.
    void reopened();

    /// Whether the capture has ended and the wait after it has passed at @p now.
    [[nodiscard]] bool due(Clock::time_point now, Clock::duration retry_after) const;
    /// The wait after an end: @p retry_after doubled once per failed reopen, at most
    /// max_doublings times.
    [[nodiscard]] Clock::duration wait(Clock::duration retry_after) const;

private:
    std::optional<Clock::time_point> ended_at_;
    int failed_reopens_ = 0;
};

} // namespace cmrd::service
