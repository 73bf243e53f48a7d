// SPDX-License-Identifier: GPL-2.0-or-later
// The public Analyzer, construction of its state, and the per-block path (gather, statistics,
// decimation). The per-hop analysis is in analyzer_hop.cpp, the summary in analyzer_summary.cpp.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "analyzer_impl.hpp"
#include "block_kernels.hpp"

namespace cmr {
namespace detail {

void BlockStats::resize(std::size_t inputs, std::size_t pairs)
{
    sum.assign(inputs, 0.0);
    sumsq.assign(inputs, 0.0);
    cross.assign(pairs, 0.0);
    count = 0.0;
}

void BlockStats::clear()
{
    std::fill(sum.begin(), sum.end(), 0.0);
    std::fill(sumsq.begin(), sumsq.end(), 0.0);
    std::fill(cross.begin(), cross.end(), 0.0);
    count = 0.0;
}

void BlockStats::add(const BlockStats& o)
{
    for (std::size_t i = 0; i < sum.size(); ++i) {
        sum[i] += o.sum[i];
        sumsq[i] += o.sumsq[i];
    }
    for (std::size_t i = 0; i < cross.size(); ++i)
        cross[i] += o.cross[i];
    count += o.count;
}

void HarmonicTrack::resize(std::size_t harmonics)
{
    history.assign(harmonics + 1, {});
    history_count.assign(harmonics + 1, 0);
    total.assign(harmonics + 1, {});
}

namespace {

constexpr double long_window_s = 4.0;
constexpr double short_window_s = 2.0;
constexpr double kaiser_beta = 10.0;
constexpr double kaiser_mainlobe_bins = 3.34; // sqrt(1 + (beta/pi)^2)
constexpr double blackman_harris_mainlobe_bins = 4.0;
constexpr double live_cmrr_time_constant_s = 30.0;

std::size_t even_samples(double seconds, double rate)
{
    return 2 * static_cast<std::size_t>(std::lround(seconds * rate / 2.0));
}

double mains_ceiling_hz(MainsMode mode)
{
    switch (mode) {
    case MainsMode::grid_50:
        return 50.5;
    case MainsMode::grid_60:
        return 60.5;
    case MainsMode::automatic:
        break;
    }
    return 65.0;
}

} // namespace

AnalyzerImpl::AnalyzerImpl(const AnalyzerConfig& config)
    : config_(config), rate_(config.sample_rate),
      input_count_(static_cast<std::size_t>(std::max(0, config.input_count)))
{
    if (!(rate_ >= 8000.0 && rate_ <= 192000.0))
        throw ConfigError("sample rate " + std::to_string(std::lround(rate_)) +
                          " Hz is outside 8000-192000 Hz");
    if (config.input_count < 1)
        throw ConfigError("input count must be at least 1");
    if (config.layout.empty())
        throw ConfigError("the channel layout is empty");
    if (config.harmonics < 1 || config.harmonics > max_harmonics)
        throw ConfigError("harmonic count " + std::to_string(config.harmonics) + " is outside 1-" +
                          std::to_string(max_harmonics));
    if (!(config.hop_s >= 0.05 && config.hop_s <= 2.0))
        throw ConfigError("hop must be between 0.05 and 2 s");

    // Compact the used inputs: pairs first, hot and cold side by side (slots 2p and 2p+1),
    // then singles, so per-frame statistics are plain vector operations and the common layout
    // "1/2 3/4 ..." is a straight copy of each frame.
    std::vector<bool> taken(input_count_, false);
    auto check = [&](int input) {
        if (input < 1 || static_cast<std::size_t>(input) > input_count_)
            throw LayoutError("input " + std::to_string(input) +
                              " does not exist (the source has " + std::to_string(input_count_) +
                              " inputs)");
        const auto raw = static_cast<std::size_t>(input - 1);
        if (taken[raw])
            throw LayoutError("input " + std::to_string(input) + " is used twice in the layout");
        taken[raw] = true;
        return raw;
    };
    for (const ChannelSpec& spec : config.layout)
        if (spec.is_pair())
            ++pair_count_;
    used_.assign(2 * pair_count_, 0);
    std::size_t pair = 0;
    for (const ChannelSpec& spec : config.layout) {
        ChannelState ch;
        ch.spec = spec;
        if (spec.is_pair()) {
            ch.pair_index = pair++;
            ch.hot = 2 * ch.pair_index;
            ch.cold = 2 * ch.pair_index + 1;
            used_[ch.hot] = check(spec.hot);
            used_[ch.cold] = check(spec.cold);
        } else {
            ch.input = used_.size();
            used_.push_back(check(spec.input));
        }
        channels_.push_back(std::move(ch));
    }

    // The hum band: K harmonics of the highest mains frequency searched, within Nyquist.
    passband_hz_ = std::min(config.harmonics * mains_ceiling_hz(config.mains) + 5.0, 0.45 * rate_);
    decimator_ = std::make_unique<Decimator>(used_.size(), rate_, passband_hz_);
    rate_d_ = decimator_->output_rate();
    identity_map_ = true;
    for (std::size_t u = 0; u < used_.size(); ++u)
        identity_map_ = identity_map_ && used_[u] == u;
    const std::size_t factor = decimator_->factor();
    hop_d_ =
        std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(config.hop_s * rate_d_)));
    hop_frames_ = hop_d_ * factor;
    hop_left_ = hop_frames_;
    if (statistics_delay() >= hop_frames_)
        throw ConfigError("hop too short for the decimation filters");
    stats_left_ = hop_frames_ - statistics_delay();
    config_.hop_s = static_cast<double>(hop_frames_) / rate_;
    if (!(config.long_hop_s >= config.hop_s && config.long_hop_s <= 4.0))
        throw ConfigError("long hop must be between the hop and 4 s");
    long_every_ = std::max(1, static_cast<int>(std::lround(config.long_hop_s / config_.hop_s)));
    config_.long_hop_s = long_every_ * config_.hop_s;
    config_.harmonics =
        std::min(config.harmonics, static_cast<int>(passband_hz_ / mains_ceiling_hz(config.mains)));
    if (config_.harmonics < 1)
        throw ConfigError("the sample rate is too low for any hum harmonic");

