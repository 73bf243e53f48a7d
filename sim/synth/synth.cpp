// SPDX-License-Identifier: GPL-2.0-or-later
#include "synth.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <utility>

#include <sndfile.h>

#include "synth_signals.hpp"

namespace cmr::synth {

namespace {

using detail::RandomStream;
using detail::StepTrack;
using detail::stream_id;
using detail::Track;

constexpr double two_pi = 2.0 * std::numbers::pi;
constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double inv_sqrt2 = 0.70710678118654752440;
/// Frames rendered per inner pass (bounds the scratch memory).
constexpr std::int64_t sub_block = 256;
/// Hum harmonics stay below this fraction of the sample rate.
constexpr double harmonic_limit = 0.45;

// Stream tags: every random quantity is addressed by (seed, tag, inputs, index), so adding a
// channel to a scenario does not change the signals of the others.
enum : std::uint64_t {
    tag_noise = 0x4E01,
    tag_cm_phases,
    tag_diff_phases,
    tag_hum_phases,
    tag_programme,
    tag_mains,
};

double db_to_amplitude(double db)
{
    return db <= silent_db ? 0.0 : std::pow(10.0, db / 20.0);
}
double amplitude_to_db(double amplitude)
{
    return amplitude > 0.0 ? 20.0 * std::log10(amplitude) : absent_db;
}
/// Levels live in tracks clamped to silent_db, so -inf can be ramped from and to.
double clamp_db(double db)
{
    return std::max(db, silent_db);
}
/// A level read back from a track: silent_db means absent.
double unclamp_db(double db)
{
    return db <= silent_db ? absent_db : db;
}

std::int64_t to_frame(double t_s, double sample_rate)
{
    return std::llround(t_s * sample_rate);
}

void require(bool condition, const std::string& message)
{
    if (!condition)
        throw std::invalid_argument(message);
}

/// Loads one channel of an audio file.
std::vector<float> load_file_channel(const FileSpec& spec, int sample_rate)
{
    SF_INFO info{};
    SNDFILE* file = sf_open(spec.path.c_str(), SFM_READ, &info);
    if (file == nullptr)
        throw std::runtime_error("cannot read programme file " + spec.path.string() + ": " +
                                 sf_strerror(nullptr));
    std::vector<float> frames(static_cast<std::size_t>(info.frames) *
                              static_cast<std::size_t>(info.channels));
    const sf_count_t got = sf_readf_float(file, frames.data(), info.frames);
    sf_close(file);
    if (info.samplerate != sample_rate)
        throw std::runtime_error("programme file " + spec.path.string() + " has sample rate " +
                                 std::to_string(info.samplerate) + " Hz, the scenario runs at " +
                                 std::to_string(sample_rate) + " Hz");
    if (spec.channel < 1 || spec.channel > info.channels)
        throw std::runtime_error("programme file " + spec.path.string() + " has " +
                                 std::to_string(info.channels) + " channels, not channel " +
                                 std::to_string(spec.channel));
    std::vector<float> channel(static_cast<std::size_t>(got));
    for (std::size_t i = 0; i < channel.size(); ++i)
        channel[i] = frames[i * static_cast<std::size_t>(info.channels) +
                            static_cast<std::size_t>(spec.channel - 1)];
    if (channel.empty())
        throw std::runtime_error("programme file " + spec.path.string() + " is empty");
    return channel;
}

/// A hum: harmonics at fixed random phases, scaled by a level track.
class HumVoice {
public:
    HumVoice(const HumSpec& spec, const RandomStream& phases, int harmonic_limit_k)
        : level_db_(clamp_db(spec.level_dbfs))
    {
        const auto count =
            std::min<std::size_t>(spec.profile.size(), static_cast<std::size_t>(harmonic_limit_k));
        for (std::size_t i = 0; i < count; ++i) {
            const double ratio = db_to_amplitude(spec.profile[i]);
            const double phase = two_pi * phases.uniform(i + 1);
            phasor_.emplace_back(std::polar(ratio, phase));
        }
    }

