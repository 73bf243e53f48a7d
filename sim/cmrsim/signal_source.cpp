// SPDX-License-Identifier: GPL-2.0-or-later
#include "signal_source.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include <sndfile.h>

namespace cmr::sim {

namespace {

/// The synthesiser's inner block (synth.cpp renders in sub-blocks of this many frames): one
/// warm-up render of this length sizes its scratch buffers for good.
constexpr std::int64_t synth_block_frames = 256;
/// How far ahead (seconds of stream) set_rate() prepares the synthesiser for jumps.
constexpr int warm_horizon_s = 3600;

} // namespace

ScenarioSource::ScenarioSource(synth::Scenario scenario, std::string origin)
    : scenario_(std::move(scenario)), origin_(std::move(origin))
{
    // Validates everything (inputs, events, programme files) once, at the scenario's own rate.
    synth::Synth check(scenario_);
}

void ScenarioSource::set_rate(unsigned rate)
{
    if (synth_ && rate == rate_)
        return;
    synth::Scenario at_rate = scenario_;
    at_rate.sample_rate = static_cast<int>(rate);
    auto synth = std::make_unique<synth::Synth>(std::move(at_rate));

    // Warm-up, so that rendering on the client's capture thread never allocates: the first
    // render sizes the synthesiser's scratch, and a render where each event starts sizes the
    // per-frame gain buffers used during ramps.
    std::vector<float> scratch(static_cast<std::size_t>(synth_block_frames) *
                               static_cast<std::size_t>(scenario_.inputs));
    synth->render(0, scratch);
    for (const synth::Event& event : scenario_.events) {
        const auto frame = static_cast<std::int64_t>(std::llround(event.at_s * rate));
        synth->render(std::max<std::int64_t>(0, frame - 1), scratch);
    }
    // The mains clock's random walk keeps checkpoints for jumps (a restart after an xrun
    // continues at a later frame): lay them out for the first hour now.
    synth->render(static_cast<std::int64_t>(warm_horizon_s) * rate, scratch);
    synth_ = std::move(synth);
    rate_ = rate;
}

void ScenarioSource::render(std::int64_t first_frame, std::span<float> out)
{
    synth_->render(first_frame, out);
}

std::string ScenarioSource::describe() const
{
    return "scenario " + origin_ + " (" + std::to_string(scenario_.inputs) + " inputs, " +
           std::to_string(scenario_.pairs.size()) + " pairs, " +
           std::to_string(scenario_.singles.size()) + " singles, " +
           std::to_string(scenario_.events.size()) + " events)";
}

// ---------------------------------------------------------------------------------------------

RecordingSource::RecordingSource(std::filesystem::path path) : path_(std::move(path))
{
    SF_INFO info{};
    SNDFILE* file = sf_open(path_.c_str(), SFM_READ, &info);
    if (file == nullptr)
        throw std::runtime_error("cannot read recording " + path_.string() + ": " +
                                 sf_strerror(nullptr));
    channels_ = info.channels;
    rate_ = static_cast<unsigned>(info.samplerate);
    samples_.resize(static_cast<std::size_t>(info.frames) * static_cast<std::size_t>(channels_));
    const sf_count_t got = sf_readf_float(file, samples_.data(), info.frames);
    sf_close(file);
    frames_ = got;
    samples_.resize(static_cast<std::size_t>(frames_) * static_cast<std::size_t>(channels_));
    if (frames_ <= 0)
        throw std::runtime_error("recording " + path_.string() + " has no frames");
}

void RecordingSource::set_rate(unsigned rate)
{
    if (rate != rate_)
        throw std::invalid_argument("recording " + path_.string() + " plays at " +
                                    std::to_string(rate_) + " Hz only");
}

void RecordingSource::render(std::int64_t first_frame, std::span<float> out)
{
    const auto channels = static_cast<std::size_t>(channels_);
    std::size_t done = 0; // samples
    std::int64_t frame = first_frame % frames_;
    while (done < out.size()) {
        const std::size_t count =
            std::min(out.size() - done, static_cast<std::size_t>(frames_ - frame) * channels);
        std::memcpy(out.data() + done, samples_.data() + static_cast<std::size_t>(frame) * channels,
                    count * sizeof(float));
        done += count;
        frame = 0;
    }
}

std::string RecordingSource::describe() const
{
    return "file " + path_.string() + " (" + std::to_string(channels_) + " channels, " +
           std::to_string(rate_) + " Hz, " + std::to_string(frames_) + " frames, looped)";
}

} // namespace cmr::sim
