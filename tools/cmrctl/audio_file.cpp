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

std::uint64_t read_u64_le(const unsigned char* bytes)
{
    std::uint64_t value = 0;
    for (int i = 7; i >= 0; --i)
        value = (value << 8U) | bytes[i];
    return value;
}

/// Where a recording's sample data is, as found by walking its chunks.
struct RiffDataChunk {
    std::int64_t offset = 0; ///< file offset of the first sample byte
    std::int64_t bytes = 0;  ///< size the header announces
    bool little_endian = true;
    std::optional<std::string> problem; ///< set when the file is cut short
};

/// The data chunk at @p offset announcing @p bytes, judged against @p file_size.
RiffDataChunk data_at(std::int64_t offset, std::uint64_t bytes, std::int64_t file_size,
                      bool little_endian, const char* what)
{
    RiffDataChunk data;
    data.offset = offset;
    data.bytes = static_cast<std::int64_t>(std::min<std::uint64_t>(
        bytes, static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())));
    data.little_endian = little_endian;
    const std::int64_t present = std::max<std::int64_t>(file_size - offset, 0);
    if (data.bytes > present)
        data.problem = std::string("truncated: ") + what + " announces " + std::to_string(bytes) +
                       " bytes but only " + std::to_string(present) + " follow";
    return data;
}

/// Finds the data chunk of a RIFF/WAVE, RIFX or RF64/BW64 file (whose data size is in its ds64
/// chunk). Nothing when the file is none of these, or when the data chunk's size is left open
/// (streaming writers).
///
/// libsndfile accepts a file whose data chunk announces more bytes than the file holds: it
/// logs the fact and quietly shortens the stream. A recording cut off by a full disk or an
/// interrupted copy would then be analysed as if it were whole, so the caller checks the
/// `problem` this reports (#12 finding 7: an RF64 header claiming 100 GB with 1 s present was
/// analysed as a whole 1 s file).
std::optional<RiffDataChunk> riff_data_chunk(int fd, std::int64_t file_size)
{
    std::array<unsigned char, 12> head{};
    if (::pread(fd, head.data(), head.size(), 0) != static_cast<ssize_t>(head.size()))
        return std::nullopt;
    bool little_endian = true;
    const bool rf64 =
        std::memcmp(head.data(), "RF64", 4) == 0 || std::memcmp(head.data(), "BW64", 4) == 0;
    if (std::memcmp(head.data(), "RIFX", 4) == 0)
        little_endian = false;
    else if (!rf64 && std::memcmp(head.data(), "RIFF", 4) != 0)
        return std::nullopt;
    if (std::memcmp(head.data() + 8, "WAVE", 4) != 0)
        return std::nullopt;

    std::optional<std::uint64_t> ds64_data_bytes;
    std::int64_t pos = 12;
    while (pos + 8 <= file_size) {
        std::array<unsigned char, 8> chunk{};
        if (::pread(fd, chunk.data(), chunk.size(), pos) != static_cast<ssize_t>(chunk.size()))
            return std::nullopt;
        const std::uint32_t size = read_u32(chunk.data() + 4, little_endian);
        pos += 8;
        if (rf64 && std::memcmp(chunk.data(), "ds64", 4) == 0 && size >= 16) {
            std::array<unsigned char, 16> sizes{}; // RIFF size, then data size
            if (::pread(fd, sizes.data(), sizes.size(), pos) != static_cast<ssize_t>(sizes.size()))
                return std::nullopt;
            ds64_data_bytes = read_u64_le(sizes.data() + 8);
        }
        if (std::memcmp(chunk.data(), "data", 4) == 0) {
            if (size == 0xFFFFFFFFU && rf64 && ds64_data_bytes)
                return data_at(pos, *ds64_data_bytes, file_size, true,
                               "the data chunk (ds64 size)");
            if (size == 0xFFFFFFFFU) // streaming writers leave the size open
                return std::nullopt;
            return data_at(pos, size, file_size, little_endian, "the data chunk");
        }
        pos += static_cast<std::int64_t>(size) + (size & 1U); // chunks are padded to even size
    }
    return std::nullopt;
}

/// Sony Wave64: GUIDs instead of four-letter chunk names, 64-bit sizes that include the
/// 24-byte chunk header, chunks aligned to 8 bytes.
std::optional<RiffDataChunk> w64_data_chunk(int fd, std::int64_t file_size)
{
    static constexpr std::array<unsigned char, 16> riff_guid = {0x72, 0x69, 0x66, 0x66, 0x2E, 0x91,
                                                                0xCF, 0x11, 0xA5, 0xD6, 0x28, 0xDB,
                                                                0x04, 0xC1, 0x00, 0x00};
    static constexpr std::array<unsigned char, 12> guid_tail = {0xF3, 0xAC, 0xD3, 0x11, 0x8C, 0xD1,
                                                                0x00, 0xC0, 0x4F, 0x8E, 0xDB, 0x8A};
    std::array<unsigned char, 40> head{};
    if (::pread(fd, head.data(), head.size(), 0) != static_cast<ssize_t>(head.size()) ||
        std::memcmp(head.data(), riff_guid.data(), riff_guid.size()) != 0 ||
        std::memcmp(head.data() + 24, "wave", 4) != 0)
        return std::nullopt;
    std::int64_t pos = 40;
    while (pos + 24 <= file_size) {
        std::array<unsigned char, 24> chunk{};
        if (::pread(fd, chunk.data(), chunk.size(), pos) != static_cast<ssize_t>(chunk.size()))
            return std::nullopt;
        const std::uint64_t size = read_u64_le(chunk.data() + 16);
        if (size < 24)
            return std::nullopt; // damaged: libsndfile will say more
        if (std::memcmp(chunk.data(), "data", 4) == 0 &&
            std::memcmp(chunk.data() + 4, guid_tail.data(), guid_tail.size()) == 0)
            return data_at(pos + 24, size - 24, file_size, true, "the data chunk");
        if (size > static_cast<std::uint64_t>(file_size))
            return std::nullopt;
        pos += static_cast<std::int64_t>((size + 7) / 8 * 8);
    }
    return std::nullopt;
}

