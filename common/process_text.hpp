// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file process_text.hpp
/// How cmrd and its tools name a process to people, e.g. the program holding a card, and an
/// application's reservation of a card: the same words in the journal, on `cmrctl status` and
/// in a notification.

#include <string>

#include <sys/types.h>

namespace cmrd::common {

/// "arecord (PID 1234, alice)"; "arecord (PID 1234)" without a user; "PID 1234" when the
/// command is not known.
[[nodiscard]] std::string process_text(pid_t pid, const std::string& command,
                                       const std::string& user);

/// A reservation of a card on a user's session bus (org.freedesktop.ReserveDevice1):
/// "WirePlumber (priority -20, alice's session)"; "a user's session" without a user.
[[nodiscard]] std::string reservation_text(const std::string& application, int priority,
                                           const std::string& user);

} // namespace cmrd::common
