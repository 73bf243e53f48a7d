// SPDX-License-Identifier: GPL-2.0-or-later
// The simulated interface's ALSA configuration block: defaults, and bad configurations that
// must fail at snd_pcm_open() with a message naming the key. Also the recording (`file`) mode:
// only the file's rate and channel count, its samples replayed exactly and in a loop.

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <alsa/asoundlib.h>
#include <gtest/gtest.h>
#include <sndfile.h>
#include <unistd.h>

#include "capture_client.hpp"
#include "sim_test_reference.hpp"
#include "simulated_interface.hpp"

namespace {

using cmr::sim::alsa_quoted;
using cmr::sim::interface_spec;
using cmr::sim::InterfaceSpec;
using cmr::sim::Recording;
using cmr::sim::ScenarioFile;
using cmr::sim::SimulatedInterface;
using namespace cmr::sim::testing;

std::filesystem::path source_root()
{
    const char* root = std::getenv("CMR_SOURCE_ROOT");
    return root != nullptr ? root : CMR_SOURCE_ROOT_FALLBACK;
}

std::filesystem::path ground_loop()
{
    return source_root() / "examples" / "ground-loop.toml";
}

/// Result of opening a PCM: the error code and what alsa-lib reported.
struct OpenResult {
    int code = 0;
    std::string messages;
};

OpenResult try_open(const std::string& name)
{
    capture_alsa_errors();
    Pcm pcm;
    OpenResult result;
    result.code = pcm.open(name);
    result.messages = alsa_errors();
    snd_lib_error_set_handler(nullptr);
    return result;
}

/// A fixture with extra PCM definitions (`pcm.NAME { type cmrsim BODY }`) next to its own.
class SimConfig : public testing::Test {
protected:
    static InterfaceSpec spec_with(const std::string& extra)
    {
        InterfaceSpec spec = interface_spec(8, {"S32_LE"});
        spec.extra_config = extra;
        return spec;
    }
    static std::string pcm(const std::string& name, const std::string& body)
    {
        return "pcm." + name + " {\n    type cmrsim\n" + body + "\n}\n";
    }
};

TEST_F(SimConfig, MissingSourceFailsToOpenNamingTheKey)
{
    SimulatedInterface sim(spec_with(pcm("nosource", "channels 8")), ScenarioFile{ground_loop()});
    const OpenResult r = try_open("nosource");
    EXPECT_EQ(r.code, -EINVAL);
    EXPECT_NE(r.messages.find("cmrsim nosource: scenario: missing"), std::string::npos)
        << r.messages;
}

TEST_F(SimConfig, ScenarioWithAnotherInputCountFailsNamingBothKeys)
{
    SimulatedInterface sim(
        spec_with(pcm("four", "channels 4\nscenario " + alsa_quoted(ground_loop().string()))),
        ScenarioFile{ground_loop()});
    const OpenResult r = try_open("four");
    EXPECT_EQ(r.code, -EINVAL);
    EXPECT_NE(r.messages.find("channels: the interface has 4 inputs"), std::string::npos)
        << r.messages;
    EXPECT_NE(r.messages.find("inputs = 8"), std::string::npos) << r.messages;
}

TEST_F(SimConfig, UnreadableOrBrokenScenarioFailsWithTheFileAndLine)
{
    const std::filesystem::path broken =
        std::filesystem::temp_directory_path() /
        ("cmrsim-broken-scenario-" + std::to_string(::getpid()) + ".toml");
    std::ofstream(broken) << "inputs = 8\nseed = 1\nnoise_dbfs = \"loud\"\n";
    SimulatedInterface sim(spec_with(pcm("missing", "scenario \"/nonexistent/x.toml\"") +
                                     pcm("broken", "scenario " + alsa_quoted(broken.string()))),
                           ScenarioFile{ground_loop()});
    const OpenResult missing = try_open("missing");
    EXPECT_EQ(missing.code, -EINVAL);
    EXPECT_NE(missing.messages.find("/nonexistent/x.toml: cannot open"), std::string::npos)
        << missing.messages;
    const OpenResult bad = try_open("broken");
    std::filesystem::remove(broken);
    EXPECT_EQ(bad.code, -EINVAL);
    EXPECT_NE(bad.messages.find(broken.string() + ":3: noise_dbfs"), std::string::npos)
        << bad.messages;
}

TEST_F(SimConfig, BadKeysAndValuesFailNamingTheKey)
{
    const std::string scenario = "scenario " + alsa_quoted(ground_loop().string()) + "\n";
    SimulatedInterface sim(spec_with(pcm("typo", scenario + "channel 8") +
                                     pcm("badformat", scenario + "formats [ \"S20_LE\" ]") +
                                     pcm("badrate", scenario + "rates [ 48000 10 ]") +
                                     pcm("relative", "scenario \"examples/ground-loop.toml\"") +
                                     pcm("both", scenario + "file \"/tmp/x.wav\"") +
                                     pcm("textchannels", scenario + "channels \"eight\"")),
                           ScenarioFile{ground_loop()});
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"typo", "channel: unknown key"},
        {"badformat", "formats: unknown format \"S20_LE\""},
        {"badrate", "rates: rates must be 1000 to 768000 Hz, got 10"},
        {"relative", "scenario: expected an absolute path"},
        {"both", "file: give either `scenario` or `file`, not both"},
        {"textchannels", "channels: expected an integer"},
    };
    for (const auto& [name, message] : cases) {
        const OpenResult r = try_open(name);
        EXPECT_EQ(r.code, -EINVAL) << name;
        EXPECT_NE(r.messages.find("cmrsim " + name + ": " + message), std::string::npos)
            << name << ": " << r.messages;
    }
}