    Track& level_db() { return level_db_; }
    [[nodiscard]] std::size_t harmonics() const { return phasor_.size(); }
    [[nodiscard]] double amplitude_at(double frame) const
    {
        return db_to_amplitude(level_db_.value_at(frame));
    }
    /// Complex amplitude of harmonic index i (k = i + 1) at a frame: a_k·e^{iφ_k} for the
    /// component a_k·sin(θ_k + φ_k).
    [[nodiscard]] std::complex<double> phasor_at(std::size_t i, double frame) const
    {
        return i < phasor_.size() ? amplitude_at(frame) * phasor_[i] : 0.0;
    }
    /// Σ_k ratio_k·sin(kθ + φ_k) for one frame, given sin(kθ) and cos(kθ) for k = 1 … .
    [[nodiscard]] double unit_sum(const double* sin_k, const double* cos_k) const
    {
        double sum = 0.0;
        for (std::size_t i = 0; i < phasor_.size(); ++i)
            sum += phasor_[i].real() * sin_k[i] + phasor_[i].imag() * cos_k[i];
        return sum;
    }

private:
    Track level_db_;
    std::vector<std::complex<double>> phasor_; ///< ratio_k·e^{iφ_k}
};

/// A programme generator: unit-level samples (0 dBFS) scaled by a level track.
class ProgrammeVoice {
public:
    ProgrammeVoice(const ProgrammeSpec& spec, double sample_rate, std::uint64_t seed,
                   std::uint64_t stream, std::vector<float> file_samples)
        : level_db_(clamp_db(spec.level_dbfs)), symmetry_(spec.symmetry), kind_(spec.kind),
          sample_rate_(sample_rate), sine_hz_(spec.frequency_hz), stream_(seed, stream),
          loop_(spec.file.loop), file_(std::move(file_samples))
    {
        sine_phase_ = stream_.uniform(0);
        if (kind_ == ProgrammeKind::pink_noise)
            pink_.emplace_back(seed, stream);
        if (kind_ == ProgrammeKind::music)
            bass_.emplace_back(spec.music.notes_hz, spec.music.note_s, spec.music.decay_s,
                               spec.music.broadband_db, sample_rate, seed, stream);
    }

    Track& level_db() { return level_db_; }
    StepTrack<LegSymmetry>& symmetry() { return symmetry_; }
    [[nodiscard]] const Track& level_db() const { return level_db_; }
    [[nodiscard]] const StepTrack<LegSymmetry>& symmetry() const { return symmetry_; }

