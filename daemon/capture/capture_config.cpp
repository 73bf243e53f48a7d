// SPDX-License-Identifier: GPL-2.0-or-later
#include "capture/capture_config.hpp"

#include "devices/pcm_holders.hpp"

namespace cmrd::capture {

std::string default_pcm_name(const std::string& card_id)
{
    return "hw:CARD=" + card_id + ",DEV=0";
}

int card_of(const CaptureConfig& config)
{
    if (config.card_index >= 0)
        return config.card_index;
    return devices::card_index_of_pcm(config.pcm).value_or(-1);
}

} // namespace cmrd::capture
