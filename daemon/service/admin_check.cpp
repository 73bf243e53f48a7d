// SPDX-License-Identifier: GPL-2.0-or-later
#include "service/admin_check.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

namespace cmrd::service {
namespace {

/// The groups of @p uid per the user database (primary included); empty if unknown.
std::vector<gid_t> groups_of(uid_t uid)
{
    long size = ::sysconf(_SC_GETPW_R_SIZE_MAX);
    std::vector<char> buffer(static_cast<std::size_t>(size > 0 ? size : 16384));
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

} // namespace

bool AdminPolicy::allows(uid_t uid) const
{
    if (uid == 0)
        return true;
    if (!admin_group)
        return false;
    const std::vector<gid_t> groups = groups_of(uid);
    return std::find(groups.begin(), groups.end(), *admin_group) != groups.end();
}

AdminPolicy admin_policy_for_group(const std::string& group_name)
{
    if (group_name.empty())
        return {};
    long size = ::sysconf(_SC_GETGR_R_SIZE_MAX);
    std::vector<char> buffer(static_cast<std::size_t>(size > 0 ? size : 16384));
    group entry{};
    group* found = nullptr;
    if (::getgrnam_r(group_name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 ||
        found == nullptr)
        throw std::runtime_error("administrator group '" + group_name + "' does not exist");
    return AdminPolicy{entry.gr_gid};
}

} // namespace cmrd::service
