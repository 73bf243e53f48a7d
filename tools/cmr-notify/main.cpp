// SPDX-License-Identifier: GPL-2.0-or-later
// cmr-notify: desktop notifications of cmrd's alarms. The thin main; the work is in
// notify_app.hpp and the pieces it assembles.

#include <exception>
#include <string>

#include "log.hpp"
#include "notify_app.hpp"
#include "options.hpp"

int main(int argc, char** argv)
{
    cmrd::common::set_log_name("cmr-notify");
    const cmrnotify::ParsedOptions parsed = cmrnotify::parse_options(argc, argv);
    if (!parsed.options)
        return parsed.exit_status;
    try {
        cmrnotify::NotifyApp app(*parsed.options);
        return app.run();
    } catch (const cmrnotify::AlreadyRunning& e) {
        // Not a failure: the unit and the autostart file may both start cmr-notify.
        cmrd::common::log(LOG_NOTICE, e.what());
        return 0;
    } catch (const std::exception& e) {
        cmrd::common::log(LOG_ERR, e.what());
        return 1;
    }
}
