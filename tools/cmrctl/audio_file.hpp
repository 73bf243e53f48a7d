// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file audio_file.hpp
/// Reading recordings for `cmrctl analyze`: any format libsndfile reads (WAV, FLAC, AIFF, ...),
/// validated up front so that a bad file fails with one clear message before any analysis.
/// 32-bit float WAV files, the usual format of long multitrack recordings, are read directly
/// with pread(2) instead (no decoding); everything else goes through libsndfile. Only regular
/// files are read: a FIFO or a device is refused at once, never waited on.

#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "stretch_reader.hpp"

struct sf_private_tag; // libsndfile's SNDFILE, kept out of this header

namespace cmrctl {

/// The sample rates `cmrctl analyze` accepts (those the analyzer supports).
inline constexpr int min_sample_rate = 8000;
inline constexpr int max_sample_rate = 192000;

/// Any problem with a recording. `what()` reads "FILE: problem", e.g.
/// "take3.wav: truncated: the data chunk announces 1536000 bytes but only 768000 follow".
class AudioFileError : public std::runtime_error {
public:
    AudioFileError(const std::string& path, const std::string& problem);
    /// The file as it was named by the caller.
    [[nodiscard]] const std::string& path() const { return path_; }
    /// The problem alone, without the file name.
    [[nodiscard]] const std::string& problem() const { return problem_; }

private:
    std::string path_;
    std::string problem_;
};

/// An open, validated recording, read as interleaved float frames (±1.0 = full scale).
class AudioFile {
public:
    /// Opens @p path and checks it: readable, a format libsndfile knows, at least one frame,
    /// a supported sample rate and (for RIFF/WAV) a data chunk that is wholly present.
    /// @throws AudioFileError naming the file and the problem.
    explicit AudioFile(std::string path);
    ~AudioFile() = default;
    AudioFile(const AudioFile&) = delete;
    AudioFile& operator=(const AudioFile&) = delete;
    AudioFile(AudioFile&&) = delete;
    AudioFile& operator=(AudioFile&&) = delete;

    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] int channels() const { return channels_; }
    [[nodiscard]] int sample_rate() const { return sample_rate_; }
    /// The number of frames the file's header announces.
    [[nodiscard]] std::int64_t frames() const { return frames_; }
    [[nodiscard]] double duration_s() const
    {
        return static_cast<double>(frames_) / static_cast<double>(sample_rate_);
    }
    /// A short description such as "WAV, Signed 24 bit PCM".
    [[nodiscard]] const std::string& format_name() const { return format_name_; }

    /// The next frames, at most @p max_frames of them (interleaved, `channels()` floats per
    /// frame), valid until the next call to next() or read(). Empty at the end of the file.
    /// Float WAV files are read straight into the buffer, others decoded by libsndfile.
    /// @throws AudioFileError as read() does.
    std::span<const float> next(std::size_t max_frames);

    /// Whether the samples are read directly (see next()) rather than through libsndfile.
    [[nodiscard]] bool reads_directly() const { return direct_ != nullptr; }

    /// Reads the next frames into @p buffer (interleaved, `channels()` floats per frame; its
    /// size must be a multiple of `channels()`). Returns the number of frames read, 0 at the
    /// end of the file.
    /// @throws AudioFileError on a read error, or when the file ends before the frame count its
    ///         header announces ("truncated").
    std::size_t read(std::span<float> buffer);

    /// Frames read so far.
    [[nodiscard]] std::int64_t frames_read() const { return frames_read_; }

private:
    [[noreturn]] void fail(const std::string& problem) const;
    std::size_t read_with_sndfile(std::span<float> buffer);
    /// read() for a float WAV: pread straight into @p buffer.
    std::size_t read_directly(std::span<float> buffer);

    /// Owns a file descriptor. It is owned here, not by libsndfile, because libsndfile's
    /// handling of a descriptor on a failed open differs between versions.
    struct Descriptor {
        int fd = -1;
        Descriptor() = default;
        ~Descriptor();
        Descriptor(const Descriptor&) = delete;
        Descriptor& operator=(const Descriptor&) = delete;
    };
    struct SndfileCloser {
        void operator()(sf_private_tag* file) const;
    };

    std::string path_;
    // Members are destroyed in reverse order: libsndfile lets go before the descriptor closes.
    // Both are released even when the constructor throws.
    Descriptor fd_;
    std::unique_ptr<sf_private_tag, SndfileCloser> file_;
    int channels_ = 0;
    int sample_rate_ = 0;
    std::int64_t frames_ = 0;
    std::int64_t frames_read_ = 0;
    std::string format_name_;
    std::unique_ptr<StretchReader> direct_; // float WAV read directly, or null
    std::vector<float> buffer_;             // next()'s block
};

} // namespace cmrctl