    /// The unit-level programme at frame @p n (before the level gain).
    double unit(std::int64_t n)
    {
        switch (kind_) {
        case ProgrammeKind::silence:
            return 0.0;
        case ProgrammeKind::sine: {
            const double cycles = sine_hz_ * static_cast<double>(n) / sample_rate_ + sine_phase_;
            return std::sin(two_pi * (cycles - std::floor(cycles)));
        }
        case ProgrammeKind::white_noise:
            return inv_sqrt2 * stream_.gaussian(static_cast<std::uint64_t>(n) + 1);
        case ProgrammeKind::pink_noise:
            return inv_sqrt2 * pink_.front().sample(n);
        case ProgrammeKind::music:
            return bass_.front().sample(n);
        case ProgrammeKind::file: {
            const auto size = static_cast<std::int64_t>(file_.size());
            if (!loop_ && n >= size)
                return 0.0;
            return file_[static_cast<std::size_t>(n % size)];
        }
        }
        return 0.0;
    }

private:
    Track level_db_;
    StepTrack<LegSymmetry> symmetry_;
    ProgrammeKind kind_;
    double sample_rate_;
    double sine_hz_;
    double sine_phase_ = 0.0;
    RandomStream stream_;
    bool loop_;
    std::vector<float> file_;
    std::vector<detail::PinkNoise> pink_; ///< one element for pink noise (not copyable state)
    std::vector<detail::BassLine> bass_;  ///< one element for music
};

struct PairVoice {
    int hot; ///< 0-based inputs
    int cold;
    Track mismatch;
    HumVoice cm;
    HumVoice diff;
    ProgrammeVoice programme;
};

struct SingleVoice {
    int input; ///< 0-based
    HumVoice hum;
    ProgrammeVoice programme;
};

struct InputNoise {
    Track level_db;
    RandomStream stream;
};

/// The gains of one track over a sub-block: one value when constant, else one per frame.
class BlockGains {
public:
    void fill(const Track& db_track, std::int64_t first, std::int64_t count, bool is_db)
    {
        const auto convert = [is_db](double v) { return is_db ? db_to_amplitude(v) : v; };
        constant_ = db_track.constant_over(first, first + count);
        if (constant_) {
            value_ = convert(db_track.value_at(static_cast<double>(first)));
            return;
        }
        values_.resize(static_cast<std::size_t>(count));
        for (std::int64_t i = 0; i < count; ++i)
            values_[static_cast<std::size_t>(i)] =
                convert(db_track.value_at(static_cast<double>(first + i)));
    }
    [[nodiscard]] double operator[](std::int64_t i) const
    {
        return constant_ ? value_ : values_[static_cast<std::size_t>(i)];
    }
    /// True when the gain is zero throughout (nothing to render).
    [[nodiscard]] bool silent() const { return constant_ && value_ == 0.0; }

private:
    bool constant_ = true;
    double value_ = 0.0;
    std::vector<double> values_;
};

/// The programme split onto the legs (before the mismatch).
std::pair<double, double> split_programme(LegSymmetry symmetry, double p)
{
    switch (symmetry) {
    case LegSymmetry::symmetric:
        return {p / 2.0, -p / 2.0};
    case LegSymmetry::cold_silent:
        return {p, 0.0};
    case LegSymmetry::hot_silent:
        return {0.0, -p};
    case LegSymmetry::in_phase:
        return {p / 2.0, p / 2.0};
    }
    return {0.0, 0.0};
}

std::vector<HarmonicTruth> harmonic_truths(std::size_t count, double mains_hz,
                                           const auto& amplitude_of)
{
    std::vector<HarmonicTruth> out;
    for (std::size_t i = 0; i < count; ++i) {
        const int k = static_cast<int>(i) + 1;
        out.push_back({k, k * mains_hz, amplitude_of(i)});
    }
    return out;
}

} // namespace

// ---------------------------------------------------------------------------------------------

std::optional<HarmonicProfile> named_profile(std::string_view name)
{
    const double off = absent_db;
    if (name == "pure")
        return HarmonicProfile{0.0};
    if (name == "ground_loop")
        return HarmonicProfile{0, -32, -9, -38, -15, -42, -20, -46, -24, -50, -28, -54, -32};
    if (name == "buzz")
        return HarmonicProfile{0,  -22, -2,  -30, -12, -24, -16, -34,
                               -8, -36, -20, -28, -24, -40, -14};
    if (name == "ripple")
        return HarmonicProfile{-12, 0, -26, -10, -30, -18, off, -30};
    return std::nullopt;
}

std::optional<LegSymmetry> parse_leg_symmetry(std::string_view name)
{
    for (auto s : {LegSymmetry::symmetric, LegSymmetry::cold_silent, LegSymmetry::hot_silent,
                   LegSymmetry::in_phase})
        if (to_string(s) == name)
            return s;
    return std::nullopt;
}

std::string_view to_string(LegSymmetry symmetry)
{
    switch (symmetry) {
    case LegSymmetry::symmetric:
        return "symmetric";
    case LegSymmetry::cold_silent:
        return "cold_silent";
    case LegSymmetry::hot_silent:
        return "hot_silent";
    case LegSymmetry::in_phase:
        return "in_phase";
    }
    return "?";
}

std::optional<ProgrammeKind> parse_programme_kind(std::string_view name)
{
    for (auto k : {ProgrammeKind::silence, ProgrammeKind::sine, ProgrammeKind::white_noise,
                   ProgrammeKind::pink_noise, ProgrammeKind::music, ProgrammeKind::file})
        if (to_string(k) == name)
            return k;
    return std::nullopt;
}

std::string_view to_string(ProgrammeKind kind)
{
    switch (kind) {
    case ProgrammeKind::silence:
        return "silence";
    case ProgrammeKind::sine:
        return "sine";
    case ProgrammeKind::white_noise:
        return "white_noise";
    case ProgrammeKind::pink_noise:
        return "pink_noise";
    case ProgrammeKind::music:
        return "music";
    case ProgrammeKind::file:
        return "file";
    }
    return "?";
}

std::string PairSpec::id() const
{
    return std::to_string(hot) + "/" + std::to_string(cold);
}
std::string SingleSpec::id() const
{
    return std::to_string(input);
}

double HarmonicTruth::dbfs() const
{
    return amplitude_to_db(amplitude);
}

double power_sum_dbfs(std::span<const HarmonicTruth> harmonics)
{
    double power = 0.0;
    for (const HarmonicTruth& h : harmonics)
        power += h.amplitude * h.amplitude;
    return power > 0.0 ? 10.0 * std::log10(power) : absent_db;
}

// ---------------------------------------------------------------------------------------------

struct Synth::Impl {
    Scenario scenario;
    double sample_rate;
    detail::MainsClock mains;
    std::size_t max_harmonics = 0;
    std::vector<PairVoice> pairs;
    std::vector<SingleVoice> singles;
    std::vector<InputNoise> noise;

