// SPDX-License-Identifier: GPL-2.0-or-later
#include "agents/card_access.hpp"

#include "process_text.hpp"

namespace cmrd::agents {

std::string describe(const Reservation& reservation)
{
    return common::reservation_text(reservation.application, reservation.priority,
                                    reservation.user);
}

std::optional<capture::Standby> standby_for(capture::AccessMode mode, int card,
                                            const CardView& view)
{
    using capture::AccessMode;
    using capture::CaptureState;
    if (mode == AccessMode::shared || card < 0)
        return std::nullopt;
    const std::string name = "Audio" + std::to_string(card);
    if (view.reserved) {
        if (mode == AccessMode::automatic)
            return capture::Standby{CaptureState::shared,
                                    "card " + std::to_string(card) + " is managed by " +
                                        describe(*view.reserved) +
                                        ": cmrd leaves it to the sound server (access = auto)"};
        return capture::Standby{CaptureState::busy,
                                name + " is reserved by " + describe(*view.reserved) +
                                    ": cmrd waits until it is released (access = " +
                                    std::string(capture::to_string(mode)) + ")"};
    }
    if (mode == AccessMode::exclusive || !view.any_agent || view.held_for_cmrd)
        return std::nullopt;
    return capture::Standby{CaptureState::busy, "waiting for cmrd-agent to reserve " + name +
                                                    " for cmrd (access = " +
                                                    std::string(capture::to_string(mode)) + ")"};
}

} // namespace cmrd::agents
