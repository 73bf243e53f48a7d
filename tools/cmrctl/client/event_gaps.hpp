// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file event_gaps.hpp
/// Gaps in cmrd's alarm history. Sequence numbers increase by one per event; an event cmrd
/// could not store (a full disk) uses its number up, so a jump between two events of the
/// history is events that are missing from it.

#include <cstdint>
#include <string>
#include <vector>

#include "client/wire_types.hpp"

namespace cmrctl::client {

/// Sequence numbers first..last (inclusive) are missing from the history.
struct SequenceGap {
    std::uint64_t first = 0;
    std::uint64_t last = 0;

    [[nodiscard]] std::uint64_t count() const { return last - first + 1; }
    bool operator==(const SequenceGap&) const = default;
};

/// The gaps between consecutive events of @p events (oldest first, as read from cmrd). Events
/// without a sequence number neither make nor close a gap.
[[nodiscard]] std::vector<SequenceGap> sequence_gaps(const std::vector<AlarmChange>& events);

/// "3 events (sequence 13-15) could not be stored by cmrd (full disk or I/O error; the
/// journal says which)".
[[nodiscard]] std::string gap_text(const SequenceGap& gap);

} // namespace cmrctl::client