    // Scratch for rendering (grows once).
    std::vector<double> sin_k;
    std::vector<double> cos_k;
    BlockGains gain_a;
    BlockGains gain_b;
    BlockGains gain_c;
    BlockGains gain_e;

    explicit Impl(Scenario s);
    void validate() const;
    void apply(const Event& event, std::size_t number);
    void render_block(std::int64_t first, std::int64_t count, float* out);
};

namespace {

Track mains_track(const Scenario& s)
{
    Track track(s.mains.frequency_hz);
    std::vector<Event> events;
    for (const Event& e : s.events)
        if (e.param == Param::mains_frequency_hz)
            events.push_back(e);
    std::stable_sort(events.begin(), events.end(),
                     [](const Event& a, const Event& b) { return a.at_s < b.at_s; });
    for (const Event& e : events) {
        const std::int64_t at = to_frame(e.at_s, s.sample_rate);
        const double before =
            track.value_at(static_cast<double>(std::max<std::int64_t>(at - 1, 0)));
        const double target = e.relative ? before + e.value : e.value;
        require(std::isfinite(target) && target > 0.0,
                "event at " + std::to_string(e.at_s) + " s: mains frequency must be positive");
        track.change(at, target, to_frame(e.ramp_s, s.sample_rate));
    }
    return track;
}

} // namespace

Synth::Impl::Impl(Scenario s)
    : scenario(std::move(s)), sample_rate(scenario.sample_rate),
      mains((validate(), mains_track(scenario)), scenario.mains.drift_mhz_per_sqrt_s * 1e-3,
            sample_rate, RandomStream(scenario.seed, stream_id(tag_mains)))
{
    const int limit_k = static_cast<int>(
        std::floor(harmonic_limit * sample_rate / mains.max_nominal_frequency() - 1e-9));
    const std::uint64_t seed = scenario.seed;

    for (int input = 0; input < scenario.inputs; ++input)
        noise.push_back(
            {Track(clamp_db(scenario.noise_dbfs)),
             RandomStream(seed, stream_id(tag_noise, static_cast<std::uint64_t>(input)))});

    const auto load = [&](const ProgrammeSpec& p) {
        return p.kind == ProgrammeKind::file ? load_file_channel(p.file, scenario.sample_rate)
                                             : std::vector<float>{};
    };
    for (const PairSpec& p : scenario.pairs) {
        const auto hot = static_cast<std::uint64_t>(p.hot);
        const auto cold = static_cast<std::uint64_t>(p.cold);
        pairs.push_back(
            {p.hot - 1, p.cold - 1, Track(p.mismatch),
             HumVoice(p.cm_hum, RandomStream(seed, stream_id(tag_cm_phases, hot, cold)), limit_k),
             HumVoice(p.diff_hum, RandomStream(seed, stream_id(tag_diff_phases, hot, cold)),
                      limit_k),
             ProgrammeVoice(p.programme, sample_rate, seed, stream_id(tag_programme, hot, cold),
                            load(p.programme))});
        if (p.noise_dbfs) {
            noise[static_cast<std::size_t>(p.hot - 1)].level_db = Track(clamp_db(*p.noise_dbfs));
            noise[static_cast<std::size_t>(p.cold - 1)].level_db = Track(clamp_db(*p.noise_dbfs));
        }
        max_harmonics =
            std::max({max_harmonics, pairs.back().cm.harmonics(), pairs.back().diff.harmonics()});
    }
    for (const SingleSpec& p : scenario.singles) {
        const auto in = static_cast<std::uint64_t>(p.input);
        singles.push_back(
            {p.input - 1,
             HumVoice(p.hum, RandomStream(seed, stream_id(tag_hum_phases, in)), limit_k),
             ProgrammeVoice(p.programme, sample_rate, seed, stream_id(tag_programme, in),
                            load(p.programme))});
        if (p.noise_dbfs)
            noise[static_cast<std::size_t>(p.input - 1)].level_db = Track(clamp_db(*p.noise_dbfs));
        max_harmonics = std::max(max_harmonics, singles.back().hum.harmonics());
    }

    std::vector<std::size_t> order(scenario.events.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) {
        return scenario.events[a].at_s < scenario.events[b].at_s;
    });
    for (std::size_t i : order)
        apply(scenario.events[i], i + 1);
}

