// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file synth.hpp
/// The test-signal synthesiser: renders multi-input recordings of balanced pairs and single
/// inputs whose hum, mains frequency, CMRR and programme are known exactly, and exposes that
/// truth so tests can compare an analyzer's figures with it.
///
/// # Levels (AES17 dBFS; every leg is scaled so that ±1.0 is full scale)
/// - A sinusoidal component of peak amplitude A is `20·log10(A)` dBFS (hum harmonics, sine
///   programme).
/// - Noise, music and any other programme: `20·log10(RMS·√2)` dBFS, the same convention, so a
///   white noise at −20 dBFS has an RMS of 0.0707 (−23.01 dB re 1.0). For white noise of level
///   L at sample rate fs the one-sided density is `10^(L/10)/2 / (fs/2)` per Hz.
/// - `-inf` (or anything at or below −200 dB) means "absent": exactly zero.
///
/// # What arrives at the two legs of a pair
/// With the common-mode hum x, the differential hum y and the programme p:
/// - **common-mode hum** x appears identically on both legs;
/// - **differential hum** y is added as +y/2 on hot and −y/2 on cold, so it appears in
///   D = h − c at its stated level and not in C = (h + c)/2;
/// - **programme** p is split according to the symmetry mode:
///   | mode          | hot  | cold  | D (e = 0) |
///   |---------------|------|-------|-----------|
///   | `symmetric`   | +p/2 | −p/2  | p         |
///   | `cold_silent` | +p   | 0     | p         |
///   | `hot_silent`  | 0    | −p    | p         |
///   | `in_phase`    | +p/2 | +p/2  | 0         |
///   The **programme level is the level of p**, i.e. the level of the programme in D as the
///   source intends it: a symmetric programme at −20 dBFS puts −26.02 dBFS on each leg.
/// - **leg gain mismatch** e scales everything above: hot by (1 + e/2), cold by (1 − e/2).
///   Hence D = p' + y + e·x and C = x + (e/4)·(y + …): the common-mode hum leaks into D at
///   e times its level, so the **ideal CMRR is 20·log10(1/e)** (e = 0.001 → 60 dB; e = 0 means
///   infinite: no leak at all).
/// - **noise floor**: independent white Gaussian noise per input, added after the mismatch
///   (it is the converter's own noise), level per the noise convention above.
///
/// A single input carries hum + programme + noise floor directly.
///
/// # Hum
/// A hum is a level (dBFS of its 0 dB reference, normally the fundamental) and a harmonic
/// profile: the level of harmonic k = 1, 2, 3 … in dB **relative to that level** (so the whole
/// profile follows when a timeline event changes the level; `-inf` = harmonic absent). Each
/// harmonic has a fixed random phase drawn from the seed. Harmonic k is rendered at k times the
/// mains frequency, and only when k × (the highest mains frequency the timeline sets) is below
/// 0.45 × the sample rate; the truth functions list exactly the rendered harmonics.
///
/// # Mains frequency
/// One mains clock drives all hum: a deterministic frequency (changed by timeline events, with
/// optional ramps) plus an optional seeded random walk of `drift_mhz_per_sqrt_s` (the standard
/// deviation after 1 s; knots every 10 ms, linear in between). The frequency is piecewise
/// linear between frames and the phase is its exact integral, so phase is continuous through
/// jumps, and `mean_mains_frequency()` returns the exact mean of the frequency rendered.
///
/// # Determinism and streaming
/// Every sample is a pure function of (scenario, seed, frame index): random numbers come from
/// a counter-based generator addressed by frame, so rendering may start at any frame, in blocks
/// of any size, and always gives bit-identical samples. Rendering past the scenario's duration
/// continues with the last timeline values (a simulator can run indefinitely).

#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cmr::synth {

/// Levels at or below this are "absent" and render as exact zeros.
inline constexpr double silent_db = -200.0;
/// The level of something absent: -inf dB.
inline constexpr double absent_db = -std::numeric_limits<double>::infinity();

/// Harmonic levels relative to a hum's level, harmonic k at index k − 1 (dB; `-inf` = absent).
using HarmonicProfile = std::vector<double>;

/// Named harmonic profiles for scenario files.
/// - `pure`: the fundamental only.
/// - `ground_loop`: fundamental with falling odd harmonics and weak even ones (k ≤ 13).
/// - `buzz`: strong triplen harmonics (3, 9, 15: 150/450/750 Hz on a 50 Hz grid), k ≤ 15.
/// - `ripple`: a dominant 2nd harmonic (power-supply ripple); the level refers to k = 2,
///   the fundamental sits 12 dB below it.
/// @return the profile, or nothing for an unknown name.
[[nodiscard]] std::optional<HarmonicProfile> named_profile(std::string_view name);

