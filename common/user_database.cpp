// SPDX-License-Identifier: GPL-2.0-or-later
#include "user_database.hpp"

#include <algorithm>

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

namespace cmrd::common {
namespace {

std::vector<char> entry_buffer(int which)
{
    const long size = ::sysconf(which);
    return std::vector<char>(static_cast<std::size_t>(size > 0 ? size : 16384));
}

} // namespace

std::string user_name(uid_t uid)
{
    std::vector<char> buffer = entry_buffer(_SC_GETPW_R_SIZE_MAX);
    passwd entry{};
    passwd* found = nullptr;
    if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr)
        return entry.pw_name;
    return std::to_string(uid);
}

std::vector<gid_t> groups_of(uid_t uid)
{
    std::vector<char> buffer = entry_buffer(_SC_GETPW_R_SIZE_MAX);
    passwd entry{};
    passwd* found = nullptr;
    if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr)
        return {};
    int count = 32;
    std::vector<gid_t> groups(static_cast<std::size_t>(count));
    while (::getgrouplist(entry.pw_name, entry.pw_gid, groups.data(), &count) < 0)
        groups.resize(static_cast<std::size_t>(count)); // count now holds the size needed
    groups.resize(static_cast<std::size_t>(count));
    return groups;
}

bool in_group(uid_t uid, gid_t gid)
{
    const std::vector<gid_t> groups = groups_of(uid);
    return std::find(groups.begin(), groups.end(), gid) != groups.end();
}

std::optional<gid_t> group_id(const std::string& name)
{
    std::vector<char> buffer = entry_buffer(_SC_GETGR_R_SIZE_MAX);
    group entry{};
    group* found = nullptr;
    if (::getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 ||
        found == nullptr)
        return std::nullopt;
    return entry.gr_gid;
}

} // namespace cmrd::common