void Synth::Impl::validate() const
{
    const Scenario& s = scenario;
    require(s.sample_rate >= 1000 && s.sample_rate <= 768000,
            "sample rate must be 1000 to 768000 Hz");
    require(std::isfinite(s.duration_s) && s.duration_s > 0.0, "duration must be positive");
    require(s.inputs >= 1 && s.inputs <= 1024, "inputs must be 1 to 1024");
    require(std::isfinite(s.mains.frequency_hz) && s.mains.frequency_hz > 0.0,
            "mains frequency must be positive");
    require(std::isfinite(s.mains.drift_mhz_per_sqrt_s) && s.mains.drift_mhz_per_sqrt_s >= 0.0,
            "mains drift must be zero or positive");
    require(!std::isnan(s.noise_dbfs) && s.noise_dbfs < inf, "noise level must be a level");

    std::vector<int> used(static_cast<std::size_t>(s.inputs), 0);
    const auto use = [&](int input, const std::string& who) {
        require(input >= 1 && input <= s.inputs, who + ": input " + std::to_string(input) +
                                                     " is not among inputs 1.." +
                                                     std::to_string(s.inputs));
        require(used[static_cast<std::size_t>(input - 1)]++ == 0,
                who + ": input " + std::to_string(input) + " is used twice");
    };
    const auto check_level = [](double db, const std::string& what) {
        require(!std::isnan(db) && db < inf, what + " must be a level in dB or -inf");
    };
    const auto check_hum = [&](const HumSpec& hum, const std::string& who) {
        check_level(hum.level_dbfs, who + " level");
        require(hum.profile.size() <= 64, who + ": at most 64 harmonics");
        for (double db : hum.profile)
            check_level(db, who + " profile entry");
    };
    const auto check_programme = [&](const ProgrammeSpec& p, const std::string& who) {
        check_level(p.level_dbfs, who + " level");
        if (p.kind == ProgrammeKind::sine)
            require(p.frequency_hz > 0.0 && p.frequency_hz < s.sample_rate / 2.0,
                    who + ": sine frequency must lie between 0 and half the sample rate");
        if (p.kind == ProgrammeKind::music) {
            require(!p.music.notes_hz.empty(), who + ": music needs at least one note");
            for (double hz : p.music.notes_hz)
                require(hz > 0.0 && hz * 8.0 < s.sample_rate / 2.0,
                        who + ": note frequencies must be positive and below fs/16");
            require(p.music.note_s > 0.0 && p.music.decay_s > 0.0,
                    who + ": note length and decay must be positive");
            require(std::isfinite(p.music.broadband_db), who + ": broadband level must be finite");
        }
    };
    for (const PairSpec& p : s.pairs) {
        const std::string who = "pair " + p.id();
        use(p.hot, who);
        use(p.cold, who);
        require(std::isfinite(p.mismatch) && std::abs(p.mismatch) < 1.0,
                who + ": mismatch must be between -1 and 1");
        check_hum(p.cm_hum, who + " common-mode hum");
        check_hum(p.diff_hum, who + " differential hum");
        check_programme(p.programme, who + " programme");
        if (p.noise_dbfs)
            check_level(*p.noise_dbfs, who + " noise");
    }
    for (const SingleSpec& p : s.singles) {
        const std::string who = "single " + p.id();
        use(p.input, who);
        check_hum(p.hum, who + " hum");
        check_programme(p.programme, who + " programme");
        if (p.noise_dbfs)
            check_level(*p.noise_dbfs, who + " noise");
    }
}

