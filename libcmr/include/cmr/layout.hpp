// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file layout.hpp
/// Channel layouts: which inputs of an interface form balanced pairs and which are single
/// inputs. The same syntax is used by udev properties, the configuration file and
/// `cmrctl analyze --channels` (see design.md): `"1/2 3/4 7"`.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cmr {

/// One measured line: a balanced pair (hot and cold leg on two inputs) or a single input.
struct ChannelSpec {
    enum class Kind { pair, single };
    Kind kind = Kind::single;
    int hot = 0;   ///< 1-based input carrying the hot leg (pin 2); 0 for singles.
    int cold = 0;  ///< 1-based input carrying the cold leg (pin 3); 0 for singles.
    int input = 0; ///< 1-based input of a single; 0 for pairs.
    /// The id used in output and object paths: "1/2" or "7".
    [[nodiscard]] std::string id() const;
    [[nodiscard]] bool is_pair() const { return kind == Kind::pair; }
    bool operator==(const ChannelSpec&) const = default;
};

using Layout = std::vector<ChannelSpec>;

/// Thrown for a malformed layout string or one that names an input the source lacks.
class LayoutError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Parses a layout string. Tokens are separated by spaces and/or commas; each is `H/C` or `N`.
/// @param text the layout, e.g. "1/2 3/4 7".
/// @param input_count the number of inputs of the source, or 0 to skip the range check.
/// @throws LayoutError naming the offending token: empty layout, bad number, input 0, an input
///         used twice, a pair with the same input twice, an input beyond @p input_count.
[[nodiscard]] Layout parse_layout(std::string_view text, int input_count = 0);

/// The default layout for @p input_count inputs: consecutive pairs `1/2 3/4 ...`, a trailing odd
/// input as a single.
[[nodiscard]] Layout default_layout(int input_count);

/// Formats a layout back into its canonical string form ("1/2 3/4 7").
[[nodiscard]] std::string format_layout(const Layout& layout);

} // namespace cmr
