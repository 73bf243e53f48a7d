// SPDX-License-Identifier: GPL-2.0-or-later
#include "window.hpp"

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
    std::vector<float> w(n);
    const double denom = bessel_i0(beta);
    for (std::size_t i = 0; i < n; ++i) {
        // Periodic: the sample at n would equal the one at 0, so the window is symmetric
        // about n/2, which zero-phase analysis needs.
        const double x = 2.0 * static_cast<double>(i) / static_cast<double>(n) - 1.0;
        w[i] = static_cast<float>(bessel_i0(beta * std::sqrt(1.0 - x * x)) / denom);
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
    // W is even in nu: compute the upper half and mirror it.
    const int centre = points / 2;
    for (int p = centre; p < points; ++p) {
        const double nu = -table_span + static_cast<double>(p) / table_oversample;
        const double t = 2.0 * std::numbers::pi * nu / static_cast<double>(n);
        const double two_cos = 2.0 * std::cos(t);
        double previous = 1.0, current = std::cos(t);
        double acc = static_cast<double>(samples_[half]);
        for (std::size_t j = 1; j < half; ++j) {
            acc += pair_sum[j] * current;
            const double next = two_cos * current - previous;
            previous = current;
            current = next;
        }
        acc += static_cast<double>(samples_[0]) * std::cos(std::numbers::pi * nu);
        table_[static_cast<std::size_t>(p)] = acc / sum_;
        table_[static_cast<std::size_t>(2 * centre - p)] = acc / sum_;
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
