// SPDX-License-Identifier: GPL-2.0-or-later
// systemd/cmrd.catalog explains the MESSAGE_IDs the code sends, and journalctl accepts it:
// it is installed into a scratch root and indexed with `journalctl --root --update-catalog`.
// $CMRD_CATALOG is the catalog file, $JOURNALCTL the journalctl binary.

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "events/journal_fields.hpp"
#include "events_test_support.hpp"

namespace cmrd::events {
namespace {

/// The command's standard output and error, and its exit status.
std::pair<std::string, int> run(const std::string& command)
{
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr)
        return {"popen failed", -1};
    std::string output;
    std::array<char, 4096> block{};
    std::size_t n = 0;
    while ((n = std::fread(block.data(), 1, block.size(), pipe)) > 0)
        output.append(block.data(), n);
    return {output, ::pclose(pipe)};
}

TEST(JournalCatalog, ExplainsBothMessageIdsAndJournalctlIndexesIt)
{
    const char* catalog = test::environment("CMRD_CATALOG");
    ASSERT_NE(catalog, nullptr) << "CMRD_CATALOG is not set";
    const std::string text = test::read_file(catalog);
    for (std::string_view id : {message_id_raised, message_id_cleared})
        EXPECT_NE(text.find("\n-- " + std::string(id) + "\n"), std::string::npos) << id;

    const char* journalctl = test::environment("JOURNALCTL");
    if (journalctl == nullptr)
        GTEST_SKIP() << "journalctl was not found at configure time";
    test::TempDir root;
    const std::filesystem::path dir = root.path() / "usr/lib/systemd/catalog";
    std::filesystem::create_directories(dir);
    std::filesystem::copy_file(catalog, dir / "cmrd.catalog");
    const std::string base = std::string(journalctl) + " --root='" + root.path().string() + "'";
    const auto [update_output, update_status] = run(base + " --update-catalog");
    EXPECT_EQ(update_status, 0) << update_output;
    EXPECT_EQ(update_output, "") << "journalctl complained about the catalog";
    const auto [list, list_status] = run(base + " --list-catalog");
    EXPECT_EQ(list_status, 0) << list;
    for (std::string_view id : {message_id_raised, message_id_cleared})
        EXPECT_NE(list.find(std::string(id) + " cmrd: Alarm @CMRD_ALARM@"), std::string::npos)
            << id << " not in:\n"
            << list;
}

} // namespace
} // namespace cmrd::events
