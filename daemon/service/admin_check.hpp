// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file admin_check.hpp
/// Who may call administrative methods (Reload). The bus policy refuses others already; cmrd
/// checks again, so a permissive bus (a session bus, a policy edited by hand) does not open
/// administration to everyone.
///
/// The caller's uid comes from the bus daemon (it knows its peers' credentials). Group
/// membership is looked up in the user database (getgrouplist), not in /proc: the unit's
/// ProtectProc=invisible hides other users' processes from cmrd, and dbus 1.14 does not
/// report a peer's groups.

#include <optional>
#include <string>

#include <sys/types.h>

namespace cmrd::service {

/// Root always; members of @p admin_group too.
struct AdminPolicy {
    std::optional<gid_t> admin_group;

    /// Whether @p uid is root or, by the user database, a member of the admin group.
    [[nodiscard]] bool allows(uid_t uid) const;
};

/// The policy for a group name ("" = root only). @throws std::runtime_error when the group
/// does not exist (a misconfiguration cmrd refuses to guess about).
[[nodiscard]] AdminPolicy admin_policy_for_group(const std::string& group_name);

} // namespace cmrd::service
