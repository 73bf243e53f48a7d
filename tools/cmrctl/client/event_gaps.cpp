// SPDX-License-Identifier: GPL-2.0-or-later
#include "client/event_gaps.hpp"

namespace cmrctl::client {

std::vector<SequenceGap> sequence_gaps(const std::vector<AlarmChange>& events)
{
    std::vector<SequenceGap> gaps;
    const std::uint64_t* previous = nullptr;
    for (const AlarmChange& event : events) {
        if (!event.figures.sequence)
            continue;
        const std::uint64_t sequence = *event.figures.sequence;
        if (previous != nullptr && sequence > *previous + 1)
            gaps.push_back({*previous + 1, sequence - 1});
        previous = &*event.figures.sequence;
    }
    return gaps;
}

std::string gap_text(const SequenceGap& gap)
{
    const std::string range = gap.count() == 1 ? "event (sequence " + std::to_string(gap.first)
                                               : "events (sequence " + std::to_string(gap.first) +
                                                     "-" + std::to_string(gap.last);
    return std::to_string(gap.count()) + " " + range +
           ") could not be stored by cmrd (full disk or I/O error; the journal says which)";
}

} // namespace cmrctl::client
