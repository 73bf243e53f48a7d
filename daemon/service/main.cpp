// SPDX-License-Identifier: GPL-2.0-or-later
// cmrd: the daemon's thin main. Everything else lives in the cmrd-core library
// (daemon/service/daemon.hpp and the areas it assembles), so tests link the same code.

#include <csignal>
#include <cstdio>
#include <exception>

#include "service/daemon.hpp"
#include "service/log.hpp"
#include "service/options.hpp"

int main(int argc, char** argv)
{
    // Logs go to stderr when journald is absent: a closed pipe there must not end the daemon.
    std::signal(SIGPIPE, SIG_IGN);
    const cmrd::service::ParsedOptions parsed = cmrd::service::parse_options(argc, argv);
    if (!parsed.options)
        return parsed.exit_status;
    try {
        cmrd::service::Daemon daemon(*parsed.options);
        return daemon.run();
    } catch (const std::exception& e) {
        cmrd::service::log(LOG_ERR, std::string("cmrd: ") + e.what());
        return 1;
    }
}
