// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file service_clock.hpp
/// The clock of the service's timers (publishing, reopening, heartbeats): monotonic, so a
/// change of the wall clock never stalls or floods them.

#include <chrono>

namespace cmrd::service {

using Clock = std::chrono::steady_clock;

} // namespace cmrd::service
