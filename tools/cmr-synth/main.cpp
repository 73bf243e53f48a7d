// SPDX-License-Identifier: GPL-2.0-or-later
// cmr-synth: renders a test-signal scenario (see examples/ground-loop.toml and
// sim/synth/synth.hpp) to a WAV or FLAC file whose hum, mains frequency and CMRR are known.
//
//   cmr-synth SCENARIO.toml -o OUT.wav [--duration S] [--rate HZ] [--seed N]
//             [--format float|pcm16|pcm24|pcm32|flac]
//
// Exit status: 0 written, 2 bad command line or scenario, 1 the file could not be written.

#include <algorithm>
#include <cstdint>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

// g++ 12 at -O2 reports a false "potential null pointer dereference" inside CLI11's inlined
// string splitting; silence it for CLI11's code only (as tools/cmrctl/cli11.hpp does).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <CLI/CLI.hpp>
#pragma GCC diagnostic pop

#include "scenario.hpp"
#include "synth.hpp"
#include "wav_writer.hpp"

namespace {

constexpr int exit_bad_input = 2;
constexpr int exit_write_failed = 1;
constexpr std::int64_t block_frames = 4096;

struct Options {
    std::string scenario;
    std::string output;
    std::optional<double> duration_s;
    std::optional<int> rate;
    std::optional<std::uint64_t> seed;
    std::string format;
};

cmr::synth::FileFormat choose_format(const Options& o)
{
    if (!o.format.empty())
        return *cmr::synth::parse_file_format(o.format); // CLI11 checked the name
    const bool flac =
        o.output.size() >= 5 && std::equal(o.output.end() - 5, o.output.end(), ".flac",
                                           [](char a, char b) { return std::tolower(a) == b; });
    return flac ? cmr::synth::FileFormat::flac : cmr::synth::FileFormat::wav_float;
}

int fail(const std::string& message, int status)
{
    std::cerr << "cmr-synth: error: " << message << '\n';
    return status;
}

int run(int argc, char** argv)
{
    CLI::App app{"Renders a cmrd test-signal scenario (TOML) to a WAV or FLAC file.", "cmr-synth"};
    Options o;
    app.add_option("scenario", o.scenario, "Scenario file (TOML)")->required();
    app.add_option("-o,--output", o.output, "Output file (.wav, or .flac)")->required();
    app.add_option("--duration", o.duration_s, "Length in seconds (default: the scenario's)")
        ->check(CLI::Validator(
            [](std::string& text) {
                try {
                    const double seconds = std::stod(text);
                    if (seconds > 0.0 && seconds < 1e7)
                        return std::string();
                } catch (const std::exception&) {
                }
                return "must be a positive number of seconds, not " + text;
            },
            "SECONDS"));
    app.add_option("--rate", o.rate, "Sample rate in Hz (default: the scenario's)")
        ->check(CLI::Range(1000, 768000));
    app.add_option("--seed", o.seed, "Random seed (default: the scenario's)");
    app.add_option("--format", o.format,
                   "float (32-bit WAV, default), pcm16, pcm24, pcm32 (WAV) or flac (24-bit); "
                   "default flac for a .flac output")
        ->check(CLI::IsMember({"float", "pcm16", "pcm24", "pcm32", "flac"}));
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        return fail(std::string(e.what()) + " (see --help)", exit_bad_input);
    }

    std::optional<cmr::synth::Synth> synth;
    try {
        cmr::synth::Scenario scenario = cmr::synth::load_scenario(o.scenario);
        if (o.duration_s)
            scenario.duration_s = *o.duration_s;
        if (o.rate)
            scenario.sample_rate = *o.rate;
        if (o.seed)
            scenario.seed = *o.seed;
        synth.emplace(std::move(scenario));
    } catch (const cmr::synth::ScenarioError& e) {
        return fail(e.what(), exit_bad_input);
    } catch (const std::exception& e) {
        return fail(o.scenario + ": " + e.what(), exit_bad_input);
    }

    try {
        const cmr::synth::FileFormat format = choose_format(o);
        const int inputs = synth->input_count();
        cmr::synth::WavWriter writer(o.output, inputs, synth->scenario().sample_rate, format);
        std::vector<float> block(static_cast<std::size_t>(block_frames * inputs));
        const std::int64_t total = synth->frame_count();
        for (std::int64_t first = 0; first < total; first += block_frames) {
            const std::int64_t frames = std::min(block_frames, total - first);
            const std::span<float> out(block.data(), static_cast<std::size_t>(frames * inputs));
            synth->render(first, out);
            writer.write(out);
        }
        writer.close();
        if (writer.over_full_scale() > 0)
            std::cerr << "cmr-synth: warning: " << writer.over_full_scale()
                      << " samples beyond full scale"
                      << (format == cmr::synth::FileFormat::wav_float ? "" : " (clipped)") << '\n';
    } catch (const std::exception& e) {
        return fail(e.what(), exit_write_failed);
    }
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    // Nothing may escape as an uncaught exception (std::terminate, a core dump): anything not
    // handled where it arose still ends as one error line.
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        return fail(e.what(), 1);
    } catch (...) {
        return fail("unexpected error", 1);
    }
}
