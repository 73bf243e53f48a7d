// SPDX-License-Identifier: GPL-2.0-or-later
// Tests of `cmrctl analyze`: the real binary (path in $CMRCTL) run as a subprocess on
// recordings this test writes with libsndfile, plus in-process tests of the pieces it is built
// from (channel JSON, table, audio file reader, progress bar).
//
// The accuracy of the figures is the analyzer's own suite's business; here the figures only
// get loose sanity checks (tolerances stated where they are used).

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numbers>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <poll.h>
#include <pty.h>
#include <sndfile.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmr/measurement.hpp"
#include "cmr/units.hpp"

#include "analyze_report.hpp"
#include "audio_file.hpp"
#include "channel_json.hpp"
#include "progress.hpp"
#include "table.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// ---------------------------------------------------------------------------------------------
// Test recordings

/// A temporary directory, removed with everything in it at the end of the test. World-readable
/// so that the permission test can run the binary as an unprivileged user.
class TempDir {
public:
    TempDir()
    {
        std::string pattern = (fs::temp_directory_path() / "cmrctl-test-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr)
            throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
        fs::permissions(path_, fs::perms::owner_all | fs::perms::group_read |
                                   fs::perms::group_exec | fs::perms::others_read |
                                   fs::perms::others_exec);
    }
    ~TempDir()
    {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] std::string file(const std::string& name) const
    {
        return (path_ / name).string();
    }

private:
    fs::path path_;
};

/// Writes interleaved frames with libsndfile; fails the test on any error.
void write_audio(const std::string& path, int format, int sample_rate, int channels,
                 const std::vector<float>& interleaved)
{
    SF_INFO info{};
    info.samplerate = sample_rate;
    info.channels = channels;
    info.format = format;
    SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
    ASSERT_NE(file, nullptr) << "sf_open(" << path << "): " << sf_strerror(nullptr);
    const auto frames = static_cast<sf_count_t>(interleaved.size()) / channels;
    EXPECT_EQ(sf_writef_float(file, interleaved.data(), frames), frames);
    sf_close(file);
}

constexpr double hum_hz = 50.0;
constexpr double cm_hum_dbfs = -30.0;     // common-mode hum on both pairs
constexpr double single_hum_dbfs = -40.0; // hum on the single input
constexpr double cold_gain = 0.99;        // 1% leg mismatch: CMRR = 20·log10(0.995/0.01) ≈ 40 dB
constexpr int test_inputs = 5;            // layout by default: 1/2 3/4 5
constexpr double good_seconds = 12.0;     // length of the recordings that must give figures

/// Five inputs: pair 1/2 with a symmetric 2437 Hz programme at -20 dBFS per leg, pair 3/4 with
/// no programme, both carrying common-mode hum (50 Hz at -30 dBFS plus its 3rd harmonic at
/// -50 dBFS) with the cold leg's input 1% low; input 5 alone with 50 Hz hum at -40 dBFS.
/// White noise at -100 dBFS on every input keeps the noise floor realistic in float files.
/// The programme tone lies above the hum harmonics (K = 20: up to 1.3 kHz) and on no multiple
/// of 45-65 Hz, so that it cannot pass for hum: this test checks cmrctl, not the analyzer's
/// judgement of ambiguous signals.
std::vector<float> test_signal(int sample_rate, double seconds)
{
    const auto frames = static_cast<std::size_t>(seconds * sample_rate);
    std::vector<float> samples(frames * test_inputs);
    std::mt19937 random(12345);
    std::normal_distribution<double> noise(0.0, std::pow(10.0, -100.0 / 20.0) / std::sqrt(2.0));
    const double cm = cmr::dbfs_to_amplitude(cm_hum_dbfs);
    const double cm3 = cmr::dbfs_to_amplitude(cm_hum_dbfs - 20.0);
    const double single = cmr::dbfs_to_amplitude(single_hum_dbfs);
    const double programme = cmr::dbfs_to_amplitude(-20.0);
    constexpr double two_pi = 2.0 * std::numbers::pi;
    for (std::size_t n = 0; n < frames; ++n) {
        const double t = static_cast<double>(n) / sample_rate;
        const double hum =
            cm * std::sin(two_pi * hum_hz * t) + cm3 * std::sin(two_pi * 3.0 * hum_hz * t + 0.3);
        const double tone = programme * std::sin(two_pi * 2437.0 * t);
        float* frame = &samples[n * test_inputs];
        frame[0] = static_cast<float>(tone + hum + noise(random));
        frame[1] = static_cast<float>(cold_gain * (-tone + hum) + noise(random));
        frame[2] = static_cast<float>(hum + noise(random));
        frame[3] = static_cast<float>(cold_gain * hum + noise(random));
        frame[4] = static_cast<float>(single * std::sin(two_pi * hum_hz * t + 1.0) + noise(random));
    }
    return samples;
}

void write_test_recording(const std::string& path, int format, int sample_rate, double seconds)
{
    write_audio(path, format, sample_rate, test_inputs, test_signal(sample_rate, seconds));
}

void write_text_file(const std::string& path, const std::string& text)
{
    std::ofstream(path) << text;
}

// ---------------------------------------------------------------------------------------------
// Running the binary

struct RunResult {
    int status = -1; ///< exit status; -N when killed by signal N
    std::string out;
    std::string err;
};

struct RunOptions {
    bool stderr_on_terminal = false; ///< give the child a pseudo-terminal as stderr
    bool unprivileged = false;       ///< run as nobody when the test runs as root
};

std::string cmrctl_path()
{
    const char* path = std::getenv("CMRCTL"); // NOLINT(concurrency-mt-unsafe): no setenv here
    return path != nullptr ? path : "";
}

/// Runs cmrctl with @p args, capturing stdout and stderr (read concurrently, so neither pipe
/// can fill up and stall the child).
RunResult run_cmrctl(const std::vector<std::string>& args, const RunOptions& options = {})
{
    RunResult result;
    const std::string binary = cmrctl_path();
    if (binary.empty()) {
        ADD_FAILURE() << "CMRCTL is not set: run this test through meson";
        return result;
    }
    std::array<int, 2> out_pipe{};
    std::array<int, 2> err_pipe{};
    if (::pipe2(out_pipe.data(), O_CLOEXEC) != 0)
        throw std::runtime_error("pipe2 failed");
    if (options.stderr_on_terminal) {
        if (::openpty(&err_pipe[0], &err_pipe[1], nullptr, nullptr, nullptr) != 0)
            throw std::runtime_error("openpty failed");
    } else if (::pipe2(err_pipe.data(), O_CLOEXEC) != 0) {
        throw std::runtime_error("pipe2 failed");
    }

    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(binary.c_str()));
    for (const std::string& arg : args)
        argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);

    const pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::dup2(out_pipe[1], STDOUT_FILENO);
        ::dup2(err_pipe[1], STDERR_FILENO);
        if (options.stderr_on_terminal)
            ::close(err_pipe[0]);
        if (options.unprivileged && ::geteuid() == 0) {
            // Root reads any file regardless of its mode; nobody does not.
            if (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0)
                ::_exit(126);
        }
        ::execv(binary.c_str(), argv.data());
        ::_exit(127);
    }
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);

    std::array<pollfd, 2> fds{{{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}}};
    std::array<std::string*, 2> sinks{&result.out, &result.err};
    int open_fds = 2;
    while (open_fds > 0) {
        if (::poll(fds.data(), fds.size(), -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0)
                continue;
            char buffer[4096];
            const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
            if (n > 0) {
                sinks[i]->append(buffer, static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) { // a pty master reads EIO once the child is gone
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            }
        }
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    return result;
}

std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream stream(text);
    for (std::string line; std::getline(stream, line);)
        lines.push_back(line);
    return lines;
}

