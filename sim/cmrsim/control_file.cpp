// SPDX-License-Identifier: GPL-2.0-or-later
#include "control_file.hpp"

#include <string_view>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cmr::sim {

namespace {

constexpr std::uint64_t fnv_basis = 0xcbf29ce484222325ULL;
constexpr std::uint64_t fnv_prime = 0x100000001b3ULL;

std::uint64_t fnv_step(std::uint64_t hash, char byte)
{
    return (hash ^ static_cast<unsigned char>(byte)) * fnv_prime;
}

bool same_time(const timespec& a, const timespec& b)
{
    return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

/// Closes a descriptor on every path out of a function.
struct FdCloser {
    int fd;
    explicit FdCloser(int descriptor) : fd(descriptor) {}
    ~FdCloser()
    {
        if (fd >= 0)
            ::close(fd);
    }
    FdCloser(const FdCloser&) = delete;
    FdCloser& operator=(const FdCloser&) = delete;
};

} // namespace

void FaultState::apply(Fault fault)
{
    switch (fault) {
    case Fault::overrun:
    case Fault::suspend: // one-shot events: nothing persists for later opens
    case Fault::hang:
        break;
    case Fault::stall:
        stalled = true;
        break;
    case Fault::resume:
        *this = FaultState{};
        break;
    case Fault::disconnect:
        disconnected = true;
        break;
    case Fault::busy:
        busy = true;
        break;
    }
}

ControlFileReader::ControlFileReader(std::filesystem::path path)
    : path_(std::move(path)), path_text_(path_.string()), hash_(fnv_basis)
{}

FaultState ControlFileReader::read_history()
{
    FaultState state;
    exists_ = false; // read from the start
    consumed_ = 0;
    hash_ = fnv_basis;
    if (!path_.empty())
        read_new([&state](Fault fault) { state.apply(fault); });
    return state;
}

bool ControlFileReader::changed()
{
    if (path_.empty())
        return false;
    struct stat st {};
    if (::stat(path_text_.c_str(), &st) != 0) {
        if (exists_) { // removed: a new file will be read from its start
            exists_ = false;
            consumed_ = 0;
            hash_ = fnv_basis;
        }
        return false;
    }
    return !exists_ || st.st_dev != dev_ || st.st_ino != ino_ || st.st_size != size_ ||
           !same_time(st.st_mtim, mtime_);
}

bool ControlFileReader::prefix_matches(int fd)
{
    std::uint64_t hash = fnv_basis;
    off_t done = 0;
    while (done < consumed_) {
        const auto want = static_cast<std::size_t>(
            std::min<off_t>(consumed_ - done, static_cast<off_t>(chunk_.size())));
        const ssize_t got = ::pread(fd, chunk_.data(), want, done);
        if (got <= 0)
            return false;
        for (ssize_t i = 0; i < got; ++i)
            hash = fnv_step(hash, chunk_[static_cast<std::size_t>(i)]);
        done += got;
    }
    return hash == hash_;
}

void ControlFileReader::read_lines(void* context, Sink sink)
{
    const FdCloser file{::open(path_text_.c_str(), O_RDONLY | O_CLOEXEC)};
    if (file.fd < 0)
        return;
    struct stat st {};
    if (::fstat(file.fd, &st) != 0)
        return;

    // Appended to, or rewritten? A rewrite starts over: its lines are all new.
    const bool appended =
        exists_ && st.st_dev == dev_ && st.st_ino == ino_ && st.st_size >= consumed_ &&
        !(st.st_size == size_ && !same_time(st.st_mtim, mtime_)) && prefix_matches(file.fd);
    if (!appended) {
        consumed_ = 0;
        hash_ = fnv_basis;
    }

    std::uint64_t hash = hash_;
    std::size_t line_length = 0;
    bool line_too_long = false;
    off_t position = consumed_;
    while (position < st.st_size) {
        const auto want = static_cast<std::size_t>(
            std::min<off_t>(st.st_size - position, static_cast<off_t>(chunk_.size())));
        const ssize_t got = ::pread(file.fd, chunk_.data(), want, position);
        if (got <= 0)
            break;
        for (ssize_t i = 0; i < got; ++i) {
            const char c = chunk_[static_cast<std::size_t>(i)];
            hash = fnv_step(hash, c);
            if (c != '\n') {
                if (line_length < line_.size())
                    line_[line_length++] = c;
                else
                    line_too_long = true;
                continue;
            }
            const std::string_view line(line_.data(), line_length);
            if (const std::optional<Fault> fault = parse_fault(line); fault && !line_too_long)
                sink(context, *fault);
            else if (line_too_long || !is_blank_or_comment(line))
                ++unknown_lines_;
            line_length = 0;
            line_too_long = false;
            consumed_ = position + i + 1;
            hash_ = hash;
        }
        position += got;
    }

    exists_ = true;
    dev_ = st.st_dev;
    ino_ = st.st_ino;
    size_ = st.st_size;
    mtime_ = st.st_mtim;
}

} // namespace cmr::sim
