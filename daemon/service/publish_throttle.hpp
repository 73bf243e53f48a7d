// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file publish_throttle.hpp
/// When a device's changed properties are published: at most once per interval, however
/// often the figures change (a snapshot arrives every hop; clients want a steady rate), and
/// the first publication at once.

#include <optional>

#include "service/service_clock.hpp"

namespace cmrd::service {

class PublishThrottle {
public:
    /// Something changed that has not been published yet.
    void changed() { dirty_ = true; }
    /// Everything was published at @p now.
    void published(Clock::time_point now);

    /// Whether to publish at @p now: something changed and @p interval has passed since the
    /// last publication (or there was none).
    [[nodiscard]] bool due(Clock::time_point now, Clock::duration interval) const;
    /// When to publish next: @p now if never published yet, nullopt when nothing changed.
    [[nodiscard]] std::optional<Clock::time_point> next(Clock::time_point now,
                                                        Clock::duration interval) const;

private:
    std::optional<Clock::time_point> last_publish_;
    bool dirty_ = true; // a new device has everything to announce
};

} // namespace cmrd::service
