// SPDX-License-Identifier: GPL-2.0-or-later
/// @file layout.cpp
/// Parsing and formatting of channel layout strings ("1/2 3/4 7", see design.md).

#include "cmr/layout.hpp"

#include <charconv>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace cmr {

namespace {

/// Separators between tokens. Whitespace of every kind is accepted, not just ' ', because
/// layouts come from udev properties and TOML strings that users may wrap or indent.
constexpr std::string_view separators = " \t\r\n\v\f,";

/// Everything the parser needs to phrase an error about the layout being parsed.
class LayoutParser {
public:
    LayoutParser(std::string_view text, int input_count) : text_(text), input_count_(input_count) {}

    Layout parse()
    {
        std::size_t pos = text_.find_first_not_of(separators);
        while (pos != std::string_view::npos) {
            const std::size_t end = text_.find_first_of(separators, pos);
            const std::string_view token =
                text_.substr(pos, end == std::string_view::npos ? end : end - pos);
            parse_token(token);
            pos = text_.find_first_not_of(separators, end);
        }
        if (layout_.empty())
            fail("empty layout (expected inputs such as \"1/2 3/4 7\")");
        return std::move(layout_);
    }

private:
    [[noreturn]] void fail(const std::string& what) const
    {
        throw LayoutError("layout \"" + std::string(text_) + "\": " + what);
    }

    static std::string quoted(std::string_view token) { return "\"" + std::string(token) + "\""; }

    /// Parses a 1-based input number made of decimal digits only: no sign, no spaces, so that
    /// typos such as "-1" or "+2" are reported rather than silently reinterpreted.
    int parse_input(std::string_view digits, std::string_view token) const
    {
        if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos)
            fail(quoted(token) + " is not a number");
        int value = 0;
        const auto [end, error] =
            std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (error == std::errc::result_out_of_range || end != digits.data() + digits.size())
            fail(quoted(token) + ": " + std::string(digits) + " is too large to be an input");
        if (value == 0)
            fail(quoted(token) + ": input 0 does not exist (inputs are numbered from 1)");
        if (input_count_ > 0 && value > input_count_)
            fail(describe_input(value, token) + " does not exist (the source has " +
                 std::to_string(input_count_) + (input_count_ == 1 ? " input)" : " inputs)"));
        return value;
    }

    /// "input 9" for a single token "9", "input 9 of \"3/9\"" inside a pair token.
    static std::string describe_input(int input, std::string_view token)
    {
        std::string text = "input " + std::to_string(input);
        if (token.find('/') != std::string_view::npos)
            text += " of " + quoted(token);
        return text;
    }

    /// Records that @p input is used by @p token, failing if an earlier token already uses it.
    void claim(int input, std::string_view token)
    {
        for (std::size_t i = 0; i < layout_.size(); ++i) {
            const ChannelSpec& spec = layout_[i];
            if (spec.hot == input || spec.cold == input || spec.input == input)
                fail(describe_input(input, token) + " is used twice (already in " +
                     quoted(tokens_[i]) + ")");
        }
    }

    void parse_token(std::string_view token)
    {
        const std::size_t slash = token.find('/');
        ChannelSpec spec;
        if (slash == std::string_view::npos) {
            spec.kind = ChannelSpec::Kind::single;
            spec.input = parse_input(token, token);
            claim(spec.input, token);
        } else {
            const std::string_view hot = token.substr(0, slash);
            const std::string_view cold = token.substr(slash + 1);
            if (cold.find('/') != std::string_view::npos)
                fail(quoted(token) + " has more than one \"/\" (a pair is hot/cold, e.g. \"1/2\")");
            if (hot.empty())
                fail(quoted(token) + " lacks the hot input before \"/\"");
            if (cold.empty())
                fail(quoted(token) + " lacks the cold input after \"/\"");
            spec.kind = ChannelSpec::Kind::pair;
            spec.hot = parse_input(hot, token);
            spec.cold = parse_input(cold, token);
            if (spec.hot == spec.cold)
                fail("pair " + quoted(token) + " uses input " + std::to_string(spec.hot) +
                     " for both legs");
            claim(spec.hot, token);
            claim(spec.cold, token);
        }
        layout_.push_back(spec);
        tokens_.push_back(token);
    }

    std::string_view text_;
    int input_count_;
    Layout layout_;
    std::vector<std::string_view> tokens_; ///< the token of each entry of layout_, for messages
};

} // namespace

std::string ChannelSpec::id() const
{
    if (is_pair())
        return std::to_string(hot) + "/" + std::to_string(cold);
    return std::to_string(input);
}

Layout parse_layout(std::string_view text, int input_count)
{
    if (input_count < 0)
        throw std::invalid_argument("parse_layout: input_count must not be negative (got " +
                                    std::to_string(input_count) + ")");
    return LayoutParser(text, input_count).parse();
}

Layout default_layout(int input_count)
{
    if (input_count < 0)
        throw std::invalid_argument("default_layout: input_count must not be negative (got " +
                                    std::to_string(input_count) + ")");
    Layout layout;
    layout.reserve(static_cast<std::size_t>(input_count + 1) / 2);
    for (int hot = 1; hot + 1 <= input_count; hot += 2)
        layout.push_back(
            {.kind = ChannelSpec::Kind::pair, .hot = hot, .cold = hot + 1, .input = 0});
    if (input_count % 2 == 1)
        layout.push_back(
            {.kind = ChannelSpec::Kind::single, .hot = 0, .cold = 0, .input = input_count});
    return layout;
}

std::string format_layout(const Layout& layout)
{
    std::string text;
    for (const ChannelSpec& spec : layout) {
        if (!text.empty())
            text += ' ';
        text += spec.id();
    }
    return text;
}

} // namespace cmr
