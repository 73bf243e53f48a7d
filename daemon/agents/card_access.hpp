// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file card_access.hpp
/// Whether cmrd may open a card now, from its access mode (cmrd.toml `access`) and what the
/// per-user agents report about the card's reservation (org.freedesktop.ReserveDevice1.Audio<N>
/// on the users' session buses). The rules of cmrd.toml(5):
/// - no mode opens a card that another application reserved: `auto` leaves it to that sound
///   server (state `shared`), `yield` and `exclusive` wait until it is released (`busy`);
/// - `yield` and `auto`, while any agent is registered, open the card only once an agent holds
///   its reservation for cmrd, so that whoever wants the card next asks the agent (which makes
///   cmrd close it) instead of finding it taken;
/// - with no agent at all (a headless machine), the engine's own rules apply (devices::CardYield).

#include <optional>
#include <string>

#include "agents/agent_registry.hpp"
#include "capture/capture_config.hpp"

namespace cmrd::agents {

/// nullopt: the engine may open the card under its mode's own rules; else it waits as told.
/// `shared` mode is the engine's own (never opens) and gives nullopt.
[[nodiscard]] std::optional<capture::Standby> standby_for(capture::AccessMode mode, int card,
                                                          const CardView& view);

/// "WirePlumber (priority -20, alice's session)".
[[nodiscard]] std::string describe(const Reservation& reservation);

} // namespace cmrd::agents
