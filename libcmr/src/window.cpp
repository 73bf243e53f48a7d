// SPDX-License-Identifier: GPL-2.0-or-later
#include "window.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <numbers>
#include <stdexcept>

namespace cmr::detail {

double bessel_i0(double x)
{
    // Power series: I0(x) = sum_k ((x/2)^k / k!)^2; for the x <= 20 of Kaiser windows it
    // converges to double precision in under 40 terms, far faster than std::cyl_bessel_i.
    const double q = x * x / 4.0;
    double term = 1.0, sum = 1.0;
    for (int k = 1; k < 200 && term > sum * 1e-17; ++k) {
        term *= q / (static_cast<double>(k) * static_cast<double>(k));
        sum += term;
    }
    return sum;
}

std::vector<float> kaiser_window(std::size_t n, double beta)
{
    // bessel_i0() for `lanes` samples at a time in lockstep: the same operations per sample,
    // so the same bits, but independent series the processor can overlap (the series is a
    // chain of dependent divisions, a few milliseconds for a 4 s window done one at a time).
    constexpr std::size_t lanes = 8;
    std::vector<float> w(n);
    const double denom = bessel_i0(beta);
    for (std::size_t i0 = 0; i0 < n; i0 += lanes) {
        std::array<double, lanes> q{}, term{}, sum{};
        std::array<bool, lanes> active{};
        for (std::size_t l = 0; l < lanes; ++l) {
            // Periodic: the sample at n would equal the one at 0, so the window is symmetric
            // about n/2, which zero-phase analysis needs.
            const std::size_t i = std::min(i0 + l, n - 1);
            const double x = 2.0 * static_cast<double>(i) / static_cast<double>(n) - 1.0;
            const double arg = beta * std::sqrt(1.0 - x * x);
            q[l] = arg * arg / 4.0;
            term[l] = 1.0;
            sum[l] = 1.0;
        }
        bool any = true;
        for (int k = 1; k < 200 && any; ++k) {
            any = false;
            const double kk = static_cast<double>(k) * static_cast<double>(k);
            for (std::size_t l = 0; l < lanes; ++l) {
                active[l] = term[l] > sum[l] * 1e-17;
                const double next = term[l] * (q[l] / kk);
                term[l] = active[l] ? next : term[l];
                sum[l] = active[l] ? sum[l] + next : sum[l];
                any = any || active[l];
            }
        }
        for (std::size_t l = 0; l < lanes && i0 + l < n; ++l)
            w[i0 + l] = static_cast<float>(sum[l] / denom);
    }
    return w;
}

std::vector<float> blackman_harris_window(std::size_t n)
{
    constexpr double a0 = 0.35875, a1 = 0.48829, a2 = 0.14128, a3 = 0.01168;
    std::vector<float> w(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double t = 2.0 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(n);
        w[i] =
            static_cast<float>(a0 - a1 * std::cos(t) + a2 * std::cos(2 * t) - a3 * std::cos(3 * t));
    }
    return w;
}

Window::Window(std::vector<float> samples, double mainlobe_bins)
    : samples_(std::move(samples)), mainlobe_bins_(mainlobe_bins)
{
    const std::size_t n = samples_.size();
    if (n < 16 || n % 2 != 0)
        throw std::invalid_argument("analysis window length must be even and at least 16");
    for (float v : samples_) {
        const auto d = static_cast<double>(v);
        sum_ += d;
        sum_sq_ += d * d;
    }
    // Exact zero-phase response by direct summation; only offsets within a bin matter, as
    // the estimator always reads the bin nearest to a line.
    const int points = static_cast<int>(2 * table_span * table_oversample) + 1;
    table_.resize(static_cast<std::size_t>(points));
    // The window is symmetric about n/2, so W(nu) = w[n/2] + sum_j (w[n/2-j] + w[n/2+j]) cos(j t)
    // with t = 2 pi nu / n (+ w[0] cos(pi nu), the unpaired end sample). The cosines come from
    // the Chebyshev recurrence cos((j+1)t) = 2 cos t cos(jt) - cos((j-1)t), in double.
    const std::size_t half = n / 2;
    std::vector<double> pair_sum(half);
    for (std::size_t j = 1; j < half; ++j)
        pair_sum[j] =
            static_cast<double>(samples_[half - j]) + static_cast<double>(samples_[half + j]);
    // W is even in nu: compute the upper half and mirror it. Points go `lanes` at a time in
    // lockstep (the same operations per point, so the same bits): each recurrence is a chain
    // of dependent multiply-adds, and independent chains side by side run several times faster.
    constexpr int lanes = 8;
    const int centre = points / 2;
    for (int p0 = centre; p0 < points; p0 += lanes) {
        std::array<double, lanes> two_cos{}, previous{}, current{}, acc{};
        for (int l = 0; l < lanes; ++l) {
            const double nu = -table_span + static_cast<double>(p0 + l) / table_oversample;
            const double t = 2.0 * std::numbers::pi * nu / static_cast<double>(n);
            two_cos[static_cast<std::size_t>(l)] = 2.0 * std::cos(t);
            previous[static_cast<std::size_t>(l)] = 1.0;
            current[static_cast<std::size_t>(l)] = std::cos(t);
            acc[static_cast<std::size_t>(l)] = static_cast<double>(samples_[half]);
        }
        for (std::size_t j = 1; j < half; ++j) {
            for (std::size_t l = 0; l < lanes; ++l) {
                acc[l] += pair_sum[j] * current[l];
                const double next = two_cos[l] * current[l] - previous[l];
                previous[l] = current[l];
                current[l] = next;
            }
        }
        for (int l = 0; l < lanes && p0 + l < points; ++l) {
            const int p = p0 + l;
            const double nu = -table_span + static_cast<double>(p) / table_oversample;
            const double value = acc[static_cast<std::size_t>(l)] +
                                 static_cast<double>(samples_[0]) * std::cos(std::numbers::pi * nu);
            table_[static_cast<std::size_t>(p)] = value / sum_;
            table_[static_cast<std::size_t>(2 * centre - p)] = value / sum_;
        }
    }
}

double Window::enbw_bins() const
{
    return static_cast<double>(samples_.size()) * sum_sq_ / (sum_ * sum_);
}

double Window::response(double bins) const
{
    const double pos = (bins + table_span) * table_oversample;
    if (pos <= 0.0)
        return table_.front();
    const auto last = static_cast<double>(table_.size() - 1);
    if (pos >= last)
        return table_.back();
    const auto i = static_cast<std::size_t>(pos);
    const double frac = pos - static_cast<double>(i);
    return table_[i] + frac * (table_[i + 1] - table_[i]);
}

} // namespace cmr::detail
