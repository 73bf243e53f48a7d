// SPDX-License-Identifier: GPL-2.0-or-later
#include "wav_writer.hpp"

#include <cmath>
#include <string>

#include <sndfile.h>

namespace cmr::synth {

namespace {

int sndfile_format(FileFormat format)
{
    // RF64 with auto-downgrade: a plain WAV unless the data outgrows 4 GiB.
    switch (format) {
    case FileFormat::wav_float:
        return SF_FORMAT_RF64 | SF_FORMAT_FLOAT;
    case FileFormat::wav_pcm16:
        return SF_FORMAT_RF64 | SF_FORMAT_PCM_16;
    case FileFormat::wav_pcm24:
        return SF_FORMAT_RF64 | SF_FORMAT_PCM_24;
    case FileFormat::wav_pcm32:
        return SF_FORMAT_RF64 | SF_FORMAT_PCM_32;
    case FileFormat::flac:
        return SF_FORMAT_FLAC | SF_FORMAT_PCM_24;
    }
    return 0;
}

SNDFILE* handle(void* file)
{
    return static_cast<SNDFILE*>(file);
}

} // namespace

std::optional<FileFormat> parse_file_format(std::string_view name)
{
    if (name == "float")
        return FileFormat::wav_float;
    if (name == "pcm16")
        return FileFormat::wav_pcm16;
    if (name == "pcm24")
        return FileFormat::wav_pcm24;
    if (name == "pcm32")
        return FileFormat::wav_pcm32;
    if (name == "flac")
        return FileFormat::flac;
    return std::nullopt;
}

WavWriter::WavWriter(const std::filesystem::path& path, int channels, int sample_rate,
                     FileFormat format)
    : path_(path), channels_(channels)
{
    SF_INFO info{};
    info.samplerate = sample_rate;
    info.channels = channels;
    info.format = sndfile_format(format);
    if (channels < 1 || sf_format_check(&info) == 0)
        throw WavWriteError(path.string() + ": cannot write " + std::to_string(channels) +
                            " channels at " + std::to_string(sample_rate) + " Hz in this format");
    SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
    if (file == nullptr)
        throw WavWriteError(path.string() + ": " + sf_strerror(nullptr));
    file_ = file;
    if (format != FileFormat::flac)
        sf_command(file, SFC_RF64_AUTO_DOWNGRADE, nullptr, SF_TRUE);
    if (format != FileFormat::wav_float)
        sf_command(file, SFC_SET_CLIPPING, nullptr, SF_TRUE);
}

WavWriter::~WavWriter()
{
    if (file_ != nullptr)
        sf_close(handle(file_));
}

void WavWriter::write(std::span<const float> interleaved)
{
    if (file_ == nullptr)
        throw WavWriteError(path_.string() + ": write after close");
    const auto channels = static_cast<std::size_t>(channels_);
    if (interleaved.size() % channels != 0)
        throw WavWriteError(path_.string() + ": partial frame");
    for (float s : interleaved)
        if (std::fabs(s) > 1.0F)
            ++over_full_scale_;
    const auto frames = static_cast<sf_count_t>(interleaved.size() / channels);
    if (sf_writef_float(handle(file_), interleaved.data(), frames) != frames)
        throw WavWriteError(path_.string() + ": " + sf_strerror(handle(file_)));
    frames_ += static_cast<std::uint64_t>(frames);
}

void WavWriter::close()
{
    if (file_ == nullptr)
        return;
    SNDFILE* file = handle(file_);
    file_ = nullptr;
    sf_write_sync(file);
    if (sf_close(file) != 0)
        throw WavWriteError(path_.string() + ": error while closing the file");
}

void write_audio_file(const std::filesystem::path& path, std::span<const float> interleaved,
                      int channels, int sample_rate, FileFormat format)
{
    WavWriter writer(path, channels, sample_rate, format);
    writer.write(interleaved);
    writer.close();
}

} // namespace cmr::synth
