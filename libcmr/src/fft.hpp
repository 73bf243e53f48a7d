// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A real-to-complex FFT of fixed size with its own aligned buffers (FFTW, single precision).
// Planning happens in the constructor (serialised: the FFTW planner is not thread-safe);
// execute() only runs the plan, so it is safe for the real-time path.

#include <complex>
#include <cstddef>
#include <span>

namespace cmr::detail {

class RealFft {
public:
    explicit RealFft(std::size_t n);
    ~RealFft();
    RealFft(const RealFft&) = delete;
    RealFft& operator=(const RealFft&) = delete;

    [[nodiscard]] std::size_t size() const { return n_; }
    [[nodiscard]] std::size_t bins() const { return n_ / 2 + 1; }
    /// The time-domain input (n samples).
    [[nodiscard]] std::span<float> input() { return {in_, n_}; }
    /// Transforms input() into @p out (bins() values; must come from alloc_spectrum()).
    void execute(std::complex<float>* out);
    /// Allocates an aligned spectrum buffer for this size (free with free_spectrum).
    [[nodiscard]] std::complex<float>* alloc_spectrum() const;
    static void free_spectrum(std::complex<float>* p);

private:
    std::size_t n_;
    float* in_ = nullptr;
    std::complex<float>* out_ = nullptr;
    void* plan_ = nullptr;
};

} // namespace cmr::detail
