// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file event_dict.hpp
/// Alarm events in their D-Bus form: the figures dictionary of AlarmRaised / AlarmCleared and
/// the (sequence, time_us, device, channel, alarm, action, figures) structs of GetEvents.

#include <cstdint>
#include <map>
#include <string>

#include <sdbus-c++/Types.h>

#include "events/event.hpp"

namespace cmrd::service {

using FiguresDict = std::map<std::string, sdbus::Variant>;
using BusEvent = sdbus::Struct<std::uint64_t, std::int64_t, std::string, std::string, std::string,
                               std::string, FiguresDict>;

/// device, channel, sequence, time_us and every figure present (absent keys = unknown).
[[nodiscard]] FiguresDict figures_dict(const events::Event& event);

[[nodiscard]] BusEvent bus_event(const events::Event& event);

} // namespace cmrd::service
