// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file test_users.hpp
/// Running children as other users: cmrd as its own system user `cmrd` (the only one the
/// D-Bus policy lets own the name), clients as `nobody`. Needs root; tests that need it skip
/// otherwise, saying why.

#include <filesystem>
#include <string>
#include <vector>

namespace cmrd::service::testing {

/// Whether the test runs as root (and so can run children as other users).
[[nodiscard]] bool running_as_root();

/// The name of the user the test runs as (its uid in decimal if it has no name), as cmrd
/// names the owner of a process it sees.
[[nodiscard]] std::string my_user_name();

/// Creates the `cmrd` user from the project's sysusers.d snippet with systemd-sysusers when
/// it does not exist (on the machine itself: meant for a disposable CI machine).
/// @throws std::runtime_error when that fails
void ensure_cmrd_user(const std::filesystem::path& sysusers_snippet);

/// A command prefix running what follows as @p user with primary group @p group and the
/// user's supplementary groups from /etc/group (setpriv, which execs: the child's pid is the
/// program's).
[[nodiscard]] std::vector<std::string> as_user(const std::string& user, const std::string& group);

/// A command prefix running what follows as nobody:nogroup, with no supplementary groups.
[[nodiscard]] std::vector<std::string> as_nobody();

/// Gives @p path (recursively) to @p user and its primary group. @throws std::runtime_error
void give_to_user(const std::filesystem::path& path, const std::string& user);

} // namespace cmrd::service::testing
