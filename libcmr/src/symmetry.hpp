// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// How the programme is carried on the two legs of a pair, from the programme's second-order
// statistics (hum already removed by the analyzer).

#include <optional>

#include "cmr/measurement.hpp"

namespace cmr::detail {

/// Mean programme powers of the hot and cold legs and their cross term (mean of h·c).
struct LegStats {
    double hot = 0.0;
    double cold = 0.0;
    double cross = 0.0;
    /// Louder leg's total power in the hum band (programme and hum): programme far below it
    /// cannot be told from what is left of the hum after subtraction.
    double band = 0.0;
};

struct SymmetryFigure {
    Symmetry symmetry = Symmetry::no_signal;
    std::optional<double> leg_gain_db;
};

/// Programme quieter than this on the louder leg is "no_signal" (dBFS).
inline constexpr double symmetry_min_level_dbfs = -70.0;
/// Programme more than this below the hum band's power is "no_signal" (dB).
inline constexpr double symmetry_min_band_ratio_db = -40.0;

SymmetryFigure classify_symmetry(const LegStats& stats);

} // namespace cmr::detail
