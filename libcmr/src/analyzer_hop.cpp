// SPDX-License-Identifier: GPL-2.0-or-later
// The per-hop analysis: short-window common mode, long-window mains / hum / CMRR / symmetry.
#include <algorithm>
#include <cmath>

#include "cmr/units.hpp"

#include "analyzer_impl.hpp"
#include "block_kernels.hpp"

namespace cmr::detail {
namespace {

constexpr double clear_snr = 10.0;        // a harmonic must stand 10 dB over its floor
constexpr double coherence_min = 0.9;     // and, where programme may hide it, stay locked
constexpr double programme_low_hz = 10.0; // below this, spectra count no programme

void set_harmonic(HarmonicList& list, int k, double hz, const LineEstimate& e, bool clear,
                  double& hum_power)
{
    Harmonic& h = list.items[static_cast<std::size_t>(k - 1)];
    h.k = k;
    h.hz = hz;
    h.dbfs.reset();
    if (clear) {
        const double power = std::max(e.power() - e.noise_var, 0.0);
        if (power > 0.0) {
            h.dbfs = 10.0 * std::log10(power);
            hum_power += power;
        }
    }
}

std::optional<double> hum_total(double power)
{
    if (power <= 0.0)
        return std::nullopt;
    return 10.0 * std::log10(power);
}

} // namespace

int AnalyzerImpl::harmonic_count(double hz) const
{
    return std::clamp(static_cast<int>(passband_hz_ / hz), 0, config_.harmonics);
}

const float* AnalyzerImpl::ring_tail(std::size_t input, std::size_t length) const
{
    // The last `length` decimated samples, contiguous since every ring is written twice.
    return rings_[input].data() + ring_pos_ + ring_size_ - length;
}

void AnalyzerImpl::fill_window(std::size_t length, const Window& window, float* out,
                               std::size_t input_a, std::size_t input_b, float wa, float wb) const
{
    window_mix(ring_tail(input_a, length), ring_tail(input_b, length), window.samples().data(),
               length, wa, wb, out);
}

void AnalyzerImpl::window_stats(BlockStats& full, BlockStats& band) const
{
    full.clear();
    band.clear();
    const std::size_t n = std::min(recent_count_, recent_full_.size());
    for (std::size_t i = 0; i < n; ++i) {
        full.add(recent_full_[i]);
        band.add(recent_band_[i]);
    }
}

double AnalyzerImpl::time_power(const BlockStats& s, std::size_t input) const
{
    if (s.count <= 0.0)
        return 0.0;
    const double mean = s.sum[input] / s.count;
    return s.sumsq[input] / s.count - mean * mean;
}

LegStats AnalyzerImpl::time_leg_stats(const BlockStats& full, const BlockStats& band,
                                      const ChannelState& ch) const
{
    // Programme outside the hum band: everything the decimator removed. The hum band itself
    // comes from the spectra with the hum lines left out.
    auto cross = [&](const BlockStats& s) {
        if (s.count <= 0.0)
            return 0.0;
        return s.cross[ch.pair_index] / s.count -
               (s.sum[ch.hot] / s.count) * (s.sum[ch.cold] / s.count);
    };
    LegStats l;
    l.hot = time_power(full, ch.hot) - time_power(band, ch.hot);
    l.cold = time_power(full, ch.cold) - time_power(band, ch.cold);
    l.cross = cross(full) - cross(band);
    l.band = std::max(time_power(band, ch.hot), time_power(band, ch.cold));
    return l;
}

bool AnalyzerImpl::read_programme_line(HarmonicTrack& track, int k, const LineEstimate& e,
                                       double phase)
{
    // On signals that carry programme (D, single inputs) a harmonic counts only when it also
    // keeps its phase relative to the mains over the last windows: hum is locked to the
    // mains, a bass note or a transient's splatter is not.
    const auto ki = static_cast<std::size_t>(k);
    auto& hist = track.history[ki];
    int& count = track.history_count[ki];
    std::rotate(hist.begin(), hist.end() - 1, hist.end());
    hist[0] = e.amplitude * std::polar(1.0, -k * phase);
    count = std::min(count + 1, static_cast<int>(HarmonicTrack::coherence_depth));
    std::complex<double> sum{};
    double mag = 0.0;
    for (const auto& z : hist) {
        sum += z;
        mag += std::abs(z);
    }
    const bool decided = count == static_cast<int>(HarmonicTrack::coherence_depth);
    const bool coherent = decided && mag > 0.0 && std::abs(sum) >= coherence_min * mag;
    const bool clear = e.valid() && e.line_shape && e.snr() >= clear_snr && coherent;
    // Until the history is full the gate cannot decide: leave those windows out of the summary.
    if (e.valid() && decided)
        track.total[ki].add(e, clear);
    return clear;
}

void AnalyzerImpl::analyse_pair_long(ChannelState& ch, SpectrumView d, std::complex<float>* c)
{
    ChannelResult& r = results_[static_cast<std::size_t>(&ch - channels_.data())];
    const std::optional<double> f = live_f_;
    const int kmax = f ? harmonic_count(*f) : 0;
    const double bin_hz = long_geometry_.bin_hz;
    const auto guard = static_cast<double>(long_geometry_.floor_guard);
    const std::optional<double> fx = tracker_->exclusion_frequency();
    const int kx = fx ? harmonic_count(*fx) : 0;

    // Programme statistics of the hum band, leaving out the hum lines' main lobes.
    double sd = 0.0, sc = 0.0, x = 0.0;
    std::size_t taken = 0, total = 0;
    const auto lo = static_cast<std::size_t>(std::ceil(programme_low_hz / bin_hz));
    const std::size_t hi = d.size() - 1;
    auto accumulate = [&](std::size_t from, std::size_t to) {
        if (to <= from)
            return;
        // Σ|D|², Σ|C|², Re Σ C·conj(D) over the bins: sums over their re/im floats.
        spectrum_moments(reinterpret_cast<const float*>(d.data() + from),
                         reinterpret_cast<const float*>(c + from), 2 * (to - from), sd, sc, x);
        taken += to - from;
    };
    // Walk the bins between the hum lines' main lobes.
    std::size_t m = lo;
    for (int k = 1; k <= kx && m < hi; ++k) {
        const double centre = k * *fx / bin_hz;
        const auto skip_from = static_cast<std::size_t>(std::max(0.0, std::ceil(centre - guard)));
        const auto skip_to = static_cast<std::size_t>(std::floor(centre + guard)) + 1;
        accumulate(m, std::min(std::max(m, skip_from), hi));
        m = std::max(m, skip_to);
    }
    accumulate(std::min(m, hi), hi);
    total = hi > lo ? hi - lo : 0;
    const double scale =
        taken > 0
            ? 2.0 / (static_cast<double>(long_geometry_.fft_size) * long_window_->sum_squares()) *
                  static_cast<double>(total) / static_cast<double>(taken)
            : 0.0;
    ch.spectral_live = {(sc + sd / 4 + x) * scale, (sc + sd / 4 - x) * scale,
                        (sc - sd / 4) * scale};
    ch.spectral_total.hot += ch.spectral_live.hot;
    ch.spectral_total.cold += ch.spectral_live.cold;
    ch.spectral_total.cross += ch.spectral_live.cross;
    ch.spectral_steps += 1.0;

    LegStats legs = time_leg_stats(window_full_, window_band_, ch);
    legs.hot += ch.spectral_live.hot;
    legs.cold += ch.spectral_live.cold;
    legs.cross += ch.spectral_live.cross;
    const SymmetryFigure sym = classify_symmetry(legs);
    r.symmetry = sym.symmetry;
    r.leg_gain_db = sym.leg_gain_db;

    // When only one leg carries programme, C holds half of it: regress C on D outside the hum
    // lines and take that part out before C serves as the hum reference. Only then: without
    // programme the regression would fit the hum lines' leakage instead.
    const bool one_leg =
        sym.symmetry == Symmetry::cold_silent || sym.symmetry == Symmetry::hot_silent;
    ch.beta = one_leg && sd > 0.0 ? std::clamp(x / sd, -1.0, 1.0) : 0.0;
    if (ch.beta != 0.0) {
        const auto beta = static_cast<float>(ch.beta);
        for (std::size_t i = 0; i < d.size(); ++i)
            c[i] -= beta * d[i];
    }
    const SpectrumView c_ref(c, d.size());

    double hum_power = 0.0;
    r.harmonics.count = kmax;
    const double phase = tracker_->phase();
    for (int k = 1; k <= kmax; ++k) {
        const auto ki = static_cast<std::size_t>(k);
        const LineEstimate de = estimate_line(d, long_geometry_, k * *f, scratch_);
        const LineEstimate ce = estimate_line(c_ref, long_geometry_, k * *f, scratch_);
        ch.cmrr_live->add(k, de, ce, ch.beta);
        ch.cmrr_total->add(k, de, ce, ch.beta);
        if (ce.valid())
            ch.cm_total[ki].add(ce, ce.line_shape && ce.snr() >= clear_snr);

        const bool clear = read_programme_line(ch.diff, k, de, phase);
        set_harmonic(r.harmonics, k, k * *f, de, clear, hum_power);
    }
    r.hum_dbfs = kmax > 0 ? hum_total(hum_power) : std::nullopt;
    ch.cmrr_live->end_step();
    ch.cmrr_total->end_step();
    const CmrrFigure cmrr = ch.cmrr_live->figure();
    r.cmrr_kind = cmrr.kind;
    r.cmrr_db = cmrr.db;
}

void AnalyzerImpl::analyse_single_long(ChannelState& ch, SpectrumView x)
{
    ChannelResult& r = results_[static_cast<std::size_t>(&ch - channels_.data())];
    const std::optional<double> f = live_f_;
    const int kmax = f ? harmonic_count(*f) : 0;
    double hum_power = 0.0;
    r.harmonics.count = kmax;
    const double phase = tracker_->phase();
    for (int k = 1; k <= kmax; ++k) {
        const LineEstimate e = estimate_line(x, long_geometry_, k * *f, scratch_);
        const bool clear = read_programme_line(ch.diff, k, e, phase);
        set_harmonic(r.harmonics, k, k * *f, e, clear, hum_power);
    }
    r.hum_dbfs = kmax > 0 ? hum_total(hum_power) : std::nullopt;
}

void AnalyzerImpl::long_step()
{
    // Spectrum slots: C of every pair first (the mains tracker's references), then D of every
    // pair, then the singles.
    const std::size_t n = long_geometry_.fft_size;
    const std::size_t bins = n / 2 + 1;
    float* in = long_fft_->input().data();
    auto transform = [&](float* input, std::size_t slot) {
        long_fft_->execute(input, long_spectra_[slot]);
        long_views_[slot] = {long_spectra_[slot], bins};
    };
    std::size_t single = 2 * pair_count_;
    for (const ChannelState& ch : channels_) {
        if (ch.spec.is_pair()) {
            window_pair(ring_tail(ch.hot, n), ring_tail(ch.cold, n), long_window_->samples().data(),
                        n, in, long_input_d_);
            transform(in, ch.pair_index);
            transform(long_input_d_, pair_count_ + ch.pair_index);
        } else {
            fill_window(n, *long_window_, in, ch.input, ch.input, 1.0F, 0.0F);
            transform(in, single++);
        }
    }
    tracker_->update(long_views_, pair_count_);
    live_f_ = tracker_->analysis_frequency();
    if (const std::optional<double> f = tracker_->frequency()) {
        mains_sum_ += *f;
        mains_steps_ += 1.0;
    }
    window_stats(window_full_, window_band_);
    single = 2 * pair_count_;
    for (ChannelState& ch : channels_) {
        if (ch.spec.is_pair())
            analyse_pair_long(ch, long_views_[pair_count_ + ch.pair_index],
                              long_spectra_[ch.pair_index]);
        else
            analyse_single_long(ch, long_views_[single++]);
    }
}

void AnalyzerImpl::short_step()
{
    const std::size_t n = short_geometry_.fft_size;
    const std::size_t bins = n / 2 + 1;
    const std::optional<double> f = live_f_;
    for (ChannelState& ch : channels_) {
        if (!ch.spec.is_pair())
            continue;
        ChannelResult& r = results_[static_cast<std::size_t>(&ch - channels_.data())];
        const int kmax = f ? harmonic_count(*f) : 0;
        r.cm_harmonics.count = kmax;
        if (kmax == 0) {
            r.cm_hum_dbfs.reset();
            continue;
        }
        // Programme-free common mode: C - beta·D = (0.5 - beta)·h + (0.5 + beta)·c.
        const auto beta = static_cast<float>(ch.beta);
        fill_window(n, *short_window_, short_fft_->input().data(), ch.hot, ch.cold, 0.5F - beta,
                    0.5F + beta);
        short_fft_->execute(short_spectrum_);
        const SpectrumView spectrum(short_spectrum_, bins);
        double hum_power = 0.0;
        for (int k = 1; k <= kmax; ++k) {
            const LineEstimate e = estimate_line(spectrum, short_geometry_, k * *f, scratch_);
            // No line-shape gate here: the reference carries no programme, and a ground loop's
            // onset (a step in level) is exactly what this fast reading must not miss.
            set_harmonic(r.cm_harmonics, k, k * *f, e, e.valid() && e.snr() >= clear_snr,
                         hum_power);
        }
        r.cm_hum_dbfs = hum_total(hum_power);
    }
}

const Snapshot& AnalyzerImpl::analyse_hop()
{
    // The first hop is the decimator's warm-up: its band samples describe the filter filling
    // from silence, which the full-band statistics cannot mirror. Leave it out of both.
    if (hops_ > 0) {
        recent_full_[recent_pos_] = done_full_;
        recent_band_[recent_pos_] = hop_band_;
        recent_pos_ = (recent_pos_ + 1) % recent_full_.size();
        recent_count_ = std::min(recent_count_ + 1, recent_full_.size());
        total_full_.add(done_full_);
        total_band_.add(hop_band_);
    }
    done_full_.clear();
    hop_band_.clear();
    hop_left_ = hop_frames_;
    ++hops_;

    if (decimated_ >= long_geometry_.fft_size &&
        hops_ % static_cast<std::uint64_t>(long_every_) == 0)
        long_step();
    if (decimated_ >= short_geometry_.fft_size)
        short_step();

    // Level: D (pairs) or the input, full band, over the recent hops.
    window_stats(window_full_, window_band_);
    for (std::size_t i = 0; i < channels_.size(); ++i) {
        const ChannelState& ch = channels_[i];
        ChannelResult& r = results_[i];
        double power = 0.0;
        if (ch.spec.is_pair()) {
            const double n = window_full_.count;
            const double mh = window_full_.sum[ch.hot] / n, mc = window_full_.sum[ch.cold] / n;
            power = time_power(window_full_, ch.hot) + time_power(window_full_, ch.cold) -
                    2.0 * (window_full_.cross[ch.pair_index] / n - mh * mc);
        } else {
            power = time_power(window_full_, ch.input);
        }
        r.level_dbfs = power > 0.0 ? std::optional(power_to_dbfs(power)) : std::nullopt;
        r.mains_hz = tracker_->frequency();
    }
    snapshot_.time_s = static_cast<double>(frames_) / rate_;
    snapshot_.mains_hz = tracker_->frequency();
    snapshot_.channels = results_;
    return snapshot_;
}

} // namespace cmr::detail
