// SPDX-License-Identifier: GPL-2.0-or-later
// Whole-recording results from the running sums.
#include <algorithm>
#include <cmath>

#include "cmr/units.hpp"

#include "analyzer_impl.hpp"

namespace cmr::detail {
namespace {

// A harmonic belongs in the summary when it was clear -- by the same gate as the live
// reading: over its floor, shaped like a stationary line, locked to the mains -- in at least a
// fifth of the windows. Hum is persistent; a bass note or a transient that slips through the
// gate now and then is not. Its level is the mean over the whole recording (windows where it
// was not clear count as silence), so a ground loop present for a third of the time reads
// 4.8 dB under its level while present; the events tell when.
constexpr double min_clear_fraction = 0.2;

void summarise_lines(const std::vector<LineAverage>& lines, int kmax, double hz, HarmonicList& out,
                     std::optional<double>& total)
{
    double hum_power = 0.0;
    out.count = kmax;
    for (int k = 1; k <= kmax; ++k) {
        Harmonic& h = out.items[static_cast<std::size_t>(k - 1)];
        h.k = k;
        h.hz = k * hz;
        h.dbfs.reset();
        const LineAverage& a = lines[static_cast<std::size_t>(k)];
        if (a.count <= 0.0)
            continue;
        const double power = a.clear_power / a.count;
        if (a.clear >= min_clear_fraction * a.count && power > 0.0) {
            h.dbfs = 10.0 * std::log10(power);
            hum_power += power;
        }
    }
    total = hum_power > 0.0 ? std::optional(10.0 * std::log10(hum_power)) : std::nullopt;
}

} // namespace

Summary AnalyzerImpl::summary() const
{
    Summary s;
    s.duration_s = static_cast<double>(frames_) / rate_;
    if (mains_steps_ > 0.0)
        s.mains_hz = mains_sum_ / mains_steps_;
    // Without a lock, a pinned grid is still measured at its nominal frequency.
    std::optional<double> f = s.mains_hz;
    if (!f && config_.mains == MainsMode::grid_50)
        f = 50.0;
    if (!f && config_.mains == MainsMode::grid_60)
        f = 60.0;
    const int kmax = f ? harmonic_count(*f) : 0;

    for (const ChannelState& ch : channels_) {
        ChannelResult r;
        r.spec = ch.spec;
        r.mains_hz = s.mains_hz;
        const double n = total_full_.count;
        double power = 0.0;
        if (ch.spec.is_pair() && n > 0.0) {
            const double mh = total_full_.sum[ch.hot] / n, mc = total_full_.sum[ch.cold] / n;
            power = time_power(total_full_, ch.hot) + time_power(total_full_, ch.cold) -
                    2.0 * (total_full_.cross[ch.pair_index] / n - mh * mc);
        } else if (n > 0.0) {
            power = time_power(total_full_, ch.input);
        }
        if (power > 0.0)
            r.level_dbfs = power_to_dbfs(power);
        if (f)
            summarise_lines(ch.diff.total, kmax, *f, r.harmonics, r.hum_dbfs);
        if (ch.spec.is_pair()) {
            if (f)
                summarise_lines(ch.cm_total, kmax, *f, r.cm_harmonics, r.cm_hum_dbfs);
            const CmrrFigure cmrr = ch.cmrr_total->figure();
            r.cmrr_kind = cmrr.kind;
            r.cmrr_db = cmrr.db;
            if (ch.spectral_steps > 0.0) {
                LegStats legs = time_leg_stats(total_full_, total_band_, ch);
                legs.hot += ch.spectral_total.hot / ch.spectral_steps;
                legs.cold += ch.spectral_total.cold / ch.spectral_steps;
                legs.cross += ch.spectral_total.cross / ch.spectral_steps;
                const SymmetryFigure sym = classify_symmetry(legs);
                r.symmetry = sym.symmetry;
                r.leg_gain_db = sym.leg_gain_db;
            }
        }
        s.channels.push_back(r);
    }
    return s;
}

} // namespace cmr::detail
