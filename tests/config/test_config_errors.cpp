// SPDX-License-Identifier: GPL-2.0-or-later
// Every kind of configuration error, with the exact one-line message: file, line, column,
// key path and problem. Line and column are also checked against the text itself.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmr/layout.hpp"

#include "config/config_loader.hpp"

namespace cmrd::config {
namespace {

struct ErrorCase {
    std::string text;
    std::string expected; ///< the whole what()
};

std::string layout_error(const std::string& layout)
{
    try {
        (void)cmr::parse_layout(layout);
    } catch (const cmr::LayoutError& error) {
        return error.what();
    }
    ADD_FAILURE() << "layout \"" << layout << "\" is valid";
    return {};
}

std::string line_of(const std::string& text, int line)
{
    std::istringstream in(text);
    std::string content;
    for (int i = 0; i < line && std::getline(in, content); ++i) {
    }
    return content;
}

/// The last element of a key path without its index: "device[0].channel[1].id" -> "id".
std::string last_key(const std::string& path)
{
    std::string key = path.substr(path.rfind('.') == std::string::npos ? 0 : path.rfind('.') + 1);
    return key.substr(0, key.find('['));
}

ConfigError parse_error(const std::string& text)
{
    try {
        (void)parse_config(text, "t.toml");
    } catch (const ConfigError& error) {
        return error;
    }
    ADD_FAILURE() << "no error for:\n" << text;
    return ConfigError("t.toml", "no error");
}

const std::string known_alarm_keys = "clear_s cmrr_clear_db cmrr_hold_s cmrr_min_db "
                                     "ground_loop_clear_dbfs ground_loop_dbfs hold_s "
                                     "hum_clear_dbfs hum_dbfs wiring_hold_s";

const std::string desk = "[[device]]\nname = \"desk\"\npcm = \"hw:0\"\n"; // lines 1-3

std::vector<ErrorCase> error_cases()
{
    return {
        // Types and ranges of the global sections.
        {"[alarms]\nhold_s = \"two\"\n",
         "t.toml:2:10: alarms.hold_s: expected a number, got string \"two\""},
        {"[alarms]\nhum_dbfs = 5\n", "t.toml:2:12: alarms.hum_dbfs: 5 is out of range (-200 to 0)"},
        {"[alarms]\nhold_s = nan\n", "t.toml:2:10: alarms.hold_s: nan is out of range (0 to 3600)"},
        {"[alarms]\nclear_s = -1.5\n",
         "t.toml:2:11: alarms.clear_s: -1.5 is out of range (0 to 3600)"},
        {"[alarms]\ncmrr_min_db = [40]\n",
         "t.toml:2:15: alarms.cmrr_min_db: expected a number, got an array"},
        {"[alarms]\nhold_s = \"\"\"a\nb\"\"\"\n",
         "t.toml:2:10: alarms.hold_s: expected a number, got string \"a\\nb\""},
        {"[capture]\nrate = 48000.5\n",
         "t.toml:2:8: capture.rate: expected an integer, got float 48000.5"},
        {"[capture]\nrate = 4000\n",
         "t.toml:2:8: capture.rate: 4000 is out of range (8000 to 192000)"},
        {"[capture]\npriority = 0\n", "t.toml:2:12: capture.priority: 0 is out of range (1 to 99)"},
        {"[capture]\naccess = true\n",
         "t.toml:2:10: capture.access: expected \"auto\", \"exclusive\", \"yield\" or \"shared\", "
         "got boolean true"},
        {"[capture]\nrealtime = \"yes\"\n",
         "t.toml:2:12: capture.realtime: expected true or false, got string \"yes\""},
        {"[capture]\nperiod_ms = 0.01\n",
         "t.toml:2:13: capture.period_ms: 0.01 is out of range (0.1 to 1000)"},
        {"[capture]\nperiod_ms = 20\nbuffer_ms = 30\n",
         "t.toml:3:13: capture.buffer_ms: the buffer (30 ms) must hold at least two periods "
         "(period 20 ms)"},
        {"[capture]\nperiod_ms = 150\n",
         "t.toml:2:13: capture.period_ms: the buffer (200 ms) must hold at least two periods "
         "(period 150 ms)"},
        {"[analysis]\nmains = 55\n",
         "t.toml:2:9: analysis.mains: expected \"auto\", 50 or 60, got integer 55"},
        {"[analysis]\nmains = \"Auto\"\n",
         "t.toml:2:9: analysis.mains: expected \"auto\", 50 or 60, got string \"Auto\""},
        {"[analysis]\nharmonics = 0\n",
         "t.toml:2:13: analysis.harmonics: 0 is out of range (1 to 64)"},
        {"[dbus]\npublish_rate_hz = 0\n",
         "t.toml:2:19: dbus.publish_rate_hz: 0 is out of range (0.001 to 50)"},
        // #12 finding 8: far below, the publish interval overflowed the clock's ticks (UB).
        {"[dbus]\npublish_rate_hz = 1e-12\n",
         "t.toml:2:19: dbus.publish_rate_hz: 1e-12 is out of range (0.001 to 50)"},
        {"[dbus]\npublish_rate_hz = 100\n",
         "t.toml:2:19: dbus.publish_rate_hz: 100 is out of range (0.001 to 50)"},
        {"[event_log]\nmax_kib = 1\n",
         "t.toml:2:11: event_log.max_kib: 1 is out of range (16 to 1048576)"},
        {"alarms = 5\n", "t.toml:1:10: alarms: expected a table, got integer 5"},

        // Thresholds on the wrong side of each other.
        {"[alarms]\nhum_clear_dbfs = -70\n",
         "t.toml:2:18: alarms.hum_clear_dbfs: -70 must be below hum_dbfs (-80)"},
        {"[alarms]\nground_loop_dbfs = -60\nground_loop_clear_dbfs = -60\n",
         "t.toml:3:26: alarms.ground_loop_clear_dbfs: -60 must be below ground_loop_dbfs (-60)"},
        {"[alarms]\ncmrr_min_db = 50\ncmrr_clear_db = 45\n",
         "t.toml:3:17: alarms.cmrr_clear_db: 45 must be at least cmrr_min_db (50)"},
        {"[alarms]\nhum_dbfs = -60\n" + desk + "[device.alarms]\nhum_clear_dbfs = -50\n",
         "t.toml:7:18: device[0].alarms.hum_clear_dbfs: -50 must be below hum_dbfs (-60)"},
        {desk + "[device.alarms]\ncmrr_min_db = 50\n[[device.channel]]\nid = \"1/2\"\n"
                "cmrr_clear_db = 48\n",
         "t.toml:8:17: device[0].channel[0].cmrr_clear_db: 48 must be at least cmrr_min_db (50)"},

        // Unknown keys, anywhere.
        {"[alarms]\nhum_dbfs = -80\nhum_dbf = -70\n",
         "t.toml:3:1: alarms.hum_dbf: unknown key (did you mean hum_dbfs?)"},
        {"[alarm]\nhum_dbfs = -80\n", "t.toml:1:2: alarm: unknown key (did you mean alarms?)"},
        {"[alarms]\nzzz = 1\naaa = 2\n",
         "t.toml:2:1: alarms.zzz: unknown key (known here: " + known_alarm_keys + ")"},
        {desk + "chanels = \"1/2\"\n",
         "t.toml:4:1: device[0].chanels: unknown key (did you mean channels?)"},
        {desk + "[device.alarms]\nhold = 1\n",
         "t.toml:5:1: device[0].alarms.hold: unknown key (did you mean hold_s?)"},
        {desk + "[device.capture]\npriority = 80\n",
         "t.toml:5:1: device[0].capture.priority: unknown key (known here: access period_ms "
         "rate)"},
        {desk + "[device.capture]\naccess = \"never\"\n",
         "t.toml:5:10: device[0].capture.access: expected \"auto\", \"exclusive\", \"yield\" or "
         "\"shared\", got string \"never\""},
        {desk + "[[device.channel]]\nid = \"1/2\"\nhold = 1\n",
         "t.toml:6:1: device[0].channel[0].hold: unknown key (did you mean hold_s?)"},

        // Device entries.
        {"[device]\nname = \"desk\"\n",
         "t.toml:1:1: device: expected [[device]] entries (an array of tables), got a table"},
        {"device = [1, 2]\n", "t.toml:1:10: device: expected [[device]] entries (an array of "
                              "tables), got an array of other values"},
        {"[[device]]\npcm = \"hw:0\"\n",
         "t.toml:1:1: device[0].name: missing: every [[device]] needs a name"},
        {"[[device]]\nname = \"my desk\"\npcm = \"hw:0\"\n",
         "t.toml:2:8: device[0].name: \"my desk\" is not a valid name (1 to 64 characters: A-Z "
         "a-z 0-9 _ -)"},
        {"[[device]]\nname = \"" + std::string(65, 'a') + "\"\npcm = \"hw:0\"\n",
         "t.toml:2:8: device[0].name: \"" + std::string(65, 'a') +
             "\" is not a valid name (1 to 64 characters: A-Z a-z 0-9 _ -)"},
        {"[[device]]\nname = 7\npcm = \"hw:0\"\n",
         "t.toml:2:8: device[0].name: expected a string, got integer 7"},
        {desk + "\n[[device]]\nname = \"desk\"\npcm = \"hw:1\"\n",
         "t.toml:6:8: device[1].name: duplicate name \"desk\" (first used at line 1)"},
        {desk + "serial = \"X\"\n",
         "t.toml:4:10: device[0].serial: a device is either static (pcm) or matches a card "
         "(card, serial, path), not both"},
        {"[[device]]\nname = \"desk\"\nchannels = \"1/2\"\n",
         "t.toml:1:1: device[0]: needs pcm (a static device) or card, serial or path (to match "
         "a card)"},
        {"[[device]]\nname = \"desk\"\npcm = \"\"\n",
         "t.toml:3:7: device[0].pcm: must not be empty"},
        {desk + "channels = \"1/2 2/3\"\n",
         "t.toml:4:12: device[0].channels: " + layout_error("1/2 2/3")},
        {desk + "channels = \"1/2 x\"\n",
         "t.toml:4:12: device[0].channels: " + layout_error("1/2 x")},
        {desk + "[device.capture]\nrate = 4000\n",
         "t.toml:5:8: device[0].capture.rate: 4000 is out of range (8000 to 192000)"},
        {"[capture]\nbuffer_ms = 20\n" + desk + "[device.capture]\nperiod_ms = 15\n",
         "t.toml:7:13: device[0].capture.period_ms: the buffer (20 ms) must hold at least two "
         "periods (period 15 ms)"},

        // Channel entries.
        {desk + "[device.channel]\nid = \"1/2\"\n",
         "t.toml:4:1: device[0].channel: expected [[device.channel]] entries (an array of "
         "tables), got a table"},
        {desk + "[[device.channel]]\nhum_dbfs = -70\n",
         "t.toml:4:1: device[0].channel[0].id: missing: every [[device.channel]] needs an id "
         "(\"1/2\" or \"7\")"},
        {desk + "channels = \"1/2 3/4\"\n[[device.channel]]\nid = \"5\"\n",
         "t.toml:6:6: device[0].channel[0].id: channel 5 is not in the device's channels "
         "(\"1/2 3/4\")"},
        {desk + "channels = \"1/2 3/4\"\n[[device.channel]]\nid = \"2/1\"\n",
         "t.toml:6:6: device[0].channel[0].id: channel 2/1 is not in the device's channels "
         "(\"1/2 3/4\")"},
        {desk + "[[device.channel]]\nid = \"1/2 3/4\"\n",
         "t.toml:5:6: device[0].channel[0].id: expected one channel (\"1/2\" or \"7\"), got "
         "\"1/2 3/4\""},
        {desk + "[[device.channel]]\nid = \"x\"\n",
         "t.toml:5:6: device[0].channel[0].id: " + layout_error("x")},
        {desk + "[[device.channel]]\nid = \"1/2\"\n[[device.channel]]\nid = \"1/2\"\n",
         "t.toml:7:6: device[0].channel[1].id: channel 1/2 already has an entry (line 4)"},
    };
}

TEST(ConfigErrors, ExactMessages)
{
    for (const ErrorCase& test : error_cases()) {
        SCOPED_TRACE(test.text);
        const ConfigError error = parse_error(test.text);
        EXPECT_EQ(error.what(), test.expected);
        EXPECT_EQ(std::string(error.what()).find('\n'), std::string::npos) << "not one line";
        EXPECT_EQ(error.file(), "t.toml");
        // Independent of the expected strings: the line named holds the key (or, for a table
        // or a missing key, the header of the table it belongs to).
        const std::string line = line_of(test.text, error.line());
        const std::string key = last_key(error.key());
        const bool at_header = error.problem().starts_with("missing") ||
                               error.problem().starts_with("needs") ||
                               error.problem().starts_with("expected [[");
        EXPECT_NE(line.find(at_header ? std::string("[") : key), std::string::npos)
            << "line " << error.line() << " is \"" << line << "\", key " << error.key();
        EXPECT_GE(error.column(), 1);
        EXPECT_LE(error.column(), static_cast<int>(line.size()));
    }
}

TEST(ConfigErrors, PartsOfTheMessage)
{
    const ConfigError error = parse_error("\n\n[alarms]\n  hold_s = \"two\"\n");
    EXPECT_EQ(error.file(), "t.toml");
    EXPECT_EQ(error.line(), 4);
    EXPECT_EQ(error.column(), 12);
    EXPECT_EQ(error.key(), "alarms.hold_s");
    EXPECT_EQ(error.problem(), "expected a number, got string \"two\"");
}

TEST(ConfigErrors, TomlSyntaxErrorsHaveAPosition)
{
    const ConfigError bad_value = parse_error("[alarms]\nhum_dbfs = = -80\n");
    EXPECT_EQ(bad_value.line(), 2);
    EXPECT_EQ(bad_value.column(), 12);
    EXPECT_TRUE(bad_value.key().empty());
    EXPECT_TRUE(std::string(bad_value.what()).starts_with("t.toml:2:12: ")) << bad_value.what();
    EXPECT_FALSE(bad_value.problem().empty());

    const ConfigError redefined = parse_error("[alarms]\nhold_s = 1\nhold_s = 2\n");
    EXPECT_EQ(redefined.line(), 3);
    EXPECT_TRUE(std::string(redefined.what()).starts_with("t.toml:3:")) << redefined.what();

    const ConfigError unterminated = parse_error("[alarms\nhold_s = 1\n");
    EXPECT_EQ(unterminated.line(), 1);
    EXPECT_EQ(std::string(unterminated.what()).find('\n'), std::string::npos);
}

TEST(ConfigErrors, ChannelTableWithoutDevice)
{
    // [[device.channel]] before any [[device]] makes `device` a plain table in TOML.
    const ConfigError error = parse_error("[[device.channel]]\nid = \"1/2\"\n");
    EXPECT_EQ(error.key(), "device");
    EXPECT_TRUE(error.problem().starts_with("expected [[device]] entries")) << error.what();
}

TEST(ConfigErrors, UnreadableFiles)
{
    const std::filesystem::path missing = "/nonexistent-cmrd-dir/cmrd.toml";
    try {
        (void)load_config(missing);
        ADD_FAILURE() << "no error";
    } catch (const ConfigError& error) {
        EXPECT_STREQ(error.what(),
                     "/nonexistent-cmrd-dir/cmrd.toml: cannot read: No such file or directory");
        EXPECT_EQ(error.line(), 0);
    }
    const std::filesystem::path directory = std::filesystem::temp_directory_path();
    try {
        (void)load_config(directory);
        ADD_FAILURE() << "no error";
    } catch (const ConfigError& error) {
        EXPECT_EQ(std::string(error.what()), directory.string() + ": cannot read: Is a directory");
    }
}

TEST(ConfigErrors, OnlyARegularFileOfSaneSizeIsRead)
{
    // #12 finding 3: a FIFO blocked open() for ever (no watchdog ping, no reload answer), a
    // symlink to /dev/zero read until bad_alloc. Each is now a ConfigError, at once.
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("cmrd-files-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto error_of = [](const std::filesystem::path& path) -> std::string {
        try {
            (void)load_config(path);
        } catch (const ConfigError& error) {
            return error.what();
        }
        return "no error";
    };
    ASSERT_EQ(::mkfifo((dir / "fifo.toml").c_str(), 0600), 0);
    EXPECT_EQ(error_of(dir / "fifo.toml"), (dir / "fifo.toml").string() +
                                               ": cannot read: not a regular file (a FIFO, "
                                               "socket or device)");
    std::filesystem::create_symlink("/dev/zero", dir / "zero.toml");
    EXPECT_NE(error_of(dir / "zero.toml").find("not a regular file"), std::string::npos);
    {
        std::ofstream big(dir / "big.toml");
        big << std::string(max_config_bytes + 1, '#');
    }
    EXPECT_NE(error_of(dir / "big.toml").find("larger than 1024 KiB"), std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST(ConfigErrors, ErrorsInARealFileNameIt)
{
    const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                       ("cmrd-bad-" + std::to_string(::getpid()) + ".toml");
    {
        std::ofstream out(path);
        out << "# comment\n[alarms]\nhold_s = true\n";
    }
    try {
        (void)load_config(path);
        ADD_FAILURE() << "no error";
    } catch (const ConfigError& error) {
        EXPECT_EQ(std::string(error.what()),
                  path.string() + ":3:10: alarms.hold_s: expected a number, got boolean true");
    }
    std::filesystem::remove(path);
}

} // namespace
} // namespace cmrd::config
