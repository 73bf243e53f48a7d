// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file measurement.hpp
/// The figures libcmr reports per channel. These plain structs are allocation-free so that a
/// real-time thread can copy them; optional figures are `std::optional` and map to JSON `null`.

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

#include "cmr/layout.hpp"

namespace cmr {

/// The highest number of hum harmonics libcmr measures per signal.
inline constexpr int max_harmonics = 64;

/// One hum harmonic at k times the mains frequency.
struct Harmonic {
    int k = 0;                  ///< harmonic number, 1 = fundamental
    double hz = 0.0;            ///< its frequency
    std::optional<double> dbfs; ///< sinusoidal amplitude (AES17 dBFS); empty below the floor
};

/// A fixed-capacity list of harmonics (no heap).
struct HarmonicList {
    std::array<Harmonic, max_harmonics> items{};
    int count = 0;
    [[nodiscard]] const Harmonic* begin() const { return items.data(); }
    [[nodiscard]] const Harmonic* end() const { return items.data() + count; }
    [[nodiscard]] std::size_t size() const { return static_cast<std::size_t>(count); }
    [[nodiscard]] const Harmonic& operator[](std::size_t i) const { return items[i]; }
};

/// How well the link's CMRR is known.
enum class CmrrKind {
    none,        ///< not enough common-mode hum (or data) to say anything
    measured,    ///< resolved: the figure is the measurement
    lower_bound, ///< the link rejects at least this much; the true figure may be higher
};

/// How the programme is carried on the two legs of a pair.
enum class Symmetry {
    no_signal,    ///< too little programme to judge
    symmetric,    ///< mirror-image legs: D is +6 dB over a leg
    cold_silent,  ///< only the hot leg carries programme (impedance-balanced or single-ended)
    hot_silent,   ///< only the cold leg carries programme
    in_phase,     ///< both legs carry the programme with the same polarity (a wiring fault)
    uncorrelated, ///< both legs carry signal but not the same programme (e.g. two lines patched as
                  ///< one pair)
};

/// A channel's alarm kind, most severe first in `alarm_priority` order.
enum class AlarmKind { none, hum, ground_loop, cmrr_low, wiring };

[[nodiscard]] std::string_view to_string(CmrrKind kind);
[[nodiscard]] std::string_view to_string(Symmetry symmetry);
[[nodiscard]] std::string_view to_string(AlarmKind kind);

/// Everything measured on one channel (see design.md, "JSON shape of a channel").
/// Pair-only fields are empty for singles.
struct ChannelResult {
    ChannelSpec spec;
    std::optional<double> mains_hz;    ///< the mains frequency, when hum locks onto it
    std::optional<double> level_dbfs;  ///< programme level of D (pairs) or the input
    std::optional<double> hum_dbfs;    ///< power sum of the clear harmonics on D / the input
    HarmonicList harmonics;            ///< on D (pairs) or the input (singles)
    std::optional<double> cm_hum_dbfs; ///< power sum of the clear harmonics on C (pairs)
    HarmonicList cm_harmonics;         ///< on C (pairs)
    std::optional<double> cmrr_db;     ///< see cmrr_kind
    CmrrKind cmrr_kind = CmrrKind::none;
    std::optional<Symmetry> symmetry;  ///< pairs only
    std::optional<double> leg_gain_db; ///< level of D minus the louder leg (pairs only)
};

} // namespace cmr
