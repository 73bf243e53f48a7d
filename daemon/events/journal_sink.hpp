// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file journal_sink.hpp
/// Where cmrd's log records go: to journald with structured fields when it is there (its
/// socket exists), otherwise to stderr as one line with an sd-daemon priority prefix ("<4>...",
/// see sd-daemon.h), never both. (A service's stderr reaches the journal too under systemd,
/// so a record sent both ways would appear twice.)
///
/// Records go to journald through libsystemd (sd_journal_sendv), which always uses the
/// standard socket path; the path given here only decides whether journald is there. Tests
/// that want to receive the datagrams bind that path in a private mount namespace.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "events/event.hpp"

namespace cmrd::events {

/// journald's native-protocol socket.
inline constexpr const char* default_journal_socket = "/run/systemd/journal/socket";

class JournalSink {
public:
    /// @param journal_socket whose presence (as a socket) means journald is there; checked at
    ///        every record, so the choice follows journald starting or going away.
    /// @param stderr_fd where records go otherwise.
    explicit JournalSink(std::filesystem::path journal_socket = default_journal_socket,
                         int stderr_fd = STDERR_FILENO);

    /// Whether records currently go to the journal.
    [[nodiscard]] bool journal_available() const;

    /// An alarm event: the fields of event_journal_fields() to the journal, or its MESSAGE
    /// with event_priority()'s prefix to stderr.
    void event(const Event& event) const;

    /// Any other message, with SYSLOG_IDENTIFIER=cmrd. @p priority is a syslog level (LOG_ERR,
    /// LOG_WARNING, LOG_INFO ...), clamped to 0..7. On stderr each line of @p text gets the
    /// prefix.
    void message(int priority, std::string_view text) const;

private:
    /// To the journal when it is there and accepts the record, else to stderr.
    void send(const std::vector<std::string>& fields, int priority, std::string_view text) const;
    void write_stderr(int priority, std::string_view text) const;

    std::filesystem::path journal_socket_;
    int stderr_fd_;
};

/// JournalSink().event(event), for the daemon.
void log_event_to_journal(const Event& event);

/// JournalSink().message(priority, text), for the daemon's other logs.
void log_message(int priority, std::string_view text);

} // namespace cmrd::events
