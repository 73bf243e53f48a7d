// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file measurement_report.hpp
/// Measured figures (alarm latency, signal rates, times) that a test also asserts bounds on:
/// printed in the test's output and recorded as gtest properties, so a run shows how far
/// from its bounds the daemon is, not only that it passed.

#include <cstdio>
#include <string>

#include <gtest/gtest.h>

namespace cmrd::service::testing {

inline void report_measurement(const std::string& name, double value, const std::string& unit)
{
    std::printf("[ MEASURED ] %s = %.3f %s\n", name.c_str(), value, unit.c_str());
    std::fflush(stdout);
    ::testing::Test::RecordProperty(name, std::to_string(value) + " " + unit);
}

} // namespace cmrd::service::testing