/// A hum: see "Hum" above.
struct HumSpec {
    double level_dbfs = absent_db; ///< level of the 0 dB reference of the profile
    HarmonicProfile profile{0.0};  ///< relative levels of harmonics 1, 2, 3 …
};

/// How the programme is carried on the legs of a pair (see the table above).
enum class LegSymmetry { symmetric, cold_silent, hot_silent, in_phase };

/// What the programme is.
enum class ProgrammeKind {
    silence,
    sine,        ///< a sine at `frequency_hz`
    white_noise, ///< Gaussian white noise
    pink_noise,  ///< Voss-McCartney pink-ish noise (−3 dB/octave from ~0.4 Hz to fs/2)
    music,       ///< a bass line: see MusicSpec
    file,        ///< one channel of an audio file, scaled by the level as a gain in dB
};

/// The "music" programme: sustained bass notes, one after the other, each with an attack, an
/// exponential decay and a short release, carrying a few harmonics (1, 1/2, 1/4, 1/8 of the
/// fundamental's amplitude), plus pink broadband content. Its level is the long-term level
/// (mean power over a whole cycle of notes, exact to within the sin² ripple of each note).
struct MusicSpec {
    std::vector<double> notes_hz{49.0, 58.3, 61.7}; ///< played in order, repeating
    double note_s = 1.0;                            ///< length of each note
    double decay_s = 0.8;                           ///< exponential decay time constant
    double broadband_db = -12.0; ///< power of the broadband content relative to the bass
};

/// One channel of an audio file used as programme.
struct FileSpec {
    std::filesystem::path path{};
    int channel = 1;  ///< 1-based
    bool loop = true; ///< repeat the file; otherwise silence after its end
};

/// A programme signal p. `level_dbfs` is the level of p (for `file`: a gain in dB applied to
/// the file's samples).
struct ProgrammeSpec {
    ProgrammeKind kind = ProgrammeKind::silence;
    double level_dbfs = absent_db;
    double frequency_hz = 1000.0;                  ///< for `sine`
    LegSymmetry symmetry = LegSymmetry::symmetric; ///< pairs only
    MusicSpec music{};
    FileSpec file{};
};

/// A balanced pair: hot leg on input `hot`, cold leg on input `cold` (1-based).
struct PairSpec {
    int hot = 1;
    int cold = 2;
    double mismatch = 0.0; ///< e: hot ×(1 + e/2), cold ×(1 − e/2); ideal CMRR 20·log10(1/e)
    HumSpec cm_hum{};      ///< common-mode hum (identical on both legs)
    HumSpec diff_hum{};    ///< differential hum (its level is the level in D)
    ProgrammeSpec programme{};
    std::optional<double> noise_dbfs{};   ///< per-leg noise floor; default: Scenario::noise_dbfs
    [[nodiscard]] std::string id() const; ///< "1/2"
};

/// A single (unbalanced) input.
struct SingleSpec {
    int input = 1;
    HumSpec hum{};
    ProgrammeSpec programme{};            ///< symmetry is ignored
    std::optional<double> noise_dbfs{};   ///< default: Scenario::noise_dbfs
    [[nodiscard]] std::string id() const; ///< "7"
};

/// The mains clock's initial state.
struct MainsSpec {
    double frequency_hz = 50.0;
    double drift_mhz_per_sqrt_s = 0.0; ///< random-walk strength; 0 = none
};

/// The parameters a timeline event can change.
enum class Param {
    mains_frequency_hz,  ///< no channel
    cm_hum_level_dbfs,   ///< pairs
    diff_hum_level_dbfs, ///< pairs
    hum_level_dbfs,      ///< singles
    programme_level_dbfs,
    programme_symmetry, ///< pairs; a step (ramps do not apply)
    noise_dbfs,         ///< both legs of a pair, or the single input
    mismatch,           ///< pairs
};

/// A timeline event: from `at_s`, the parameter moves linearly (in its own units: dB for
/// levels, Hz, the mismatch fraction) to its new value over `ramp_s` (0 = a step). An event
/// starts from the value in effect just before it, cutting short any ramp still running.
/// Levels at `-inf` ramp from/to −200 dB.
struct Event {
    double at_s = 0.0;
    std::string channel{}; ///< "1/2" or "7"; empty for mains_frequency_hz
    Param param = Param::cm_hum_level_dbfs;
    double value = 0.0;    ///< the new value, or the change when `relative`
    bool relative = false; ///< value is added to the value in effect before the event
    double ramp_s = 0.0;
    LegSymmetry symmetry = LegSymmetry::symmetric; ///< for programme_symmetry
};

/// A complete scenario. Inputs not used by any pair or single carry the noise floor only.
struct Scenario {
    int sample_rate = 48000;
    double duration_s = 10.0;
    int inputs = 2;
    std::uint64_t seed = 1;
    double noise_dbfs = absent_db; ///< default noise floor of every input
    MainsSpec mains{};
    std::vector<PairSpec> pairs{};
    std::vector<SingleSpec> singles{};
    std::vector<Event> events{}; ///< any order; applied in time order (stable)
};

