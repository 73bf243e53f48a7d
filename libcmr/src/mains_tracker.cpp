// SPDX-License-Identifier: GPL-2.0-or-later
#include "mains_tracker.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace cmr::detail {
namespace {

constexpr double two_pi = 2.0 * std::numbers::pi;
constexpr std::size_t segment_bins = 32;
constexpr int acquisition_harmonics = 10;
constexpr double min_acquisition_score = 20.0; // dB summed over harmonics and signals
constexpr double line_snr = 100.0;             // 20 dB: a harmonic good enough to measure f
constexpr double evidence_snr = 31.6;          // 15 dB: enough to keep the lock
constexpr int max_misses = 10;                 // steps without evidence before unlocking
constexpr double grid_window_hz = 0.6;         // "near a grid": quick lock
constexpr int quick_lock_steps = 2;
constexpr int slow_lock_steps = 10;
constexpr double candidate_agreement_hz = 0.1;
constexpr double max_weight_snr = 1e6;          // 60 dB: beyond it, SNR adds no weight
constexpr double consensus_tolerance_hz = 0.02; // harmonics of one mains agree within this

double wrap_pi(double x)
{
    x = std::fmod(x + std::numbers::pi, two_pi);
    if (x < 0.0)
        x += two_pi;
    return x - std::numbers::pi;
}

} // namespace

MainsTracker::MainsTracker(MainsMode mode, int harmonics, const SpectrumGeometry& geometry,
                           double hop_s, double max_hz, std::size_t max_signals)
    : mode_(mode), harmonics_(harmonics), geometry_(geometry), hop_s_(hop_s), max_hz_(max_hz),
      max_signals_(max_signals)
{
    switch (mode) {
    case MainsMode::automatic:
        lo_hz_ = 45.0;
        hi_hz_ = 65.0;
        break;
    case MainsMode::grid_50:
        lo_hz_ = 49.5;
        hi_hz_ = 50.5;
        break;
    case MainsMode::grid_60:
        lo_hz_ = 59.5;
        hi_hz_ = 60.5;
        break;
    }
    const double step = geometry_.bin_hz / 4.0;
    scores_.resize(static_cast<std::size_t>((hi_hz_ - lo_hz_) / step) + 1);
    const std::size_t bins = geometry_.fft_size / 2 + 1;
    seg_floor_.resize(bins / segment_bins + 1);
    scratch_.resize(std::max<std::size_t>(segment_bins, 2 * geometry_.floor_span) + 8);
    const auto per_signal = static_cast<std::size_t>(harmonics_) + 1;
    prev_value_.assign(max_signals_ * per_signal, {});
    prev_snr_.assign(max_signals_ * per_signal, 0.0);
    floor_cache_.assign(max_signals_ * per_signal, -1.0);
    estimates_.resize(max_signals_ * per_signal);
}

int MainsTracker::usable_harmonics(double hz, int limit) const
{
    return std::max(0, std::min(limit, static_cast<int>(max_hz_ / hz)));
}

std::optional<double> MainsTracker::frequency() const
{
    if (!locked_)
        return std::nullopt;
    return hz_;
}

std::optional<double> MainsTracker::analysis_frequency() const
{
    if (locked_)
        return hz_;
    if (mode_ == MainsMode::grid_50)
        return 50.0;
    if (mode_ == MainsMode::grid_60)
        return 60.0;
    return std::nullopt;
}

void MainsTracker::reset_phase_history()
{
    std::fill(prev_snr_.begin(), prev_snr_.end(), 0.0);
}

