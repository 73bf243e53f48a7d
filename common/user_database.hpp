// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file user_database.hpp
/// Users and groups from the user database (NSS: /etc/passwd, /etc/group, systemd-userdb...),
/// never from /proc: cmrd's unit hides other users' processes, and dbus 1.14 does not report a
/// peer's groups, so who a bus caller or a card's holder is comes from its uid alone.

#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace cmrd::common {

/// The user's name, or the uid in decimal when the database does not know it.
[[nodiscard]] std::string user_name(uid_t uid);

/// The groups of @p uid (its primary group included); empty when the user is unknown.
[[nodiscard]] std::vector<gid_t> groups_of(uid_t uid);

/// Whether @p uid is a member of @p gid (primary or supplementary).
[[nodiscard]] bool in_group(uid_t uid, gid_t gid);

/// The id of the group named @p name; nullopt when there is no such group.
[[nodiscard]] std::optional<gid_t> group_id(const std::string& name);

} // namespace cmrd::common
