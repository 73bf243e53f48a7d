// SPDX-License-Identifier: GPL-2.0-or-later
#include "events/journal_sink.hpp"

#include <algorithm>
#include <cerrno>
#include <vector>

#include <sys/uio.h>
#include <syslog.h>
#include <systemd/sd-journal.h>

#include "events/event_text.hpp"
#include "events/journal_fields.hpp"

namespace cmrd::events {

JournalSink::JournalSink(std::filesystem::path journal_socket, int stderr_fd)
    : journal_socket_(std::move(journal_socket)), stderr_fd_(stderr_fd)
{}

bool JournalSink::journal_available() const
{
    std::error_code ec;
    return std::filesystem::is_socket(journal_socket_, ec);
}

void JournalSink::event(const Event& event) const
{
    send(event_journal_fields(event), event_priority(event), event_sentence(event));
}

void JournalSink::message(int priority, std::string_view text) const
{
    priority = std::clamp(priority, LOG_EMERG, LOG_DEBUG);
    std::vector<std::string> fields{"MESSAGE=" + std::string(text),
                                    "PRIORITY=" + std::to_string(priority),
                                    "SYSLOG_IDENTIFIER=" + std::string(syslog_identifier)};
    send(fields, priority, text);
}

void JournalSink::send(const std::vector<std::string>& fields, int priority,
                       std::string_view text) const
{
    if (journal_available()) {
        std::vector<iovec> iov;
        iov.reserve(fields.size());
        for (const std::string& f : fields)
            // iovec is not const-correct; sd_journal_sendv only reads.
            iov.push_back({const_cast<char*>(f.data()), f.size()});
        // A record journald refused (it went away since the check) still reaches stderr.
        if (sd_journal_sendv(iov.data(), static_cast<int>(iov.size())) >= 0)
            return;
    }
    write_stderr(priority, text);
}

void JournalSink::write_stderr(int priority, std::string_view text) const
{
    // One write for the whole record, so records from several threads do not interleave.
    const std::string prefix = "<" + std::to_string(priority) + ">";
    std::string record;
    std::size_t start = 0;
    do {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        record += prefix;
        record += text.substr(start, end - start);
        record += '\n';
        start = end + 1;
    } while (start < text.size());
    std::string_view rest(record);
    while (!rest.empty()) {
        const ssize_t n = ::write(stderr_fd_, rest.data(), rest.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; // nowhere left to report it
        rest.remove_prefix(static_cast<std::size_t>(n));
    }
}

void log_event_to_journal(const Event& event)
{
    JournalSink().event(event);
}

void log_message(int priority, std::string_view text)
{
    JournalSink().message(priority, text);
}

} // namespace cmrd::events
