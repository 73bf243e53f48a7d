// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file event_text.hpp
/// An event as a sentence for people (the journal's MESSAGE, stderr, notifications).

#include <string>

#include "events/event.hpp"

namespace cmrd::events {

/// "<device> <channel>: <alarm> <raised|cleared>[, <the figure the alarm is about>]", e.g.
/// "desk 1/2: ground loop raised, common-mode hum -35.2 dBFS". The figure: hum on D or the
/// input (hum), common-mode hum (ground loop), CMRR (cmrr_low, "at least" for a lower bound),
/// the legs' symmetry (wiring); figures.value when the specific one is missing; left out when
/// neither is known. Numbers with one decimal.
[[nodiscard]] std::string event_sentence(const Event& event);

} // namespace cmrd::events