// Without channels, formats and rates the device offers the scenario's input count, all five
// formats and the scenario's own rate.
TEST_F(SimConfig, DefaultsComeFromTheSource)
{
    SimulatedInterface sim(
        spec_with(pcm("plain", "scenario " + alsa_quoted(ground_loop().string()))),
        ScenarioFile{ground_loop()});
    Pcm handle;
    ASSERT_EQ(handle.open("plain"), 0);
    snd_pcm_hw_params_t* hw = nullptr;
    snd_pcm_hw_params_alloca(&hw);
    ASSERT_GE(snd_pcm_hw_params_any(handle.get(), hw), 0);
    unsigned value = 0;
    ASSERT_EQ(snd_pcm_hw_params_get_channels_min(hw, &value), 0);
    EXPECT_EQ(value, 8U);
    ASSERT_EQ(snd_pcm_hw_params_get_channels_max(hw, &value), 0);
    EXPECT_EQ(value, 8U);
    ASSERT_EQ(snd_pcm_hw_params_get_rate_min(hw, &value, nullptr), 0);
    EXPECT_EQ(value, 48000U);
    ASSERT_EQ(snd_pcm_hw_params_get_rate_max(hw, &value, nullptr), 0);
    EXPECT_EQ(value, 48000U);
    for (const snd_pcm_format_t format :
         {SND_PCM_FORMAT_S16_LE, SND_PCM_FORMAT_S24_LE, SND_PCM_FORMAT_S24_3LE,
          SND_PCM_FORMAT_S32_LE, SND_PCM_FORMAT_FLOAT_LE})
        EXPECT_EQ(snd_pcm_hw_params_test_format(handle.get(), hw, format), 0)
            << snd_pcm_format_name(format);
    EXPECT_NE(snd_pcm_hw_params_test_format(handle.get(), hw, SND_PCM_FORMAT_S24_BE), 0);
}

TEST_F(SimConfig, ACaptureOnlyDeviceRefusesPlayback)
{
    SimulatedInterface sim(interface_spec(8, {"S32_LE"}), ScenarioFile{ground_loop()});
    capture_alsa_errors();
    snd_pcm_t* pcm = nullptr;
    EXPECT_EQ(snd_pcm_open(&pcm, sim.pcm_name().c_str(), SND_PCM_STREAM_PLAYBACK, 0), -EINVAL);
    EXPECT_NE(alsa_errors().find("capture only"), std::string::npos) << alsa_errors();
    snd_lib_error_set_handler(nullptr);
}

TEST_F(SimConfig, DumpDescribesTheSource)
{
    SimulatedInterface sim(interface_spec(8, {"S32_LE"}), ScenarioFile{ground_loop()});
    Pcm handle;
    ASSERT_EQ(handle.open(sim.pcm_name()), 0);
    ASSERT_EQ(configure(handle.get(), PcmSetup{}), 0);
    snd_output_t* out = nullptr;
    ASSERT_EQ(snd_output_buffer_open(&out), 0);
    snd_pcm_dump(handle.get(), out);
    char* text = nullptr;
    snd_output_buffer_string(out, &text);
    const std::string dump = text != nullptr ? text : "";
    snd_output_close(out);
    EXPECT_NE(dump.find("cmrsim simulated interface sim: scenario"), std::string::npos) << dump;
    EXPECT_NE(dump.find("8 inputs, 4 pairs"), std::string::npos) << dump;
    EXPECT_NE(dump.find("S32_LE"), std::string::npos) << dump;
}

