// SPDX-License-Identifier: GPL-2.0-or-later
#include "harmonic_analysis.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace cmr::detail {
namespace {

/// Sorts @p n values ascending. The floors of the analyzer's two windows have 6 and 4 groups
/// away from the band edges; for those, fixed sorting networks of branch-free min/max replace
/// std::sort, whose comparisons of noise figures the processor cannot predict. The result is
/// the same sorted sequence.
void sort_group_means(float* v, std::size_t n)
{
    // Knuth's optimal networks for 6 and 4 inputs (checked on all 0/1 inputs).
    static constexpr std::array<std::array<int, 2>, 12> six = {{{0, 5},
                                                                {1, 3},
                                                                {2, 4},
                                                                {1, 2},
                                                                {3, 4},
                                                                {0, 3},
                                                                {2, 5},
                                                                {0, 1},
                                                                {2, 3},
                                                                {4, 5},
                                                                {1, 2},
                                                                {3, 4}}};
    static constexpr std::array<std::array<int, 2>, 5> four = {
        {{0, 1}, {2, 3}, {0, 2}, {1, 3}, {1, 2}}};
    auto run = [v](const auto& network) {
        for (const auto& [a, b] : network) {
            const float lo = std::min(v[a], v[b]);
            v[b] = std::max(v[a], v[b]);
            v[a] = lo;
        }
    };
    if (n == 6)
        run(six);
    else if (n == 4)
        run(four);
    else
        std::sort(v, v + n);
}

} // namespace

double local_floor(std::span<const std::complex<float>> spectrum, const SpectrumGeometry& g,
                   std::size_t centre, std::span<float> scratch)
{
    // The median of the means of 8-bin groups: robust to a tone or two among the floor bins
    // (a group holding one is simply out-voted), and far cheaper than a median of all bins.
    constexpr std::size_t group = 8;
    const std::size_t bins = spectrum.size();
    std::size_t groups = 0;
    auto add_group = [&](std::size_t first) {
        if (first < 1 || first + group >= bins) // keep clear of DC and Nyquist
            return;
        float sum = 0.0F;
        for (std::size_t m = first; m < first + group; ++m)
            sum += std::norm(spectrum[m]);
        scratch[groups++] = sum / group;
    };
    for (std::size_t d = g.floor_guard; d + group <= g.floor_guard + g.floor_span; d += group) {
        if (centre >= d + group)
            add_group(centre - d - group + 1);
        add_group(centre + d);
    }
    if (groups == 0)
        return 0.0;
    sort_group_means(scratch.data(), groups);
    const double median =
        groups % 2 == 1 ? static_cast<double>(scratch[groups / 2])
                        : 0.5 * static_cast<double>(scratch[groups / 2 - 1] + scratch[groups / 2]);
    // For noise, |X|² is exponential and an 8-bin mean is Gamma(8)-distributed, whose median
    // is 0.959 times its mean.
    return median / 0.959;
}

LineEstimate estimate_line(std::span<const std::complex<float>> spectrum, const SpectrumGeometry& g,
                           double hz, std::span<float> scratch)
{
    LineEstimate e;
    const double pos = hz / g.bin_hz;
    const auto bin = static_cast<long>(std::lround(pos));
    if (bin < 1 || static_cast<std::size_t>(bin) + 1 >= spectrum.size())
        return e;
    const double offset = pos - static_cast<double>(bin);
    const double response = g.window->response(offset);
    const double scale = 2.0 / (g.window->sum() * response);
    const auto b = static_cast<std::size_t>(bin);
    const std::complex<double> x(spectrum[b].real(), spectrum[b].imag());
    e.amplitude = x * scale;
    const double floor = local_floor(spectrum, g, b, scratch);
    e.noise_var = floor * scale * scale;
    e.bin = static_cast<int>(bin);

    // Least-squares fit of the line shape over the main lobe's central bins.
    constexpr long half = 2;
    if (bin - half < 1 || static_cast<std::size_t>(bin + half) + 1 >= spectrum.size())
        return e;
    std::complex<double> xw{};
    double ww = 0.0;
    for (long i = -half; i <= half; ++i) {
        const double w = g.window->response(static_cast<double>(i) - offset);
        const auto& v = spectrum[static_cast<std::size_t>(bin + i)];
        xw += std::complex<double>(v.real(), v.imag()) * w;
        ww += w * w;
    }
    const std::complex<double> fit = xw / ww;
    double misfit = 0.0;
    for (long i = -half; i <= half; ++i) {
        const double w = g.window->response(static_cast<double>(i) - offset);
        const auto& v = spectrum[static_cast<std::size_t>(bin + i)];
        misfit += std::norm(std::complex<double>(v.real(), v.imag()) - fit * w);
    }
    // Noise alone leaves about (bins - 1) bins' worth of floor; allow three times that, plus
    // 0.3 % of the line for drift within the window and the response table's interpolation.
    const double allowed = 3.0 * (2 * half) * floor + 0.003 * std::norm(fit) * ww;
    e.line_shape = misfit <= allowed;
    return e;
}

bool find_peak(std::span<const std::complex<float>> spectrum, const SpectrumGeometry& g, double hz,
               std::size_t search_bins, std::size_t& peak_bin, double& peak_hz)
{
    const auto centre = static_cast<long>(std::lround(hz / g.bin_hz));
    const long lo = std::max(1L, centre - static_cast<long>(search_bins));
    const long hi =
        std::min(static_cast<long>(spectrum.size()) - 2, centre + static_cast<long>(search_bins));
    if (lo > hi)
        return false;
    long best = lo;
    float best_p = -1.0F;
    for (long m = lo; m <= hi; ++m) {
        const float p = std::norm(spectrum[static_cast<std::size_t>(m)]);
        if (p > best_p) {
            best_p = p;
            best = m;
        }
    }
    if ((best == lo && lo != 1) || best == hi)
        return false;
    const auto b = static_cast<std::size_t>(best);
    const double l = std::log(std::max(1e-30, static_cast<double>(std::norm(spectrum[b - 1]))));
    const double c = std::log(std::max(1e-30, static_cast<double>(best_p)));
    const double r = std::log(std::max(1e-30, static_cast<double>(std::norm(spectrum[b + 1]))));
    const double denom = l - 2.0 * c + r;
    const double delta = denom < 0.0 ? 0.5 * (l - r) / denom : 0.0;
    peak_bin = b;
    peak_hz = (static_cast<double>(b) + std::clamp(delta, -0.5, 0.5)) * g.bin_hz;
    return true;
}

} // namespace cmr::detail
