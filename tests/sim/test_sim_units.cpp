// SPDX-License-Identifier: GPL-2.0-or-later
// The simulated interface's building blocks, white-box: pacing arithmetic and the device
// clock, the wake-up timer, the ADC conversion, the fault-control file reader and the
// scenario-to-TOML writer the fixture uses.

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <poll.h>
#include <sndfile.h>
#include <unistd.h>

#include "control_file.hpp"
#include "fault_control.hpp"
#include "pacing.hpp"
#include "sample_format.hpp"
#include "scenario.hpp"
#include "scenario_toml.hpp"
#include "sim_test_reference.hpp"

namespace {

using namespace cmr::sim;

// ---- pacing ---------------------------------------------------------------------------------

TEST(SimPacingMath, FramesAndNanosecondsAreExactInverses)
{
    for (const unsigned rate : {8000U, 22050U, 44100U, 48000U, 96000U, 192000U}) {
        for (std::uint64_t frames : {1ULL, 2ULL, 479ULL, 480ULL, 44099ULL, 44100ULL, 1234567ULL,
                                     86400ULL * 192000ULL * 7ULL}) {
            const std::int64_t ns = ns_for(frames, rate);
            EXPECT_EQ(frames_in(ns, rate), frames) << rate << " " << frames;
            EXPECT_EQ(frames_in(ns - 1, rate), frames - 1) << "ns_for is the first such time";
        }
    }
    EXPECT_EQ(frames_in(1'000'000'000, 48000), 48000U);
    EXPECT_EQ(frames_in(-5, 48000), 0U);
    EXPECT_EQ(ns_for(441, 44100), 10'000'000);
}

TEST(SimDeviceClock, AdvancesWithTimeStandsStillWhenStalledOrStopped)
{
    DeviceClock clock;
    clock.configure(48000);
    constexpr std::int64_t s = 1'000'000'000;
    const std::int64_t t0 = 5 * s;
    EXPECT_EQ(clock.position(t0), 0U) << "not started";
    clock.start(t0);
    EXPECT_EQ(clock.position(t0 + s), 48000U);
    clock.stall(t0 + s / 2);
    EXPECT_EQ(clock.position(t0 + 3 * s), 24000U);
    EXPECT_FALSE(clock.advancing());
    clock.resume(t0 + 2 * s);
    EXPECT_EQ(clock.position(t0 + 2 * s + s / 4), 36000U) << "a stall loses no position";
    EXPECT_EQ(clock.time_of(48000), t0 + 2 * s + s / 2);
    clock.stop(t0 + 3 * s);
    EXPECT_EQ(clock.position(t0 + 10 * s), 72000U);
    clock.reset();
    EXPECT_EQ(clock.position(t0 + 10 * s), 0U);
}

TEST(SimWakeupTimer, ReadableFromTheArmedTimeUntilAcknowledged)
{
    WakeupTimer timer;
    pollfd fd{timer.fd(), POLLIN, 0};
    EXPECT_EQ(::poll(&fd, 1, 30), 0) << "never armed";
    const std::int64_t armed = monotonic_ns() + 20'000'000;
    timer.arm_at(armed);
    ASSERT_EQ(::poll(&fd, 1, 1000), 1);
    const std::int64_t woke = monotonic_ns();
    EXPECT_GE(woke, armed);
    EXPECT_LT(woke - armed, 10'000'000) << "woke within 10 ms of the armed time";
    EXPECT_TRUE(timer.readable(woke));
    EXPECT_EQ(::poll(&fd, 1, 0), 1) << "level-triggered until acknowledged";
    timer.acknowledge(woke);
    EXPECT_EQ(::poll(&fd, 1, 30), 0);
    timer.arm_at(monotonic_ns() + 10'000'000);
    timer.disarm();
    EXPECT_EQ(::poll(&fd, 1, 50), 0) << "disarmed";
}

// ---- conversion -----------------------------------------------------------------------------

std::vector<unsigned char> stored(SampleFormat format, float x)
{
    std::vector<unsigned char> out(sample_bytes(format));
    store_sample(format, x, out.data());
    return out;
}

TEST(SimSampleFormat, FullScaleClippingAndLayout)
{
    using Bytes = std::vector<unsigned char>;
    EXPECT_EQ(stored(SampleFormat::s16_le, 1.0F), (Bytes{0xFF, 0x7F}));
    EXPECT_EQ(stored(SampleFormat::s16_le, -1.0F), (Bytes{0x00, 0x80}));
    EXPECT_EQ(stored(SampleFormat::s16_le, 3.5F), (Bytes{0xFF, 0x7F}));
    EXPECT_EQ(stored(SampleFormat::s16_le, -7.0F), (Bytes{0x00, 0x80}));
    EXPECT_EQ(stored(SampleFormat::s24_le, -1.0F), (Bytes{0x00, 0x00, 0x80, 0xFF}))
        << "24 bits in the low three bytes, sign-extended";
    EXPECT_EQ(stored(SampleFormat::s24_le, 1.0F), (Bytes{0xFF, 0xFF, 0x7F, 0x00}));
    EXPECT_EQ(stored(SampleFormat::s24_3le, -1.0F), (Bytes{0x00, 0x00, 0x80}));
    EXPECT_EQ(stored(SampleFormat::s24_3le, -0.5F), (Bytes{0x00, 0x00, 0xC0}));
    EXPECT_EQ(stored(SampleFormat::s32_le, 1.0F), (Bytes{0xFF, 0xFF, 0xFF, 0x7F}));
    EXPECT_EQ(stored(SampleFormat::s32_le, -1.0F), (Bytes{0x00, 0x00, 0x00, 0x80}));
    EXPECT_EQ(stored(SampleFormat::float_le, 1.5F), (Bytes{0x00, 0x00, 0xC0, 0x3F}))
        << "float unchanged, not clipped";
    EXPECT_EQ(quantize(std::numeric_limits<float>::quiet_NaN(), 16), 0);
    // Halves round away from zero.
    EXPECT_EQ(quantize(0.5F / 32768.0F, 16), 1);
    EXPECT_EQ(quantize(-0.5F / 32768.0F, 16), -1);
    EXPECT_EQ(quantize(1.5F / 32768.0F, 16), 2);
    EXPECT_EQ(quantize(0.49F / 32768.0F, 16), 0);
}

// The plugin's converter agrees with the tests' independent reference on a million values
// spread over ±2 (a third of them out of range), in every format.
TEST(SimSampleFormat, AgreesWithTheReferenceEncoding)
{
    std::mt19937 random(7);
    std::uniform_real_distribution<float> uniform(-2.0F, 2.0F);
    std::vector<float> values(1'000'000);
    for (float& v : values)
        v = uniform(random) * (random() % 4 == 0 ? 1e-6F : 1.0F); // small values too
    const std::pair<SampleFormat, snd_pcm_format_t> formats[] = {
        {SampleFormat::s16_le, SND_PCM_FORMAT_S16_LE},
        {SampleFormat::s24_le, SND_PCM_FORMAT_S24_LE},
        {SampleFormat::s24_3le, SND_PCM_FORMAT_S24_3LE},
        {SampleFormat::s32_le, SND_PCM_FORMAT_S32_LE},
        {SampleFormat::float_le, SND_PCM_FORMAT_FLOAT_LE}};
    for (const auto& [format, alsa] : formats) {
        std::vector<unsigned char> got(values.size() * sample_bytes(format));
        store_samples(format, values.data(), 1, got.data(), sample_bytes(format), values.size());
        EXPECT_EQ(cmr::sim::testing::first_difference(
                      got, cmr::sim::testing::reference_bytes(alsa, values)),
                  -1)
            << to_string(format);
    }
    EXPECT_EQ(parse_sample_format("S24_3LE"), SampleFormat::s24_3le);
    EXPECT_FALSE(parse_sample_format("s24_3le"));
}

// ---- fault control --------------------------------------------------------------------------

class SimControlFile : public ::testing::Test {
protected:
    std::filesystem::path path = std::filesystem::temp_directory_path() /
                                 ("cmrsim-control-test-" + std::to_string(::getpid()));
    ~SimControlFile() override { std::filesystem::remove(path); }

    static std::vector<Fault> poll(ControlFileReader& reader)
    {
        std::vector<Fault> faults;
        reader.poll([&faults](Fault f) { faults.push_back(f); });
        return faults;
    }
    void write(const std::string& text, std::ios::openmode mode)
    {
        std::ofstream(path, std::ios::binary | mode) << text;
    }
};

TEST_F(SimControlFile, EachAppendedCommandIsDeliveredOnceInOrder)
{
    ControlFileReader reader(path);
    EXPECT_EQ(reader.read_history().stalled, false) << "no file yet";
    EXPECT_TRUE(poll(reader).empty());
    append_fault(path, Fault::overrun);
    append_fault(path, Fault::stall);
    EXPECT_EQ(poll(reader), (std::vector<Fault>{Fault::overrun, Fault::stall}));
    EXPECT_TRUE(poll(reader).empty());
    write("# a comment\n\n  overrun  \n", std::ios::app);
    EXPECT_EQ(poll(reader), (std::vector<Fault>{Fault::overrun}));
    write("res", std::ios::app);
    EXPECT_TRUE(poll(reader).empty()) << "half a line waits for its end";
    write("ume\nexplode\n", std::ios::app);
    EXPECT_EQ(poll(reader), (std::vector<Fault>{Fault::resume}));
    EXPECT_EQ(reader.unknown_lines(), 1U);
}

TEST_F(SimControlFile, ARewrittenFileIsReadFromItsStart)
{
    ControlFileReader reader(path);
    write("stall\n", std::ios::trunc);
    EXPECT_EQ(poll(reader), (std::vector<Fault>{Fault::stall}));
    write("resume\n", std::ios::trunc); // `echo resume > control`
    EXPECT_EQ(poll(reader), (std::vector<Fault>{Fault::resume}));
    std::this_thread::sleep_for(std::chrono::milliseconds(20)); // a new modification time
    write("resume\n", std::ios::trunc);                         // the same again
    EXPECT_EQ(poll(reader), (std::vector<Fault>{Fault::resume}));
    std::filesystem::remove(path);
    EXPECT_TRUE(poll(reader).empty());
    write("overrun\n", std::ios::trunc);
    EXPECT_EQ(poll(reader), (std::vector<Fault>{Fault::overrun})) << "a new file";
}

TEST_F(SimControlFile, HistorySetsStateWithoutReplayingEvents)
{
    write("overrun\nbusy\nstall\ndisconnect\nresume\nstall\n", std::ios::trunc);
    ControlFileReader reader(path);
    const FaultState state = reader.read_history();
    EXPECT_TRUE(state.stalled);
    EXPECT_FALSE(state.disconnected) << "resume cleared it";
    EXPECT_FALSE(state.busy);
    EXPECT_TRUE(poll(reader).empty());
    EXPECT_EQ(parse_fault(" disconnect\r"), Fault::disconnect);
    EXPECT_TRUE(is_blank_or_comment("   # stall"));
}

// ---- scenario to TOML -----------------------------------------------------------------------

/// Renders @p frames frames of @p scenario at 48 kHz.
std::vector<float> render_scenario(const cmr::synth::Scenario& scenario, std::size_t frames)
{
    return cmr::sim::testing::render(scenario, 48000, 0, frames);
}

void expect_round_trip(const cmr::synth::Scenario& scenario)
{
    const std::string text = to_toml(scenario);
    const cmr::synth::Scenario back = cmr::synth::parse_scenario(text, "written.toml");
    EXPECT_EQ(back.inputs, scenario.inputs);
    EXPECT_EQ(back.seed, scenario.seed);
    EXPECT_EQ(back.pairs.size(), scenario.pairs.size());
    EXPECT_EQ(back.singles.size(), scenario.singles.size());
    EXPECT_EQ(back.events.size(), scenario.events.size());
    // 1.5 s covers every event of the scenarios below, ramps included.
    EXPECT_EQ(render_scenario(back, 72000), render_scenario(scenario, 72000)) << text;
}

TEST(SimScenarioToml, RoundTripsRenderIdentically)
{
    const char* root = std::getenv("CMR_SOURCE_ROOT");
    const std::filesystem::path example =
        std::filesystem::path(root != nullptr ? root : CMR_SOURCE_ROOT_FALLBACK) / "examples" /
        "ground-loop.toml";
    cmr::synth::Scenario loaded = cmr::synth::load_scenario(example);
    for (cmr::synth::Event& e : loaded.events) // bring the example's events into 1.5 s
        e.at_s /= 20.0;
    expect_round_trip(loaded);
    expect_round_trip(cmr::sim::testing::busy_scenario());

    cmr::synth::Scenario odd = cmr::sim::testing::busy_scenario(6);
    odd.seed = 0x7FFFFFFFFFFFFFFFULL;
    odd.noise_dbfs = cmr::synth::absent_db;
    odd.pairs[0].noise_dbfs = -97.123456789012345;
    odd.pairs[0].diff_hum = {-80.0, {0.0, cmr::synth::absent_db, -3.3}};
    odd.singles[0].noise_dbfs = cmr::synth::absent_db;
    cmr::synth::Event symmetry;
    symmetry.at_s = 0.5;
    symmetry.channel = "3/4";
    symmetry.param = cmr::synth::Param::programme_symmetry;
    symmetry.symmetry = cmr::synth::LegSymmetry::in_phase;
    cmr::synth::Event mismatch;
    mismatch.at_s = 0.7;
    mismatch.channel = "1/2";
    mismatch.param = cmr::synth::Param::mismatch;
    mismatch.value = 1.0 / 3.0;
    mismatch.ramp_s = 0.1;
    cmr::synth::Event mains;
    mains.at_s = 0.9;
    mains.param = cmr::synth::Param::mains_frequency_hz;
    mains.value = 59.97;
    mains.ramp_s = 0.2;
    cmr::synth::Event silence;
    silence.at_s = 1.0;
    silence.channel = "6";
    silence.param = cmr::synth::Param::noise_dbfs;
    silence.value = cmr::synth::absent_db;
    odd.events.insert(odd.events.end(), {symmetry, mismatch, mains, silence});
    expect_round_trip(odd);

    odd.seed = 0x8000000000000000ULL;
    EXPECT_THROW(static_cast<void>(to_toml(odd)), std::invalid_argument);
}

TEST(SimScenarioToml, FileProgrammesKeepTheirPath)
{
    const std::filesystem::path wav =
        std::filesystem::temp_directory_path() /
        ("cmrsim-toml-programme \"quoted\"-" + std::to_string(::getpid()) + ".wav");
    {
        SF_INFO info{};
        info.channels = 2;
        info.samplerate = 48000;
        info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
        SNDFILE* file = sf_open(wav.c_str(), SFM_WRITE, &info);
        ASSERT_NE(file, nullptr);
        std::vector<float> samples(2 * 4800);
        for (std::size_t i = 0; i < samples.size(); ++i)
            samples[i] = static_cast<float>(i % 97) / 97.0F - 0.5F;
        sf_writef_float(file, samples.data(), 4800);
        sf_close(file);
    }
    cmr::synth::Scenario s;
    s.inputs = 1;
    cmr::synth::SingleSpec single;
    single.programme.kind = cmr::synth::ProgrammeKind::file;
    single.programme.level_dbfs = -6.0;
    single.programme.file.path = wav;
    single.programme.file.channel = 2;
    single.programme.file.loop = false;
    s.singles.push_back(single);
    expect_round_trip(s);
    std::filesystem::remove(wav);
}

} // namespace
