// SPDX-License-Identifier: GPL-2.0-or-later
// LogRateLimit: the first line at once, then at most one per interval, saying how many were
// left out (#12 finding 8: a flood of refused Reloads wrote 5001 journal lines in 0.34 s).

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "log.hpp"
#include "log_rate_limit.hpp"

namespace cmrd::common {
namespace {

std::vector<std::string> lines; // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

void keep(int /*priority*/, std::string_view text)
{
    lines.emplace_back(text);
}

TEST(LogRateLimit, OneLinePerIntervalSayingHowManyWereLeftOut)
{
    set_log_sink(keep);
    lines.clear();
    using namespace std::chrono_literals;
    LogRateLimit limit(10s);
    const LogRateLimit::Clock::time_point t0{};
    limit.log(LOG_NOTICE, "refused", t0 + 1s);
    for (int i = 0; i < 5000; ++i)
        limit.log(LOG_NOTICE, "refused", t0 + 2s);
    EXPECT_EQ(lines, std::vector<std::string>{"refused"});
    EXPECT_EQ(limit.suppressed(), 5000U);
    limit.log(LOG_NOTICE, "refused", t0 + 11s);
    ASSERT_EQ(lines.size(), 2U);
    EXPECT_EQ(lines[1], "refused (5000 more like it left out of the log)");
    limit.log(LOG_NOTICE, "refused", t0 + 30s);
    EXPECT_EQ(lines.back(), "refused");
    set_log_sink(nullptr);
}

} // namespace
} // namespace cmrd::common