void Synth::Impl::apply(const Event& event, std::size_t number)
{
    const std::string who =
        "event " + std::to_string(number) + " (at " + std::to_string(event.at_s) + " s)";
    require(std::isfinite(event.at_s) && event.at_s >= 0.0, who + ": time must be >= 0");
    require(std::isfinite(event.ramp_s) && event.ramp_s >= 0.0, who + ": ramp must be >= 0");
    if (event.param == Param::mains_frequency_hz) {
        require(event.channel.empty(), who + ": the mains frequency belongs to no channel");
        return; // applied when the mains clock was built
    }
    PairVoice* pair = nullptr;
    SingleVoice* single = nullptr;
    for (std::size_t i = 0; i < pairs.size(); ++i)
        if (scenario.pairs[i].id() == event.channel)
            pair = &pairs[i];
    for (std::size_t i = 0; i < singles.size(); ++i)
        if (scenario.singles[i].id() == event.channel)
            single = &singles[i];
    require(pair != nullptr || single != nullptr,
            who + ": no pair or single \"" + event.channel + "\" in the scenario");

    const std::int64_t at = to_frame(event.at_s, sample_rate);
    const std::int64_t ramp = to_frame(event.ramp_s, sample_rate);
    const auto change_level = [&](Track& track) {
        const double before =
            track.value_at(static_cast<double>(std::max<std::int64_t>(at - 1, 0)));
        require(!std::isnan(event.value) && event.value < inf &&
                    (!event.relative || std::isfinite(event.value)),
                who + ": not a level");
        track.change(at, clamp_db(event.relative ? before + event.value : event.value), ramp);
    };
    switch (event.param) {
    case Param::mains_frequency_hz:
        break;
    case Param::cm_hum_level_dbfs:
        require(pair != nullptr, who + ": cm_hum applies to pairs");
        change_level(pair->cm.level_db());
        break;
    case Param::diff_hum_level_dbfs:
        require(pair != nullptr, who + ": diff_hum applies to pairs");
        change_level(pair->diff.level_db());
        break;
    case Param::hum_level_dbfs:
        require(single != nullptr, who + ": hum applies to singles (pairs have cm_hum/diff_hum)");
        change_level(single->hum.level_db());
        break;
    case Param::programme_level_dbfs:
        change_level(pair != nullptr ? pair->programme.level_db() : single->programme.level_db());
        break;
    case Param::programme_symmetry:
        require(pair != nullptr, who + ": symmetry applies to pairs");
        pair->programme.symmetry().change(at, event.symmetry);
        break;
    case Param::noise_dbfs:
        if (pair != nullptr) {
            change_level(noise[static_cast<std::size_t>(pair->hot)].level_db);
            change_level(noise[static_cast<std::size_t>(pair->cold)].level_db);
        } else {
            change_level(noise[static_cast<std::size_t>(single->input)].level_db);
        }
        break;
    case Param::mismatch: {
        require(pair != nullptr, who + ": mismatch applies to pairs");
        const double before =
            pair->mismatch.value_at(static_cast<double>(std::max<std::int64_t>(at - 1, 0)));
        const double target = event.relative ? before + event.value : event.value;
        require(std::isfinite(target) && std::abs(target) < 1.0,
                who + ": mismatch must stay between -1 and 1");
        pair->mismatch.change(at, target, ramp);
        break;
    }
    }
}

