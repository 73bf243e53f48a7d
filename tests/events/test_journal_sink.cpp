// SPDX-License-Identifier: GPL-2.0-or-later
// Journal output: the fields of an event, the choice between journal and stderr, and the
// datagrams libsystemd really sends. sd_journal_sendv always sends to
// /run/systemd/journal/socket, so that test runs in a child process with a private mount
// namespace and a tmpfs over /run, where it binds the socket itself (as root, or in a user
// namespace as anyone; skipped when neither is allowed).

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "events/journal_fields.hpp"
#include "events/journal_sink.hpp"
#include "events_test_support.hpp"

namespace cmrd::events {
namespace {

using Fields = std::multimap<std::string, std::string>;

/// Parses a journal native-protocol datagram: "KEY=value\n", or for values with newlines
/// "KEY\n" + 64-bit little-endian length + value + "\n".
Fields parse_datagram(const std::string& d)
{
    Fields fields;
    std::size_t at = 0;
    while (at < d.size()) {
        const std::size_t newline = d.find('\n', at);
        const std::size_t equals = d.find('=', at);
        if (newline == std::string::npos) {
            ADD_FAILURE() << "datagram does not end in a newline";
            break;
        }
        if (equals < newline) {
            fields.emplace(d.substr(at, equals - at), d.substr(equals + 1, newline - equals - 1));
            at = newline + 1;
            continue;
        }
        std::uint64_t length = 0;
        for (int i = 7; i >= 0; --i)
            length = length << 8 | static_cast<unsigned char>(d.at(newline + 1 + i));
        fields.emplace(d.substr(at, newline - at), d.substr(newline + 9, length));
        at = newline + 9 + length;
        EXPECT_EQ(d.at(at), '\n');
        ++at;
    }
    return fields;
}

std::string only(const Fields& fields, const std::string& key)
{
    EXPECT_EQ(fields.count(key), 1U) << key;
    auto it = fields.find(key);
    return it == fields.end() ? std::string() : it->second;
}

/// A ground loop with some figures unmeasured (they must not appear as fields).
Event partly_measured_event()
{
    Event event = test::ground_loop_event(true, 1747750387123456);
    event.sequence = 17;
    event.figures.symmetry.clear();
    event.figures.value.reset();
    return event;
}

/// A pipe standing in for stderr; read() returns what was written so far.
class StderrPipe {
public:
    StderrPipe()
    {
        if (::pipe2(fds_, O_CLOEXEC | O_NONBLOCK) != 0)
            throw std::system_error(errno, std::generic_category(), "pipe2");
    }
    ~StderrPipe()
    {
        ::close(fds_[0]);
        ::close(fds_[1]);
    }
    StderrPipe(const StderrPipe&) = delete;
    StderrPipe& operator=(const StderrPipe&) = delete;
    StderrPipe(StderrPipe&&) = delete;
    StderrPipe& operator=(StderrPipe&&) = delete;

