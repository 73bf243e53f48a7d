// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file signal_source.hpp
/// What the simulated interface's inputs carry: a synthesiser scenario (ScenarioSource) or a
/// multichannel recording played in a loop (RecordingSource). Both render any frame range on
/// demand, deterministically, so the plugin can derive every sample from the stream position.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "synth.hpp"

namespace cmr::sim {

/// A signal source.
class SignalSource {
public:
    virtual ~SignalSource() = default;
    SignalSource() = default;
    SignalSource(const SignalSource&) = delete;
    SignalSource& operator=(const SignalSource&) = delete;
    SignalSource(SignalSource&&) = delete;
    SignalSource& operator=(SignalSource&&) = delete;

    /// Interleaved samples per frame.
    [[nodiscard]] virtual int channels() const = 0;
    /// The only rate the source can play at, or 0 when it renders at any rate.
    [[nodiscard]] virtual unsigned native_rate() const = 0;
    /// Gets ready to render at @p rate (may allocate; not called on the capture path).
    /// @throws std::exception when the source cannot run at that rate.
    virtual void set_rate(unsigned rate) = 0;
    /// Renders frames [first_frame, first_frame + out.size() / channels()) at the rate last
    /// set, interleaved. Does not allocate (after set_rate()) and does not throw for a valid
    /// range.
    virtual void render(std::int64_t first_frame, std::span<float> out) = 0;
    /// One line for dumps, e.g. `scenario "/tmp/x.toml"`.
    [[nodiscard]] virtual std::string describe() const = 0;
};

/// A synthesiser scenario; its sample_rate is replaced by the rate the client negotiates.
class ScenarioSource final : public SignalSource {
public:
    /// @param scenario a complete scenario (validated by set_rate() and by the constructor,
    ///        which builds a synthesiser at the scenario's own rate).
    /// @param origin where it came from, for describe().
    /// @throws std::exception (std::invalid_argument, std::runtime_error) for a bad scenario.
    ScenarioSource(synth::Scenario scenario, std::string origin);

    [[nodiscard]] int channels() const override { return scenario_.inputs; }
    [[nodiscard]] unsigned native_rate() const override { return 0; }
    void set_rate(unsigned rate) override;
    void render(std::int64_t first_frame, std::span<float> out) override;
    [[nodiscard]] std::string describe() const override;

private:
    synth::Scenario scenario_;
    std::string origin_;
    unsigned rate_ = 0;
    std::unique_ptr<synth::Synth> synth_;
};

/// A recording (any file libsndfile reads, e.g. WAV), played in a loop at its own rate.
/// Samples are read as float (integer files normalised by libsndfile: code / 2^(bits−1)).
class RecordingSource final : public SignalSource {
public:
    /// Loads the whole file into memory.
    /// @throws std::runtime_error naming the file when it cannot be read or is empty.
    explicit RecordingSource(std::filesystem::path path);

    [[nodiscard]] int channels() const override { return channels_; }
    [[nodiscard]] unsigned native_rate() const override { return rate_; }
    void set_rate(unsigned rate) override;
    void render(std::int64_t first_frame, std::span<float> out) override;
    [[nodiscard]] std::string describe() const override;
    [[nodiscard]] std::int64_t frames() const { return frames_; }

private:
    std::filesystem::path path_;
    int channels_ = 0;
    unsigned rate_ = 0;
    std::int64_t frames_ = 0;
    std::vector<float> samples_;
};

} // namespace cmr::sim
