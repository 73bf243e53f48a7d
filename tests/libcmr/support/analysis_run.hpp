// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Runs a synthesised scenario through the analyzer and the alarm engine, the way
// `cmrctl analyze` does, keeping every snapshot for the tests to inspect.

#include <cstddef>
#include <vector>

#include "cmr/alarm_engine.hpp"
#include "cmr/analyzer.hpp"

#include "synth.hpp"

namespace cmr::testing {

struct TimedResults {
    double time_s = 0.0;
    std::optional<double> mains_hz;
    std::vector<ChannelResult> channels;
};

struct AnalysisRun {
    Summary summary;
    std::vector<TimedResults> snapshots;
    std::vector<AlarmEvent> events;
    [[nodiscard]] const TimedResults& last() const { return snapshots.back(); }
    /// Events of one kind on one channel.
    [[nodiscard]] std::vector<AlarmEvent> events_of(std::size_t channel, AlarmKind kind) const;
};

/// The layout of a scenario: its pairs in order, then its singles.
[[nodiscard]] Layout scenario_layout(const synth::Scenario& scenario);

/// Renders @p scenario and feeds it in blocks of @p block_frames. @p config's sample rate,
/// input count and layout are taken from the scenario.
[[nodiscard]] AnalysisRun run_scenario(const synth::Scenario& scenario, AnalyzerConfig config = {},
                                       std::size_t block_frames = 4096);

} // namespace cmr::testing
