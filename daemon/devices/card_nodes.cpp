// SPDX-License-Identifier: GPL-2.0-or-later
#include "devices/card_nodes.hpp"

#include <cerrno>

#include <unistd.h>

namespace cmrd::devices {

std::string control_node_path(int number)
{
    return "/dev/snd/controlC" + std::to_string(number);
}

int control_node_access_error(int number)
{
    // access() checks the real ids, which are the effective ones for a daemon (never setuid).
    // Not faccessat(): umockdev's preload library redirects access() into its testbed but not
    // faccessat(), and the tests need the redirection.
    if (access(control_node_path(number).c_str(), R_OK | W_OK) == 0)
        return 0;
    return errno;
}

} // namespace cmrd::devices