/// Bad input: exit status 2, nothing on stdout, exactly one line on stderr of the form
/// "cmrctl analyze: FILE: problem" where the problem contains @p fragment.
void expect_bad_input(const RunResult& result, const std::string& file, const std::string& fragment)
{
    EXPECT_EQ(result.status, 2) << result.err;
    EXPECT_EQ(result.out, "");
    const std::vector<std::string> lines = lines_of(result.err);
    ASSERT_EQ(lines.size(), 1U) << result.err;
    const std::string prefix = "cmrctl analyze: " + file + ": ";
    EXPECT_EQ(lines[0].rfind(prefix, 0), 0U) << lines[0];
    EXPECT_NE(lines[0].find(fragment), std::string::npos)
        << "expected \"" << fragment << "\" in: " << lines[0];
}

// ---------------------------------------------------------------------------------------------
// Checking the JSON shape

const std::set<std::string> alarm_kinds{"none", "hum", "ground_loop", "cmrr_low", "wiring"};
const std::set<std::string> cmrr_kinds{"measured", "lower_bound", "none"};
const std::set<std::string> symmetries{"no_signal",  "symmetric", "cold_silent",
                                       "hot_silent", "in_phase",  "uncorrelated"};

std::set<std::string> keys_of(const json& object)
{
    std::set<std::string> keys;
    for (const auto& item : object.items())
        keys.insert(item.key());
    return keys;
}

void expect_number_or_null(const json& value, const std::string& what)
{
    EXPECT_TRUE(value.is_number() || value.is_null()) << what << " = " << value.dump();
}

void expect_harmonic_list(const json& list, const std::string& what)
{
    ASSERT_TRUE(list.is_array()) << what;
    int expected_k = 1;
    for (const json& harmonic : list) {
        ASSERT_TRUE(harmonic.is_object()) << what;
        EXPECT_EQ(keys_of(harmonic), (std::set<std::string>{"k", "hz", "dbfs"})) << what;
        ASSERT_TRUE(harmonic["k"].is_number_integer()) << what;
        EXPECT_EQ(harmonic["k"].get<int>(), expected_k++) << what;
        EXPECT_TRUE(harmonic["hz"].is_number()) << what;
        expect_number_or_null(harmonic["dbfs"], what + " dbfs");
    }
}

/// Every key of design.md's channel shape, with the types and nulls of a pair or a single.
void expect_channel_shape(const json& channel)
{
    const std::set<std::string> expected_keys{
        "id",         "kind",     "hot",         "cold",        "channel",      "mains_hz",
        "level_dbfs", "hum_dbfs", "harmonics",   "cm_hum_dbfs", "cm_harmonics", "cmrr_db",
        "cmrr_kind",  "symmetry", "leg_gain_db", "alarm"};
    ASSERT_TRUE(channel.is_object());
    EXPECT_EQ(keys_of(channel), expected_keys) << channel.dump();
    ASSERT_TRUE(channel["id"].is_string());
    const std::string id = channel["id"];
    ASSERT_TRUE(channel["kind"].is_string()) << id;
    expect_number_or_null(channel["mains_hz"], id + " mains_hz");
    expect_number_or_null(channel["level_dbfs"], id + " level_dbfs");
    expect_number_or_null(channel["hum_dbfs"], id + " hum_dbfs");
    expect_harmonic_list(channel["harmonics"], id + " harmonics");
    ASSERT_TRUE(channel["alarm"].is_string()) << id;
    EXPECT_TRUE(alarm_kinds.contains(channel["alarm"])) << channel["alarm"];

    if (channel["kind"] == "pair") {
        ASSERT_TRUE(channel["hot"].is_number_integer()) << id;
        ASSERT_TRUE(channel["cold"].is_number_integer()) << id;
        EXPECT_EQ(id, std::to_string(channel["hot"].get<int>()) + "/" +
                          std::to_string(channel["cold"].get<int>()));
        EXPECT_TRUE(channel["channel"].is_null()) << id;
        expect_number_or_null(channel["cm_hum_dbfs"], id + " cm_hum_dbfs");
        expect_harmonic_list(channel["cm_harmonics"], id + " cm_harmonics");
        ASSERT_TRUE(channel["cmrr_kind"].is_string()) << id;
        EXPECT_TRUE(cmrr_kinds.contains(channel["cmrr_kind"])) << channel["cmrr_kind"];
        if (channel["cmrr_kind"] == "none")
            EXPECT_TRUE(channel["cmrr_db"].is_null()) << id;
        else
            EXPECT_TRUE(channel["cmrr_db"].is_number()) << id;
        if (!channel["symmetry"].is_null()) {
            ASSERT_TRUE(channel["symmetry"].is_string()) << id;
            EXPECT_TRUE(symmetries.contains(channel["symmetry"])) << channel["symmetry"];
        }
        expect_number_or_null(channel["leg_gain_db"], id + " leg_gain_db");
    } else {
        EXPECT_EQ(channel["kind"], "single") << id;
        ASSERT_TRUE(channel["channel"].is_number_integer()) << id;
        EXPECT_EQ(id, std::to_string(channel["channel"].get<int>()));
        for (const char* key : {"hot", "cold", "cm_hum_dbfs", "cm_harmonics", "cmrr_db",
                                "cmrr_kind", "symmetry", "leg_gain_db"})
            EXPECT_TRUE(channel[key].is_null()) << id << " " << key;
    }
}