std::optional<MainsTracker::Candidate> MainsTracker::acquire(std::span<const SpectrumView> spectra)
{
    std::fill(scores_.begin(), scores_.end(), 0.0);
    const double step = geometry_.bin_hz / 4.0;
    const int kmax = usable_harmonics(hi_hz_, acquisition_harmonics);
    if (kmax == 0)
        return std::nullopt;
    for (const SpectrumView& s : spectra) {
        // Coarse floor: median of each 32-bin segment (robust to the lines inside it).
        const std::size_t top =
            std::min(s.size(), static_cast<std::size_t>((kmax * hi_hz_ + 8.0) / geometry_.bin_hz) +
                                   segment_bins);
        const std::size_t segs = std::min(seg_floor_.size(), top / segment_bins + 1);
        for (std::size_t j = 0; j < segs; ++j) {
            std::size_t n = 0;
            for (std::size_t m = j * segment_bins; m < std::min(s.size(), (j + 1) * segment_bins);
                 ++m)
                scratch_[n++] = std::norm(s[m]);
            auto mid = scratch_.begin() + static_cast<std::ptrdiff_t>(n / 2);
            std::nth_element(scratch_.begin(), mid,
                             scratch_.begin() + static_cast<std::ptrdiff_t>(n));
            seg_floor_[j] = std::max(*mid / static_cast<float>(std::numbers::ln2), 1e-36F);
        }
        for (std::size_t i = 0; i < scores_.size(); ++i) {
            const double f = lo_hz_ + static_cast<double>(i) * step;
            for (int k = 1; k <= kmax; ++k) {
                const auto m = static_cast<std::size_t>(std::lround(k * f / geometry_.bin_hz));
                if (m + 1 >= s.size() || m / segment_bins >= segs)
                    break;
                // Candidates are a quarter bin apart, so the fundamental always has one on its
                // peak bin; higher harmonics fall up to k/8 bins off and may use a neighbour.
                float p = std::norm(s[m]);
                if (k > 1)
                    p = std::max({p, std::norm(s[m - 1]), std::norm(s[m + 1])});
                const double snr_db =
                    10.0 * std::log10(static_cast<double>(p / seg_floor_[m / segment_bins]));
                // Capped at 30 dB so that one strong line (a programme tone leaking into C)
                // cannot outvote a harmonic series; a thousandth of the uncapped excess breaks
                // the ties the cap leaves across a strong line's main lobe, so the candidate
                // on its centre wins.
                const double excess = std::max(snr_db - 10.0, 0.0);
                scores_[i] += std::min(excess, 30.0) + 1e-3 * std::min(excess, 100.0);
            }
        }
    }
    const auto best = std::max_element(scores_.begin(), scores_.end());
    if (*best < min_acquisition_score)
        return std::nullopt;
    const double hz = lo_hz_ + static_cast<double>(best - scores_.begin()) * step;
    return Candidate{refine(spectra, hz, kmax), *best};
}

double MainsTracker::refine(std::span<const SpectrumView> spectra, double hz, int max_k)
{
    estimates_count_ = 0;
    for (const SpectrumView& s : spectra)
        for (int k = 1; k <= max_k; ++k) {
            std::size_t bin = 0;
            double peak_hz = 0.0;
            if (!find_peak(s, geometry_, k * hz, 4 + static_cast<std::size_t>(k), bin, peak_hz))
                continue;
            const double floor = local_floor(s, geometry_, bin, scratch_);
            const double snr = floor > 0.0 ? static_cast<double>(std::norm(s[bin])) / floor : 0.0;
            if (snr >= line_snr)
                add_estimate(peak_hz / k, k * k * std::min(snr, max_weight_snr));
        }
    return consensus().value_or(hz);
}

std::optional<double> MainsTracker::track(std::span<const SpectrumView> spectra,
                                          std::size_t first_slot)
{
    const int kmax = usable_harmonics(hz_, harmonics_);
    const auto per_signal = static_cast<std::size_t>(harmonics_) + 1;
    // Pass 1: interpolated peaks give a frequency good enough to unwrap phases.
    estimates_count_ = 0;
    bool evidence = false;
    for (std::size_t si = 0; si < spectra.size() && first_slot + si < max_signals_; ++si) {
        const SpectrumView& s = spectra[si];
        for (int k = 1; k <= kmax; ++k) {
            double& cached_floor =
                floor_cache_[(first_slot + si) * per_signal + static_cast<std::size_t>(k)];
            cached_floor = -1.0;
            // Follow jumps of a few tenths of a hertz without reaching a neighbouring harmonic.
            const auto search =
                static_cast<std::size_t>(std::clamp(std::ceil(k * 0.3 / geometry_.bin_hz), 2.0,
                                                    std::floor(hz_ / 3.0 / geometry_.bin_hz)));
            std::size_t bin = 0;
            double peak_hz = 0.0;
            if (!find_peak(s, geometry_, k * hz_, search, bin, peak_hz))
                continue;
            // The floor spans tens of bins either side: pass 2, a bin or two away, reuses it.
            const double floor = local_floor(s, geometry_, bin, scratch_);
            cached_floor = floor;
            const double snr = floor > 0.0 ? static_cast<double>(std::norm(s[bin])) / floor : 0.0;
            if (snr >= evidence_snr)
                evidence = true;
            if (snr >= line_snr)
                add_estimate(peak_hz / k, k * k * std::min(snr, max_weight_snr));
        }
    }
    if (!evidence)
        return std::nullopt;
    const double f_interp = consensus().value_or(hz_);

    // Pass 2: phase advance at each harmonic's bin between this step and the previous one.
    estimates_count_ = 0;
    for (std::size_t si = 0; si < spectra.size() && first_slot + si < max_signals_; ++si) {
        const SpectrumView& s = spectra[si];
        for (int k = 1; k <= kmax; ++k) {
            const std::size_t slot = (first_slot + si) * per_signal + static_cast<std::size_t>(k);
            const auto bin = static_cast<std::size_t>(std::lround(k * f_interp / geometry_.bin_hz));
            if (bin + 1 >= s.size()) {
                prev_snr_[slot] = 0.0;
                continue;
            }
            const double floor = floor_cache_[slot] >= 0.0
                                     ? floor_cache_[slot]
                                     : local_floor(s, geometry_, bin, scratch_);
            const double snr = floor > 0.0 ? static_cast<double>(std::norm(s[bin])) / floor : 0.0;
            if (snr >= line_snr && prev_snr_[slot] >= line_snr) {
                const std::complex<double> now(s[bin].real(), s[bin].imag());
                const std::complex<double> before(prev_value_[slot].real(),
                                                  prev_value_[slot].imag());
                const double predicted = two_pi * k * f_interp * hop_s_;
                const double measured =
                    predicted + wrap_pi(std::arg(now * std::conj(before)) - predicted);
                add_estimate(measured / (two_pi * k * hop_s_),
                             k * k * std::min(std::min(snr, prev_snr_[slot]), max_weight_snr));
            }
            prev_value_[slot] = s[bin];
            prev_snr_[slot] = snr;
        }
    }
    return consensus().value_or(f_interp);
}