/// Whether the samples of a file libsndfile opened as @p format can be read directly: 32-bit
/// float WAV in the byte order of this machine, the data chunk whole, and holding exactly the
/// frames libsndfile counts (so both readings agree on where data ends).
bool readable_directly(int format, const RiffDataChunk& data, std::int64_t frames, int channels)
{
    const int type = format & SF_FORMAT_TYPEMASK;
    const std::int64_t frame_bytes = std::int64_t{channels} * 4;
    return (type == SF_FORMAT_WAV || type == SF_FORMAT_WAVEX) &&
           (format & SF_FORMAT_SUBMASK) == SF_FORMAT_FLOAT &&
           std::numeric_limits<float>::is_iec559 &&
           data.little_endian == (std::endian::native == std::endian::little) &&
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
    // Non-blocking: opening a FIFO would otherwise wait for a writer, forever (#12 finding 7).
    fd_.fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd_.fd < 0)
        fail("cannot open: " + system_message(errno));

    struct stat status {};
    if (::fstat(fd_.fd, &status) != 0)
        fail("cannot stat: " + system_message(errno));
    if (S_ISDIR(status.st_mode))
        fail("is a directory");
    // A recording is judged whole against its header before analysis: that needs a file.
    if (!S_ISREG(status.st_mode))
        fail(std::string("is not a regular file (") +
             (S_ISFIFO(status.st_mode)   ? "a FIFO"
              : S_ISCHR(status.st_mode)  ? "a character device"
              : S_ISBLK(status.st_mode)  ? "a block device"
              : S_ISSOCK(status.st_mode) ? "a socket"
                                         : "not a file") +
             "): save the recording to a file first");
    if (const int flags = ::fcntl(fd_.fd, F_GETFL);
        flags < 0 || ::fcntl(fd_.fd, F_SETFL, flags & ~O_NONBLOCK) != 0)
        fail("cannot set up reading: " + system_message(errno));

    SF_INFO info{};
    file_.reset(sf_open_fd(fd_.fd, SFM_READ, &info, SF_FALSE)); // the descriptor stays ours
    if (!file_)
        fail("not a readable audio file (libsndfile: " + tidy_message(sf_strerror(nullptr)) + ")");

    channels_ = info.channels;
    sample_rate_ = info.samplerate;
    frames_ = info.frames;
    format_name_ = describe_format(info.format);

    std::optional<RiffDataChunk> data = riff_data_chunk(fd_.fd, status.st_size);
    if (!data)
        data = w64_data_chunk(fd_.fd, status.st_size);
    if (data && data->problem)
        fail(*data->problem);
    if (frames_ <= 0)
        fail("contains no audio (0 frames)");
    if (channels_ < 1)
        fail("contains no channels");
    if (sample_rate_ < min_sample_rate || sample_rate_ > max_sample_rate)
        fail("unsupported sample rate " + std::to_string(sample_rate_) + " Hz (cmrctl reads " +
             std::to_string(min_sample_rate) + " to " + std::to_string(max_sample_rate) + " Hz)");
    if (data && readable_directly(info.format, *data, frames_, channels_))
        direct_ = std::make_unique<StretchReader>(
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
    if (buffer_.size() < max_frames * channels)
        buffer_.resize(max_frames * channels);
    return {buffer_.data(),
            read(std::span<float>(buffer_.data(), max_frames * channels)) * channels};
}

std::size_t AudioFile::read(std::span<float> buffer)
{
    const auto channels = static_cast<std::size_t>(channels_);
    if (buffer.size() % channels != 0)
        throw std::invalid_argument("AudioFile::read: buffer is not a whole number of frames");
    return direct_ ? read_directly(buffer) : read_with_sndfile(buffer);
}

std::size_t AudioFile::read_directly(std::span<float> buffer)
{
    const auto channels = static_cast<std::size_t>(channels_);
    std::size_t bytes = 0;
    try {
        // Native-order floats (readable_directly): the bytes are the samples.
        bytes = direct_->read(std::as_writable_bytes(buffer), channels * sizeof(float));
    } catch (const std::exception& error) {
        fail(error.what());
    }
    const std::size_t frames = bytes / sizeof(float) / channels;
    frames_read_ += static_cast<std::int64_t>(frames);
    return frames;
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