    [[nodiscard]] int write_fd() const { return fds_[1]; }
    std::string read()
    {
        std::string text;
        std::array<char, 4096> block{};
        ssize_t n = 0;
        while ((n = ::read(fds_[0], block.data(), block.size())) > 0)
            text.append(block.data(), static_cast<std::size_t>(n));
        return text;
    }

private:
    int fds_[2] = {-1, -1};
};

int bound_datagram_socket(const std::string& path)
{
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (fd < 0 || path.size() >= sizeof address.sun_path)
        return -1;
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

TEST(JournalFields, EventFieldsWithOnlyTheMeasuredFigures)
{
    const Fields fields = [] {
        Fields f;
        for (const std::string& kv : event_journal_fields(partly_measured_event()))
            f.emplace(kv.substr(0, kv.find('=')), kv.substr(kv.find('=') + 1));
        return f;
    }();
    EXPECT_EQ(only(fields, "MESSAGE"), "desk 1/2: ground loop raised, common-mode hum -35.2 dBFS");
    EXPECT_EQ(only(fields, "MESSAGE_ID"), message_id_raised);
    EXPECT_EQ(only(fields, "PRIORITY"), "4");
    EXPECT_EQ(only(fields, "CMRD_SEQ"), "17");
    EXPECT_EQ(only(fields, "CMRD_TIME_US"), "1747750387123456");
    EXPECT_EQ(only(fields, "CMRD_MAINS_HZ"), "50.013");
    EXPECT_EQ(only(fields, "CMRD_CMRR_DB"), "25.95");
    EXPECT_EQ(fields.count("CMRD_SYMMETRY"), 0U);
    EXPECT_EQ(fields.count("CMRD_VALUE"), 0U);

    Event cleared = partly_measured_event();
    cleared.raised = false;
    cleared.alarm = cmr::AlarmKind::hum;
    cleared.figures = {};
    Fields c;
    for (const std::string& kv : event_journal_fields(cleared))
        c.emplace(kv.substr(0, kv.find('=')), kv.substr(kv.find('=') + 1));
    EXPECT_EQ(only(c, "MESSAGE_ID"), message_id_cleared);
    EXPECT_EQ(only(c, "PRIORITY"), "5");
    EXPECT_EQ(only(c, "CMRD_ALARM"), "hum");
    EXPECT_EQ(only(c, "CMRD_ACTION"), "cleared");
    for (const char* key : {"CMRD_MAINS_HZ", "CMRD_HUM_DBFS", "CMRD_CM_HUM_DBFS", "CMRD_CMRR_DB",
                            "CMRD_CMRR_KIND", "CMRD_SYMMETRY", "CMRD_VALUE"})
        EXPECT_EQ(c.count(key), 0U) << key;
}

TEST(JournalSink, WithoutJournaldRecordsGoToStderrWithPriorityPrefix)
{
    test::TempDir dir;
    StderrPipe err;
    const JournalSink sink(dir.path() / "no-socket", err.write_fd());
    EXPECT_FALSE(sink.journal_available());
    sink.event(partly_measured_event());
    Event cleared = partly_measured_event();
    cleared.raised = false;
    sink.event(cleared);
    sink.message(LOG_ERR, "cannot open hw:CARD=UMC1820,DEV=0\nsecond line");
    sink.message(42, "clamped");
    EXPECT_EQ(err.read(), "<4>desk 1/2: ground loop raised, common-mode hum -35.2 dBFS\n"
                          "<5>desk 1/2: ground loop cleared, common-mode hum -35.2 dBFS\n"
                          "<3>cannot open hw:CARD=UMC1820,DEV=0\n<3>second line\n"
                          "<7>clamped\n");
}

TEST(JournalSink, OnlyASocketMeansJournaldIsThere)
{
    test::TempDir dir;
    test::append_raw(dir.path() / "plain", "x");
    EXPECT_FALSE(JournalSink(dir.path() / "plain").journal_available());
    const int fd = bound_datagram_socket((dir.path() / "socket").string());
    ASSERT_GE(fd, 0);
    EXPECT_TRUE(JournalSink(dir.path() / "socket").journal_available());
    ::close(fd);
}

// --- the real datagrams, in a private mount namespace ---------------------------------------

/// Records the child sends to the parent: a type byte, a 32-bit length, the bytes.
enum class Record : char { skip = 'S', failure = 'F', datagram = 'D', stderr_text = 'E' };

void send_record(int fd, Record type, const std::string& bytes)
{
    const auto length = static_cast<std::uint32_t>(bytes.size());
    std::string record(1, static_cast<char>(type));
    record.append(reinterpret_cast<const char*>(&length), sizeof length);
    record += bytes;
    if (::write(fd, record.data(), record.size()) != static_cast<ssize_t>(record.size()))
        ::_exit(3);
}

bool write_text(const char* path, const std::string& text)
{
    std::ofstream out(path);
    out << text;
    out.flush();
    return static_cast<bool>(out);
}

/// Gives this process its own mount namespace (as root; otherwise inside a new user
/// namespace). Returns an empty string, or why it could not.
std::string enter_private_mount_namespace()
{
    if (::unshare(CLONE_NEWNS) == 0)
        return {};
    const std::string as_root = test::errno_message(errno);
    const uid_t uid = ::getuid();
    const gid_t gid = ::getgid();
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
        return "unshare(CLONE_NEWNS): " + as_root +
               "; unshare(CLONE_NEWUSER | CLONE_NEWNS): " + test::errno_message(errno);
    if (!write_text("/proc/self/setgroups", "deny") ||
        !write_text("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1") ||
        !write_text("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1"))
        return "cannot map ids in the user namespace";
    return {};
}

[[noreturn]] void journal_child(int report_fd)
{
    if (std::string why = enter_private_mount_namespace(); !why.empty()) {
        send_record(report_fd, Record::skip, "no private mount namespace: " + why);
        ::_exit(0);
    }
    // Nothing mounted here may reach the host's mount table.
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        send_record(report_fd, Record::failure,
                    std::string("making mounts private: ") + test::errno_message(errno));
        ::_exit(0);
    }
    if (::mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0) {
        send_record(report_fd, Record::skip,
                    std::string("cannot mount a tmpfs on /run: ") + test::errno_message(errno));
        ::_exit(0);
    }
    ::mkdir("/run/systemd", 0755);
    ::mkdir("/run/systemd/journal", 0755);
    const int journal = bound_datagram_socket(default_journal_socket);
    if (journal < 0) {
        send_record(report_fd, Record::failure,
                    std::string("binding the journal socket: ") + test::errno_message(errno));
        ::_exit(0);
    }
    const timeval timeout{5, 0};
    ::setsockopt(journal, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);

    StderrPipe err;
    const JournalSink sink(default_journal_socket, err.write_fd());
    sink.event(partly_measured_event());
    sink.message(LOG_ERR, "first line\nsecond line");
    for (int i = 0; i < 2; ++i) {
        std::string datagram(std::size_t{256} * 1024, '\0');
        const ssize_t n = ::recv(journal, datagram.data(), datagram.size(), 0);
        if (n < 0) {
            send_record(report_fd, Record::failure,
                        std::string("no datagram from sd_journal_sendv: ") +
                            test::errno_message(errno));
            ::_exit(0);
        }
        datagram.resize(static_cast<std::size_t>(n));
        send_record(report_fd, Record::datagram, datagram);
    }
    send_record(report_fd, Record::stderr_text, err.read());
    // journald goes away: the next record goes to stderr.
    ::unlink(default_journal_socket);
    sink.message(LOG_INFO, "after journald left");
    send_record(report_fd, Record::stderr_text, err.read());
    ::_exit(0);
}

TEST(JournalSink, SendsStructuredRecordsToJournaldAndNothingToStderr)
{
    int fds[2];
    ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(fds[0]);
        journal_child(fds[1]);
    }
    ::close(fds[1]);
    std::string bytes;
    std::array<char, 65536> block{};
    ssize_t n = 0;
    while ((n = ::read(fds[0], block.data(), block.size())) > 0)
        bytes.append(block.data(), static_cast<std::size_t>(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;

    std::vector<std::pair<Record, std::string>> records;
    for (std::size_t at = 0; at + 5 <= bytes.size();) {
        std::uint32_t length = 0;
        std::memcpy(&length, bytes.data() + at + 1, sizeof length);
        records.emplace_back(static_cast<Record>(bytes[at]), bytes.substr(at + 5, length));
        at += 5 + length;
    }
    ASSERT_FALSE(records.empty());
    if (records[0].first == Record::skip)
        GTEST_SKIP() << records[0].second;
    ASSERT_NE(records[0].first, Record::failure) << records[0].second;
    ASSERT_EQ(records.size(), 4U);

    ASSERT_EQ(records[0].first, Record::datagram);
    const Fields event = parse_datagram(records[0].second);
    EXPECT_EQ(only(event, "MESSAGE"), "desk 1/2: ground loop raised, common-mode hum -35.2 dBFS");
    EXPECT_EQ(only(event, "MESSAGE_ID"), message_id_raised);
    EXPECT_EQ(only(event, "PRIORITY"), "4");
    EXPECT_EQ(only(event, "SYSLOG_IDENTIFIER"), "cmrd");
    EXPECT_EQ(only(event, "CMRD_DEVICE"), "desk");
    EXPECT_EQ(only(event, "CMRD_CHANNEL"), "1/2");
    EXPECT_EQ(only(event, "CMRD_ALARM"), "ground_loop");
    EXPECT_EQ(only(event, "CMRD_ACTION"), "raised");
    EXPECT_EQ(only(event, "CMRD_SEQ"), "17");
    EXPECT_EQ(only(event, "CMRD_MAINS_HZ"), "50.013");
    EXPECT_EQ(only(event, "CMRD_HUM_DBFS"), "-61.25");
    EXPECT_EQ(only(event, "CMRD_CM_HUM_DBFS"), "-35.2");
    EXPECT_EQ(only(event, "CMRD_CMRR_DB"), "25.95");
    EXPECT_EQ(only(event, "CMRD_CMRR_KIND"), "measured");
    EXPECT_EQ(event.count("CMRD_SYMMETRY"), 0U);
    EXPECT_EQ(event.count("CMRD_VALUE"), 0U);

    ASSERT_EQ(records[1].first, Record::datagram);
    const Fields message = parse_datagram(records[1].second);
    EXPECT_EQ(only(message, "MESSAGE"), "first line\nsecond line"); // the binary-safe form
    EXPECT_EQ(only(message, "PRIORITY"), "3");
    EXPECT_EQ(only(message, "SYSLOG_IDENTIFIER"), "cmrd");

    ASSERT_EQ(records[2].first, Record::stderr_text);
    EXPECT_EQ(records[2].second, "") << "a record went to the journal and to stderr";
    ASSERT_EQ(records[3].first, Record::stderr_text);
    EXPECT_EQ(records[3].second, "<6>after journald left\n");
}

} // namespace
} // namespace cmrd::events
