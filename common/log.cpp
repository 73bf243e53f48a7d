// SPDX-License-Identifier: GPL-2.0-or-later
#include "log.hpp"

#include <atomic>
#include <string>

#include <unistd.h>

namespace cmrd::common {
namespace {

std::string& log_name()
{
    static std::string name;
    return name;
}

std::atomic<LogSink>& log_sink()
{
    static std::atomic<LogSink> sink{nullptr};
    return sink;
}

} // namespace

void set_log_name(std::string_view name)
{
    log_name() = name;
}

void set_log_sink(LogSink sink)
{
    log_sink().store(sink);
}

void log(int priority, std::string_view text)
{
    const LogSink sink = log_sink().load();
    (sink != nullptr ? sink : log_to_stderr)(priority, text);
}

void log_to_stderr(int priority, std::string_view text)
{
    static const bool terminal = ::isatty(STDERR_FILENO) == 1;
    std::string line;
    if (terminal)
        line = (log_name().empty() ? std::string() : log_name() + ": ") + std::string(text) + "\n";
    else
        line = "<" + std::to_string(priority) + ">" + std::string(text) + "\n";
    // Best effort: there is nowhere else to report a failed write of a log line.
    [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, line.data(), line.size());
}

} // namespace cmrd::common
