// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file wav_writer.hpp
/// Writes interleaved float frames to WAV (32-bit float or 16/24/32-bit PCM) or FLAC (24-bit)
/// with libsndfile, streaming: any number of blocks, constant memory. WAV files that outgrow
/// the 4 GiB RIFF limit are written as RF64 (small ones stay plain WAV).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string_view>

namespace cmr::synth {

/// Output encodings.
enum class FileFormat {
    wav_float, ///< WAV, 32-bit IEEE float: exact
    wav_pcm16, ///< WAV, 16-bit PCM
    wav_pcm24, ///< WAV, 24-bit PCM
    wav_pcm32, ///< WAV, 32-bit PCM
    flac,      ///< FLAC, 24-bit
};

/// Parses the CLI names `float`, `pcm16`, `pcm24`, `pcm32`, `flac`.
[[nodiscard]] std::optional<FileFormat> parse_file_format(std::string_view name);

/// Thrown when a file cannot be created or written; the message names the file.
class WavWriteError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A file being written. PCM and FLAC samples beyond ±1.0 are clipped (and counted).
class WavWriter {
public:
    /// Creates (truncates) @p path. @throws WavWriteError.
    WavWriter(const std::filesystem::path& path, int channels, int sample_rate, FileFormat format);
    ~WavWriter();
    WavWriter(const WavWriter&) = delete;
    WavWriter& operator=(const WavWriter&) = delete;

    /// Appends interleaved frames (a multiple of the channel count). @throws WavWriteError.
    void write(std::span<const float> interleaved);
    /// Finishes the header and closes the file. Also done by the destructor (which cannot
    /// report errors: call close() to know the file is complete). @throws WavWriteError.
    void close();

    /// Samples that exceeded ±1.0 so far (clipped in PCM/FLAC; stored as-is in float WAV).
    [[nodiscard]] std::uint64_t over_full_scale() const { return over_full_scale_; }
    [[nodiscard]] std::uint64_t frames_written() const { return frames_; }

private:
    std::filesystem::path path_;
    void* file_ = nullptr; ///< SNDFILE*
    int channels_;
    std::uint64_t frames_ = 0;
    std::uint64_t over_full_scale_ = 0;
};

/// Writes a whole buffer of interleaved frames to a file. @throws WavWriteError.
void write_audio_file(const std::filesystem::path& path, std::span<const float> interleaved,
                      int channels, int sample_rate, FileFormat format);

} // namespace cmr::synth
