// SPDX-License-Identifier: GPL-2.0-or-later
#include "service/admin_check.hpp"

#include <algorithm>
#include <stdexcept>

#include <grp.h>

namespace cmrd::service {

bool AdminPolicy::allows(uid_t uid, gid_t gid, std::span<const gid_t> groups) const
{
    if (uid == 0)
        return true;
    if (!admin_group)
        return false;
    return gid == *admin_group ||
           std::find(groups.begin(), groups.end(), *admin_group) != groups.end();
}

AdminPolicy admin_policy_for_group(const std::string& group_name)
{
    if (group_name.empty())
        return {};
    const group* entry = ::getgrnam(group_name.c_str());
    if (entry == nullptr)
        throw std::runtime_error("administrator group '" + group_name + "' does not exist");
    return AdminPolicy{entry->gr_gid};
}

} // namespace cmrd::service
