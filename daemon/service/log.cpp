// SPDX-License-Identifier: GPL-2.0-or-later
#include "service/log.hpp"

#include "events/journal_sink.hpp"

namespace cmrd::service {

void log(int priority, std::string_view text)
{
    // One path for all of cmrd's messages: the journal when journald is there (with
    // SYSLOG_IDENTIFIER=cmrd), stderr with an sd-daemon "<N>" prefix otherwise.
    events::log_message(priority, text);
}

} // namespace cmrd::service