/// The whole `analyze --json` object: exactly its six keys, their types, every channel's shape
/// and every event's.
void expect_report_shape(const json& report, const std::string& file, int sample_rate)
{
    ASSERT_TRUE(report.is_object());
    EXPECT_EQ(keys_of(report), (std::set<std::string>{"file", "sample_rate", "duration_s",
                                                      "mains_hz", "channels", "events"}));
    EXPECT_EQ(report["file"], file);
    ASSERT_TRUE(report["sample_rate"].is_number_integer());
    EXPECT_EQ(report["sample_rate"].get<int>(), sample_rate);
    EXPECT_TRUE(report["duration_s"].is_number());
    expect_number_or_null(report["mains_hz"], "mains_hz");
    ASSERT_TRUE(report["channels"].is_array());
    for (const json& channel : report["channels"])
        expect_channel_shape(channel);
    ASSERT_TRUE(report["events"].is_array());
    std::set<std::string> ids;
    for (const json& channel : report["channels"])
        ids.insert(channel["id"].get<std::string>());
    for (const json& event : report["events"]) {
        EXPECT_EQ(keys_of(event), (std::set<std::string>{"t", "channel", "alarm", "action"}));
        EXPECT_TRUE(event["t"].is_number());
        EXPECT_TRUE(event["channel"].is_string() && ids.contains(event["channel"])) << event.dump();
        EXPECT_TRUE(event["alarm"].is_string() && alarm_kinds.contains(event["alarm"]) &&
                    event["alarm"] != "none")
            << event.dump();
        EXPECT_TRUE(event["action"] == "raised" || event["action"] == "cleared") << event.dump();
    }
}

