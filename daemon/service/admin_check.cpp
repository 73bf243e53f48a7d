// SPDX-License-Identifier: GPL-2.0-or-later
#include "service/admin_check.hpp"

#include <stdexcept>

#include "user_database.hpp"

namespace cmrd::service {

bool AdminPolicy::allows(uid_t uid) const
{
    if (uid == 0)
        return true;
    return admin_group && common::in_group(uid, *admin_group);
}

AdminPolicy admin_policy_for_group(const std::string& group_name)
{
    if (group_name.empty())
        return {};
    const std::optional<gid_t> gid = common::group_id(group_name);
    if (!gid)
        throw std::runtime_error("administrator group '" + group_name + "' does not exist");
    return AdminPolicy{*gid};
}

} // namespace cmrd::service
