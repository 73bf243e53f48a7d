// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file synth_signals.hpp
/// Building blocks of the test-signal synthesiser (synth.hpp): a counter-based random
/// generator, piecewise-linear parameter tracks, the mains clock and the noise and music
/// generators. Every generator is a pure function of the frame index, so the synthesiser can
/// render from any frame; the caches they keep only make sequential access fast.

#include <array>
#include <cstdint>
#include <vector>

namespace cmr::synth::detail {

/// The splitmix64 finaliser: a bijective 64-bit mixer.
constexpr std::uint64_t mix64(std::uint64_t x)
{
    x = (x ^ (x >> 30U)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27U)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31U);
}

/// Derives a stream id from a tag and up to three numbers (e.g. "noise", input).
constexpr std::uint64_t stream_id(std::uint64_t tag, std::uint64_t a = 0, std::uint64_t b = 0,
                                  std::uint64_t c = 0)
{
    return mix64(tag ^ mix64(a + 0x9E3779B97F4A7C15ULL * (1 + mix64(b ^ mix64(c)))));
}

/// A stream of random numbers addressed by index: value i depends only on (seed, stream, i).
class RandomStream {
public:
    RandomStream() = default;
    RandomStream(std::uint64_t seed, std::uint64_t stream) : key_(mix64(seed ^ mix64(stream))) {}

    /// 64 random bits for index @p i.
    [[nodiscard]] std::uint64_t bits(std::uint64_t i) const
    {
        return mix64(key_ + (i + 1) * 0x9E3779B97F4A7C15ULL);
    }
    /// Uniform in [0, 1).
    [[nodiscard]] double uniform(std::uint64_t i) const;
    /// Standard normal (Box-Muller on two 32-bit uniforms; tails reach 6.66 σ).
    [[nodiscard]] double gaussian(std::uint64_t i) const;

private:
    std::uint64_t key_ = 0;
};

/// A parameter as a function of the frame index: piecewise linear between knots at integer
/// frames, constant after the last knot. Changes are applied in time order.
class Track {
public:
    explicit Track(double initial = 0.0);

    /// From frame @p at the value moves linearly to @p target, arriving at frame
    /// `at − 1 + max(ramp_frames, 1)` (a step reaches the target exactly at @p at). Knots at or
    /// after `at − 1` are dropped first, so a running ramp is cut short.
    /// @pre @p at is not before the previous change's @p at.
    void change(std::int64_t at, double target, std::int64_t ramp_frames);

    /// The value at a (fractional) frame ≥ 0.
    [[nodiscard]] double value_at(double frame) const;
    /// The integral of the value from frame 0 to @p frame (value × frames). At integer frames
    /// this equals the trapezoid sum Σ (v(m) + v(m + 1)) / 2, exactly as the value is linear
    /// between frames.
    [[nodiscard]] double integral_to(double frame) const;
    /// Whether the value is constant over frames [first, end).
    [[nodiscard]] bool constant_over(std::int64_t first, std::int64_t end) const;
    /// The highest value the track ever takes.
    [[nodiscard]] double max_value() const;

private:
    struct Knot {
        std::int64_t frame;
        double value;
        double integral; ///< from frame 0 to this knot
    };
    [[nodiscard]] std::size_t segment(double frame) const; ///< index of the last knot ≤ frame
    std::vector<Knot> knots_;
};

/// A piecewise-constant enumerated parameter (e.g. the programme symmetry).
template <typename T> class StepTrack {
public:
    explicit StepTrack(T initial) : steps_{{0, initial}} {}
    void change(std::int64_t at, T value)
    {
        while (!steps_.empty() && steps_.back().first >= at)
            steps_.pop_back();
        steps_.push_back({at, value});
    }
    [[nodiscard]] T value_at(double frame) const
    {
        T value = steps_.front().second;
        for (const auto& [at, v] : steps_)
            if (static_cast<double>(at) <= frame)
                value = v;
        return value;
    }
    [[nodiscard]] bool constant_over(std::int64_t first, std::int64_t end) const
    {
        for (const auto& step : steps_)
            if (step.first > first && step.first < end)
                return false;
        return true;
    }

private:
    std::vector<std::pair<std::int64_t, T>> steps_;
};

