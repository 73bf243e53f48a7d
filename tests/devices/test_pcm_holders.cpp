// SPDX-License-Identifier: GPL-2.0-or-later
// Who holds a card's capture streams, from a /proc tree laid out as the kernel lays it out
// (sound/core/pcm.c: a substream's status file reads "closed" or starts with its state and
// owner_pid), in a scratch directory: capture substreams only, each holder once, this process
// left out, command and user where /proc/PID shows them, PID alone where it does not.
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include "devices/pcm_holders.hpp"

namespace cmrd::devices {
namespace {

namespace fs = std::filesystem;

class ProcTree {
public:
    ProcTree() : root_(fs::temp_directory_path() / ("cmrd-proc-" + std::to_string(::getpid())))
    {
        fs::remove_all(root_);
    }
    ~ProcTree() { fs::remove_all(root_); }
    ProcTree(const ProcTree&) = delete;
    ProcTree& operator=(const ProcTree&) = delete;

    void write(const fs::path& relative, const std::string& text) const
    {
        fs::create_directories((root_ / relative).parent_path());
        std::ofstream(root_ / relative) << text;
    }
    void substream(const std::string& pcm_sub, std::optional<pid_t> owner) const
    {
        write("asound/card1/" + pcm_sub + "/status",
              owner ? "state: RUNNING\nowner_pid   : " + std::to_string(*owner) +
                          "\ntrigger_time: 5.1\ntstamp      : 5.2\n-----\nhw_ptr      : 48000\n"
                    : "closed\n");
    }
    [[nodiscard]] const fs::path& root() const { return root_; }

private:
    fs::path root_;
};

std::string my_user()
{
    const passwd* entry = getpwuid(getuid());
    return entry != nullptr ? entry->pw_name : std::to_string(getuid());
}

TEST(PcmHolders, OwnerPidOfAStatusFile)
{
    EXPECT_EQ(owner_pid_of_status("state: RUNNING\nowner_pid   : 4242\ntrigger_time: 1.0\n"), 4242);
    EXPECT_EQ(owner_pid_of_status("state: SETUP\nowner_pid   : 7\n"), 7);
    EXPECT_EQ(owner_pid_of_status("closed\n"), std::nullopt);
    EXPECT_EQ(owner_pid_of_status(""), std::nullopt);
    EXPECT_EQ(owner_pid_of_status("state: RUNNING\ntrigger_time: 1.0\n"), std::nullopt)
        << "kernels before 4.16 write no owner_pid";
    EXPECT_EQ(owner_pid_of_status("owner_pid   : lots\n"), std::nullopt);
    EXPECT_EQ(owner_pid_of_status("owner_pid   : -3\n"), std::nullopt);
}

TEST(PcmHolders, CaptureHoldersOnceEachWithWhatIsVisible)
{
    const ProcTree proc;
    proc.substream("pcm0c/sub0", 1234);
    proc.substream("pcm0c/sub1", std::nullopt);
    proc.substream("pcm1c/sub0", 1234); // the same program on a second device: named once
    proc.substream("pcm2c/sub3", 99);   // not visible in /proc (another user's, say)
    proc.substream("pcm0p/sub0", 555);  // playback: not in the way of capture
    proc.write("1234/comm", "arecord\n");
    proc.write("555/comm", "aplay\n");

    const std::vector<PcmHolder> holders = capture_holders(1, proc.root());
    ASSERT_EQ(holders.size(), 2U);
    EXPECT_EQ(holders[0], (PcmHolder{99, "", ""}));
    EXPECT_EQ(holders[1], (PcmHolder{1234, "arecord", my_user()}));
    EXPECT_EQ(describe_holders(holders), "PID 99, arecord (PID 1234, " + my_user() + ")");
}

TEST(PcmHolders, ThisProcessIsNotAHolder)
{
    const ProcTree proc;
    proc.substream("pcm0c/sub0", ::getpid());
    EXPECT_TRUE(capture_holders(1, proc.root()).empty());
}

TEST(PcmHolders, NoCardOrNoProcMeansNoHolders)
{
    const ProcTree proc;
    proc.substream("pcm0c/sub0", 1234);
    EXPECT_TRUE(capture_holders(2, proc.root()).empty());
    EXPECT_TRUE(capture_holders(1, proc.root() / "missing").empty());
}

TEST(PcmHolders, CardOfAPcmName)
{
    // Names that are not a card's hardware PCM have no card.
    for (const char* name :
         {"default", "sim8", "dsnoop:0", "plug:hw:0", "", "hw:", "hw:CARD=", "hw:DEV=0"})
        EXPECT_EQ(card_index_of_pcm(name), std::nullopt) << name;
    // A card that does not exist has none either (whatever cards this machine has).
    EXPECT_EQ(card_index_of_pcm("hw:CARD=NoSuchCard,DEV=0"), std::nullopt);
    EXPECT_EQ(card_index_of_pcm("plughw:NoSuchCard"), std::nullopt);
    EXPECT_EQ(card_index_of_pcm("hw:31"), std::nullopt);
}

} // namespace
} // namespace cmrd::devices
