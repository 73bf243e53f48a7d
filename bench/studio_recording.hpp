// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file studio_recording.hpp
/// The material the capture benchmarks replay through the simulated interface: balanced pairs
/// carrying pink-noise programme at -24 dBFS and -45 dBFS common-mode hum on slightly
/// mismatched legs, rendered once to a float WAV file (cheap for the simulator to play).

#include <cstdio>
#include <string>

#include "synth.hpp"
#include "wav_writer.hpp"

namespace cmrd::bench {

/// 10 s of @p pairs pairs at 48 kHz in a WAV file under /tmp, removed with the object.
class StudioRecording {
public:
    explicit StudioRecording(int pairs)
        : path_("/tmp/cmrd-bench-" + std::to_string(2 * pairs) + "-inputs.wav")
    {
        cmr::synth::Scenario s;
        s.sample_rate = 48000;
        s.duration_s = 10.0;
        s.inputs = 2 * pairs;
        s.noise_dbfs = -110.0;
        for (int p = 0; p < pairs; ++p) {
            cmr::synth::PairSpec pair;
            pair.hot = 2 * p + 1;
            pair.cold = 2 * p + 2;
            pair.mismatch = 0.001;
            pair.cm_hum.level_dbfs = -45.0;
            pair.programme.kind = cmr::synth::ProgrammeKind::pink_noise;
            pair.programme.level_dbfs = -24.0;
            s.pairs.push_back(pair);
        }
        cmr::synth::Synth synth(s);
        cmr::synth::write_audio_file(path_, synth.render_all(), s.inputs, 48000,
                                     cmr::synth::FileFormat::wav_float);
    }
    ~StudioRecording() { std::remove(path_.c_str()); }
    StudioRecording(const StudioRecording&) = delete;
    StudioRecording& operator=(const StudioRecording&) = delete;

    [[nodiscard]] const std::string& path() const { return path_; }

private:
    std::string path_;
};

} // namespace cmrd::bench