/// The mains clock: a deterministic frequency track plus an optional random walk, and the phase
/// as the exact integral of their sum.
class MainsClock {
public:
    /// @param frequency_hz the deterministic frequency (Hz) per frame.
    /// @param drift_hz_per_sqrt_s standard deviation of the walk after 1 s (Hz).
    MainsClock(Track frequency_hz, double drift_hz_per_sqrt_s, double sample_rate,
               RandomStream walk);

    /// Instantaneous frequency (Hz) at a fractional frame.
    [[nodiscard]] double frequency_at(double frame) const;
    /// Phase in cycles since frame 0.
    [[nodiscard]] double cycles_at(double frame) const;
    /// Exact mean frequency over [frame0, frame1].
    [[nodiscard]] double mean_frequency(double frame0, double frame1) const;
    /// The highest deterministic frequency (for the Nyquist limit of hum harmonics).
    [[nodiscard]] double max_nominal_frequency() const { return frequency_.max_value(); }

private:
    /// A knot of the random walk: its value (Hz) and the walk's integral up to it (Hz·frames).
    struct WalkKnot {
        std::int64_t index = 0;
        double value = 0.0;
        double integral = 0.0;
    };
    [[nodiscard]] WalkKnot next(const WalkKnot& knot) const;
    [[nodiscard]] WalkKnot walk_knot(std::int64_t index) const;
    /// The walk's knots around a frame: [0] at or before it, [1] after it.
    [[nodiscard]] std::array<WalkKnot, 2> walk_interval(double frame) const;

    Track frequency_;
    double sample_rate_;
    double step_sigma_ = 0.0;      ///< standard deviation of one walk step
    std::int64_t step_frames_ = 1; ///< walk knot spacing
    RandomStream walk_;
    static constexpr std::int64_t checkpoint_every = 256;
    mutable std::vector<WalkKnot> checkpoints_; ///< knots 0, 256, 512 …
    mutable std::array<WalkKnot, 2> cursor_{};  ///< the interval used last
};

/// Voss-McCartney pink noise: a white term plus 16 rows held for 2, 4 … 65536 frames,
/// normalised to unit variance. The spectrum falls about 3 dB per octave from fs/2^17 up.
class PinkNoise {
public:
    PinkNoise(std::uint64_t seed, std::uint64_t stream);
    /// The sample at frame @p n (unit variance).
    [[nodiscard]] double sample(std::int64_t n);

private:
    static constexpr int rows = 16;
    RandomStream white_;
    std::array<RandomStream, rows> row_streams_;
    std::array<std::int64_t, rows> row_index_{};
    std::array<double, rows> row_value_{};
};

/// The bass line of the "music" programme (see MusicSpec in synth.hpp), normalised so that
/// its long-term mean power is 1/2 (a level of 0 dBFS).
class BassLine {
public:
    BassLine(std::vector<double> notes_hz, double note_s, double decay_s, double broadband_db,
             double sample_rate, std::uint64_t seed, std::uint64_t stream);
    [[nodiscard]] double sample(std::int64_t n);

private:
    [[nodiscard]] double envelope(std::int64_t frame_in_note) const;

    std::vector<double> notes_hz_;
    double sample_rate_;
    std::int64_t note_frames_;
    double decay_frames_;
    double bass_gain_ = 0.0;
    double broadband_gain_ = 0.0;
    RandomStream phases_;
    PinkNoise broadband_;
    static constexpr std::array<double, 4> partials{1.0, 0.5, 0.25, 0.125};
};

} // namespace cmr::synth::detail
