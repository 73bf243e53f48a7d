// SPDX-License-Identifier: GPL-2.0-or-later
// cmrd-agent: the per-user helper between cmrd and the user's sound server. The thin main; the
// work is in agent_app.hpp and the pieces it assembles.

#include <exception>

#include "agent_app.hpp"
#include "log.hpp"
#include "options.hpp"

int main(int argc, char** argv)
{
    cmrd::common::set_log_name("cmrd-agent");
    const cmrdagent::ParsedOptions parsed = cmrdagent::parse_options(argc, argv);
    if (!parsed.options)
        return parsed.exit_status;
    try {
        cmrdagent::AgentApp app(*parsed.options);
        return app.run();
    } catch (const std::exception& e) {
        cmrd::common::log(LOG_ERR, e.what());
        return 1;
    }
}
