// SPDX-License-Identifier: GPL-2.0-or-later
// cmrd: the daemon's thin main. Everything else lives in the cmrd-core library
// (daemon/service/daemon.hpp and the areas it assembles), so tests link the same code.

#include <csignal>
#include <cstdio>
#include <exception>

#include "events/journal_sink.hpp"
#include "log.hpp"
#include "service/daemon.hpp"
#include "service/options.hpp"

int main(int argc, char** argv)
{
    // Logs go to stderr when journald is absent: a closed pipe there must not end the daemon.
    std::signal(SIGPIPE, SIG_IGN);
    // One path for all of cmrd's messages: the journal when journald is there (with
    // SYSLOG_IDENTIFIER=cmrd), stderr with an sd-daemon "<N>" prefix otherwise.
    cmrd::common::set_log_sink(cmrd::events::log_message);
    const cmrd::service::ParsedOptions parsed = cmrd::service::parse_options(argc, argv);
    if (!parsed.options)
        return parsed.exit_status;
    try {
        cmrd::service::Daemon daemon(*parsed.options);
        return daemon.run();
    } catch (const std::exception& e) {
        cmrd::common::log(LOG_ERR, std::string("cmrd: ") + e.what());
        return 1;
    }
}
