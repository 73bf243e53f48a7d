// SPDX-License-Identifier: GPL-2.0-or-later
#include "agents/agent_policy.hpp"

#include <cstdlib>

#include <systemd/sd-login.h>

#include "user_database.hpp"

namespace cmrd::agents {
namespace {

/// Whether logind counts @p uid as "active": logged in on a seat, in the foreground session.
bool has_active_session(uid_t uid)
{
    char* state = nullptr;
    if (sd_uid_get_state(uid, &state) < 0 || state == nullptr)
        return false;
    const bool active = std::string(state) == "active";
    std::free(state); // NOLINT(cppcoreguidelines-no-malloc): sd-login allocates with malloc
    return active;
}

} // namespace

AgentPolicy::AgentPolicy() : AgentPolicy(common::group_id("audio"), has_active_session) {}

AgentPolicy::AgentPolicy(std::optional<gid_t> audio_group, std::function<bool(uid_t)> seat_active)
    : audio_group_(audio_group), seat_active_(std::move(seat_active))
{}

std::optional<std::string> AgentPolicy::refusal(uid_t uid) const
{
    if (uid == 0 || (audio_group_ && common::in_group(uid, *audio_group_)) ||
        (seat_active_ && seat_active_(uid)))
        return std::nullopt;
    return "user " + common::user_name(uid) +
           " may not be an agent (only root, group audio and a seat's active user)";
}

} // namespace cmrd::agents
