// SPDX-License-Identifier: GPL-2.0-or-later
#include "log.hpp"

#include <cstdio>
#include <string>

#include <unistd.h>

namespace cmrnotify {

void log(int priority, std::string_view text)
{
    static const bool terminal = ::isatty(STDERR_FILENO) == 1;
    const std::string line = terminal
                                 ? "cmr-notify: " + std::string(text) + "\n"
                                 : "<" + std::to_string(priority) + ">" + std::string(text) + "\n";
    // One write per line, so lines from a restarting unit never interleave mid-line.
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

} // namespace cmrnotify
