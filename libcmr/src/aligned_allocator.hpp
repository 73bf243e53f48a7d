// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// An allocator for cache-line-aligned vectors. The analyzer's per-frame buffers are read as
// 32-byte vectors at frame offsets; from a 16-byte-aligned heap block every other such load
// would straddle two cache lines, which costs the decimator about a third of its speed.

#include <cstddef>
#include <new>

namespace cmr::detail {

template <typename T, std::size_t Alignment = 64> struct AlignedAllocator {
    using value_type = T;
    AlignedAllocator() = default;
    template <typename U>
    explicit AlignedAllocator(const AlignedAllocator<U, Alignment>& /*other*/) noexcept
    {}
    template <typename U> struct rebind {
        using other = AlignedAllocator<U, Alignment>;
    };

    T* allocate(std::size_t n)
    {
        return static_cast<T*>(::operator new (n * sizeof(T), std::align_val_t{Alignment}));
    }
    void deallocate(T* p, std::size_t /*n*/) noexcept
    {
        ::operator delete (p, std::align_val_t{Alignment});
    }
    template <typename U>
    bool operator==(const AlignedAllocator<U, Alignment>& /*other*/) const noexcept
    {
        return true;
    }
};

} // namespace cmr::detail
