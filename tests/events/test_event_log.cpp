// SPDX-License-Identifier: GPL-2.0-or-later
// The event log on real files: reopening, repair of torn and malformed lines, the size bound,
// since(), write failures (a real file size limit) and the single-writer lock.

#include <cerrno>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstring>
#include <system_error>

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "events/event_codec.hpp"
#include "events/event_log.hpp"
#include "events_test_support.hpp"

namespace cmrd::events {
namespace {

constexpr std::int64_t all_time = std::numeric_limits<std::int64_t>::min();

std::filesystem::path current_file(const test::TempDir& dir)
{
    return dir.path() / EventLog::current_file_name;
}

std::filesystem::path rotated_file(const test::TempDir& dir)
{
    return dir.path() / EventLog::rotated_file_name;
}

std::uintmax_t size_or_zero(const std::filesystem::path& path)
{
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    return ec ? 0 : size;
}

/// Every line of the file parses; returns their events.
std::vector<Event> events_in(const std::filesystem::path& path)
{
    std::vector<Event> events;
    const std::string text = test::read_file(path);
    EXPECT_TRUE(text.empty() || text.back() == '\n') << path;
    for (const std::string& line : test::split_lines(text)) {
        ParseResult parsed = parse_event_line(line);
        if (const auto* error = std::get_if<ParseError>(&parsed))
            ADD_FAILURE() << path << ": " << error->message;
        else
            events.push_back(std::get<Event>(parsed));
    }
    return events;
}

std::vector<std::uint64_t> sequences(const std::vector<Event>& events)
{
    std::vector<std::uint64_t> seqs;
    seqs.reserve(events.size());
    for (const Event& event : events)
        seqs.push_back(event.sequence);
    return seqs;
}

std::string lines_of(const std::vector<Event>& events)
{
    std::string text;
    for (const Event& event : events)
        text += to_json_line(event) + "\n";
    return text;
}

bool any_warning_contains(const EventLog& log, const std::string& text)
{
    for (const std::string& w : log.warnings())
        if (w.find(text) != std::string::npos)
            return true;
    return false;
}

TEST(EventLog, ReopenKeepsEverythingAndTheSequenceContinues)
{
    test::TempDir dir;
    std::vector<Event> stored;
    {
        EventLog log(dir.path() / "state"); // created when missing
        for (int i = 0; i < 5; ++i)
            stored.push_back(log.append(test::ground_loop_event(i % 2 == 0, 1000 + i)));
        EXPECT_TRUE(log.warnings().empty());
    }
    EXPECT_EQ(sequences(stored), (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
    EventLog log(dir.path() / "state");
    EXPECT_TRUE(log.warnings().empty());
    EXPECT_EQ(lines_of(test::since(log, all_time)), lines_of(stored));
    EXPECT_EQ(log.next_sequence(), 6U);
    EXPECT_EQ(log.append(test::ground_loop_event()).sequence, 6U);
    EXPECT_EQ(sequences(events_in(dir.path() / "state" / EventLog::current_file_name)),
              (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6}));
}

TEST(EventLog, AssignsSequenceAndTimeAndWritesWhatItReturns)
{
    test::TempDir dir;
    EventLog log(dir.path());
    Event event = test::ground_loop_event(true, 0);
    event.sequence = 999; // the log owns the sequence
    const auto before = std::chrono::system_clock::now();
    const Event stored = log.append(event);
    const auto after = std::chrono::system_clock::now();
    EXPECT_EQ(stored.sequence, 1U);
    using std::chrono::duration_cast;
    using std::chrono::microseconds;
    EXPECT_GE(stored.time_us, duration_cast<microseconds>(before.time_since_epoch()).count());
    EXPECT_LE(stored.time_us, duration_cast<microseconds>(after.time_since_epoch()).count());
    EXPECT_EQ(log.append(test::ground_loop_event(false, 42)).time_us, 42); // given time kept
    EXPECT_EQ(test::read_file(current_file(dir)), lines_of(test::since(log, all_time)));
    EXPECT_EQ(to_json_line(test::since(log, all_time).front()), to_json_line(stored));
}

TEST(EventLog, TornLastLineIsCutOffAndReported)
{
    test::TempDir dir;
    {
        EventLog log(dir.path());
        for (int i = 0; i < 3; ++i)
            log.append(test::ground_loop_event(true, 10 + i));
    }
    const std::uintmax_t intact = size_or_zero(current_file(dir));
    Event next = test::ground_loop_event(true, 13);
    next.sequence = 4;
    const std::string line = to_json_line(next);
    test::append_raw(current_file(dir), line.substr(0, line.size() / 2)); // a write cut short

    EventLog log(dir.path());
    ASSERT_EQ(log.warnings().size(), 1U);
    EXPECT_NE(log.warnings()[0].find(current_file(dir).string()), std::string::npos);
    EXPECT_NE(log.warnings()[0].find("no newline"), std::string::npos) << log.warnings()[0];
    EXPECT_EQ(size_or_zero(current_file(dir)), intact);
    EXPECT_EQ(sequences(test::since(log, all_time)), (std::vector<std::uint64_t>{1, 2, 3}));
    EXPECT_EQ(log.append(test::ground_loop_event()).sequence, 4U);
    EXPECT_EQ(sequences(events_in(current_file(dir))), (std::vector<std::uint64_t>{1, 2, 3, 4}));
}

TEST(EventLog, PowerLossZerosAtTheEndAreCutOff)
{
    test::TempDir dir;
    {
        EventLog log(dir.path());
        log.append(test::ground_loop_event(true, 1));
    }
    test::append_raw(current_file(dir), std::string(4096, '\0'));
    EventLog log(dir.path());
    EXPECT_TRUE(any_warning_contains(log, "4096 bytes"))
        << ::testing::PrintToString(log.warnings());
    EXPECT_EQ(sequences(events_in(current_file(dir))), (std::vector<std::uint64_t>{1}));
}

TEST(EventLog, InvalidLastLineWithNewlineIsCutOff)
{
    test::TempDir dir;
    {
        EventLog log(dir.path());
        log.append(test::ground_loop_event(true, 1));
        log.append(test::ground_loop_event(false, 2));
    }
    test::append_raw(current_file(dir), "{\"seq\":3,\"time_us\":\n");
    EventLog log(dir.path());
    ASSERT_EQ(log.warnings().size(), 1U);
    EXPECT_NE(log.warnings()[0].find("last line (3) is not an event"), std::string::npos)
        << log.warnings()[0];
    EXPECT_EQ(log.append(test::ground_loop_event()).sequence, 3U);
    EXPECT_EQ(sequences(events_in(current_file(dir))), (std::vector<std::uint64_t>{1, 2, 3}));
}

TEST(EventLog, MalformedMiddleLineIsSkippedWithFileAndLine)
{
    test::TempDir dir;
    std::vector<Event> events;
    for (std::uint64_t seq = 1; seq <= 4; ++seq) {
        events.push_back(test::ground_loop_event(seq % 2 == 1, static_cast<std::int64_t>(seq)));
        events.back().sequence = seq;
    }
    test::append_raw(current_file(dir), to_json_line(events[0]) + "\n" + to_json_line(events[1]) +
                                            "\n{not json\n" + to_json_line(events[2]) + "\n" +
                                            to_json_line(events[3]) + "\n");
    EventLog log(dir.path());
    ASSERT_EQ(log.warnings().size(), 1U);
    EXPECT_NE(log.warnings()[0].find(current_file(dir).string() + ":3: not valid JSON"),
              std::string::npos)
        << log.warnings()[0];
    EXPECT_EQ(sequences(test::since(log, all_time)), (std::vector<std::uint64_t>{1, 2, 3, 4}));
    EXPECT_EQ(log.next_sequence(), 5U);
}

TEST(EventLog, NumbersNoEventCanHoldAreSkippedLinesNotAFailedStart)
{
    // #12 finding 2: "time_us":1e999 ended cmrd at start; a seq of 2^64-1 wrapped the next.
    test::TempDir dir;
    Event first = test::ground_loop_event(true, 1);
    first.sequence = 7;
    std::string huge_time = to_json_line(first);
    huge_time.replace(huge_time.find("\"time_us\":"), std::string("\"time_us\":1").size(),
                      "\"time_us\":1e999,\"x\":");
    std::string huge_seq = to_json_line(first);
    huge_seq.replace(0, std::string("{\"seq\":7").size(), "{\"seq\":18446744073709551615");
    Event second = test::ground_loop_event(false, 2);
    second.sequence = 8;
    // A good line last: a damaged last line is taken for an interrupted write and cut off.
    test::append_raw(current_file(dir), to_json_line(first) + "\n" + huge_time + "\n" + huge_seq +
                                            "\n" + to_json_line(second) + "\n");
    EventLog log(dir.path());
    ASSERT_EQ(log.warnings().size(), 2U);
    EXPECT_NE(log.warnings()[0].find(":2: not valid JSON"), std::string::npos) << log.warnings()[0];
    EXPECT_NE(log.warnings()[1].find(":3: \"seq\""), std::string::npos) << log.warnings()[1];
    EXPECT_EQ(sequences(test::since(log, all_time)), (std::vector<std::uint64_t>{7, 8}));
    EXPECT_EQ(log.next_sequence(), 9U);
}

TEST(EventLog, DamageInTheRotatedFileIsSkippedNotRepaired)
{
    test::TempDir dir;
    std::vector<Event> events;
    for (std::uint64_t seq = 1; seq <= 3; ++seq) {
        events.push_back(test::ground_loop_event(true, static_cast<std::int64_t>(seq)));
        events.back().sequence = seq;
    }
    const std::string rotated =
        to_json_line(events[0]) + "\n\"just a string\"\n" + to_json_line(events[1]) + "\n{\"seq\":";
    test::append_raw(rotated_file(dir), rotated);
    test::append_raw(current_file(dir), to_json_line(events[2]) + "\n");
    EventLog log(dir.path());
    ASSERT_EQ(log.warnings().size(), 2U) << ::testing::PrintToString(log.warnings());
    EXPECT_TRUE(any_warning_contains(log, rotated_file(dir).string() + ":2: not a JSON object"));
    EXPECT_TRUE(
        any_warning_contains(log, rotated_file(dir).string() + ": last line has no newline"));
    EXPECT_EQ(test::read_file(rotated_file(dir)), rotated);
    EXPECT_EQ(sequences(test::since(log, all_time)), (std::vector<std::uint64_t>{1, 2, 3}));
    EXPECT_EQ(log.append(test::ground_loop_event()).sequence, 4U);
}

TEST(EventLog, StaysWithinItsSizeAndKeepsTheNewest)
{
    test::TempDir dir;
    constexpr std::size_t max_bytes = 8192;
    const std::size_t line_size = to_json_line(test::ground_loop_event(true, 1)).size() + 1;
    std::size_t most_on_disk = 0;
    {
        EventLog log(dir.path(), max_bytes);
        for (std::uint64_t i = 1; i <= 500; ++i) {
            ASSERT_EQ(log.append(test::ground_loop_event(i % 2 == 1, 1)).sequence, i);
            const std::uintmax_t on_disk =
                size_or_zero(current_file(dir)) + size_or_zero(rotated_file(dir));
            ASSERT_LE(on_disk, max_bytes) << "after event " << i;
            most_on_disk = std::max<std::size_t>(most_on_disk, on_disk);
            // Memory holds what the files hold, no more.
            if (i % 50 == 0) {
                std::vector<Event> files = events_in(rotated_file(dir));
                for (Event& e : events_in(current_file(dir)))
                    files.push_back(e);
                ASSERT_EQ(lines_of(test::since(log, all_time)), lines_of(files))
                    << "after event " << i;
            }
        }
    }
    // Rotation throws away no more than it must: the two files are nearly full at their peak.
    EXPECT_GE(most_on_disk, max_bytes - 2 * line_size);
    EventLog log(dir.path(), max_bytes);
    EXPECT_TRUE(log.warnings().empty());
    const std::vector<std::uint64_t> kept = sequences(test::since(log, all_time));
    ASSERT_FALSE(kept.empty());
    EXPECT_EQ(kept.back(), 500U);
    EXPECT_GE(kept.size(), (max_bytes / 2 - line_size) / line_size);
    for (std::size_t i = 1; i < kept.size(); ++i)
        ASSERT_EQ(kept[i], kept[i - 1] + 1);
    EXPECT_EQ(log.append(test::ground_loop_event()).sequence, 501U);
}

TEST(EventLog, SinceFiltersByTimeInSequenceOrder)
{
    test::TempDir dir;
    EventLog log(dir.path());
    for (std::int64_t t : {100, 300, 200, 400}) // the wall clock stepped back once
        log.append(test::ground_loop_event(true, t));
    EXPECT_EQ(sequences(test::since(log, all_time)), (std::vector<std::uint64_t>{1, 2, 3, 4}));
    EXPECT_EQ(sequences(test::since(log, 200)), (std::vector<std::uint64_t>{2, 3, 4}));
    EXPECT_EQ(sequences(test::since(log, 201)), (std::vector<std::uint64_t>{2, 4}));
    EXPECT_EQ(sequences(test::since(log, 400)), (std::vector<std::uint64_t>{4}));
    EXPECT_TRUE(test::since(log, 401).empty());
}

// Paging: a cursor (the last sequence number a client has) and a limit walk the whole history
// oldest first, each event once; keeping the newest gives the recent end; both say when more
// matched than the limit let through.
TEST(EventLog, QueryPagesFromACursorAndKeepsEitherEnd)
{
    test::TempDir dir;
    EventLog log(dir.path());
    for (std::int64_t t = 1; t <= 10; ++t)
        log.append(test::ground_loop_event(t % 2 == 1, t * 100));

    std::vector<std::uint64_t> walked;
    EventQuery query;
    query.limit = 3;
    int pages = 0;
    for (;;) {
        const EventPage page = log.query(query);
        ++pages;
        for (const std::uint64_t seq : sequences(page.events))
            walked.push_back(seq);
        if (!page.more)
            break;
        ASSERT_EQ(page.events.size(), 3U);
        query.after_sequence = page.events.back().sequence;
    }
    EXPECT_EQ(walked, (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
    EXPECT_EQ(pages, 4);

    query = EventQuery{};
    query.since_us = 350; // sequences 4..10
    query.after_sequence = 5;
    query.limit = 2;
    EventPage page = log.query(query);
    EXPECT_EQ(sequences(page.events), (std::vector<std::uint64_t>{6, 7}));
    EXPECT_TRUE(page.more);

    query.keep = EventQuery::Keep::newest;
    page = log.query(query);
    EXPECT_EQ(sequences(page.events), (std::vector<std::uint64_t>{9, 10}));
    EXPECT_TRUE(page.more);

    query.limit = 5; // exactly what matches
    page = log.query(query);
    EXPECT_EQ(sequences(page.events), (std::vector<std::uint64_t>{6, 7, 8, 9, 10}));
    EXPECT_FALSE(page.more);

    query.after_sequence = 10;
    EXPECT_TRUE(log.query(query).events.empty());
    query.limit = 0;
    query.after_sequence = 0;
    page = log.query(query);
    EXPECT_TRUE(page.events.empty());
    EXPECT_TRUE(page.more);
}

// What cmrd restores at start (#12 finding 6): per (device, channel, alarm), the newest event
// decides.
TEST(EventLog, StillRaisedAreTheAlarmsWhoseLastEventIsARaise)
{
    test::TempDir dir;
    {
        EventLog log(dir.path());
        auto event = [](const char* channel, cmr::AlarmKind alarm, bool raised) {
            Event e = test::ground_loop_event(raised, 1);
            e.channel = channel;
            e.alarm = alarm;
            return e;
        };
        log.append(event("1/2", cmr::AlarmKind::ground_loop, true));  // 1: cleared by 3
        log.append(event("3/4", cmr::AlarmKind::cmrr_low, true));     // 2: still raised
        log.append(event("1/2", cmr::AlarmKind::ground_loop, false)); // 3
        log.append(event("1/2", cmr::AlarmKind::hum, true));          // 4: still raised
        log.append(event("1/2", cmr::AlarmKind::ground_loop, true));  // 5: raised again
        Event other = event("1/2", cmr::AlarmKind::hum, true);
        other.device = "other";
        log.append(other); // 6: another device's
    }
    const EventLog reopened(dir.path());
    EXPECT_EQ(sequences(reopened.still_raised()), (std::vector<std::uint64_t>{2, 4, 5, 6}));
}

TEST(EventLog, RejectedEventsLeaveNoTrace)
{
    test::TempDir dir;
    EventLog log(dir.path(), EventLog::min_max_bytes);
    log.append(test::ground_loop_event());
    Event none = test::ground_loop_event();
    none.alarm = cmr::AlarmKind::none;
    EXPECT_THROW(log.append(none), std::invalid_argument);
    Event huge = test::ground_loop_event();
    huge.device.assign(EventLog::min_max_bytes, 'x');
    EXPECT_THROW(log.append(huge), std::length_error);
    EXPECT_EQ(log.append(test::ground_loop_event()).sequence, 2U);
    EXPECT_EQ(sequences(events_in(current_file(dir))), (std::vector<std::uint64_t>{1, 2}));
    EXPECT_THROW(EventLog(dir.path() / "other", EventLog::min_max_bytes - 1),
                 std::invalid_argument);
}

/// Sets RLIMIT_FSIZE for the scope (a real write failure: EFBIG, or a short write).
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        ::signal(SIGXFSZ, SIG_IGN); // report EFBIG instead of killing the process
        ::getrlimit(RLIMIT_FSIZE, &saved_);
        rlimit limit = saved_;
        limit.rlim_cur = bytes;
        ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    ~FileSizeLimit() { ::setrlimit(RLIMIT_FSIZE, &saved_); }
    FileSizeLimit(const FileSizeLimit&) = delete;
    FileSizeLimit& operator=(const FileSizeLimit&) = delete;
    FileSizeLimit(FileSizeLimit&&) = delete;
    FileSizeLimit& operator=(FileSizeLimit&&) = delete;

private:
    rlimit saved_{};
};

TEST(EventLog, FailedWriteLeavesNoPartialLineAndTheLogUsable)
{
    test::TempDir dir;
    EventLog log(dir.path());
    log.append(test::ground_loop_event(true, 1));
    const std::uintmax_t size = size_or_zero(current_file(dir));
    for (rlim_t room : {rlim_t{0}, rlim_t{40}}) { // nothing written; part of a line written
        FileSizeLimit limit(size + room);
        try {
            log.append(test::ground_loop_event(false, 2));
            ADD_FAILURE() << "append past the file size limit succeeded";
        } catch (const EventNotStored& e) {
            EXPECT_NE(std::string(e.what()).find(current_file(dir).string()), std::string::npos)
                << e.what();
            EXPECT_EQ(e.event().time_us, 2);
            EXPECT_EQ(e.event().sequence, room == 0 ? 2U : 3U);
        }
        EXPECT_EQ(size_or_zero(current_file(dir)), size) << "room " << room;
    }
    // The two failed events used their numbers up: the history shows the gap.
    EXPECT_EQ(log.next_sequence(), 4U);
    EXPECT_EQ(test::since(log, all_time).size(), 1U);
    EXPECT_EQ(log.append(test::ground_loop_event(false, 3)).sequence, 4U);
    EXPECT_EQ(sequences(events_in(current_file(dir))), (std::vector<std::uint64_t>{1, 4}));
}

TEST(EventLog, AFullDiskIsReportedAsSuchAndLosesNothingStored)
{
    // #12 finding 5: on ENOSPC every failed append said "File too large" (EFBIG was written
    // into the code). A real full file system: a 64 KiB tmpfs (needs CAP_SYS_ADMIN).
    test::TempDir dir;
    if (::mount("cmrd-full", dir.path().c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
                "size=64k,mode=0700") != 0)
        GTEST_SKIP() << "cannot mount a small tmpfs here (" << std::strerror(errno)
                     << "): needs CAP_SYS_ADMIN, as CI has";
    std::size_t stored = 0;
    std::string error;
    {
        EventLog log(dir.path());
        for (int i = 0; i < 2000 && error.empty(); ++i) {
            try {
                log.append(test::ground_loop_event(i % 2 == 0, i + 1));
                ++stored;
            } catch (const EventNotStored& e) {
                error = e.what();
                EXPECT_EQ(e.code().value(), ENOSPC) << e.what();
                EXPECT_EQ(e.event().sequence, stored + 1);
            }
        }
        EXPECT_NE(error.find("No space left on device"), std::string::npos) << error;
        EXPECT_EQ(error.find("File too large"), std::string::npos) << error;
        EXPECT_EQ(log.next_sequence(), stored + 2);
    }
    {
        // Everything reported stored is on disk, whole, and a reopen finds it (the lost last
        // event's number is the one thing a restart can give again: nothing on disk has it).
        const EventLog reopened(dir.path());
        EXPECT_EQ(reopened.warnings().size(), 0U);
        EXPECT_EQ(reopened.next_sequence(), stored + 1);
    }
    EXPECT_GT(stored, 10U);
    EXPECT_EQ(::umount(dir.path().c_str()), 0) << std::strerror(errno);
}

TEST(EventLog, ALinkInTheStateDirectoryIsRefusedAndItsTargetUntouched)
{
    // #12 finding 4: cmrd followed a symlink at events.jsonl, cut the target's last line and
    // appended to it; the log was created 0644.
    test::TempDir dir;
    test::TempDir elsewhere;
    const std::filesystem::path target = elsewhere.path() / "precious.txt";
    test::append_raw(target, "line one\nno newline at the end");
    std::filesystem::create_symlink(target, current_file(dir));
    try {
        const EventLog log(dir.path());
        ADD_FAILURE() << "a symbolic link was opened as the event log";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code().value(), ELOOP);
        EXPECT_NE(std::string(e.what()).find("refusing the symbolic link"), std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find(current_file(dir).string()), std::string::npos);
    }
    EXPECT_EQ(test::read_file(target), "line one\nno newline at the end");

    // A log cmrd creates is its own, whatever the umask.
    test::TempDir fresh;
    const mode_t old_mask = ::umask(0);
    {
        EventLog log(fresh.path());
        log.append(test::ground_loop_event(true, 1));
    }
    ::umask(old_mask);
    struct stat st {};
    ASSERT_EQ(::stat(current_file(fresh).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777U, 0600U);
}

// #12 finding 4: a state directory others may write, or that is another user's, or a link, is
// refused with the reason (they could swap the log between two appends).
TEST(EventLog, AForeignOrOpenOrLinkedDirectoryIsRefused)
{
    test::TempDir dir;
    const std::filesystem::path state = dir.path() / "state";
    {
        const mode_t old_mask = ::umask(0);
        const EventLog created(state); // made 0700 whatever the umask
        ::umask(old_mask);
    }
    struct stat st {};
    ASSERT_EQ(::stat(state.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777U, 0700U);

    // Opening @p path must fail with a message containing @p reason.
    const auto expect_refused = [](const std::filesystem::path& path, const std::string& reason) {
        try {
            const EventLog log(path);
            ADD_FAILURE() << "opened " << path << " (expected: " << reason << ")";
        } catch (const std::system_error& e) {
            EXPECT_NE(std::string(e.what()).find(reason), std::string::npos) << e.what();
        }
    };
    std::filesystem::permissions(state, std::filesystem::perms::others_write,
                                 std::filesystem::perm_options::add);
    expect_refused(state, "other users may write to it");
    std::filesystem::permissions(state, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace);

    const std::filesystem::path link = dir.path() / "link";
    std::filesystem::create_directory_symlink(state, link);
    expect_refused(link, "refusing the symbolic link");

    if (::geteuid() != 0)
        GTEST_SKIP() << "giving the directory to another user needs root";
    ASSERT_EQ(::chown(state.c_str(), 65534, 65534), 0);
    expect_refused(state, "it belongs to uid 65534");
}

TEST(EventLog, OneProcessAtATime)
{
    test::TempDir dir;
    const EventLog first(dir.path());
    try {
        const EventLog second(dir.path());
        ADD_FAILURE() << "a second log opened the same directory";
    } catch (const std::system_error& e) {
        EXPECT_NE(std::string(e.what()).find(dir.path().string()), std::string::npos) << e.what();
    }
}

TEST(EventLog, UnusableDirectoryIsNamed)
{
    test::TempDir dir;
    test::append_raw(dir.path() / "plain-file", "x");
    const std::filesystem::path bad = dir.path() / "plain-file" / "state";
    try {
        const EventLog log(bad);
        ADD_FAILURE() << "opened a log under a regular file";
    } catch (const std::system_error& e) {
        EXPECT_NE(std::string(e.what()).find(bad.string()), std::string::npos) << e.what();
    }
}

} // namespace
} // namespace cmrd::events
