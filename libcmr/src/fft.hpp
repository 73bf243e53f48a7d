// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A real-to-complex FFT of fixed (even) size with its own aligned buffers (FFTW, single
// precision): a complex FFT of half the size on the samples taken in pairs, then a split into
// the real signal's spectrum. Planning happens in the constructor (serialised: the FFTW planner
// is not thread-safe); execute() only runs the plan, so it is safe for the real-time path.

#include <complex>
#include <cstddef>
#include <span>
#include <vector>

namespace cmr::detail {

class RealFft {
public:
    explicit RealFft(std::size_t n);
    ~RealFft();
    RealFft(const RealFft&) = delete;
    RealFft& operator=(const RealFft&) = delete;

    [[nodiscard]] std::size_t size() const { return n_; }
    [[nodiscard]] std::size_t bins() const { return n_ / 2 + 1; }
    /// The time-domain input (n samples); execute() may overwrite it.
    [[nodiscard]] std::span<float> input() { return {in_, n_}; }
    /// Transforms input() into @p out (bins() values; must come from alloc_spectrum()).
    void execute(std::complex<float>* out) { execute(in_, out); }
    /// Transforms @p input (n samples from alloc_input(); may be overwritten) into @p out.
    void execute(float* input, std::complex<float>* out);
    /// Allocates an aligned input buffer for this size (free with free_input).
    [[nodiscard]] float* alloc_input() const;
    static void free_input(float* p);
    /// Allocates an aligned spectrum buffer for this size (free with free_spectrum).
    [[nodiscard]] std::complex<float>* alloc_spectrum() const;
    static void free_spectrum(std::complex<float>* p);

private:
    std::size_t n_;
    float* in_ = nullptr;
    std::complex<float>* out_ = nullptr;
    void* plan_ = nullptr;
    std::vector<float> twiddle_re_; // Re W^k, twice per k (see split_real_spectrum)
    std::vector<float> twiddle_im_; // -Im W^k, +Im W^k per k
};

} // namespace cmr::detail
