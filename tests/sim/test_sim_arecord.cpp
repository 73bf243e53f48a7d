// SPDX-License-Identifier: GPL-2.0-or-later
// The simulated interface checked from outside by a client we did not write: arecord
// (alsa-utils) records from it, and what it records is the scenario, sample for sample. arecord
// runs as a child process; it finds the device through the ALSA_CONFIG_PATH the fixture sets.

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sndfile.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim_test_reference.hpp"
#include "simulated_interface.hpp"

namespace {

using cmr::sim::interface_spec;
using cmr::sim::Recording;
using cmr::sim::SimulatedInterface;
using namespace cmr::sim::testing;

struct RunResult {
    int exit_code = -1;
    std::string output; ///< stdout and stderr
    double seconds = 0.0;
};

/// Runs @p program with @p arguments in @p directory, collecting its output. In a sanitizer
/// build the plugin the program loads is instrumented, so the sanitizer runtime is preloaded
/// ($CMR_SANITIZER_PRELOAD, set by the build).
RunResult run(const std::filesystem::path& directory, const std::string& program,
              const std::string& arguments)
{
    std::string command = "cd '" + directory.string() + "' && (";
    if (const char* preload = std::getenv("CMR_SANITIZER_PRELOAD"); preload && *preload)
        command += "LD_PRELOAD='" + std::string(preload) + "' ASAN_OPTIONS=detect_leaks=0 ";
    command += program + " " + arguments + ") > tool.log 2>&1";
    RunResult result;
    const auto start = std::chrono::steady_clock::now();
    const int status = std::system(command.c_str());
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream log(directory / "tool.log");
    std::ostringstream text;
    text << log.rdbuf();
    result.output = text.str();
    return result;
}

/// Runs arecord ($ARECORD, else from PATH).
RunResult arecord(const std::filesystem::path& directory, const std::string& arguments)
{
    const char* program = std::getenv("ARECORD");
    return run(directory, program != nullptr ? program : "arecord", arguments);
}

/// A WAV file's header facts and its samples as read by libsndfile.
struct Wav {
    SF_INFO info{};
    std::vector<int> ints;     ///< sf_readf_int: the code scaled to 32 bits
    std::vector<float> floats; ///< sf_readf_float (normalised)
};

Wav read_wav(const std::filesystem::path& path)
{
    Wav wav;
    SNDFILE* file = sf_open(path.c_str(), SFM_READ, &wav.info);
    if (file == nullptr) {
        ADD_FAILURE() << "cannot read " << path << ": " << sf_strerror(nullptr);
        return wav;
    }
    const auto samples = static_cast<std::size_t>(wav.info.frames * wav.info.channels);
    wav.ints.resize(samples);
    sf_readf_int(file, wav.ints.data(), wav.info.frames);
    sf_seek(file, 0, SEEK_SET);
    wav.floats.resize(samples);
    sf_readf_float(file, wav.floats.data(), wav.info.frames);
    sf_close(file);
    return wav;
}

/// Index of the first sample where a recording differs from the reference, or -1.
template <typename T> long first_mismatch(const std::vector<T>& got, const std::vector<T>& want)
{
    if (got.size() != want.size())
        return static_cast<long>(std::min(got.size(), want.size()));
    for (std::size_t i = 0; i < got.size(); ++i)
        if (got[i] != want[i])
            return static_cast<long>(i);
    return -1;
}

// The example interface: 8 inputs, S32_LE only, 44.1/48/96 kHz.
class SimArecord : public testing::Test {
protected:
    SimulatedInterface sim{interface_spec(8, {"S32_LE"}, {44100, 48000, 96000}, "sim8"),
                           busy_scenario()};
};

// 2 s recorded by arecord: every sample equals the scenario's render from frame 0, converted
// to S32 (no tolerance), and arecord took at least the 2 s of real time (the upper bound only
// catches a hang: process start and open are included, slow in sanitizer builds on a loaded
// machine; sim_pacing checks pacing to ±5% in-process).
TEST_F(SimArecord, RecordsTheScenarioSampleForSample)
{
    const RunResult run = arecord(sim.directory(), "-D sim8 -f S32_LE -c 8 -r 48000 -d 2 out.wav");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_GE(run.seconds, 1.95) << "faster than real time";
    EXPECT_LT(run.seconds, 10.0) << "process start and open included";
    const Wav wav = read_wav(sim.directory() / "out.wav");
    ASSERT_EQ(wav.info.channels, 8);
    ASSERT_EQ(wav.info.samplerate, 48000);
    ASSERT_EQ(wav.info.frames, 96000);
    EXPECT_EQ(wav.info.format & SF_FORMAT_SUBMASK, SF_FORMAT_PCM_32);

    const std::vector<float> reference = render(busy_scenario(), 48000, 0, 96000);
    std::vector<int> want(reference.size());
    for (std::size_t i = 0; i < reference.size(); ++i)
        want[i] = static_cast<int>(reference_code(reference[i], 32));
    const long at = first_mismatch(wav.ints, want);
    EXPECT_EQ(at, -1) << "frame " << at / 8 << " input " << at % 8 + 1;
}

// The negotiated rate replaces the scenario's: at 96 kHz the recording is the scenario rendered
// at 96 kHz.
TEST_F(SimArecord, RecordsAtTheNegotiatedRate)
{
    const RunResult run =
        arecord(sim.directory(), "-D sim8 -f S32_LE -c 8 -r 96000 -s 48000 out.wav");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const Wav wav = read_wav(sim.directory() / "out.wav");
    ASSERT_EQ(wav.info.samplerate, 96000);
    ASSERT_EQ(wav.info.frames, 48000);
    const std::vector<float> reference = render(busy_scenario(), 96000, 0, 48000);
    std::vector<int> want(reference.size());
    for (std::size_t i = 0; i < reference.size(); ++i)
        want[i] = static_cast<int>(reference_code(reference[i], 32));
    EXPECT_EQ(first_mismatch(wav.ints, want), -1);
}

// What the device does not offer fails, as with hw:. arecord asks for the rate "near" what it
// was given, so a rate the device lacks is not an error to arecord either: it warns and records
// at the device's nearest rate (the device converts nothing).
TEST_F(SimArecord, WrongChannelsFormatOrRateFailLikeHardware)
{
    const RunResult channels =
        arecord(sim.directory(), "-D sim8 -f S32_LE -c 2 -r 48000 -d 1 x.wav");
    EXPECT_NE(channels.exit_code, 0);
    EXPECT_NE(channels.output.find("Channels count non available"), std::string::npos)
        << channels.output;

    const RunResult format = arecord(sim.directory(), "-D sim8 -f S16_LE -c 8 -r 48000 -d 1 x.wav");
    EXPECT_NE(format.exit_code, 0);
    EXPECT_NE(format.output.find("Sample format non available"), std::string::npos)
        << format.output;
    EXPECT_NE(format.output.find("S32_LE"), std::string::npos) << "lists what is available";

    const RunResult rate =
        arecord(sim.directory(), "-D sim8 -f S32_LE -c 8 -r 32000 -s 4800 x.wav");
    EXPECT_EQ(rate.exit_code, 0) << rate.output;
    EXPECT_NE(rate.output.find("rate is not accurate"), std::string::npos) << rate.output;
    EXPECT_EQ(read_wav(sim.directory() / "x.wav").info.samplerate, 44100);

    const RunResult playback = run(sim.directory(), "aplay", "-D sim8 x.wav");
    EXPECT_NE(playback.exit_code, 0) << "the interface has no outputs";
    EXPECT_NE(playback.output.find("capture only"), std::string::npos) << playback.output;
}

// Formats other than S32 through arecord: 24-bit in 3 bytes and float (exact), 16-bit.
TEST(SimArecordFormats, OtherFormatsRecordExactly)
{
    SimulatedInterface sim(interface_spec(8, {"S16_LE", "S24_3LE", "FLOAT_LE"}), busy_scenario());
    const std::vector<float> reference = render(busy_scenario(), 48000, 0, 24000);

    ASSERT_EQ(arecord(sim.directory(), "-D sim -f FLOAT_LE -c 8 -r 48000 -s 24000 f.wav").exit_code,
              0);
    EXPECT_EQ(first_mismatch(read_wav(sim.directory() / "f.wav").floats, reference), -1);

    ASSERT_EQ(arecord(sim.directory(), "-D sim -f S24_3LE -c 8 -r 48000 -s 24000 t.wav").exit_code,
              0);
    const Wav s24 = read_wav(sim.directory() / "t.wav");
    EXPECT_EQ(s24.info.format & SF_FORMAT_SUBMASK, SF_FORMAT_PCM_24);
    std::vector<int> want(reference.size());
    for (std::size_t i = 0; i < reference.size(); ++i) // libsndfile scales codes to 32 bits
        want[i] = static_cast<int>(reference_code(reference[i], 24) * 256);
    EXPECT_EQ(first_mismatch(s24.ints, want), -1);

    ASSERT_EQ(arecord(sim.directory(), "-D sim -f S16_LE -c 8 -r 48000 -s 24000 s.wav").exit_code,
              0);
    for (std::size_t i = 0; i < reference.size(); ++i)
        want[i] = static_cast<int>(reference_code(reference[i], 16) * 65536);
    EXPECT_EQ(first_mismatch(read_wav(sim.directory() / "s.wav").ints, want), -1);
}

// Any recording can be replayed live: a device playing arecord's own recording (`file` mode)
// gives it back bit for bit through arecord, looping at its end (3 s recorded from a 2 s file).
TEST(SimArecordReplay, ARecordingIsReplayedInALoop)
{
    std::filesystem::path recording;
    std::vector<int> original;
    {
        SimulatedInterface source(interface_spec(8, {"S32_LE"}), busy_scenario());
        ASSERT_EQ(
            arecord(source.directory(), "-D sim -f S32_LE -c 8 -r 48000 -d 2 rec.wav").exit_code,
            0);
        recording = std::filesystem::temp_directory_path() /
                    ("cmrsim-replay-test-" + std::to_string(::getpid()) + ".wav");
        std::filesystem::copy_file(source.directory() / "rec.wav", recording,
                                   std::filesystem::copy_options::overwrite_existing);
        original = read_wav(recording).ints;
        ASSERT_EQ(original.size(), 96000U * 8);
    }
    SimulatedInterface replay(interface_spec(8, {"S32_LE"}, {}), Recording{recording});
    const RunResult run =
        arecord(replay.directory(), "-D sim -f S32_LE -c 8 -r 48000 -d 3 out.wav");
    std::filesystem::remove(recording);
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const Wav wav = read_wav(replay.directory() / "out.wav");
    ASSERT_EQ(wav.info.frames, 144000);
    std::vector<int> want = original;
    want.insert(want.end(), original.begin(), original.begin() + 48000 * 8);
    EXPECT_EQ(first_mismatch(wav.ints, want), -1);
}

} // namespace