void MainsTracker::add_estimate(double hz, double weight)
{
    if (estimates_count_ < estimates_.size())
        estimates_[estimates_count_++] = {hz, weight};
}

std::optional<double> MainsTracker::consensus()
{
    // Weighted mean of the per-harmonic estimates that agree with their median: a programme
    // tone sitting near some k·f (997 Hz is 20 x 49.85 Hz) gives an estimate far from the
    // others and must not pull the mains frequency towards it. The median is unweighted --
    // one vote per harmonic and signal -- since k²·SNR would hand the tone the vote.
    if (estimates_count_ == 0)
        return std::nullopt;
    const auto end = estimates_.begin() + static_cast<std::ptrdiff_t>(estimates_count_);
    std::sort(estimates_.begin(), end,
              [](const Estimate& a, const Estimate& b) { return a.hz < b.hz; });
    const double median = estimates_[estimates_count_ / 2].hz;
    double sum_w = 0.0, sum_wf = 0.0;
    for (auto it = estimates_.begin(); it != end; ++it)
        if (std::abs(it->hz - median) <= consensus_tolerance_hz) {
            sum_w += it->weight;
            sum_wf += it->weight * it->hz;
        }
    return sum_w > 0.0 ? std::optional(sum_wf / sum_w) : std::nullopt;
}

void MainsTracker::update(std::span<const SpectrumView> spectra, std::size_t references)
{
    const std::span<const SpectrumView> reference =
        spectra.first(std::min(references, spectra.size()));
    if (locked_) {
        std::optional<double> hz = track(reference, 0);
        if (hz)
            forget(reference.size(), spectra.size() - reference.size());
        else
            hz = track(spectra.subspan(reference.size()), reference.size());
        if (hz && *hz >= lo_hz_ - 0.5 && *hz <= hi_hz_ + 0.5) {
            hz_ = *hz;
            misses_ = 0;
        } else if (++misses_ >= max_misses) {
            locked_ = false;
            pending_hz_.reset();
            pending_count_ = 0;
        }
        advance_phase();
        return;
    }
    std::optional<Candidate> c = acquire(reference);
    if (!c)
        c = acquire(spectra.subspan(reference.size()));
    if (!c) {
        pending_hz_.reset();
        pending_count_ = 0;
        advance_phase();
        return;
    }
    if (pending_hz_ && std::abs(c->hz - *pending_hz_) < candidate_agreement_hz)
        ++pending_count_;
    else
        pending_count_ = 1;
    pending_hz_ = c->hz;
    const bool near_grid =
        std::abs(c->hz - 50.0) <= grid_window_hz || std::abs(c->hz - 60.0) <= grid_window_hz;
    if (pending_count_ >= (near_grid ? quick_lock_steps : slow_lock_steps)) {
        locked_ = true;
        hz_ = c->hz;
        misses_ = 0;
        phase_ = 0.0;
        reset_phase_history();
        // Seed the phase history so the next step can already measure by phase.
        (void)track(reference, 0);
        (void)track(spectra.subspan(reference.size()), reference.size());
    }
    advance_phase();
}

void MainsTracker::forget(std::size_t first_signal, std::size_t count)
{
    // Signals not followed in a step must not pair their old phases with the next step's.
    const auto per_signal = static_cast<std::size_t>(harmonics_) + 1;
    const std::size_t begin = std::min(first_signal * per_signal, prev_snr_.size());
    const std::size_t end = std::min((first_signal + count) * per_signal, prev_snr_.size());
    std::fill(prev_snr_.begin() + static_cast<std::ptrdiff_t>(begin),
              prev_snr_.begin() + static_cast<std::ptrdiff_t>(end), 0.0);
}

void MainsTracker::advance_phase()
{
    if (const std::optional<double> hz = analysis_frequency())
        phase_ = std::fmod(phase_ + two_pi * *hz * hop_s_, two_pi);
}

} // namespace cmr::detail
