// SPDX-License-Identifier: GPL-2.0-or-later
#include "client/card_holder_text.hpp"

#include "process_text.hpp"

namespace cmrctl::client {

std::string card_holder_text(const DeviceState& device)
{
    std::string text;
    if (device.holder_pid != 0)
        text = "held by " + cmrd::common::process_text(static_cast<pid_t>(device.holder_pid),
                                                       device.holder_command, device.holder_user);
    if (!device.reserved_by.empty())
        text += (text.empty() ? "reserved by " : ", reserved by ") +
                cmrd::common::reservation_text(device.reserved_by, device.reserved_priority,
                                               device.reserved_user);
    return text;
}

} // namespace cmrctl::client
