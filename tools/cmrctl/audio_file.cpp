// SPDX-License-Identifier: GPL-2.0-or-later
#include "audio_file.hpp"

#include <array>
#include <cerrno>
#include <cstring>
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

/// libsndfile accepts a RIFF/WAVE file whose data chunk announces more bytes than the file
/// holds: it logs the fact and quietly shortens the stream. A recording cut off by a full disk
/// or an interrupted copy would then be analysed as if it were whole, so check the data chunk
/// against the file size ourselves. Returns the problem, or nothing when the file is whole or
/// not a RIFF/WAVE file (RF64 and streamed files with an open size are not judged here).
std::optional<std::string> riff_truncation(int fd, std::int64_t file_size)
{
    std::array<unsigned char, 12> head{};
    if (::pread(fd, head.data(), head.size(), 0) != static_cast<ssize_t>(head.size()))
        return std::nullopt;
    bool little_endian = true;
    if (std::memcmp(head.data(), "RIFF", 4) == 0)
        little_endian = true;
    else if (std::memcmp(head.data(), "RIFX", 4) == 0)
        little_endian = false;
    else
        return std::nullopt;
    if (std::memcmp(head.data() + 8, "WAVE", 4) != 0)
        return std::nullopt;

    std::int64_t pos = 12;
    while (pos + 8 <= file_size) {
        std::array<unsigned char, 8> chunk{};
        if (::pread(fd, chunk.data(), chunk.size(), pos) != static_cast<ssize_t>(chunk.size()))
            return std::nullopt;
        const std::uint32_t size = read_u32(chunk.data() + 4, little_endian);
        pos += 8;
        if (std::memcmp(chunk.data(), "data", 4) == 0) {
            if (size == 0xFFFFFFFFU) // streaming writers leave the size open
                return std::nullopt;
            const std::int64_t present = file_size - pos;
            if (static_cast<std::int64_t>(size) > present)
                return "truncated: the data chunk announces " + std::to_string(size) +
                       " bytes but only " + std::to_string(present) + " follow";
            return std::nullopt;
        }
        pos += static_cast<std::int64_t>(size) + (size & 1U); // chunks are padded to even size
    }
    return std::nullopt;
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

    if (S_ISREG(status.st_mode)) {
        if (auto problem = riff_truncation(fd_.fd, status.st_size))
            fail(*problem);
    }
    if (frames_ <= 0)
        fail("contains no audio (0 frames)");
    if (channels_ < 1)
        fail("contains no channels");
    if (sample_rate_ < min_sample_rate || sample_rate_ > max_sample_rate)
        fail("unsupported sample rate " + std::to_string(sample_rate_) + " Hz (cmrctl reads " +
             std::to_string(min_sample_rate) + " to " + std::to_string(max_sample_rate) + " Hz)");
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

std::size_t AudioFile::read(std::span<float> buffer)
{
    const auto channels = static_cast<std::size_t>(channels_);
    if (buffer.size() % channels != 0)
        throw std::invalid_argument("AudioFile::read: buffer is not a whole number of frames");
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
