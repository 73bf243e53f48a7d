// SPDX-License-Identifier: GPL-2.0-or-later
// The service's pure pieces stay plain: included alone, they bring in neither sdbus-c++ nor
// thread headers, so they can be unit-tested (and reasoned about) without a bus or threads.
// The guards checked are those of sdbus-c++ and libstdc++; another library passes trivially.
#include "service/capture_key.hpp"
#include "service/device_plan.hpp"
#include "service/device_setup.hpp"
#include "service/publish_throttle.hpp"
#include "service/reopen_backoff.hpp"

#if defined(SDBUS_CXX_ICONNECTION_H_)
#error "a plain service header includes sdbus-c++"
#endif
#if defined(_GLIBCXX_THREAD) || defined(_GLIBCXX_MUTEX) || defined(_GLIBCXX_CONDITION_VARIABLE)
#error "a plain service header includes thread headers"
#endif
