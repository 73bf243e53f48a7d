// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file admin_check.hpp
/// Who may call administrative methods (Reload). The bus policy refuses others already; cmrd
/// checks again, so a permissive bus (a session bus, a policy edited by hand) does not open
/// administration to everyone.

#include <optional>
#include <span>
#include <string>

#include <sys/types.h>

namespace cmrd::service {

/// Root always; members of @p admin_group (by primary or supplementary gid) too.
struct AdminPolicy {
    std::optional<gid_t> admin_group;

    [[nodiscard]] bool allows(uid_t uid, gid_t gid, std::span<const gid_t> groups) const;
};

/// The policy for a group name ("" = root only). @throws std::runtime_error when the group
/// does not exist (a misconfiguration cmrd refuses to guess about).
[[nodiscard]] AdminPolicy admin_policy_for_group(const std::string& group_name);

} // namespace cmrd::service