/// Truth about one hum harmonic at one instant.
struct HarmonicTruth {
    int k = 0;
    double hz = 0.0;                   ///< k × instantaneous mains frequency
    double amplitude = 0.0;            ///< peak amplitude (0 if absent)
    [[nodiscard]] double dbfs() const; ///< 20·log10(amplitude); -inf when absent
};

/// Truth about a pair at one instant.
struct PairTruth {
    double mains_hz = 0.0;
    std::vector<HarmonicTruth> cm;        ///< harmonics of C = x + (e/4)·y
    std::vector<HarmonicTruth> d;         ///< harmonics of D = e·x + y (phasor sums)
    std::vector<HarmonicTruth> d_from_cm; ///< the part of D leaked from C: e·|x_k|
    std::optional<double> ideal_cmrr_db;  ///< 20·log10(1/e); empty when e = 0 (infinite)
    double mismatch = 0.0;
    double cm_hum_dbfs = absent_db; ///< power sum of `cm`
    double d_hum_dbfs = absent_db;  ///< power sum of `d`
    LegSymmetry symmetry = LegSymmetry::symmetric;
    double programme_dbfs = absent_db;      ///< level of p (file: gain dB)
    double programme_d_dbfs = absent_db;    ///< level of the programme in D, mismatch included
    double programme_hot_dbfs = absent_db;  ///< level of the programme on the hot leg
    double programme_cold_dbfs = absent_db; ///< level of the programme on the cold leg
    double noise_dbfs = absent_db;          ///< per-leg noise floor
};

/// Truth about a single input at one instant.
struct SingleTruth {
    double mains_hz = 0.0;
    std::vector<HarmonicTruth> hum;
    double hum_dbfs = absent_db; ///< power sum of `hum`
    double programme_dbfs = absent_db;
    double noise_dbfs = absent_db;
};

/// Power sum of harmonics in dBFS (-inf when all are absent).
[[nodiscard]] double power_sum_dbfs(std::span<const HarmonicTruth> harmonics);

/// Renders a Scenario. Construction validates the scenario and loads programme files.
/// Not thread-safe: one Synth per thread (rendering updates internal caches).
class Synth {
public:
    /// @throws std::invalid_argument for an inconsistent scenario (input out of range or used
    ///         twice, unknown event channel, parameter not applicable ...), std::runtime_error
    ///         when a programme file cannot be read or has the wrong sample rate.
    explicit Synth(Scenario scenario);
    ~Synth();
    Synth(Synth&&) noexcept;
    Synth& operator=(Synth&&) noexcept;
    Synth(const Synth&) = delete;
    Synth& operator=(const Synth&) = delete;

    [[nodiscard]] const Scenario& scenario() const;
    [[nodiscard]] int input_count() const;
    [[nodiscard]] double sample_rate() const;
    /// Frames in the scenario's duration: round(duration_s × sample_rate).
    [[nodiscard]] std::int64_t frame_count() const;

    /// Renders frames [first_frame, first_frame + out.size() / inputs) as interleaved floats.
    /// Any start, any length (a multiple of the input count), any order: the samples depend only
    /// on the frame index. Sequential calls are fastest.
    void render(std::int64_t first_frame, std::span<float> out);

    /// Renders the whole duration at once.
    [[nodiscard]] std::vector<float> render_all();

    /// Instantaneous mains frequency at time @p t_s.
    [[nodiscard]] double mains_frequency_at(double t_s) const;
    /// Mains phase in cycles since t = 0 (the fundamental's phase, without its random offset).
    [[nodiscard]] double mains_cycles_at(double t_s) const;
    /// Exact mean of the rendered mains frequency over [t0_s, t1_s] (t1_s > t0_s).
    [[nodiscard]] double mean_mains_frequency(double t0_s, double t1_s) const;

    /// Truth for pair @p index (scenario order) at time @p t_s.
    [[nodiscard]] PairTruth pair_truth(std::size_t index, double t_s) const;
    /// Truth for single @p index (scenario order) at time @p t_s.
    [[nodiscard]] SingleTruth single_truth(std::size_t index, double t_s) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Parses a symmetry name (`symmetric`, `cold_silent`, `hot_silent`, `in_phase`).
[[nodiscard]] std::optional<LegSymmetry> parse_leg_symmetry(std::string_view name);
[[nodiscard]] std::string_view to_string(LegSymmetry symmetry);
/// Parses a programme kind (`silence`, `sine`, `white_noise`, `pink_noise`, `music`, `file`).
[[nodiscard]] std::optional<ProgrammeKind> parse_programme_kind(std::string_view name);
[[nodiscard]] std::string_view to_string(ProgrammeKind kind);

} // namespace cmr::synth
