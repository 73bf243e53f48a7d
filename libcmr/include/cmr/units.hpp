// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file units.hpp
/// Level conventions (AES17): a full-scale sine is 0 dBFS.

#include <cmath>

namespace cmr {

/// dBFS of a sinusoidal component of peak amplitude @p amplitude.
inline double amplitude_to_dbfs(double amplitude)
{
    return 20.0 * std::log10(amplitude);
}
/// Peak amplitude of a sinusoid at @p dbfs.
inline double dbfs_to_amplitude(double dbfs)
{
    return std::pow(10.0, dbfs / 20.0);
}
/// dBFS of a signal of mean power (mean square) @p power: 20·log10(RMS·√2).
inline double power_to_dbfs(double power)
{
    return 10.0 * std::log10(2.0 * power);
}

} // namespace cmr
