// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Configurations and cards for the service's unit tests, from cmrd.toml text (the form a user
// writes; parse_config() checks it as at load).

#include <string>

#include "config/config_loader.hpp"
#include "config/daemon_config.hpp"
#include "devices/card_info.hpp"

namespace cmrd::service::test {

inline config::DaemonConfig config_from(const std::string& toml)
{
    return config::parse_config(toml, "test.toml");
}

/// A card as udev shows it once ready, asking to be monitored (CMRD_MONITOR=1).
inline devices::CardInfo monitored_card(const std::string& id, int number)
{
    devices::CardInfo card;
    card.sysname = "card" + std::to_string(number);
    card.syspath = "/sys/devices/test/sound/" + card.sysname;
    card.number = number;
    card.id = id;
    card.model = id + " model";
    card.monitor = true;
    return card;
}

} // namespace cmrd::service::test
