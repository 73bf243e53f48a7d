// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file sim_config.hpp
/// The `cmrsim` PCM's ALSA configuration block (keys documented in sim/cmrsim/README.md):
///
///     pcm.sim8 {
///         type cmrsim
///         channels 8
///         formats [ "S32_LE" ]
///         rates [ 44100 48000 96000 ]
///         scenario "/abs/path/scenario.toml"     # or: file "/abs/path/recording.wav"
///         control "/abs/path/control"            # optional
///     }

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <vector>

#include "sample_format.hpp"

typedef struct _snd_config snd_config_t; // NOLINT(modernize-use-using): alsa-lib's own spelling

namespace cmr::sim {

/// A configuration that cannot be used; what() names the key and the problem.
class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Hardware limits on periods and buffers, like a driver's (not configurable).
struct BufferLimits {
    static constexpr unsigned min_period_frames = 32;
    static constexpr unsigned max_period_frames = 65536;
    static constexpr unsigned min_periods = 2;
    static constexpr unsigned max_periods = 64;
    static constexpr unsigned max_buffer_bytes = 16U << 20U; ///< 16 MiB
};

/// The parsed block.
struct SimConfig {
    std::optional<int> channels;       ///< `channels`; default: the source's count
    std::vector<SampleFormat> formats; ///< `formats`; default: all five
    std::vector<unsigned> rates;       ///< `rates`; default: the source's rate
    std::filesystem::path scenario;    ///< `scenario`: a TOML scenario file
    std::filesystem::path recording;   ///< `file`: a recording played in a loop
    std::filesystem::path control;     ///< `control`: the fault-injection file (optional)
    /// `lock`: a file the open PCM holds an exclusive flock(2) on (optional). A second open of
    /// any PCM with the same lock fails with -EBUSY while the first is open, as a hardware
    /// capture device with one opener does.
    std::filesystem::path lock;
};

/// Reads the PCM's block. Exactly one of `scenario` and `file` must be given; paths must be
/// absolute (ALSA configs have no meaningful working directory).
/// @throws ConfigError
[[nodiscard]] SimConfig parse_config(snd_config_t* conf);

} // namespace cmr::sim
