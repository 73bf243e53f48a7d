// SPDX-License-Identifier: GPL-2.0-or-later
// Channel layout strings: parsing, error messages, defaults and formatting (design.md,
// "Channel layout syntax").

#include <stdexcept>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "cmr/layout.hpp"

namespace {

using cmr::ChannelSpec;
using cmr::Layout;
using cmr::LayoutError;

ChannelSpec pair(int hot, int cold)
{
    return {.kind = ChannelSpec::Kind::pair, .hot = hot, .cold = cold, .input = 0};
}

ChannelSpec single(int input)
{
    return {.kind = ChannelSpec::Kind::single, .hot = 0, .cold = 0, .input = input};
}

/// The message of the LayoutError thrown by parsing @p text, or a failure if none is thrown.
std::string parse_error(std::string_view text, int input_count = 0)
{
    try {
        (void)cmr::parse_layout(text, input_count);
    } catch (const LayoutError& error) {
        return error.what();
    }
    ADD_FAILURE() << "layout \"" << text << "\" parsed without error";
    return {};
}

TEST(ChannelSpecId, PairIsHotSlashCold)
{
    EXPECT_EQ(pair(1, 2).id(), "1/2");
}

TEST(ChannelSpecId, PairKeepsLegOrder)
{
    EXPECT_EQ(pair(12, 11).id(), "12/11");
}

TEST(ChannelSpecId, SingleIsItsInput)
{
    EXPECT_EQ(single(7).id(), "7");
}

TEST(ParseLayout, DesignExample)
{
    const Layout expected{pair(1, 2), pair(3, 4), single(7)};
    EXPECT_EQ(cmr::parse_layout("1/2 3/4 7"), expected);
    EXPECT_EQ(cmr::parse_layout("1/2 3/4 7", 8), expected);
}

TEST(ParseLayout, KindsAndAccessors)
{
    const Layout layout = cmr::parse_layout("2/1 5");
    ASSERT_EQ(layout.size(), 2U);
    EXPECT_TRUE(layout[0].is_pair());
    EXPECT_EQ(layout[0].hot, 2);
    EXPECT_EQ(layout[0].cold, 1);
    EXPECT_EQ(layout[0].input, 0);
    EXPECT_FALSE(layout[1].is_pair());
    EXPECT_EQ(layout[1].input, 5);
    EXPECT_EQ(layout[1].hot, 0);
    EXPECT_EQ(layout[1].cold, 0);
}

TEST(ParseLayout, CommasSpacesAndSurroundingWhitespace)
{
    const Layout expected{pair(1, 2), pair(3, 4), single(7)};
    EXPECT_EQ(cmr::parse_layout("1/2,3/4,7"), expected);
    EXPECT_EQ(cmr::parse_layout("1/2, 3/4 ,7"), expected);
    EXPECT_EQ(cmr::parse_layout("  1/2   3/4\t7  "), expected);
    EXPECT_EQ(cmr::parse_layout("\n1/2 3/4 7\n"), expected);
    EXPECT_EQ(cmr::parse_layout(",1/2,,3/4,7,"), expected);
}

TEST(ParseLayout, KeepsOrderAsWritten)
{
    const Layout expected{single(8), pair(4, 3), pair(1, 2)};
    EXPECT_EQ(cmr::parse_layout("8 4/3 1/2"), expected);
}

TEST(ParseLayout, MultiDigitInputs)
{
    const Layout expected{pair(15, 16), single(32)};
    EXPECT_EQ(cmr::parse_layout("15/16 32", 32), expected);
}

TEST(ParseLayout, InputCountBoundaryIsInclusive)
{
    EXPECT_EQ(cmr::parse_layout("7/8", 8), Layout{pair(7, 8)});
    EXPECT_EQ(cmr::parse_layout("1", 1), Layout{single(1)});
}

TEST(ParseLayout, ZeroInputCountSkipsRangeCheck)
{
    EXPECT_EQ(cmr::parse_layout("63/64 100"), (Layout{pair(63, 64), single(100)}));
}

TEST(ParseLayoutErrors, Empty)
{
    EXPECT_EQ(parse_error(""), "layout \"\": empty layout (expected inputs such as \"1/2 3/4 7\")");
    EXPECT_NE(parse_error("  , \t").find("empty layout"), std::string::npos);
}

TEST(ParseLayoutErrors, NotANumber)
{
    EXPECT_EQ(parse_error("1/2 3/x"), "layout \"1/2 3/x\": \"3/x\" is not a number");
    EXPECT_EQ(parse_error("1/2 abc"), "layout \"1/2 abc\": \"abc\" is not a number");
    EXPECT_EQ(parse_error("x/2"), "layout \"x/2\": \"x/2\" is not a number");
}

TEST(ParseLayoutErrors, SignsAreNotNumbers)
{
    EXPECT_EQ(parse_error("-1"), "layout \"-1\": \"-1\" is not a number");
    EXPECT_EQ(parse_error("+1/2"), "layout \"+1/2\": \"+1/2\" is not a number");
    EXPECT_EQ(parse_error("1.5"), "layout \"1.5\": \"1.5\" is not a number");
}

TEST(ParseLayoutErrors, TooLarge)
{
    EXPECT_EQ(
        parse_error("1/99999999999"),
        "layout \"1/99999999999\": \"1/99999999999\": 99999999999 is too large to be an input");
}

TEST(ParseLayoutErrors, InputZero)
{
    EXPECT_EQ(parse_error("0/1"),
              "layout \"0/1\": \"0/1\": input 0 does not exist (inputs are numbered from 1)");
    EXPECT_EQ(parse_error("1/2 0", 8),
              "layout \"1/2 0\": \"0\": input 0 does not exist (inputs are numbered from 1)");
}

TEST(ParseLayoutErrors, BeyondInputCount)
{
    EXPECT_EQ(parse_error("1/2 9", 8),
              "layout \"1/2 9\": input 9 does not exist (the source has 8 inputs)");
    EXPECT_EQ(parse_error("1/2 3/9", 8),
              "layout \"1/2 3/9\": input 9 of \"3/9\" does not exist (the source has 8 inputs)");
    EXPECT_EQ(parse_error("1/2", 1),
              "layout \"1/2\": input 2 of \"1/2\" does not exist (the source has 1 input)");
}

TEST(ParseLayoutErrors, InputUsedTwice)
{
    EXPECT_EQ(parse_error("1/2 2"), "layout \"1/2 2\": input 2 is used twice (already in \"1/2\")");
    EXPECT_EQ(parse_error("1/2 3/1"),
              "layout \"1/2 3/1\": input 1 of \"3/1\" is used twice (already in \"1/2\")");
    EXPECT_EQ(parse_error("5 5"), "layout \"5 5\": input 5 is used twice (already in \"5\")");
    EXPECT_EQ(parse_error("1/2 3 4/3"),
              "layout \"1/2 3 4/3\": input 3 of \"4/3\" is used twice (already in \"3\")");
}

TEST(ParseLayoutErrors, PairWithTheSameInputTwice)
{
    EXPECT_EQ(parse_error("3/3"), "layout \"3/3\": pair \"3/3\" uses input 3 for both legs");
}

TEST(ParseLayoutErrors, MalformedPairs)
{
    EXPECT_EQ(parse_error("1/"), "layout \"1/\": \"1/\" lacks the cold input after \"/\"");
    EXPECT_EQ(parse_error("/2"), "layout \"/2\": \"/2\" lacks the hot input before \"/\"");
    EXPECT_EQ(
        parse_error("1/2/3"),
        "layout \"1/2/3\": \"1/2/3\" has more than one \"/\" (a pair is hot/cold, e.g. \"1/2\")");
    // A space around the slash splits the pair into separate tokens; the lone "/" is reported.
    EXPECT_EQ(parse_error("1 / 2"), "layout \"1 / 2\": \"/\" lacks the hot input before \"/\"");
}

TEST(ParseLayoutErrors, NegativeInputCountIsAProgrammingError)
{
    EXPECT_THROW((void)cmr::parse_layout("1/2", -1), std::invalid_argument);
}

TEST(DefaultLayout, EvenInputCountIsAllPairs)
{
    EXPECT_EQ(cmr::default_layout(2), Layout{pair(1, 2)});
    EXPECT_EQ(cmr::default_layout(8), (Layout{pair(1, 2), pair(3, 4), pair(5, 6), pair(7, 8)}));
}

TEST(DefaultLayout, TrailingOddInputIsASingle)
{
    EXPECT_EQ(cmr::default_layout(1), Layout{single(1)});
    EXPECT_EQ(cmr::default_layout(5), (Layout{pair(1, 2), pair(3, 4), single(5)}));
}

TEST(DefaultLayout, NoInputsNoChannels)
{
    EXPECT_TRUE(cmr::default_layout(0).empty());
    EXPECT_THROW((void)cmr::default_layout(-2), std::invalid_argument);
}

TEST(FormatLayout, CanonicalForm)
{
    EXPECT_EQ(cmr::format_layout(Layout{pair(1, 2), pair(3, 4), single(7)}), "1/2 3/4 7");
    EXPECT_EQ(cmr::format_layout(Layout{single(3)}), "3");
    EXPECT_EQ(cmr::format_layout(Layout{}), "");
}

TEST(FormatLayout, RoundTripsThroughParse)
{
    for (const std::string_view text : {"1/2,3/4, 7", " 2/1 3 ", "16/15 1/2 9"}) {
        const Layout layout = cmr::parse_layout(text);
        const std::string canonical = cmr::format_layout(layout);
        EXPECT_EQ(cmr::parse_layout(canonical), layout) << text;
        EXPECT_EQ(canonical.find(','), std::string::npos) << canonical;
    }
    EXPECT_EQ(cmr::format_layout(cmr::parse_layout(" 2/1,,3 ")), "2/1 3");
    for (int inputs = 0; inputs <= 9; ++inputs) {
        const Layout layout = cmr::default_layout(inputs);
        if (!layout.empty()) {
            EXPECT_EQ(cmr::parse_layout(cmr::format_layout(layout), inputs), layout) << inputs;
        }
    }
}

} // namespace
