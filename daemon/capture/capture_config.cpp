// SPDX-License-Identifier: GPL-2.0-or-later
#include "capture/capture_config.hpp"

namespace cmrd::capture {

std::string default_pcm_name(const std::string& card_id)
{
    return "hw:CARD=" + card_id + ",DEV=0";
}

} // namespace cmrd::capture
