// SPDX-License-Identifier: GPL-2.0-or-later
#include "fft.hpp"

#include <cmath>
#include <mutex>
#include <new>
#include <numbers>
#include <stdexcept>

#include <fftw3.h>

#include "simd.hpp"

namespace cmr::detail {
namespace {

std::mutex& planner_mutex()
{
    static std::mutex m;
    return m;
}

/// Turns Z, the M-point DFT of z[m] = x[2m] + i·x[2m+1] (in bins 0..M-1 of @p z), into X, the
/// (2M)-point DFT of the real x (bins 0..M), in place. With Z' = conj(Z[M-k]):
///   E = (Z[k] + Z')/2 (even samples), O = (Z[k] - Z')/(2i) (odd samples),
///   X[k] = E + W^k·O and X[M-k] = conj(E - W^k·O), W = exp(-2πi/(2M)),
/// so bins k and M-k come out of the same two inputs and the work is done in place in pairs.
/// @p wre holds Re W^k twice per k, @p wim holds (-Im W^k, +Im W^k) per k, for k = 0..M/2.
CMR_HOT_LOOP
void split_real_spectrum(float* z, std::size_t m, const float* wre, const float* wim)
{
    const float r0 = z[0], i0 = z[1];
    z[0] = r0 + i0;
    z[1] = 0.0F;
    z[2 * m] = r0 - i0;
    z[2 * m + 1] = 0.0F;
    typedef int int8 __attribute__((vector_size(32)));
    [[maybe_unused]] const int8 swap = {1, 0, 3, 2, 5, 4, 7, 6};    // re <-> im
    [[maybe_unused]] const int8 reverse = {6, 7, 4, 5, 2, 3, 0, 1}; // bin order of 4 bins
    const float8 conj = {1.0F, -1.0F, 1.0F, -1.0F, 1.0F, -1.0F, 1.0F, -1.0F};
    const float8 half_swap_sign = {0.5F, -0.5F, 0.5F, -0.5F, 0.5F, -0.5F, 0.5F, -0.5F};
    std::size_t k = 1;
    // Four bins k..k+3 and their mirrors M-k-3..M-k at a time, while the two do not overlap.
    for (; 2 * k + 6 < m; k += 4) {
        const std::size_t j = m - k - 3;
        const float8 a = load8(z + 2 * k);
#if defined(__clang__)
        const float8 mirrored = load8(z + 2 * j);
        const float8 b = __builtin_shufflevector(mirrored, mirrored, 6, 7, 4, 5, 2, 3, 0, 1) * conj;
#else
        const float8 b = __builtin_shuffle(load8(z + 2 * j), reverse) * conj;
#endif
        const float8 e = 0.5F * (a + b);
        const float8 d = a - b;
#if defined(__clang__)
        const float8 o = __builtin_shufflevector(d, d, 1, 0, 3, 2, 5, 4, 7, 6) * half_swap_sign;
        const float8 t = load8(wre + 2 * k) * o +
                         load8(wim + 2 * k) * __builtin_shufflevector(o, o, 1, 0, 3, 2, 5, 4, 7, 6);
        const float8 xj = (e - t) * conj;
        store8(z + 2 * k, e + t);
        store8(z + 2 * j, __builtin_shufflevector(xj, xj, 6, 7, 4, 5, 2, 3, 0, 1));
#else
        const float8 o = __builtin_shuffle(d, swap) * half_swap_sign;
        const float8 t = load8(wre + 2 * k) * o + load8(wim + 2 * k) * __builtin_shuffle(o, swap);
        store8(z + 2 * k, e + t);
        store8(z + 2 * j, __builtin_shuffle((e - t) * conj, reverse));
#endif
    }
    for (; k <= m / 2; ++k) {
        const std::size_t j = m - k;
        const float ar = z[2 * k], ai = z[2 * k + 1], br = z[2 * j], bi = -z[2 * j + 1];
        const float er = 0.5F * (ar + br), ei = 0.5F * (ai + bi);
        const float or_ = 0.5F * (ai - bi), oi = -0.5F * (ar - br);
        const float tr = wre[2 * k] * or_ + wim[2 * k] * oi;
        const float ti = wre[2 * k + 1] * oi + wim[2 * k + 1] * or_;
        z[2 * k] = er + tr;
        z[2 * k + 1] = ei + ti;
        z[2 * j] = er - tr;
        z[2 * j + 1] = ti - ei;
    }
}

} // namespace

RealFft::RealFft(std::size_t n) : n_(n)
{
    if (n < 4 || n % 2 != 0)
        throw std::invalid_argument("RealFft: size must be even and at least 4");
    const std::size_t m = n / 2;
    // Twiddles for k = 0..M/2, plus room for the vector loop's last full block.
    twiddle_re_.assign(2 * (m / 2 + 8), 0.0F);
    twiddle_im_.assign(2 * (m / 2 + 8), 0.0F);
    for (std::size_t k = 0; k <= m / 2; ++k) {
        const double angle =
            -2.0 * std::numbers::pi * static_cast<double>(k) / static_cast<double>(n);
        const auto c = static_cast<float>(std::cos(angle));
        const auto s = static_cast<float>(std::sin(angle));
        twiddle_re_[2 * k] = c;
        twiddle_re_[2 * k + 1] = c;
        twiddle_im_[2 * k] = -s;
        twiddle_im_[2 * k + 1] = s;
    }
    in_ = fftwf_alloc_real(n);
    out_ = reinterpret_cast<std::complex<float>*>(fftwf_alloc_complex(m + 1));
    if (in_ == nullptr || out_ == nullptr) {
        fftwf_free(in_);
        fftwf_free(out_);
        throw std::bad_alloc();
    }
    std::lock_guard lock(planner_mutex());
    // A complex transform of half the size on the input taken as complex pairs, then split
    // (split_real_spectrum): under FFTW_ESTIMATE this plans in a tenth of the time and runs
    // in about two thirds of the time of FFTW's own real-input plan for the analyzer's sizes.
    // The input may be overwritten: callers fill it afresh before every transform.
    plan_ = fftwf_plan_dft_1d(static_cast<int>(m), reinterpret_cast<fftwf_complex*>(in_),
                              reinterpret_cast<fftwf_complex*>(out_), FFTW_FORWARD,
                              FFTW_ESTIMATE | FFTW_DESTROY_INPUT);
    if (plan_ == nullptr) {
        fftwf_free(in_);
        fftwf_free(out_);
        throw std::bad_alloc();
    }
}

RealFft::~RealFft()
{
    std::lock_guard lock(planner_mutex());
    fftwf_destroy_plan(static_cast<fftwf_plan>(plan_));
    fftwf_free(in_);
    fftwf_free(out_);
}

void RealFft::execute(float* input, std::complex<float>* out)
{
    // New-array execution: the buffers come from fftwf_malloc, so alignment matches the plan.
    fftwf_execute_dft(static_cast<fftwf_plan>(plan_), reinterpret_cast<fftwf_complex*>(input),
                      reinterpret_cast<fftwf_complex*>(out));
    split_real_spectrum(reinterpret_cast<float*>(out), n_ / 2, twiddle_re_.data(),
                        twiddle_im_.data());
}

std::complex<float>* RealFft::alloc_spectrum() const
{
    auto* p = reinterpret_cast<std::complex<float>*>(fftwf_alloc_complex(n_ / 2 + 1));
    if (p == nullptr)
        throw std::bad_alloc();
    return p;
}

void RealFft::free_spectrum(std::complex<float>* p)
{
    fftwf_free(p);
}

float* RealFft::alloc_input() const
{
    float* p = fftwf_alloc_real(n_);
    if (p == nullptr)
        throw std::bad_alloc();
    return p;
}

void RealFft::free_input(float* p)
{
    fftwf_free(p);
}

} // namespace cmr::detail
