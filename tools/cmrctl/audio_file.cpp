// SPDX-License-Identifier: GPL-2.0-or-later
#include "audio_file.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <sndfile.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cmrctl {

namespace {

std::uint32_t read_u32(const unsigned char* bytes, bool little_endian)
{
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
        const int index = little_endian ? 3 - i : i;
        value = (value << 8U) | bytes[index];
    }
    return value;
}

/// Where a RIFF/WAVE file's data chunk is, as found by walking its chunks.
struct RiffDataChunk {
    std::int64_t offset = 0; ///< file offset of the first sample byte
    std::int64_t bytes = 0;  ///< size the chunk header announces
    bool little_endian = true;
    std::optional<std::string> problem; ///< set when the file is cut short
};

/// Finds the data chunk of a RIFF/WAVE (or RIFX) file. Nothing when the file is not one, or
/// when the data chunk's size is left open (streaming writers; RF64 is not judged here).
///
/// libsndfile accepts a RIFF/WAVE file whose data chunk announces more bytes than the file
/// holds: it logs the fact and quietly shortens the stream. A recording cut off by a full disk
/// or an interrupted copy would then be analysed as if it were whole, so the caller checks the
/// `problem` this reports.
std::optional<RiffDataChunk> riff_data_chunk(int fd, std::int64_t file_size)
{
    std::array<unsigned char, 12> head{};
    if (::pread(fd, head.data(), head.size(), 0) != static_cast<ssize_t>(head.size()))
        return std::nullopt;
    RiffDataChunk data;
    if (std::memcmp(head.data(), "RIFF", 4) == 0)
        data.little_endian = true;
    else if (std::memcmp(head.data(), "RIFX", 4) == 0)
        data.little_endian = false;
    else
        return std::nullopt;
    if (std::memcmp(head.data() + 8, "WAVE", 4) != 0)
        return std::nullopt;

    std::int64_t pos = 12;
    while (pos + 8 <= file_size) {
        std::array<unsigned char, 8> chunk{};
        if (::pread(fd, chunk.data(), chunk.size(), pos) != static_cast<ssize_t>(chunk.size()))
            return std::nullopt;
        const std::uint32_t size = read_u32(chunk.data() + 4, data.little_endian);
        pos += 8;
        if (std::memcmp(chunk.data(), "data", 4) == 0) {
            if (size == 0xFFFFFFFFU) // streaming writers leave the size open
                return std::nullopt;
            data.offset = pos;
            data.bytes = size;
            const std::int64_t present = file_size - pos;
            if (static_cast<std::int64_t>(size) > present)
                data.problem = "truncated: the data chunk announces " + std::to_string(size) +
                               " bytes but only " + std::to_string(present) + " follow";
            return data;
        }
        pos += static_cast<std::int64_t>(size) + (size & 1U); // chunks are padded to even size
    }
    return std::nullopt;
}

/// Whether the samples of a file libsndfile opened as @p format can be read in place: 32-bit
/// float WAV in the byte order of this machine, the data chunk whole and float-aligned, and
/// holding exactly the frames libsndfile counts (so both readings agree on where data ends).
bool readable_in_place(int format, const RiffDataChunk& data, std::int64_t frames, int channels)
{
    const int type = format & SF_FORMAT_TYPEMASK;
    const std::int64_t frame_bytes = std::int64_t{channels} * 4;
    return (type == SF_FORMAT_WAV || type == SF_FORMAT_WAVEX) &&
           (format & SF_FORMAT_SUBMASK) == SF_FORMAT_FLOAT &&
           std::numeric_limits<float>::is_iec559 &&
           data.little_endian == (std::endian::native == std::endian::little) &&
           data.offset % static_cast<std::int64_t>(alignof(float)) == 0 &&
           data.bytes / frame_bytes == frames;
}

std::string format_info_name(int format)
{
    SF_FORMAT_INFO info{};
    info.format = format;
    if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &info, sizeof info) != 0 || info.name == nullptr)
        return "format 0x" + std::to_string(format);
    return info.name;
}

std::string describe_format(int format)
{
    return format_info_name(format & SF_FORMAT_TYPEMASK) + ", " +
           format_info_name(format & SF_FORMAT_SUBMASK);
}

/// The text of an errno value ("No such file or directory"); unlike strerror, thread-safe.
std::string system_message(int error)
{
    return std::error_code(error, std::generic_category()).message();
}