void Synth::Impl::render_block(std::int64_t first, std::int64_t count, float* out)
{
    const auto inputs = static_cast<std::size_t>(scenario.inputs);
    const std::size_t kmax = max_harmonics;
    sin_k.resize(static_cast<std::size_t>(count) * kmax);
    cos_k.resize(static_cast<std::size_t>(count) * kmax);
    if (kmax > 0)
        for (std::int64_t i = 0; i < count; ++i) {
            const double cycles = mains.cycles_at(static_cast<double>(first + i));
            const double theta = two_pi * (cycles - std::floor(cycles));
            const double s1 = std::sin(theta);
            const double c1 = std::cos(theta);
            double* s = &sin_k[static_cast<std::size_t>(i) * kmax];
            double* c = &cos_k[static_cast<std::size_t>(i) * kmax];
            s[0] = s1;
            c[0] = c1;
            for (std::size_t k = 1; k < kmax; ++k) { // e^{i(k+1)θ} = e^{ikθ}·e^{iθ}
                s[k] = s[k - 1] * c1 + c[k - 1] * s1;
                c[k] = c[k - 1] * c1 - s[k - 1] * s1;
            }
        }
    const auto frame_sin = [&](std::int64_t i) {
        return &sin_k[static_cast<std::size_t>(i) * kmax];
    };
    const auto frame_cos = [&](std::int64_t i) {
        return &cos_k[static_cast<std::size_t>(i) * kmax];
    };
    const auto sample = [&](std::int64_t i, int input) -> float& {
        return out[static_cast<std::size_t>(i) * inputs + static_cast<std::size_t>(input)];
    };

    for (PairVoice& v : pairs) {
        gain_a.fill(v.cm.level_db(), first, count, true);
        gain_b.fill(v.diff.level_db(), first, count, true);
        gain_c.fill(v.programme.level_db(), first, count, true);
        gain_e.fill(v.mismatch, first, count, false);
        const bool symmetry_fixed = v.programme.symmetry().constant_over(first, first + count);
        LegSymmetry symmetry = v.programme.symmetry().value_at(static_cast<double>(first));
        for (std::int64_t i = 0; i < count; ++i) {
            const double x =
                gain_a.silent() ? 0.0 : gain_a[i] * v.cm.unit_sum(frame_sin(i), frame_cos(i));
            const double y =
                gain_b.silent() ? 0.0 : gain_b[i] * v.diff.unit_sum(frame_sin(i), frame_cos(i));
            const double p = gain_c.silent() ? 0.0 : gain_c[i] * v.programme.unit(first + i);
            if (!symmetry_fixed)
                symmetry = v.programme.symmetry().value_at(static_cast<double>(first + i));
            const auto [p_hot, p_cold] = split_programme(symmetry, p);
            const double e = gain_e[i];
            sample(i, v.hot) = static_cast<float>((1.0 + e / 2.0) * (x + y / 2.0 + p_hot));
            sample(i, v.cold) = static_cast<float>((1.0 - e / 2.0) * (x - y / 2.0 + p_cold));
        }
    }
    for (SingleVoice& v : singles) {
        gain_a.fill(v.hum.level_db(), first, count, true);
        gain_c.fill(v.programme.level_db(), first, count, true);
        for (std::int64_t i = 0; i < count; ++i) {
            const double h =
                gain_a.silent() ? 0.0 : gain_a[i] * v.hum.unit_sum(frame_sin(i), frame_cos(i));
            const double p = gain_c.silent() ? 0.0 : gain_c[i] * v.programme.unit(first + i);
            sample(i, v.input) = static_cast<float>(h + p);
        }
    }
    for (std::size_t input = 0; input < inputs; ++input) {
        InputNoise& n = noise[input];
        gain_a.fill(n.level_db, first, count, true);
        if (gain_a.silent())
            continue;
        for (std::int64_t i = 0; i < count; ++i) {
            const double value =
                inv_sqrt2 * gain_a[i] * n.stream.gaussian(static_cast<std::uint64_t>(first + i));
            float& s = sample(i, static_cast<int>(input));
            s = static_cast<float>(static_cast<double>(s) + value);
        }
    }
}

// ---------------------------------------------------------------------------------------------

Synth::Synth(Scenario scenario) : impl_(std::make_unique<Impl>(std::move(scenario))) {}
Synth::~Synth() = default;
Synth::Synth(Synth&&) noexcept = default;
Synth& Synth::operator=(Synth&&) noexcept = default;

const Scenario& Synth::scenario() const
{
    return impl_->scenario;
}
int Synth::input_count() const
{
    return impl_->scenario.inputs;
}
double Synth::sample_rate() const
{
    return impl_->sample_rate;
}
std::int64_t Synth::frame_count() const
{
    return to_frame(impl_->scenario.duration_s, impl_->sample_rate);
}

