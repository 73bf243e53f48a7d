// SPDX-License-Identifier: GPL-2.0-or-later
#include "symmetry.hpp"

#include <algorithm>
#include <cmath>

#include "cmr/units.hpp"

namespace cmr::detail {
namespace {
constexpr double silent_ratio = 0.01; // a leg 20 dB below the other carries no programme
constexpr double correlated = 0.7;    // |normalised correlation| above this: same programme
} // namespace

SymmetryFigure classify_symmetry(const LegStats& s)
{
    SymmetryFigure f;
    const double hot = std::max(0.0, s.hot);
    const double cold = std::max(0.0, s.cold);
    const double louder = std::max(hot, cold);
    if (louder <= 0.0 || power_to_dbfs(louder) < symmetry_min_level_dbfs ||
        10.0 * std::log10(louder / std::max(s.band, 1e-300)) < symmetry_min_band_ratio_db)
        return f;
    const double diff = hot + cold - 2.0 * s.cross; // mean power of D = h - c
    if (diff > 0.0)
        f.leg_gain_db = 10.0 * std::log10(diff / louder);
    if (cold < silent_ratio * hot) {
        f.symmetry = Symmetry::cold_silent;
    } else if (hot < silent_ratio * cold) {
        f.symmetry = Symmetry::hot_silent;
    } else {
        const double rho = s.cross / std::sqrt(hot * cold);
        if (rho <= -correlated)
            f.symmetry = Symmetry::symmetric;
        else if (rho >= correlated)
            f.symmetry = Symmetry::in_phase;
        else
            f.symmetry = Symmetry::uncorrelated;
    }
    return f;
}

} // namespace cmr::detail