json parse_json(const std::string& text)
{
    json parsed = json::parse(text, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << "not JSON:\n" << text;
    return parsed;
}

// =============================================================================================
// The binary on good recordings

struct GoodFormat {
    const char* name;
    const char* extension;
    int format;
    int sample_rate;
};

class AnalyzeGoodFile : public testing::TestWithParam<GoodFormat> {};

// 12 s of the test signal in each format: valid JSON of the documented shape, sane figures.
// (12 s, not less: the analyzer's first figures come after about 5 s, and an alarm must then
// hold for 2 s before the engine raises it.)
TEST_P(AnalyzeGoodFile, JsonHasTheDocumentedShapeAndSaneFigures)
{
    const GoodFormat& format = GetParam();
    TempDir dir;
    const std::string path = dir.file(std::string("take.") + format.extension);
    write_test_recording(path, format.format, format.sample_rate, good_seconds);

    const RunResult result = run_cmrctl({"analyze", "--json", path});
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_EQ(result.err, "") << "no warnings expected for 12 s of audio";
    const json report = parse_json(result.out);
    expect_report_shape(report, path, format.sample_rate);

    EXPECT_NEAR(report["duration_s"].get<double>(), good_seconds, 1e-3);
    ASSERT_TRUE(report["mains_hz"].is_number());
    EXPECT_NEAR(report["mains_hz"].get<double>(), hum_hz,
                0.05); // loose: mHz accuracy is tested elsewhere

    ASSERT_EQ(report["channels"].size(), 3U);
    EXPECT_EQ(report["channels"][0]["id"], "1/2");
    EXPECT_EQ(report["channels"][1]["id"], "3/4");
    EXPECT_EQ(report["channels"][2]["id"], "5");
    for (int i = 0; i < 2; ++i) {
        const json& pair = report["channels"][i];
        ASSERT_TRUE(pair["cm_hum_dbfs"].is_number()) << pair.dump();
        // C carries 0.995 x the -30 dBFS fundamental plus the -50 dBFS 3rd harmonic: -30.0 dBFS.
        EXPECT_NEAR(pair["cm_hum_dbfs"].get<double>(), cm_hum_dbfs, 1.0) << pair["id"];
        // A 1% leg mismatch gives a CMRR of about 40 dB; loose sanity only (+-5 dB).
        ASSERT_TRUE(pair["cmrr_db"].is_number()) << pair.dump();
        EXPECT_NEAR(pair["cmrr_db"].get<double>(), 40.0, 5.0) << pair["id"];
    }
    const json& single = report["channels"][2];
    ASSERT_TRUE(single["hum_dbfs"].is_number()) << single.dump();
    EXPECT_NEAR(single["hum_dbfs"].get<double>(), single_hum_dbfs, 1.0);

    // -40 dBFS of hum on input 5 is far above the -80 dBFS hum threshold: the alarm engine run
    // over the recording must have raised it, and it is still active at the end of the file.
    EXPECT_EQ(single["alarm"], "hum");
    const bool raised =
        std::any_of(report["events"].begin(), report["events"].end(), [](const json& event) {
            return event["channel"] == "5" && event["alarm"] == "hum" &&
                   event["action"] == "raised";
        });
    EXPECT_TRUE(raised) << report["events"].dump();
}

INSTANTIATE_TEST_SUITE_P(
    Formats, AnalyzeGoodFile,
    testing::Values(GoodFormat{"wav_pcm16", "wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 48000},
                    GoodFormat{"wav_pcm24", "wav", SF_FORMAT_WAV | SF_FORMAT_PCM_24, 48000},
                    GoodFormat{"wav_pcm32", "wav", SF_FORMAT_WAV | SF_FORMAT_PCM_32, 48000},
                    GoodFormat{"wav_float", "wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 48000},
                    GoodFormat{"flac16", "flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 44100},
                    GoodFormat{"flac24", "flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_24, 96000}),
    [](const testing::TestParamInfo<GoodFormat>& param) { return param.param.name; });

// The default output is a table that names every channel and states units.
TEST(AnalyzeTable, NamesChannelsAndUnits)
{
    TempDir dir;
    const std::string path = dir.file("take.wav");
    write_test_recording(path, SF_FORMAT_WAV | SF_FORMAT_PCM_24, 48000, good_seconds);
    const RunResult result = run_cmrctl({"analyze", path});
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_EQ(result.err, "");
    for (const char* text : {path.c_str(), "48000 Hz", "Mains", "1/2", "3/4", "dBFS", "CMRR",
                             "Alarm", "Hum harmonics", "k1 "})
        EXPECT_NE(result.out.find(text), std::string::npos) << text << " missing in:\n"
                                                            << result.out;
    bool has_single_row = false;
    for (const std::string& line : lines_of(result.out)) {
        EXPECT_LE(line.size(), 100U) << "too wide for a terminal: " << line;
        has_single_row = has_single_row || line.rfind("5 ", 0) == 0;
    }
    EXPECT_TRUE(has_single_row) << result.out;
}

// --channels picks and orders the channels; --harmonics limits the lists; --mains 50 pins.
TEST(AnalyzeOptions, LayoutHarmonicsAndMainsAreApplied)
{
    TempDir dir;
    const std::string path = dir.file("take.wav");
    write_test_recording(path, SF_FORMAT_WAV | SF_FORMAT_PCM_24, 48000, good_seconds);
    const RunResult result = run_cmrctl(
        {"analyze", "--json", "--channels", "5,3/4", "--harmonics", "5", "--mains", "50", path});
    ASSERT_EQ(result.status, 0) << result.err;
    const json report = parse_json(result.out);
    expect_report_shape(report, path, 48000);
    ASSERT_EQ(report["channels"].size(), 2U);
    EXPECT_EQ(report["channels"][0]["id"], "5");
    EXPECT_EQ(report["channels"][1]["id"], "3/4");
    EXPECT_EQ(report["channels"][0]["harmonics"].size(), 5U);
    EXPECT_EQ(report["channels"][1]["cm_harmonics"].size(), 5U);
    ASSERT_TRUE(report["mains_hz"].is_number());
    EXPECT_NEAR(report["mains_hz"].get<double>(), 50.0, 0.05);
}

// Sample rates at both ends of the supported range are accepted.
TEST(AnalyzeOptions, AcceptsTheLimitsOfTheSampleRateRange)
{
    TempDir dir;
    for (const int rate : {cmrctl::min_sample_rate, cmrctl::max_sample_rate}) {
        const std::string path = dir.file("edge" + std::to_string(rate) + ".wav");
        write_audio(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, rate, 1,
                    std::vector<float>(static_cast<std::size_t>(rate) * 5, 0.0F));
        const RunResult result = run_cmrctl({"analyze", "--json", path});
        EXPECT_EQ(result.status, 0) << rate << ": " << result.err;
        const json report = parse_json(result.out);
        expect_report_shape(report, path, rate);
    }
}

// A recording shorter than the analyzer needs is not an error: a warning, null figures.
TEST(AnalyzeShortFile, WarnsAndStillPrintsValidJson)
{
    TempDir dir;
    const std::string path = dir.file("short.wav");
    write_test_recording(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 48000, 1.5);
    const RunResult result = run_cmrctl({"analyze", "--json", path});
    ASSERT_EQ(result.status, 0) << result.err;
    const std::vector<std::string> lines = lines_of(result.err);
    ASSERT_EQ(lines.size(), 1U) << result.err;
    EXPECT_EQ(lines[0].rfind("cmrctl analyze: " + path + ": warning: ", 0), 0U) << lines[0];
    EXPECT_NE(lines[0].find("too short for the analyzer"), std::string::npos) << lines[0];
    const json report = parse_json(result.out);
    expect_report_shape(report, path, 48000);
    EXPECT_NEAR(report["duration_s"].get<double>(), 1.5, 1e-3);
    EXPECT_TRUE(report["mains_hz"].is_null());
    for (const json& channel : report["channels"]) {
        EXPECT_TRUE(channel["hum_dbfs"].is_null()) << channel.dump();
        EXPECT_TRUE(channel["cmrr_db"].is_null()) << channel.dump();
    }
}

// Float files can hold NaN or infinity; they are analysed as silence, with a warning.
TEST(AnalyzeFloatFile, NonFiniteSamplesAreReplacedWithAWarning)
{
    TempDir dir;
    const std::string path = dir.file("nan.wav");
    std::vector<float> samples = test_signal(48000, good_seconds);
    samples[1000] = std::numeric_limits<float>::quiet_NaN();
    samples[2001] = std::numeric_limits<float>::infinity();
    samples[3002] = -std::numeric_limits<float>::infinity();
    write_audio(path, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 48000, test_inputs, samples);
    const RunResult result = run_cmrctl({"analyze", "--json", path});
    ASSERT_EQ(result.status, 0) << result.err;
    const std::vector<std::string> lines = lines_of(result.err);
    ASSERT_EQ(lines.size(), 1U) << result.err;
    EXPECT_EQ(lines[0], "cmrctl analyze: " + path +
                            ": warning: 3 samples were not finite (NaN or infinite) and were "
                            "analysed as silence");
    const json report = parse_json(result.out);
    expect_report_shape(report, path, 48000);
    ASSERT_TRUE(report["mains_hz"].is_number());
    EXPECT_NEAR(report["mains_hz"].get<double>(), hum_hz, 0.05);
}

// The progress bar appears only on a terminal, and only for recordings longer than 30 s.
TEST(AnalyzeProgress, DrawnOnATerminalOnlyForLongFiles)
{
    TempDir dir;
    const std::string path = dir.file("long.wav");
    write_audio(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1,
                std::vector<float>(std::size_t{8000} * 31, 0.0F));

    const RunResult piped = run_cmrctl({"analyze", "--json", path});
    ASSERT_EQ(piped.status, 0) << piped.err;
    EXPECT_EQ(piped.err, "") << "nothing but results may reach a pipe";

    const RunResult on_terminal =
        run_cmrctl({"analyze", "--json", path}, {.stderr_on_terminal = true});
    ASSERT_EQ(on_terminal.status, 0) << on_terminal.err;
    EXPECT_NE(on_terminal.err.find("100%"), std::string::npos) << on_terminal.err;
    EXPECT_NE(on_terminal.err.find('\r'), std::string::npos);
    EXPECT_EQ(parse_json(on_terminal.out)["sample_rate"], 8000) << "stdout stays clean";

    const std::string short_path = dir.file("short.wav");
    write_audio(short_path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1,
                std::vector<float>(std::size_t{8000} * 10, 0.0F));
    const RunResult short_file =
        run_cmrctl({"analyze", "--json", short_path}, {.stderr_on_terminal = true});
    ASSERT_EQ(short_file.status, 0) << short_file.err;
    EXPECT_EQ(short_file.err.find('%'), std::string::npos) << short_file.err;
}

// =============================================================================================
// The binary on bad input: one line "cmrctl analyze: FILE: problem", exit status 2

class AnalyzeBadInput : public testing::Test {
protected:
    TempDir dir;
};

TEST_F(AnalyzeBadInput, MissingFile)
{
    const std::string path = dir.file("absent.wav");
    expect_bad_input(run_cmrctl({"analyze", path}), path, "No such file or directory");
}

TEST_F(AnalyzeBadInput, Directory)
{
    const std::string path = dir.file("folder.wav");
    fs::create_directory(path);
    expect_bad_input(run_cmrctl({"analyze", path}), path, "is a directory");
}

TEST_F(AnalyzeBadInput, UnreadableFile)
{
    const std::string path = dir.file("secret.wav");
    write_test_recording(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 48000, 0.5);
    fs::permissions(path, fs::perms::none);
    expect_bad_input(run_cmrctl({"analyze", path}, {.unprivileged = true}), path,
                     "Permission denied");
}

TEST_F(AnalyzeBadInput, TextFile)
{
    const std::string path = dir.file("notes.wav");
    write_text_file(path, "These are not the samples you are looking for.\n");
    expect_bad_input(run_cmrctl({"analyze", path}), path, "not a readable audio file");
}

TEST_F(AnalyzeBadInput, EmptyFile)
{
    const std::string path = dir.file("empty.wav");
    write_text_file(path, "");
    expect_bad_input(run_cmrctl({"analyze", path}), path, "not a readable audio file");
}

TEST_F(AnalyzeBadInput, WavWithoutFrames)
{
    const std::string path = dir.file("silent.wav");
    write_audio(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 48000, 2, {});
    expect_bad_input(run_cmrctl({"analyze", path}), path, "contains no audio (0 frames)");
}

TEST_F(AnalyzeBadInput, TruncatedWav)
{
    for (const int subtype : {SF_FORMAT_PCM_16, SF_FORMAT_PCM_24, SF_FORMAT_FLOAT}) {
        const std::string path = dir.file("cut" + std::to_string(subtype) + ".wav");
        write_test_recording(path, SF_FORMAT_WAV | subtype, 48000, 2.0);
        fs::resize_file(path, fs::file_size(path) / 2);
        expect_bad_input(run_cmrctl({"analyze", path}), path, "truncated");
    }
}

// #12 finding 7: an RF64 header claiming far more than the file holds was analysed as a
// whole, shorter file. RF64 (sizes in ds64) and Wave64 (GUID chunks, 64-bit sizes) are judged
// like WAV.
TEST_F(AnalyzeBadInput, TruncatedRf64AndW64)
{
    for (const int container : {SF_FORMAT_RF64, SF_FORMAT_W64}) {
        for (const int subtype : {SF_FORMAT_PCM_24, SF_FORMAT_FLOAT}) {
            const std::string path =
                dir.file("cut" + std::to_string(container) + "_" + std::to_string(subtype));
            write_test_recording(path, container | subtype, 48000, 2.0);
            const RunResult whole = run_cmrctl({"analyze", "--json", path});
            EXPECT_EQ(whole.status, 0) << path << ": " << whole.err;
            fs::resize_file(path, fs::file_size(path) / 2);
            expect_bad_input(run_cmrctl({"analyze", path}), path, "truncated");
        }
    }
}

// A FIFO waited forever for a writer; devices are not recordings either.
TEST_F(AnalyzeBadInput, FifoAndDeviceAreRefusedAtOnce)
{
    const std::string fifo = dir.file("pipe.wav");
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    expect_bad_input(run_cmrctl({"analyze", fifo}), fifo, "is not a regular file (a FIFO)");
    expect_bad_input(run_cmrctl({"analyze", "/dev/zero"}), "/dev/zero",
                     "is not a regular file (a character device)");
}

TEST_F(AnalyzeBadInput, TruncatedWavWithoutAnyData)
{
    const std::string path = dir.file("header_only.wav");
    write_test_recording(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 48000, 1.0);
    fs::resize_file(path, 44); // the canonical header alone
    expect_bad_input(run_cmrctl({"analyze", path}), path, "truncated");
}

TEST_F(AnalyzeBadInput, TruncatedFlac)
{
    const std::string path = dir.file("cut.flac");
    write_test_recording(path, SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 48000, 6.0);
    fs::resize_file(path, fs::file_size(path) / 2);
    expect_bad_input(run_cmrctl({"analyze", path}), path, "truncated");
}

TEST_F(AnalyzeBadInput, UnsupportedSampleRates)
{
    for (const int rate : {4000, 7999, 192001, 384000}) {
        const std::string path = dir.file("rate" + std::to_string(rate) + ".wav");
        write_audio(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, rate, 2,
                    std::vector<float>(static_cast<std::size_t>(rate), 0.0F));
        expect_bad_input(run_cmrctl({"analyze", path}), path,
                         "unsupported sample rate " + std::to_string(rate) + " Hz");
    }
}

TEST_F(AnalyzeBadInput, LayoutNamesAMissingInput)
{
    const std::string path = dir.file("take.wav");
    write_test_recording(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 48000, 0.5);
    expect_bad_input(run_cmrctl({"analyze", "--channels", "1/2 9", path}), path,
                     "input 9 does not exist");
    expect_bad_input(run_cmrctl({"analyze", "--channels", "1/2 5/6", path}), path,
                     "input 6 of \"5/6\" does not exist");
}

TEST_F(AnalyzeBadInput, MalformedLayout)
{
    const std::string path = dir.file("take.wav");
    write_test_recording(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 48000, 0.5);
    expect_bad_input(run_cmrctl({"analyze", "--channels", "1/x", path}), path, "not a number");
    expect_bad_input(run_cmrctl({"analyze", "--channels", "1/2 2/3", path}), path, "used twice");
    expect_bad_input(run_cmrctl({"analyze", "--channels", " , ", path}), path, "empty layout");
}

TEST_F(AnalyzeBadInput, HarmonicCountOutOfRange)
{
    const std::string path = dir.file("take.wav");
    write_test_recording(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 48000, 0.5);
    for (const char* count : {"0", "65", "-3"})
        expect_bad_input(run_cmrctl({"analyze", "--harmonics", count, path}), path,
                         std::string("--harmonics ") + count + ": out of range (1 to 64)");
}

TEST_F(AnalyzeBadInput, UnknownMains)
{
    const std::string path = dir.file("take.wav");
    write_test_recording(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 48000, 0.5);
    for (const char* mains : {"55", "50Hz", ""})
        expect_bad_input(run_cmrctl({"analyze", "--mains", mains, path}), path,
                         "expected auto, 50 or 60");
}

// Command-line usage errors: CLI11's own message on stderr, exit status 2, nothing on stdout.
TEST(AnalyzeUsage, UsageErrorsExitWithStatusTwo)
{
    const std::vector<std::vector<std::string>> cases{
        {},                                          // no command
        {"analyze"},                                 // no FILE
        {"analyze", "--bogus", "x.wav"},             // unknown option
        {"analyze", "--harmonics", "many", "x.wav"}, // not a number
        {"analyze", "a.wav", "b.wav"},               // two files
        {"frobnicate"},                              // unknown command
    };
    for (const auto& args : cases) {
        const RunResult result = run_cmrctl(args);
        std::string shown;
        for (const auto& arg : args)
            shown += " " + arg;
        EXPECT_EQ(result.status, 2) << "cmrctl" << shown << "\n" << result.err;
        EXPECT_NE(result.err, "") << "cmrctl" << shown;
        EXPECT_EQ(result.out, "") << "cmrctl" << shown;
    }
}

TEST(AnalyzeUsage, HelpExitsWithStatusZero)
{
    const RunResult result = run_cmrctl({"analyze", "--help"});
    EXPECT_EQ(result.status, 0);
    for (const char* option : {"--channels", "--mains", "--harmonics", "--json", "FILE"})
        EXPECT_NE(result.out.find(option), std::string::npos) << option << "\n" << result.out;
}

// =============================================================================================
// In-process tests of the building blocks

cmr::ChannelResult pair_result()
{
    cmr::ChannelResult result;
    result.spec = cmr::parse_layout("3/4").front();
    result.mains_hz = 50.0134999;
    result.level_dbfs = -13.94;
    result.hum_dbfs = -96.25;
    result.harmonics.items[0] = {1, 50.0134999, -97.04};
    result.harmonics.items[1] = {2, 100.0269998, std::nullopt};
    result.harmonics.count = 2;
    result.cm_hum_dbfs = -35.06;
    result.cm_harmonics.items[0] = {1, 50.0134999, -35.44};
    result.cm_harmonics.count = 1;
    result.cmrr_db = 61.06;
    result.cmrr_kind = cmr::CmrrKind::measured;
    result.symmetry = cmr::Symmetry::symmetric;
    result.leg_gain_db = 6.0206;
    return result;
}

TEST(ChannelJson, PairHasEveryKeyRoundedWithChannelNull)
{
    const cmrctl::Json ordered =
        cmrctl::channel_to_json(pair_result(), cmr::AlarmKind::ground_loop);
    const json channel = json::parse(ordered.dump());
    expect_channel_shape(channel);
    EXPECT_EQ(channel["id"], "3/4");
    EXPECT_EQ(channel["kind"], "pair");
    EXPECT_EQ(channel["hot"], 3);
    EXPECT_EQ(channel["cold"], 4);
    // Rounded to the documented precision (exact comparisons of the printed decimals).
    EXPECT_EQ(channel["mains_hz"].dump(), "50.013");
    EXPECT_EQ(channel["level_dbfs"].dump(), "-13.9");
    EXPECT_EQ(channel["hum_dbfs"].dump(), "-96.3");
    EXPECT_EQ(ordered["harmonics"].dump(),
              R"([{"k":1,"hz":50.013,"dbfs":-97.0},{"k":2,"hz":100.027,"dbfs":null}])");
    EXPECT_EQ(channel["cmrr_db"].dump(), "61.1");
    EXPECT_EQ(channel["cmrr_kind"], "measured");
    EXPECT_EQ(channel["symmetry"], "symmetric");
    EXPECT_EQ(channel["leg_gain_db"].dump(), "6.02");
    EXPECT_EQ(channel["alarm"], "ground_loop");
}

TEST(ChannelJson, KeysFollowDesignOrder)
{
    const std::string text = cmrctl::channel_to_json(pair_result(), cmr::AlarmKind::none).dump();
    EXPECT_EQ(text.rfind(R"({"id":"3/4","kind":"pair","hot":3,"cold":4,"channel":null,)", 0), 0U)
        << text;
    EXPECT_NE(text.find(R"("leg_gain_db":6.02,"alarm":"none"})"), std::string::npos) << text;
}

TEST(ChannelJson, SingleHasNullForEveryPairField)
{
    cmr::ChannelResult result;
    result.spec = cmr::parse_layout("7").front();
    result.hum_dbfs = -62.0;
    // Pair figures set by mistake must not leak into a single's JSON.
    result.cmrr_db = 50.0;
    result.cmrr_kind = cmr::CmrrKind::measured;
    result.symmetry = cmr::Symmetry::symmetric;
    const json channel = json::parse(cmrctl::channel_to_json(result, cmr::AlarmKind::hum).dump());
    expect_channel_shape(channel);
    EXPECT_EQ(channel["kind"], "single");
    EXPECT_EQ(channel["channel"], 7);
    EXPECT_TRUE(channel["mains_hz"].is_null());
    EXPECT_EQ(channel["harmonics"], json::array());
    EXPECT_EQ(channel["alarm"], "hum");
}

TEST(ChannelJson, UnmeasuredAndNonFiniteFiguresAreNull)
{
    cmr::ChannelResult result = pair_result();
    result.level_dbfs = -std::numeric_limits<double>::infinity();
    result.hum_dbfs = std::numeric_limits<double>::quiet_NaN();
    result.cmrr_kind = cmr::CmrrKind::none; // a figure without a kind is not a measurement
    result.symmetry.reset();
    result.leg_gain_db.reset();
    const json channel = json::parse(cmrctl::channel_to_json(result, cmr::AlarmKind::none).dump());
    expect_channel_shape(channel);
    EXPECT_TRUE(channel["level_dbfs"].is_null());
    EXPECT_TRUE(channel["hum_dbfs"].is_null());
    EXPECT_TRUE(channel["cmrr_db"].is_null());
    EXPECT_EQ(channel["cmrr_kind"], "none");
    EXPECT_TRUE(channel["symmetry"].is_null());
    EXPECT_TRUE(channel["leg_gain_db"].is_null());
}

TEST(ChannelJson, RoundingNeverPrintsNegativeZero)
{
    EXPECT_EQ(cmrctl::json_number(-0.04, 1).dump(), "0.0");
    EXPECT_EQ(cmrctl::json_number(-0.06, 1).dump(), "-0.1");
    EXPECT_EQ(cmrctl::json_number(std::nullopt, 1).dump(), "null");
}

TEST(ChannelJson, EventNamesTheChannelById)
{
    const cmr::Layout layout = cmr::parse_layout("1/2 5");
    cmr::AlarmEvent event;
    event.time_s = 12.5000001;
    event.channel = 1;
    event.kind = cmr::AlarmKind::hum;
    event.raised = false;
    EXPECT_EQ(cmrctl::event_to_json(event, layout).dump(),
              R"({"t":12.5,"channel":"5","alarm":"hum","action":"cleared"})");
}

TEST(ReportJson, HasExactlyTheDocumentedKeys)
{
    cmrctl::AnalyzeReport report;
    report.file = "x.wav";
    report.sample_rate = 48000;
    report.duration_s = 8.0000004;
    report.layout = cmr::parse_layout("3/4");
    report.channels = {pair_result()};
    report.alarms = {cmr::AlarmKind::cmrr_low};
    cmr::AlarmEvent event;
    event.time_s = 6.5;
    event.kind = cmr::AlarmKind::cmrr_low;
    event.raised = true;
    report.events = {event};
    const json object = json::parse(cmrctl::report_to_json(report).dump());
    expect_report_shape(object, "x.wav", 48000);
    EXPECT_EQ(object["duration_s"].dump(), "8.0");
    EXPECT_TRUE(object["mains_hz"].is_null());
    EXPECT_EQ(object["channels"][0]["alarm"], "cmrr_low");
    EXPECT_EQ(object["events"][0]["channel"], "3/4");
}

TEST(Table, CmrrCellShowsItsKind)
{
    cmr::ChannelResult result = pair_result();
    EXPECT_EQ(cmrctl::format_cmrr(result), "61.1");
    result.cmrr_kind = cmr::CmrrKind::lower_bound;
    result.cmrr_db = 52.26;
    EXPECT_EQ(cmrctl::format_cmrr(result), ">= 52.3");
    result.cmrr_kind = cmr::CmrrKind::none;
    EXPECT_EQ(cmrctl::format_cmrr(result), "-");
}

TEST(Table, ChannelTableHasUnitsAndDashesForMissingFigures)
{
    cmr::ChannelResult single;
    single.spec = cmr::parse_layout("5").front();
    const std::vector<cmr::ChannelResult> channels{pair_result(), single};
    const std::vector<cmr::AlarmKind> alarms{cmr::AlarmKind::ground_loop, cmr::AlarmKind::none};
    const std::vector<std::string> lines = lines_of(cmrctl::format_channel_table(channels, alarms));
    ASSERT_EQ(lines.size(), 4U);
    EXPECT_EQ(lines[0].rfind("Channel", 0), 0U);
    EXPECT_NE(lines[1].find("dBFS"), std::string::npos);
    EXPECT_NE(lines[1].find("dB "), std::string::npos);
    EXPECT_EQ(lines[2].rfind("3/4 ", 0), 0U);
    for (const char* cell :
         {"-13.9", "-96.3", "-35.1", "61.1", "symmetric", "+6.02", "ground_loop"})
        EXPECT_NE(lines[2].find(cell), std::string::npos) << cell << " in " << lines[2];
    EXPECT_EQ(lines[3].rfind("5 ", 0), 0U);
    EXPECT_NE(lines[3].find("-  "), std::string::npos) << lines[3];
    for (const std::string& line : lines)
        EXPECT_LE(line.size(), 90U) << line;
}

TEST(Table, HarmonicsListOnlyClearOnesAndWrap)
{
    cmr::ChannelResult single;
    single.spec = cmr::parse_layout("12").front();
    for (int k = 1; k <= 40; ++k)
        single.harmonics.items[static_cast<std::size_t>(k - 1)] = {
            k, 50.0 * k, k == 2 ? std::nullopt : std::optional<double>(-60.0 - k)};
    single.harmonics.count = 40;
    const std::string text = cmrctl::format_harmonics(std::vector{single}, "  ", 80);
    EXPECT_NE(text.find("k1 -61.0"), std::string::npos) << text;
    EXPECT_EQ(text.find("k2 "), std::string::npos) << "below the floor: left out\n" << text;
    EXPECT_NE(text.find("k40 -100.0"), std::string::npos) << text;
    const std::vector<std::string> lines = lines_of(text);
    EXPECT_GT(lines.size(), 1U);
    for (const std::string& line : lines)
        EXPECT_LE(line.size(), 80U) << line;

    cmr::ChannelResult quiet = pair_result();
    quiet.harmonics.items[0].dbfs.reset();
    quiet.cm_harmonics.count = 0;
    const std::vector<std::string> quiet_lines =
        lines_of(cmrctl::format_harmonics(std::vector{quiet}));
    ASSERT_EQ(quiet_lines.size(), 2U);
    EXPECT_NE(quiet_lines[0].find("D   none clear of the noise floor"), std::string::npos)
        << quiet_lines[0];
    EXPECT_NE(quiet_lines[1].find("CM  not measured"), std::string::npos) << quiet_lines[1];
}

TEST(AudioFileReader, ReadsEveryFrameAtFullScale)
{
    TempDir dir;
    const std::string path = dir.file("ramp.wav");
    std::vector<float> written(std::size_t{3} * 1000);
    for (std::size_t i = 0; i < written.size(); ++i)
        written[i] = static_cast<float>(std::sin(0.01 * static_cast<double>(i)) * 0.9);
    write_audio(path, SF_FORMAT_WAV | SF_FORMAT_PCM_24, 44100, 3, written);

    cmrctl::AudioFile file(path);
    EXPECT_EQ(file.channels(), 3);
    EXPECT_EQ(file.sample_rate(), 44100);
    EXPECT_EQ(file.frames(), 1000);
    EXPECT_NE(file.format_name().find("24"), std::string::npos) << file.format_name();
    std::vector<float> read;
    std::vector<float> block(std::size_t{3} * 256);
    while (const std::size_t frames = file.read(block))
        read.insert(read.end(), block.begin(), block.begin() + static_cast<long>(frames * 3));
    ASSERT_EQ(read.size(), written.size());
    for (std::size_t i = 0; i < read.size(); ++i)
        ASSERT_NEAR(read[i], written[i], 1e-6) << i; // 24-bit quantisation: 6e-8
    EXPECT_THROW((void)file.read(std::span<float>(block.data(), 4)), std::invalid_argument);
}

// #12 finding 7: a float WAV cut short while it was read killed cmrctl with SIGBUS (it was
// read through a memory mapping). Now it is an error naming the file.
TEST(AudioFileReader, AFloatWavCutShortWhileReadIsAnError)
{
    TempDir dir;
    const std::string path = dir.file("shrinking.wav");
    write_test_recording(path, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 48000, 4.0);
    cmrctl::AudioFile file(path);
    ASSERT_TRUE(file.reads_directly());
    ASSERT_FALSE(file.next(4800).empty());
    fs::resize_file(path, fs::file_size(path) / 4);
    try {
        while (!file.next(4800).empty()) {
        }
        FAIL() << "read to the end of a file cut short";
    } catch (const cmrctl::AudioFileError& error) {
        EXPECT_NE(error.problem().find("truncated: the file became shorter while it was read"),
                  std::string::npos)
            << error.what();
    }
}

TEST(AudioFileReader, ErrorsNameTheFile)
{
    TempDir dir;
    const std::string path = dir.file("nothing.flac");
    try {
        cmrctl::AudioFile file(path);
        FAIL() << "opened a missing file";
    } catch (const cmrctl::AudioFileError& error) {
        EXPECT_EQ(error.path(), path);
        EXPECT_EQ(std::string(error.what()), path + ": " + error.problem());
    }
}

TEST(ProgressBarUnit, WantedOnlyOnATerminalForLongRecordings)
{
    std::array<int, 2> fds{};
    ASSERT_EQ(::pipe(fds.data()), 0);
    EXPECT_FALSE(cmrctl::ProgressBar::wanted(fds[1], 3600.0));
    int master = -1;
    int slave = -1;
    ASSERT_EQ(::openpty(&master, &slave, nullptr, nullptr, nullptr), 0);
    EXPECT_TRUE(cmrctl::ProgressBar::wanted(slave, 31.0));
    EXPECT_FALSE(cmrctl::ProgressBar::wanted(slave, 30.0));
    for (const int fd : {fds[0], fds[1], master, slave})
        ::close(fd);
}

TEST(ProgressBarUnit, DrawsOnlyWhenEnabledAndErasesItself)
{
    std::array<int, 2> fds{};
    ASSERT_EQ(::pipe2(fds.data(), O_NONBLOCK), 0);
    const auto drain = [&] {
        std::string text;
        char buffer[4096];
        for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;)
            text.append(buffer, static_cast<std::size_t>(n));
        return text;
    };
    constexpr std::int64_t minute = std::int64_t{48000} * 60; // frames
    {
        cmrctl::ProgressBar bar("x.wav", minute, 48000.0, false, fds[1]);
        bar.update(minute / 2);
    }
    EXPECT_EQ(drain(), "");
    {
        cmrctl::ProgressBar bar("x.wav", minute, 48000.0, true, fds[1]);
        bar.update(minute / 2);
        bar.update(minute / 2 + 1); // same text: not redrawn
        const std::string drawn = drain();
        EXPECT_EQ(std::count(drawn.begin(), drawn.end(), '\r'), 1) << drawn;
        EXPECT_NE(drawn.find("x.wav"), std::string::npos) << drawn;
        EXPECT_NE(drawn.find(" 50%"), std::string::npos) << drawn;
        EXPECT_NE(drawn.find("30 / 60 s"), std::string::npos) << drawn;
    }
    EXPECT_EQ(drain(), "\r\033[K") << "the bar is erased when done";
    ::close(fds[0]);
    ::close(fds[1]);
}

} // namespace
