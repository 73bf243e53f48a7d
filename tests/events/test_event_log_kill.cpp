// SPDX-License-Identifier: GPL-2.0-or-later
// kill -9 at random moments while a child process appends as fast as it can: every append the
// child saw complete is still there after reopening, every line is valid, sequence numbers are
// contiguous without duplicates, and the size bound holds (rotations get killed too).

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <iostream>
#include <random>
#include <set>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "events/event_codec.hpp"
#include "events/event_log.hpp"
#include "events_test_support.hpp"

namespace cmrd::events {
namespace {

constexpr std::int64_t all_time = std::numeric_limits<std::int64_t>::min();
constexpr int rounds = 25; // kills per test

/// In the child: open the log, append forever, report each completed append's sequence.
[[noreturn]] void append_until_killed(const std::filesystem::path& dir, std::size_t max_bytes,
                                      int report_fd)
{
    try {
        EventLog log(dir, max_bytes);
        for (std::uint64_t i = 0;; ++i) {
            const std::uint64_t seq = log.append(test::ground_loop_event(i % 2 == 0)).sequence;
            if (::write(report_fd, &seq, sizeof seq) != static_cast<ssize_t>(sizeof seq))
                ::_exit(3);
        }
    } catch (...) {
        ::_exit(2);
    }
}

/// Runs a child for @p run_for, kills it with SIGKILL, returns the sequences it reported.
std::vector<std::uint64_t> kill_after(const std::filesystem::path& dir, std::size_t max_bytes,
                                      std::chrono::microseconds run_for)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw std::system_error(errno, std::generic_category(), "pipe2");
    const pid_t child = ::fork();
    if (child == 0) {
        ::close(fds[0]);
        append_until_killed(dir, max_bytes, fds[1]);
    }
    ::close(fds[1]);
    std::vector<std::uint64_t> reported;
    // Read while it runs, so a full pipe never slows the child down.
    const auto deadline = std::chrono::steady_clock::now() + run_for;
    std::vector<char> bytes;
    std::array<char, 4096> block{};
    auto drain = [&](int timeout_ms) {
        pollfd pfd{fds[0], POLLIN, 0};
        if (::poll(&pfd, 1, timeout_ms) <= 0)
            return false;
        const ssize_t n = ::read(fds[0], block.data(), block.size());
        if (n <= 0)
            return false;
        bytes.insert(bytes.end(), block.data(), block.data() + n);
        return true;
    };
    while (std::chrono::steady_clock::now() < deadline) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        drain(static_cast<int>(std::max<std::int64_t>(left.count(), 0)));
    }
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    while (drain(0)) {
    }
    ::close(fds[0]);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the child ended by itself (exit " << WEXITSTATUS(status) << ")";
    for (std::size_t at = 0; at + sizeof(std::uint64_t) <= bytes.size();
         at += sizeof(std::uint64_t)) {
        std::uint64_t seq = 0;
        std::memcpy(&seq, bytes.data() + at, sizeof seq);
        reported.push_back(seq);
    }
    return reported;
}

/// Sequence numbers of all lines of both files; fails on any line that is not an event.
std::vector<std::uint64_t> sequences_on_disk(const std::filesystem::path& dir)
{
    std::vector<std::uint64_t> seqs;
    for (const char* name : {EventLog::rotated_file_name, EventLog::current_file_name}) {
        const std::string text = test::read_file(dir / name);
        EXPECT_TRUE(text.empty() || text.back() == '\n') << name << " after reopening";
        for (const std::string& line : test::split_lines(text)) {
            ParseResult parsed = parse_event_line(line);
            if (const auto* event = std::get_if<Event>(&parsed))
                seqs.push_back(event->sequence);
            else
                ADD_FAILURE() << name << ": " << std::get<ParseError>(parsed).message;
        }
    }
    return seqs;
}

std::uintmax_t bytes_on_disk(const std::filesystem::path& dir)
{
    std::uintmax_t total = 0;
    for (const char* name : {EventLog::rotated_file_name, EventLog::current_file_name}) {
        std::error_code ec;
        const std::uintmax_t size = std::filesystem::file_size(dir / name, ec);
        total += ec ? 0 : size;
    }
    return total;
}

void kill_repeatedly(std::size_t max_bytes, bool expect_rotation)
{
    test::TempDir dir;
    const unsigned seed = std::random_device{}();
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 random(seed);
    // Delays from 0 (killed while opening the log) to 60 ms.
    std::uniform_int_distribution<int> delay_us(0, 60'000);
    std::set<std::uint64_t> reported;
    std::size_t total_reported = 0;
    int torn_lines_repaired = 0;
    for (int round = 0; round < rounds; ++round) {
        const std::vector<std::uint64_t> round_reported =
            kill_after(dir.path(), max_bytes, std::chrono::microseconds(delay_us(random)));
        total_reported += round_reported.size();
        reported.insert(round_reported.begin(), round_reported.end());
        ASSERT_EQ(reported.size(), total_reported) << "a sequence number was reported twice";

        const EventLog log(dir.path(), max_bytes); // repairs, as the daemon would on restart
        for (const std::string& w : log.warnings()) {
            EXPECT_NE(w.find("cut off"), std::string::npos) << "unexpected warning: " << w;
            ++torn_lines_repaired;
        }
        const std::vector<std::uint64_t> seqs = sequences_on_disk(dir.path());
        EXPECT_LE(bytes_on_disk(dir.path()), max_bytes);
        if (seqs.empty()) {
            EXPECT_TRUE(reported.empty());
            continue;
        }
        for (std::size_t i = 1; i < seqs.size(); ++i)
            ASSERT_EQ(seqs[i], seqs[i - 1] + 1) << "round " << round << ": gap or duplicate";
        if (!expect_rotation) {
            EXPECT_EQ(seqs.front(), 1U);
        }
        // Every completed append of every round is there (contiguous from front to back),
        // unless rotated out of the bound.
        for (std::uint64_t seq : reported) {
            if (seq >= seqs.front()) {
                ASSERT_LE(seq, seqs.back()) << "reported sequence " << seq << " is lost";
            }
        }
        if (!reported.empty()) {
            EXPECT_GE(seqs.back(), *reported.rbegin());
        }
        EXPECT_EQ(log.next_sequence(), seqs.back() + 1);
        EXPECT_EQ(test::since(log, all_time).size(), seqs.size());
    }
    std::cout << "[          ] " << total_reported << " appends reported in " << rounds
              << " rounds, " << torn_lines_repaired << " torn lines repaired, highest sequence "
              << (reported.empty() ? 0 : *reported.rbegin()) << "\n";
    EXPECT_GT(total_reported, 0U) << "the child never completed an append";
    if (expect_rotation && !reported.empty()) {
        EXPECT_GT(*reported.rbegin(), 2 * max_bytes / 300) << "too few appends to rotate";
    }
}

TEST(EventLogKill, EveryCompletedAppendSurvivesKill9)
{
    kill_repeatedly(EventLog::default_max_bytes, false);
}

TEST(EventLogKill, RotationSurvivesKill9)
{
    // A few events per file, so many kills land near a rotation.
    kill_repeatedly(EventLog::min_max_bytes, true);
}

} // namespace
} // namespace cmrd::events
