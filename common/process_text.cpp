// SPDX-License-Identifier: GPL-2.0-or-later
#include "process_text.hpp"

namespace cmrd::common {

std::string process_text(pid_t pid, const std::string& command, const std::string& user)
{
    std::string id = "PID " + std::to_string(pid);
    if (command.empty())
        return id;
    return command + " (" + id + (user.empty() ? "" : ", " + user) + ")";
}

} // namespace cmrd::common
