// SPDX-License-Identifier: GPL-2.0-or-later
#include "synth_signals.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>

namespace cmr::synth::detail {

namespace {

constexpr double two_pi = 2.0 * std::numbers::pi;

/// The fractional part of a phase in cycles, in [0, 1).
double wrap_cycles(double cycles)
{
    return cycles - std::floor(cycles);
}

} // namespace

double RandomStream::uniform(std::uint64_t i) const
{
    return static_cast<double>(bits(i) >> 11U) * 0x1.0p-53;
}

double RandomStream::gaussian(std::uint64_t i) const
{
    const std::uint64_t b = bits(i);
    const double u1 = static_cast<double>((b >> 32U) + 1) * 0x1.0p-32; // (0, 1]: log is finite
    const double u2 = static_cast<double>(b & 0xFFFFFFFFULL) * 0x1.0p-32;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(two_pi * u2);
}

// ---------------------------------------------------------------------------------------------

Track::Track(double initial) : knots_{{0, initial, 0.0}} {}

void Track::change(std::int64_t at, double target, std::int64_t ramp_frames)
{
    at = std::max<std::int64_t>(at, 0);
    std::int64_t start = at - 1;
    std::int64_t end = start + std::max<std::int64_t>(ramp_frames, 1);
    if (start < 0) {
        if (ramp_frames <= 0) {
            knots_ = {{0, target, 0.0}};
            return;
        }
        start = 0;
        end = ramp_frames;
    }
    const double from = value_at(static_cast<double>(start));
    while (!knots_.empty() && knots_.back().frame >= start)
        knots_.pop_back();
    const auto push = [this](std::int64_t frame, double value) {
        double integral = 0.0;
        if (!knots_.empty()) {
            const Knot& prev = knots_.back();
            integral = prev.integral +
                       static_cast<double>(frame - prev.frame) * (prev.value + value) / 2.0;
        }
        knots_.push_back({frame, value, integral});
    };
    push(start, from);
    push(end, target);
}

std::size_t Track::segment(double frame) const
{
    const auto after =
        std::upper_bound(knots_.begin(), knots_.end(), frame, [](double f, const Knot& knot) {
            return f < static_cast<double>(knot.frame);
        });
    return after == knots_.begin() ? 0 : static_cast<std::size_t>(after - knots_.begin()) - 1;
}

double Track::value_at(double frame) const
{
    const std::size_t i = segment(frame);
    const Knot& a = knots_[i];
    if (i + 1 == knots_.size())
        return a.value;
    const Knot& b = knots_[i + 1];
    const double u =
        (frame - static_cast<double>(a.frame)) / static_cast<double>(b.frame - a.frame);
    return a.value + u * (b.value - a.value);
}

double Track::integral_to(double frame) const
{
    const Knot& a = knots_[segment(frame)];
    return a.integral + (frame - static_cast<double>(a.frame)) * (a.value + value_at(frame)) / 2.0;
}

bool Track::constant_over(std::int64_t first, std::int64_t end) const
{
    for (std::size_t j = segment(static_cast<double>(first));
         j + 1 < knots_.size() && knots_[j].frame < end - 1; ++j)
        if (knots_[j + 1].value != knots_[j].value)
            return false;
    return true;
}

double Track::max_value() const
{
    double best = knots_.front().value;
    for (const Knot& knot : knots_)
        best = std::max(best, knot.value);
    return best;
}

// ---------------------------------------------------------------------------------------------

MainsClock::MainsClock(Track frequency_hz, double drift_hz_per_sqrt_s, double sample_rate,
                       RandomStream walk)
    : frequency_(std::move(frequency_hz)), sample_rate_(sample_rate),
      step_frames_(std::max<std::int64_t>(1, std::llround(sample_rate * 0.01))), walk_(walk)
{
    step_sigma_ = drift_hz_per_sqrt_s * std::sqrt(static_cast<double>(step_frames_) / sample_rate);
    checkpoints_.push_back(WalkKnot{});
    cursor_ = {WalkKnot{}, next(WalkKnot{})};
}

MainsClock::WalkKnot MainsClock::next(const WalkKnot& knot) const
{
    WalkKnot out;
    out.index = knot.index + 1;
    out.value = knot.value + step_sigma_ * walk_.gaussian(static_cast<std::uint64_t>(knot.index));
    out.integral =
        knot.integral + static_cast<double>(step_frames_) * (knot.value + out.value) / 2.0;
    return out;
}

MainsClock::WalkKnot MainsClock::walk_knot(std::int64_t index) const
{
    const auto checkpoint = static_cast<std::size_t>(index / checkpoint_every);
    while (checkpoints_.size() <= checkpoint) {
        WalkKnot knot = checkpoints_.back();
        for (std::int64_t i = 0; i < checkpoint_every; ++i)
            knot = next(knot);
        checkpoints_.push_back(knot);
    }
    WalkKnot knot = checkpoints_[checkpoint];
    while (knot.index < index)
        knot = next(knot);
    return knot;
}

std::array<MainsClock::WalkKnot, 2> MainsClock::walk_interval(double frame) const
{
    const auto index =
        static_cast<std::int64_t>(std::floor(frame / static_cast<double>(step_frames_)));
    if (cursor_[0].index != index) {
        if (cursor_[1].index == index)
            cursor_ = {cursor_[1], next(cursor_[1])};
        else {
            const WalkKnot a = walk_knot(std::max<std::int64_t>(index, 0));
            cursor_ = {a, next(a)};
        }
    }
    return cursor_;
}

double MainsClock::frequency_at(double frame) const
{
    double hz = frequency_.value_at(frame);
    if (step_sigma_ > 0.0) {
        const auto [a, b] = walk_interval(frame);
        const double u = (frame - static_cast<double>(a.index * step_frames_)) /
                         static_cast<double>(step_frames_);
        hz += a.value + u * (b.value - a.value);
    }
    return hz;
}

double MainsClock::cycles_at(double frame) const
{
    double integral = frequency_.integral_to(frame);
    if (step_sigma_ > 0.0) {
        const auto [a, b] = walk_interval(frame);
        const double offset = frame - static_cast<double>(a.index * step_frames_);
        const double value =
            a.value + offset / static_cast<double>(step_frames_) * (b.value - a.value);
        integral += a.integral + offset * (a.value + value) / 2.0;
    }
    return integral / sample_rate_;
}

double MainsClock::mean_frequency(double frame0, double frame1) const
{
    return (cycles_at(frame1) - cycles_at(frame0)) * sample_rate_ / (frame1 - frame0);
}

// ---------------------------------------------------------------------------------------------

PinkNoise::PinkNoise(std::uint64_t seed, std::uint64_t stream)
    : white_(seed, stream_id(stream, 0xF00D))
{
    for (int r = 0; r < rows; ++r) {
        const auto row = static_cast<std::size_t>(r);
        row_streams_[row] = RandomStream(seed, stream_id(stream, 0xF00D, row + 1));
        row_index_[row] = -1;
    }
}

double PinkNoise::sample(std::int64_t n)
{
    const auto frame = static_cast<std::uint64_t>(n);
    double sum = white_.gaussian(frame);
    for (std::size_t r = 0; r < rows; ++r) {
        const auto index = static_cast<std::int64_t>(frame >> (r + 1));
        if (row_index_[r] != index) {
            row_index_[r] = index;
            row_value_[r] = row_streams_[r].gaussian(static_cast<std::uint64_t>(index));
        }
        sum += row_value_[r];
    }
    static const double norm = 1.0 / std::sqrt(static_cast<double>(rows + 1));
    return sum * norm;
}

// ---------------------------------------------------------------------------------------------

BassLine::BassLine(std::vector<double> notes_hz, double note_s, double decay_s, double broadband_db,
                   double sample_rate, std::uint64_t seed, std::uint64_t stream)
    : notes_hz_(std::move(notes_hz)), sample_rate_(sample_rate),
      note_frames_(std::max<std::int64_t>(1, std::llround(note_s * sample_rate))),
      decay_frames_(decay_s * sample_rate), phases_(seed, stream_id(stream, 0xBA55)),
      broadband_(seed, stream_id(stream, 0xB80AD))
{
    double env_power = 0.0;
    for (std::int64_t m = 0; m < note_frames_; ++m)
        env_power += envelope(m) * envelope(m);
    env_power /= static_cast<double>(note_frames_);
    double partial_power = 0.0;
    for (double a : partials)
        partial_power += a * a / 2.0;
    // Long-term power 1/2 in total, split between bass and broadband by broadband_db.
    const double ratio = std::pow(10.0, broadband_db / 10.0);
    bass_gain_ = std::sqrt(0.5 / (1.0 + ratio) / (env_power * partial_power));
    broadband_gain_ = std::sqrt(0.5 * ratio / (1.0 + ratio));
}

double BassLine::envelope(std::int64_t frame_in_note) const
{
    const auto m = static_cast<double>(frame_in_note);
    const double length = static_cast<double>(note_frames_);
    const double attack = std::min(0.01 * sample_rate_, length / 4.0);
    const double release = std::min(0.03 * sample_rate_, length / 4.0);
    const double rise = m < attack ? m / attack : 1.0;
    const double fall = m > length - release ? (length - m) / release : 1.0;
    return rise * fall * std::exp(-m / decay_frames_);
}

double BassLine::sample(std::int64_t n)
{
    const std::int64_t note = n / note_frames_;
    const std::int64_t m = n - note * note_frames_;
    const double hz = notes_hz_[static_cast<std::size_t>(note) % notes_hz_.size()];
    const double t_cycles = hz * static_cast<double>(m) / sample_rate_;
    double bass = 0.0;
    for (std::size_t k = 0; k < partials.size(); ++k) {
        const double phase =
            phases_.uniform(static_cast<std::uint64_t>(note) * partials.size() + k);
        bass += partials[k] *
                std::sin(two_pi * wrap_cycles(static_cast<double>(k + 1) * t_cycles + phase));
    }
    return bass_gain_ * envelope(m) * bass + broadband_gain_ * broadband_.sample(n);
}

} // namespace cmr::synth::detail
