// SPDX-License-Identifier: GPL-2.0-or-later
#include "errno_text.hpp"

#include <array>

#include <string.h> // NOLINT(modernize-deprecated-headers): the GNU strerror_r lives here

namespace cmrd::common {

std::string errno_text(int err)
{
    std::array<char, 128> buffer{};
    // The GNU strerror_r returns the text, which may or may not be in the buffer.
    return strerror_r(err, buffer.data(), buffer.size());
}

} // namespace cmrd::common