    const std::size_t n_long = even_samples(long_window_s, rate_d_);
    const std::size_t n_short = even_samples(short_window_s, rate_d_);
    ring_size_ = n_long + hop_d_;
    rings_.assign(used_.size(), std::vector<float>(2 * ring_size_, 0.0F));

    const std::size_t recent = (n_long + hop_d_ - 1) / hop_d_;
    hop_full_.resize(used_.size(), pair_count_);
    done_full_.resize(used_.size(), pair_count_);
    hop_band_.resize(used_.size(), pair_count_);
    total_full_.resize(used_.size(), pair_count_);
    total_band_.resize(used_.size(), pair_count_);
    window_full_.resize(used_.size(), pair_count_);
    window_band_.resize(used_.size(), pair_count_);
    recent_full_.assign(recent, hop_full_);
    recent_band_.assign(recent, hop_band_);

    long_window_ =
        std::make_unique<Window>(kaiser_window(n_long, kaiser_beta), kaiser_mainlobe_bins);
    short_window_ =
        std::make_unique<Window>(blackman_harris_window(n_short), blackman_harris_mainlobe_bins);
    long_fft_ = std::make_unique<RealFft>(n_long);
    short_fft_ = std::make_unique<RealFft>(n_short);
    // Floors from the bins either side beyond the main lobe: 24 (6 Hz) for the long window,
    // whose floors weight the CMRR estimate (fewer made `measured` flicker to `lower_bound`
    // in the cold-silent test), 16 (8 Hz) for the short one.
    long_geometry_ = {n_long, rate_d_ / static_cast<double>(n_long), long_window_.get(), 5, 24};
    short_geometry_ = {n_short, rate_d_ / static_cast<double>(n_short), short_window_.get(), 6, 16};

    std::size_t signals = 0;
    for (const ChannelState& ch : channels_)
        signals += ch.spec.is_pair() ? 2 : 1;
    for (std::size_t i = 0; i < signals; ++i)
        long_spectra_.push_back(long_fft_->alloc_spectrum());
    long_views_.resize(signals);
    long_input_d_ = long_fft_->alloc_input();
    short_spectrum_ = short_fft_->alloc_spectrum();
    scratch_.resize(2 * std::max(long_geometry_.floor_span, short_geometry_.floor_span) + 8);

    const double long_hop_s = long_every_ * config_.hop_s;
    // Overlapping windows share data: one window carries as much independent information as
    // its equivalent noise duration, so variances over many steps are scaled up by this.
    const double overlap_factor =
        std::max(1.0, long_window_s / long_window_->enbw_bins() / long_hop_s);
    const double forgetting = std::exp(-long_hop_s / live_cmrr_time_constant_s);
    const auto k = static_cast<std::size_t>(config_.harmonics);
    for (ChannelState& ch : channels_) {
        ch.diff.resize(k);
        if (ch.spec.is_pair()) {
            ch.cm_total.assign(k + 1, {});
            ch.cmrr_live =
                std::make_unique<CmrrEstimator>(config_.harmonics, overlap_factor, forgetting);
            ch.cmrr_total = std::make_unique<CmrrEstimator>(config_.harmonics, overlap_factor, 1.0);
        }
    }
    tracker_ = std::make_unique<MainsTracker>(config_.mains, config_.harmonics, long_geometry_,
                                              long_hop_s, passband_hz_, signals);