// ---- recording mode -------------------------------------------------------------------------

/// Writes a float WAV whose sample i of channel c is a distinct value (c + 1)/16 · i/frames.
std::vector<float> write_ramp_wav(const std::filesystem::path& path, int channels, int rate,
                                  int frames)
{
    std::vector<float> samples(static_cast<std::size_t>(channels * frames));
    for (int i = 0; i < frames; ++i)
        for (int c = 0; c < channels; ++c)
            samples[static_cast<std::size_t>(i * channels + c)] = static_cast<float>(c + 1) /
                                                                  16.0F * static_cast<float>(i) /
                                                                  static_cast<float>(frames);
    SF_INFO info{};
    info.channels = channels;
    info.samplerate = rate;
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
    EXPECT_NE(file, nullptr) << sf_strerror(nullptr);
    if (file != nullptr) {
        sf_writef_float(file, samples.data(), frames);
        sf_close(file);
    }
    return samples;
}

class SimRecordingMode : public testing::Test {
protected:
    std::filesystem::path wav =
        std::filesystem::temp_directory_path() /
        ("cmrsim-recording-mode-test-" + std::to_string(::getpid()) + ".wav");
    std::vector<float> samples = write_ramp_wav(wav, 4, 44100, 1000);
    ~SimRecordingMode() override { std::filesystem::remove(wav); }
};

// The file's 1000 frames come back exactly, and again from the start when they run out.
TEST_F(SimRecordingMode, ReplaysTheFileExactlyInALoop)
{
    SimulatedInterface sim(interface_spec(4, {"FLOAT_LE", "S32_LE"}, {}), Recording{wav});
    Pcm pcm;
    ASSERT_EQ(pcm.open(sim.pcm_name()), 0);
    PcmSetup setup;
    setup.format = SND_PCM_FORMAT_FLOAT_LE;
    setup.channels = 4;
    setup.rate = 44100;
    setup.period = 441;
    ASSERT_EQ(configure(pcm.get(), setup), 0);
    std::vector<unsigned char> got;
    ASSERT_EQ(read_frames(pcm.get(), 2500, got), 0);
    std::vector<float> want;
    for (int pass = 0; pass < 3; ++pass)
        want.insert(want.end(), samples.begin(), samples.end());
    want.resize(2500 * 4);
    EXPECT_EQ(first_difference(got, reference_bytes(SND_PCM_FORMAT_FLOAT_LE, want)), -1);
}

TEST_F(SimRecordingMode, OnlyTheFilesRateAndChannelCountAreOffered)
{
    SimulatedInterface sim(interface_spec(4, {"S32_LE"}, {}), Recording{wav});
    Pcm pcm;
    ASSERT_EQ(pcm.open(sim.pcm_name()), 0);
    PcmSetup setup;
    setup.channels = 4;
    setup.rate = 48000;
    EXPECT_EQ(configure(pcm.get(), setup), -EINVAL);
    setup.rate = 44100;
    setup.channels = 8;
    EXPECT_EQ(configure(pcm.get(), setup), -EINVAL);
    setup.channels = 4;
    EXPECT_EQ(configure(pcm.get(), setup), 0);
}

TEST_F(SimRecordingMode, ChannelsOrRatesThatContradictTheFileFailToOpen)
{
    InterfaceSpec wrong_channels = interface_spec(8, {"S32_LE"}, {});
    wrong_channels.extra_config = "pcm.slow {\n    type cmrsim\n    file " +
                                  alsa_quoted(wav.string()) + "\n    rates [ 48000 ]\n}\n";
    SimulatedInterface sim(wrong_channels, Recording{wav});
    const OpenResult channels = try_open(sim.pcm_name());
    EXPECT_EQ(channels.code, -EINVAL);
    EXPECT_NE(channels.messages.find("channels: the interface has 8 inputs but file"),
              std::string::npos)
        << channels.messages;
    EXPECT_NE(channels.messages.find("has 4 channels"), std::string::npos) << channels.messages;
    const OpenResult rates = try_open("slow");
    EXPECT_EQ(rates.code, -EINVAL);
    EXPECT_NE(rates.messages.find("rates: file"), std::string::npos) << rates.messages;
    EXPECT_NE(rates.messages.find("is at 44100 Hz"), std::string::npos) << rates.messages;
}

} // namespace
