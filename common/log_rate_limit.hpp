// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file log_rate_limit.hpp
/// One kind of message that anyone can provoke (a refused call from a flooding client) logged
/// at most once per interval: the first one at once, then one line per interval saying how
/// many were left out (#12 finding 8: 5001 journal lines in 0.34 s from a flood of Reloads).

#include <chrono>
#include <cstdint>
#include <string>

namespace cmrd::common {

class LogRateLimit {
public:
    using Clock = std::chrono::steady_clock;

    explicit LogRateLimit(Clock::duration interval) : interval_(interval) {}

    /// Logs @p text at @p priority, unless a line of this kind went out less than the
    /// interval ago; the next line that goes out then says how many were left out.
    void log(int priority, const std::string& text, Clock::time_point now = Clock::now());

    /// Messages left out since the last line that went out.
    [[nodiscard]] std::uint64_t suppressed() const { return suppressed_; }

private:
    Clock::duration interval_;
    Clock::time_point last_{};
    bool logged_ = false;
    std::uint64_t suppressed_ = 0;
};

} // namespace cmrd::common
