// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file agent_policy.hpp
/// Who may be an agent: root, members of group `audio` (who may open the cards themselves
/// anyway), and the user of a seat's active session (logind: the person at the machine, whose
/// sound server uses its cards). An agent can make cmrd leave a card alone, so no one else may
/// be one. The bus policy cannot express "a seat's active user", so this check is cmrd's own.

#include <functional>
#include <optional>
#include <string>

#include <sys/types.h>

namespace cmrd::agents {

class AgentPolicy {
public:
    /// The system's: group `audio` from the user database, seats from logind.
    AgentPolicy();
    /// For tests: @p audio_group, and @p seat_active saying whether a uid has an active session.
    AgentPolicy(std::optional<gid_t> audio_group, std::function<bool(uid_t)> seat_active);

    /// nullopt when @p uid may be an agent; else why not (for the refusal and the journal).
    [[nodiscard]] std::optional<std::string> refusal(uid_t uid) const;

private:
    std::optional<gid_t> audio_group_;
    std::function<bool(uid_t)> seat_active_;
};

} // namespace cmrd::agents
