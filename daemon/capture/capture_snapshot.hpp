// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file capture_snapshot.hpp
/// The measurement results a capture engine hands to other threads after each analysis hop.

#include <cstdint>
#include <optional>
#include <vector>

#include "cmr/measurement.hpp"

namespace cmrd::capture {

/// One analysis hop's results for every measured channel of a device.
///
/// The engine sizes `channels` once, before its real-time loop starts, and only assigns
/// elements afterwards (ChannelResult holds fixed arrays and optionals, no heap), so filling a
/// snapshot in the capture thread never allocates.
struct CaptureSnapshot {
    /// Increases by one per hop, from 1; 0 means "no snapshot yet".
    std::uint64_t sequence = 0;
    /// Stream time of the analyzer at the hop: seconds of frames fed to it.
    double time_s = 0.0;
    /// The device's tracked mains frequency.
    std::optional<double> mains_hz;
    /// One result per channel of the layout, in layout order.
    std::vector<cmr::ChannelResult> channels;
};

} // namespace cmrd::capture
