// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmd_analyze.hpp"

#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <unistd.h>

#include "cmr/analyzer.hpp"
#include "cmr/layout.hpp"
#include "cmr/measurement.hpp"

#include "analyze_report.hpp"
#include "audio_file.hpp"
#include "cli11.hpp"
#include "exit_status.hpp"
#include "progress.hpp"
#include "recording_analysis.hpp"

namespace cmrctl {

namespace {

struct AnalyzeOptions {
    std::string file;
    std::optional<std::string> channels;
    std::string mains = "auto";
    int harmonics = 20;
    bool json = false;
};

/// A bad input: reported as one line naming the file, exit status 2.
class BadInput : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

cmr::MainsMode parse_mains(const std::string& text)
{
    if (text == "auto")
        return cmr::MainsMode::automatic;
    if (text == "50")
        return cmr::MainsMode::grid_50;
    if (text == "60")
        return cmr::MainsMode::grid_60;
    throw BadInput("--mains \"" + text + "\": expected auto, 50 or 60");
}

void check_harmonics(int harmonics)
{
    if (harmonics < 1 || harmonics > cmr::max_harmonics)
        throw BadInput("--harmonics " + std::to_string(harmonics) + ": out of range (1 to " +
                       std::to_string(cmr::max_harmonics) + ")");
}

/// The layout to measure: the user's, checked against the file's inputs, or the default one.
/// @throws cmr::LayoutError, whose message quotes the layout and names the problem.
cmr::Layout resolve_layout(const std::optional<std::string>& text, int input_count)
{
    return text ? cmr::parse_layout(*text, input_count) : cmr::default_layout(input_count);
}

void warn(const std::string& file, const std::string& text)
{
    std::cerr << "cmrctl analyze: " << file << ": warning: " << text << '\n';
}

void warn_about_gaps(const AnalyzeReport& report)
{
    char duration[32];
    std::snprintf(duration, sizeof duration, "%.1f", report.duration_s);
    char needed[32];
    std::snprintf(needed, sizeof needed, "%.0f", analyze_min_duration_s);
    if (report.duration_s < analyze_min_duration_s)
        warn(report.file, "only " + std::string(duration) +
                              " s of audio, too short for the analyzer (it needs about " + needed +
                              " s): the figures it could not measure are null");
    if (report.non_finite_samples > 0)
        warn(report.file, std::to_string(report.non_finite_samples) +
                              " samples were not finite (NaN or infinite) and were analysed as "
                              "silence");
}

void run_analyze(const AnalyzeOptions& options)
{
    const cmr::MainsMode mains = parse_mains(options.mains);
    check_harmonics(options.harmonics);
    if (options.channels) // a malformed layout is reported before the file is even opened
        (void)cmr::parse_layout(*options.channels, 0);

    AudioFile file(options.file);
    AnalyzeSettings settings;
    settings.layout = resolve_layout(options.channels, file.channels());
    settings.mains = mains;
    settings.harmonics = options.harmonics;

    AnalyzeReport report;
    {
        ProgressBar progress(options.file, file.frames(), static_cast<double>(file.sample_rate()),
                             ProgressBar::wanted(STDERR_FILENO, file.duration_s()), STDERR_FILENO);
        report = analyze_recording(file, settings,
                                   [&](std::int64_t frames) { progress.update(frames); });
    }

    warn_about_gaps(report);
    // One compact line: what scripts and jq want. The replace handler keeps a file name that is
    // not valid UTF-8 from turning into an exception.
    if (options.json)
        std::cout << report_to_json(report).dump(-1, ' ', false, Json::error_handler_t::replace)
                  << '\n';
    else
        std::cout << report_to_text(report);
    std::cout.flush();
}

int run_reporting_errors(const AnalyzeOptions& options)
{
    const auto report = [&](const std::string& problem) {
        std::cerr << "cmrctl analyze: " << options.file << ": " << problem << '\n';
    };
    try {
        run_analyze(options);
        return exit_ok;
    } catch (const AudioFileError& error) {
        report(error.problem());
    } catch (const BadInput& error) {
        report(error.what());
    } catch (const cmr::LayoutError& error) {
        report(error.what());
    } catch (const cmr::ConfigError& error) {
        report(std::string("cannot analyse: ") + error.what());
    } catch (const std::exception& error) {
        report(std::string("internal error: ") + error.what());
        return exit_failure;
    }
    return exit_bad_input;
}

} // namespace

void add_analyze_command(CLI::App& app, int& exit_status)
{
    auto options = std::make_shared<AnalyzeOptions>();
    CLI::App* command = app.add_subcommand(
        "analyze", "Measure hum, mains, CMRR and symmetry in a recording (WAV, FLAC, ...)");
    command
        ->add_option("--channels", options->channels,
                     "Channel layout, e.g. \"1/2 3/4 7\" (default: consecutive pairs)")
        ->type_name("LAYOUT");
    command->add_option("--mains", options->mains, "Mains frequency: auto, 50 or 60")
        ->type_name("auto|50|60")
        ->capture_default_str();
    command
        ->add_option("--harmonics", options->harmonics,
                     "Hum harmonics measured, 1 to " + std::to_string(cmr::max_harmonics))
        ->type_name("K")
        ->capture_default_str();
    command->add_flag("--json", options->json, "Print one JSON object instead of a table");
    command->add_option("FILE", options->file, "The recording")->required();
    command->callback([options, &exit_status] { exit_status = run_reporting_errors(*options); });
}

} // namespace cmrctl
