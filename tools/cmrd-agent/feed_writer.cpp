// SPDX-License-Identifier: GPL-2.0-or-later
#include "feed_writer.hpp"

#include <cmath>

namespace cmrdagent {

cmrd::common::RingFormat feed_ring_format(std::uint32_t channels, std::uint32_t rate)
{
    cmrd::common::RingFormat format{
        channels, rate, static_cast<std::uint64_t>(std::ceil(feed_ring_seconds * rate))};
    // Many inputs at a high rate: as much as the ring's size limit allows.
    if (channels > 0 && cmrd::common::ring_file_bytes(format) > cmrd::common::ring_max_bytes)
        format.capacity_frames = (cmrd::common::ring_max_bytes - 4096) / (channels * sizeof(float));
    return format; // checked by the writer, which says what is out of range
}

} // namespace cmrdagent
