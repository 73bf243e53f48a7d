// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file control_file.hpp
/// The simulated interface's side of fault injection: watches the control file (see
/// fault_control.hpp for the commands and their meaning) and hands each new command over once.
///
/// It is cheap enough to be asked on every hardware-pointer query: when nothing changed it
/// costs one stat(). It never allocates after construction (fixed buffers), because it runs
/// on the capture thread of the program that opened the PCM.

#include <array>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <string>

#include <sys/types.h>

#include "fault_control.hpp"

namespace cmr::sim {

/// The persistent fault state implied by a sequence of commands.
struct FaultState {
    bool stalled = false;
    bool disconnected = false;
    bool busy = false;

    /// Applies a persistent command (overrun and suspend are one-shot events and change nothing
    /// here).
    void apply(Fault fault);
};

/// Watches one control file.
class ControlFileReader {
public:
    /// @param path the control file; empty for none (then nothing ever happens). The file need
    ///        not exist yet.
    explicit ControlFileReader(std::filesystem::path path);

    /// Reads every complete line now in the file as history and returns the persistent state
    /// it implies; later polls see only lines added afterwards.
    FaultState read_history();

    /// Calls `on_fault(Fault)` for every command added since the last call (or since
    /// read_history()), in order. Unknown words are counted (unknown_lines()) and skipped.
    template <typename OnFault> void poll(OnFault&& on_fault)
    {
        if (!changed())
            return;
        read_new([&](Fault fault) { on_fault(fault); });
    }

    /// Lines that were neither a command, blank, nor a comment.
    [[nodiscard]] unsigned unknown_lines() const { return unknown_lines_; }
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    /// Line-by-line consumer: a function pointer plus context, so no std::function allocates.
    using Sink = void (*)(void* context, Fault fault);

    template <typename F> void read_new(F&& f)
    {
        read_lines(&f, [](void* context, Fault fault) { (*static_cast<F*>(context))(fault); });
    }

    /// One stat(); true when the file differs from what was last read.
    bool changed();
    /// Reads new complete lines (from the start when the file was rewritten).
    void read_lines(void* context, Sink sink);
    /// Whether the file's first `consumed_` bytes still hash to `hash_` (it was appended to,
    /// not rewritten).
    [[nodiscard]] bool prefix_matches(int fd);

    std::filesystem::path path_;
    std::string path_text_;

    // What was last read.
    bool exists_ = false;
    dev_t dev_ = 0;
    ino_t ino_ = 0;
    off_t size_ = 0;
    timespec mtime_{};
    off_t consumed_ = 0;     ///< bytes up to the end of the last complete line
    std::uint64_t hash_ = 0; ///< FNV-1a of those bytes

    unsigned unknown_lines_ = 0;
    std::array<char, 4096> chunk_{};
    std::array<char, 128> line_{};
};

} // namespace cmr::sim