void Synth::render(std::int64_t first_frame, std::span<float> out)
{
    const auto inputs = static_cast<std::size_t>(impl_->scenario.inputs);
    if (out.size() % inputs != 0)
        throw std::invalid_argument("render: buffer is not a whole number of frames");
    if (first_frame < 0)
        throw std::invalid_argument("render: negative frame index");
    std::fill(out.begin(), out.end(), 0.0F);
    const auto frames = static_cast<std::int64_t>(out.size() / inputs);
    for (std::int64_t done = 0; done < frames; done += sub_block) {
        const std::int64_t count = std::min(sub_block, frames - done);
        impl_->render_block(first_frame + done, count,
                            out.data() + static_cast<std::size_t>(done) * inputs);
    }
}

std::vector<float> Synth::render_all()
{
    std::vector<float> out(static_cast<std::size_t>(frame_count()) *
                           static_cast<std::size_t>(impl_->scenario.inputs));
    render(0, out);
    return out;
}

double Synth::mains_frequency_at(double t_s) const
{
    return impl_->mains.frequency_at(t_s * impl_->sample_rate);
}

double Synth::mains_cycles_at(double t_s) const
{
    return impl_->mains.cycles_at(t_s * impl_->sample_rate);
}

double Synth::mean_mains_frequency(double t0_s, double t1_s) const
{
    if (!(t1_s > t0_s))
        throw std::invalid_argument("mean_mains_frequency: empty interval");
    return impl_->mains.mean_frequency(t0_s * impl_->sample_rate, t1_s * impl_->sample_rate);
}

PairTruth Synth::pair_truth(std::size_t index, double t_s) const
{
    const PairVoice& v = impl_->pairs.at(index);
    const double frame = t_s * impl_->sample_rate;
    PairTruth truth;
    truth.mains_hz = mains_frequency_at(t_s);
    const double e = v.mismatch.value_at(frame);
    truth.mismatch = e;
    if (e != 0.0)
        truth.ideal_cmrr_db = 20.0 * std::log10(1.0 / std::abs(e));
    const std::size_t count = std::max(v.cm.harmonics(), v.diff.harmonics());
    truth.cm = harmonic_truths(count, truth.mains_hz, [&](std::size_t i) {
        return std::abs(v.cm.phasor_at(i, frame) + e / 4.0 * v.diff.phasor_at(i, frame));
    });
    truth.d = harmonic_truths(count, truth.mains_hz, [&](std::size_t i) {
        return std::abs(e * v.cm.phasor_at(i, frame) + v.diff.phasor_at(i, frame));
    });
    truth.d_from_cm = harmonic_truths(count, truth.mains_hz, [&](std::size_t i) {
        return std::abs(e * v.cm.phasor_at(i, frame));
    });
    truth.cm_hum_dbfs = power_sum_dbfs(truth.cm);
    truth.d_hum_dbfs = power_sum_dbfs(truth.d);

    truth.symmetry = v.programme.symmetry().value_at(frame);
    const double p_db = unclamp_db(v.programme.level_db().value_at(frame));
    truth.programme_dbfs = p_db;
    const auto [hot, cold] = split_programme(truth.symmetry, 1.0);
    const double hot_gain = (1.0 + e / 2.0) * hot;
    const double cold_gain = (1.0 - e / 2.0) * cold;
    truth.programme_hot_dbfs = p_db + amplitude_to_db(std::abs(hot_gain));
    truth.programme_cold_dbfs = p_db + amplitude_to_db(std::abs(cold_gain));
    truth.programme_d_dbfs = p_db + amplitude_to_db(std::abs(hot_gain - cold_gain));
    truth.noise_dbfs =
        unclamp_db(impl_->noise[static_cast<std::size_t>(v.hot)].level_db.value_at(frame));
    return truth;
}

SingleTruth Synth::single_truth(std::size_t index, double t_s) const
{
    const SingleVoice& v = impl_->singles.at(index);
    const double frame = t_s * impl_->sample_rate;
    SingleTruth truth;
    truth.mains_hz = mains_frequency_at(t_s);
    truth.hum = harmonic_truths(v.hum.harmonics(), truth.mains_hz,
                                [&](std::size_t i) { return std::abs(v.hum.phasor_at(i, frame)); });
    truth.hum_dbfs = power_sum_dbfs(truth.hum);
    truth.programme_dbfs = unclamp_db(v.programme.level_db().value_at(frame));
    truth.noise_dbfs =
        unclamp_db(impl_->noise[static_cast<std::size_t>(v.input)].level_db.value_at(frame));
    return truth;
}

} // namespace cmr::synth