    results_.resize(channels_.size());
    for (std::size_t i = 0; i < channels_.size(); ++i)
        results_[i].spec = channels_[i].spec;
    snapshot_.channels = results_;
}

AnalyzerImpl::~AnalyzerImpl()
{
    for (auto* s : long_spectra_)
        RealFft::free_spectrum(s);
    RealFft::free_spectrum(short_spectrum_);
    RealFft::free_input(long_input_d_);
}

std::size_t AnalyzerImpl::statistics_delay() const
{
    // Each decimated sample stands for `factor` input frames centred on it, so the band
    // statistics lag by the group delay plus half a decimated sample. Matching that to half
    // a frame makes hum cancel between full band and band to about -53 dB over 4 s (a plain
    // group-delay match leaves -43 dB: enough to pass for programme under a ground loop).
    return decimator_->delay() + decimator_->factor() / 2;
}

std::size_t AnalyzerImpl::consume(std::span<const float> interleaved)
{
    const std::size_t available = interleaved.size() / input_count_;
    // Blocks end at hop boundaries and, for the full-band statistics, at the boundaries of
    // the stretch the band statistics of a hop stand for: `statistics_delay()` frames earlier.
    const std::size_t frames =
        std::min({available, hop_left_, stats_left_, HalfbandStage::max_block});
    const std::size_t used = used_.size();
    const std::size_t stride = decimator_->stride();
    float* buf = decimator_->input_buffer();

    // Gather, full-band statistics and the NaN guard in one pass over the source: a NaN or
    // infinity (a float source gone wrong) would poison every sum from here on.
    non_finite_ +=
        ingest_frames(interleaved.data(), input_count_, identity_map_ ? nullptr : used_.data(),
                      used, frames, available - frames, buf, stride, pair_count_,
                      hop_full_.sum.data(), hop_full_.sumsq.data(), hop_full_.cross.data());
    hop_full_.count += static_cast<double>(frames);
    stats_left_ -= frames;
    if (stats_left_ == 0) {
        done_full_ = hop_full_; // same sizes: copies without allocating
        hop_full_.clear();
        stats_left_ = hop_frames_;
    }

    // Decimate into the rings; the band statistics see exactly what the spectra will see.
    const std::span<const float> out = decimator_->process(frames);
    const std::size_t produced = out.size() / stride;
    // Input by input, in stretches that do not wrap around the ring.
    for (std::size_t done = 0; done < produced;) {
        const std::size_t n = std::min(produced - done, ring_size_ - ring_pos_);
        for (std::size_t u = 0; u < used; ++u) {
            float* first = rings_[u].data() + ring_pos_;
            float* second = first + ring_size_;
            const float* src = out.data() + done * stride + u;
            for (std::size_t i = 0; i < n; ++i) {
                first[i] = src[i * stride];
                second[i] = src[i * stride];
            }
        }
        done += n;
        ring_pos_ = ring_pos_ + n == ring_size_ ? 0 : ring_pos_ + n;
    }
    accumulate_statistics(out.data(), produced, stride, used, pair_count_, hop_band_.sum.data(),
                          hop_band_.sumsq.data(), hop_band_.cross.data());
    hop_band_.count += static_cast<double>(produced);
    decimated_ += produced;
    hop_left_ -= frames;
    frames_ += frames;
    return frames * input_count_;
}

} // namespace detail

Analyzer::Analyzer(const AnalyzerConfig& config)
    : impl_(std::make_unique<detail::AnalyzerImpl>(config))
{}
Analyzer::~Analyzer() = default;
Analyzer::Analyzer(Analyzer&&) noexcept = default;
Analyzer& Analyzer::operator=(Analyzer&&) noexcept = default;

void Analyzer::check_whole_frames(std::size_t samples) const
{
    if (samples % static_cast<std::size_t>(impl_->config_.input_count) != 0)
        throw std::invalid_argument("Analyzer::feed: block is not a whole number of frames");
}
std::size_t Analyzer::consume(std::span<const float> interleaved)
{
    return impl_->consume(interleaved);
}
bool Analyzer::hop_due() const
{
    return impl_->hop_due();
}
const Snapshot& Analyzer::analyse_hop()
{
    return impl_->analyse_hop();
}
Snapshot Analyzer::snapshot() const
{
    return impl_->snapshot_;
}
Summary Analyzer::summary() const
{
    return impl_->summary();
}
const AnalyzerConfig& Analyzer::config() const
{
    return impl_->config_;
}
std::uint64_t Analyzer::frames() const
{
    return impl_->frames_;
}
std::uint64_t Analyzer::non_finite_samples() const
{
    return impl_->non_finite_;
}

} // namespace cmr
