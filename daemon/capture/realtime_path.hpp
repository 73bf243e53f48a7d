// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file realtime_path.hpp
/// Marks the stretch of a thread's life that must not allocate: the capture loop sets it once
/// start-up is done and clears it before it tears anything down. Tests (a counting operator new
/// or malloc) and debug checks ask on_realtime_path() to tell real-time allocations from all
/// others. Reading the flag is a plain thread-local load: it never allocates itself, so an
/// allocator may call it.

namespace cmrd::capture {

/// True while the calling thread is inside a capture loop's real-time section.
[[nodiscard]] bool on_realtime_path() noexcept;

/// Sets the calling thread's flag for its lifetime, then clears it.
class RealtimePathScope {
public:
    RealtimePathScope() noexcept;
    ~RealtimePathScope();
    RealtimePathScope(const RealtimePathScope&) = delete;
    RealtimePathScope& operator=(const RealtimePathScope&) = delete;
};

} // namespace cmrd::capture
