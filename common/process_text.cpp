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

std::string reservation_text(const std::string& application, int priority, const std::string& user)
{
    return application + " (priority " + std::to_string(priority) + ", " +
           (user.empty() ? "a user" : user) + "'s session)";
}

} // namespace cmrd::common
