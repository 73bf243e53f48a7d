// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file timing_slack.hpp
/// How much longer than in a plain build a timing bound may take in a sanitizer build. TSan and
/// ASan instrument every memory access of the code under test (the simulated interface, the
/// capture engine), which makes it run several times slower, and a 2-core machine running two
/// such tests at once slower still. A bound that catches a late wake-up in the plain build
/// (CI's first stage) is multiplied by this in the sanitizer stages, which are there to find
/// races and memory errors, not to time things: it must still tell "woken by the event" from
/// "never woken" there.

namespace cmr::sim {

#if defined(__SANITIZE_THREAD__)
inline constexpr int timing_slack = 10;
#elif defined(__SANITIZE_ADDRESS__)
inline constexpr int timing_slack = 4;
#else
inline constexpr int timing_slack = 1;
#endif

/// True in a build whose code is instrumented by a sanitizer: its shared objects (the cmrsim
/// plugin) cannot be loaded into uninstrumented programs such as jackd or PipeWire.
inline constexpr bool sanitizer_build = timing_slack != 1;

} // namespace cmr::sim