/// libsndfile's messages end with a full stop, some start with "Error : ".
std::string tidy_message(std::string text)
{
    constexpr std::string_view prefix = "Error : ";
    if (text.starts_with(prefix))
        text.erase(0, prefix.size());
    while (!text.empty() && (text.back() == '.' || text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    return text;
}

} // namespace

AudioFileError::AudioFileError(const std::string& path, const std::string& problem)
    : std::runtime_error(path + ": " + problem), path_(path), problem_(problem)
{}

AudioFile::AudioFile(std::string path) : path_(std::move(path))
{
    fd_.fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_.fd < 0)
        fail("cannot open: " + system_message(errno));

    struct stat status {};
    if (::fstat(fd_.fd, &status) != 0)
        fail("cannot stat: " + system_message(errno));
    if (S_ISDIR(status.st_mode))
        fail("is a directory");

    SF_INFO info{};
    file_.reset(sf_open_fd(fd_.fd, SFM_READ, &info, SF_FALSE)); // the descriptor stays ours
    if (!file_)
        fail("not a readable audio file (libsndfile: " + tidy_message(sf_strerror(nullptr)) + ")");

    channels_ = info.channels;
    sample_rate_ = info.samplerate;
    frames_ = info.frames;
    format_name_ = describe_format(info.format);

    std::optional<RiffDataChunk> data;
    if (S_ISREG(status.st_mode)) {
        data = riff_data_chunk(fd_.fd, status.st_size);
        if (data && data->problem)
            fail(*data->problem);
    }
    if (frames_ <= 0)
        fail("contains no audio (0 frames)");
    if (channels_ < 1)
        fail("contains no channels");
    if (sample_rate_ < min_sample_rate || sample_rate_ > max_sample_rate)
        fail("unsupported sample rate " + std::to_string(sample_rate_) + " Hz (cmrctl reads " +
             std::to_string(min_sample_rate) + " to " + std::to_string(max_sample_rate) + " Hz)");
    if (data && readable_in_place(info.format, *data, frames_, channels_))
        mapped_ = std::make_unique<MappedSamples>(
            fd_.fd, data->offset, frames_ * channels_ * std::int64_t{sizeof(float)});
}

AudioFile::Descriptor::~Descriptor()
{
    if (fd >= 0)
        ::close(fd);
}

void AudioFile::SndfileCloser::operator()(sf_private_tag* file) const
{
    sf_close(file);
}

void AudioFile::fail(const std::string& problem) const
{
    throw AudioFileError(path_, problem);
}

std::span<const float> AudioFile::next(std::size_t max_frames)
{
    const auto channels = static_cast<std::size_t>(channels_);
    if (mapped_) {
        std::span<const std::byte> bytes;
        try {
            bytes = mapped_->next(max_frames, channels * sizeof(float));
        } catch (const std::exception& error) {
            fail(error.what());
        }
        // The mapping is float-aligned (readable_in_place) and holds native-order floats.
        const auto* samples = reinterpret_cast<const float*>(bytes.data());
        const std::size_t count = bytes.size() / sizeof(float);
        frames_read_ += static_cast<std::int64_t>(count / channels);
        return {samples, count};
    }
    if (buffer_.size() < max_frames * channels)
        buffer_.resize(max_frames * channels);
    const std::size_t frames =
        read_with_sndfile(std::span<float>(buffer_.data(), max_frames * channels));
    return {buffer_.data(), frames * channels};
}

std::size_t AudioFile::read(std::span<float> buffer)
{
    const auto channels = static_cast<std::size_t>(channels_);
    if (buffer.size() % channels != 0)
        throw std::invalid_argument("AudioFile::read: buffer is not a whole number of frames");
    if (!mapped_)
        return read_with_sndfile(buffer);
    const std::span<const float> samples = next(buffer.size() / channels);
    std::copy(samples.begin(), samples.end(), buffer.begin());
    return samples.size() / channels;
}

std::size_t AudioFile::read_with_sndfile(std::span<float> buffer)
{
    const auto channels = static_cast<std::size_t>(channels_);
    const auto wanted = static_cast<sf_count_t>(buffer.size() / channels);
    if (wanted == 0)
        return 0;

    const sf_count_t got = sf_readf_float(file_.get(), buffer.data(), wanted);
    if (got < 0 || sf_error(file_.get()) != SF_ERR_NO_ERROR) {
        // A decoder that loses sync (FLAC) is how a cut-off compressed file shows itself.
        const std::string detail = tidy_message(sf_strerror(file_.get()));
        fail("truncated or damaged: read error after " + std::to_string(frames_read_) + " of " +
             std::to_string(frames_) + " frames (libsndfile: " + detail + ")");
    }
    frames_read_ += got;
    // libsndfile returns short counts only at the end of the data, so an early end means the
    // file holds less than its header announces.
    if (got < wanted && frames_read_ < frames_)
        fail("truncated: the header announces " + std::to_string(frames_) + " frames but only " +
             std::to_string(frames_read_) + " could be read");
    return static_cast<std::size_t>(got);
}

} // namespace cmrctl
