// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file event_fd.hpp
/// A non-blocking eventfd as a wake-up between threads: one side signals, the other polls and
/// drains. Signalling is one 8-byte write that never blocks, allocates or locks, so a real-time
/// thread may signal.

#include "unique_fd.hpp"

namespace cmrd::common {

/// A new non-blocking, close-on-exec eventfd. @throws std::system_error naming eventfd.
[[nodiscard]] UniqueFd make_event_fd();

/// Makes @p fd readable. Fails only when the counter would overflow (nobody drained it for
/// 2^64 - 1 signals), which leaves it readable anyway.
void signal_event_fd(int fd) noexcept;

/// Reads (resets) the counter. @return whether it had been signalled.
bool drain_event_fd(int fd) noexcept;

} // namespace cmrd::common
