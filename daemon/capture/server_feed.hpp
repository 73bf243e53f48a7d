// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file server_feed.hpp
/// Frames of a card that a user's sound server owns, delivered by that user's cmrd-agent: the
/// shared frame ring it writes (common/shared_frame_ring.hpp, already validated) and the
/// eventfd it signals after writing. A capture engine given a feed reads it instead of opening
/// the card (feed_loop.hpp); the analysis, the results and the states are the same as for a
/// direct capture.

#include <memory>
#include <string>

#include "shared_frame_ring.hpp"
#include "unique_fd.hpp"

namespace cmrd::capture {

struct ServerFeed {
    std::unique_ptr<common::SharedRingReader> ring;
    /// Readable when the writer has written (an eventfd, or anything pollable: a hostile
    /// agent's descriptor can only make the reader look too often, which it tolerates).
    common::UniqueFd wakeup;
    /// Where the frames come from, for people: "PipeWire node alsa_input.usb-UMC1820 (alice's
    /// cmrd-agent)".
    std::string source;
    /// What the agent reports falsifies the figures on this path (AgentManager.ReportFeed),
    /// "" when nothing does. The daemon's thread only: the capture thread never reads it.
    std::string warning;
};

} // namespace cmrd::capture
