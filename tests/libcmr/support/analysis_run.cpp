// SPDX-License-Identifier: GPL-2.0-or-later
#include "analysis_run.hpp"

#include <algorithm>

namespace cmr::testing {

std::vector<AlarmEvent> AnalysisRun::events_of(std::size_t channel, AlarmKind kind) const
{
    std::vector<AlarmEvent> out;
    std::copy_if(events.begin(), events.end(), std::back_inserter(out),
                 [&](const AlarmEvent& e) { return e.channel == channel && e.kind == kind; });
    return out;
}

Layout scenario_layout(const synth::Scenario& scenario)
{
    Layout layout;
    for (const synth::PairSpec& p : scenario.pairs)
        layout.push_back({ChannelSpec::Kind::pair, p.hot, p.cold, 0});
    for (const synth::SingleSpec& s : scenario.singles)
        layout.push_back({ChannelSpec::Kind::single, 0, 0, s.input});
    return layout;
}

AnalysisRun run_scenario(const synth::Scenario& scenario, AnalyzerConfig config,
                         std::size_t block_frames)
{
    synth::Synth synth(scenario);
    config.sample_rate = synth.sample_rate();
    config.input_count = synth.input_count();
    config.layout = scenario_layout(scenario);
    Analyzer analyzer(config);
    AlarmEngine alarms(std::vector<AlarmThresholds>(config.layout.size()));
    AnalysisRun run;
    const auto inputs = static_cast<std::size_t>(synth.input_count());
    std::vector<float> block(block_frames * inputs);
    for (std::int64_t frame = 0; frame < synth.frame_count();) {
        const auto n = static_cast<std::size_t>(std::min<std::int64_t>(
            static_cast<std::int64_t>(block_frames), synth.frame_count() - frame));
        const std::span<float> out(block.data(), n * inputs);
        synth.render(frame, out);
        analyzer.feed(out, [&](const Snapshot& s) {
            run.snapshots.push_back({s.time_s, s.mains_hz, {s.channels.begin(), s.channels.end()}});
            alarms.update(s.time_s, s.channels,
                          [&](const AlarmEvent& e) { run.events.push_back(e); });
        });
        frame += static_cast<std::int64_t>(n);
    }
    run.summary = analyzer.summary();
    return run;
}

} // namespace cmr::testing
