// SPDX-License-Identifier: GPL-2.0-or-later
// The JSON names of the measurement enums are a stable contract (design.md, "JSON shape of a
// channel"): scripts match on these exact strings.

#include <stdexcept>

#include <gtest/gtest.h>

#include "cmr/measurement.hpp"

namespace {

using cmr::AlarmKind;
using cmr::CmrrKind;
using cmr::Symmetry;

TEST(MeasurementNames, CmrrKind)
{
    EXPECT_EQ(cmr::to_string(CmrrKind::none), "none");
    EXPECT_EQ(cmr::to_string(CmrrKind::measured), "measured");
    EXPECT_EQ(cmr::to_string(CmrrKind::lower_bound), "lower_bound");
}

TEST(MeasurementNames, Symmetry)
{
    EXPECT_EQ(cmr::to_string(Symmetry::no_signal), "no_signal");
    EXPECT_EQ(cmr::to_string(Symmetry::symmetric), "symmetric");
    EXPECT_EQ(cmr::to_string(Symmetry::cold_silent), "cold_silent");
    EXPECT_EQ(cmr::to_string(Symmetry::hot_silent), "hot_silent");
    EXPECT_EQ(cmr::to_string(Symmetry::in_phase), "in_phase");
    EXPECT_EQ(cmr::to_string(Symmetry::uncorrelated), "uncorrelated");
}

TEST(MeasurementNames, AlarmKind)
{
    EXPECT_EQ(cmr::to_string(AlarmKind::none), "none");
    EXPECT_EQ(cmr::to_string(AlarmKind::hum), "hum");
    EXPECT_EQ(cmr::to_string(AlarmKind::ground_loop), "ground_loop");
    EXPECT_EQ(cmr::to_string(AlarmKind::cmrr_low), "cmrr_low");
    EXPECT_EQ(cmr::to_string(AlarmKind::wiring), "wiring");
}

TEST(MeasurementNames, ValuesOutsideTheEnumeratorsAreRejected)
{
    // An invalid name in the JSON output would be worse than an error.
    EXPECT_THROW((void)cmr::to_string(static_cast<CmrrKind>(17)), std::invalid_argument);
    EXPECT_THROW((void)cmr::to_string(static_cast<Symmetry>(-1)), std::invalid_argument);
    EXPECT_THROW((void)cmr::to_string(static_cast<AlarmKind>(5)), std::invalid_argument);
}

} // namespace
