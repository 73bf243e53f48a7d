// SPDX-License-Identifier: GPL-2.0-or-later
#include "log_rate_limit.hpp"

#include "log.hpp"

namespace cmrd::common {

void LogRateLimit::log(int priority, const std::string& text, Clock::time_point now)
{
    if (logged_ && now - last_ < interval_) {
        ++suppressed_;
        return;
    }
    std::string line = text;
    if (suppressed_ > 0)
        line += " (" + std::to_string(suppressed_) + " more like it left out of the log)";
    common::log(priority, line);
    logged_ = true;
    last_ = now;
    suppressed_ = 0;
}

} // namespace cmrd::common
