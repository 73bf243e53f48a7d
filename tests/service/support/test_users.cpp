// SPDX-License-Identifier: GPL-2.0-or-later
#include "test_users.hpp"

#include <cerrno>
#include <stdexcept>
#include <system_error>

#include <pwd.h>
#include <unistd.h>

#include "child_process.hpp"

namespace cmrd::service::testing {
namespace {

/// The user's uid and gid. @throws std::runtime_error when it does not exist
std::pair<uid_t, gid_t> ids_of(const std::string& user)
{
    passwd entry{};
    passwd* found = nullptr;
    std::vector<char> buffer(16384);
    if (::getpwnam_r(user.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 ||
        found == nullptr)
        throw std::runtime_error("no user " + user);
    return {entry.pw_uid, entry.pw_gid};
}

bool user_exists(const std::string& user)
{
    try {
        (void)ids_of(user);
        return true;
    } catch (const std::runtime_error&) {
        return false;
    }
}

} // namespace

bool running_as_root()
{
    return ::geteuid() == 0;
}

std::string my_user_name()
{
    const passwd* entry = ::getpwuid(::getuid());
    return entry != nullptr ? entry->pw_name : std::to_string(::getuid());
}

void ensure_cmrd_user(const std::filesystem::path& sysusers_snippet)
{
    if (user_exists("cmrd"))
        return;
    const CommandResult created =
        run_command({"systemd-sysusers", std::filesystem::absolute(sysusers_snippet).string()});
    if (!created.ok() || !user_exists("cmrd"))
        throw std::runtime_error("cannot create the cmrd user: " + created.describe());
}

std::vector<std::string> as_user(const std::string& user, const std::string& group)
{
    return {"setpriv", "--reuid=" + user, "--regid=" + group, "--init-groups", "--"};
}

std::vector<std::string> as_nobody()
{
    return {"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"};
}

void give_to_user(const std::filesystem::path& path, const std::string& user)
{
    const auto [uid, gid] = ids_of(user);
    auto chown_one = [uid = uid, gid = gid](const std::filesystem::path& p) {
        if (::lchown(p.c_str(), uid, gid) != 0)
            throw std::system_error(errno, std::generic_category(), "chown " + p.string());
    };
    chown_one(path);
    if (std::filesystem::is_directory(path))
        for (const auto& entry : std::filesystem::recursive_directory_iterator(path))
            chown_one(entry.path());
}

} // namespace cmrd::service::testing
