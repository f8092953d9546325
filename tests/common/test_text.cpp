#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/text.h"

using namespace genre;

TEST(Text, ValidUtf8IsKeptAndInvalidBytesAreEscaped) {
  EXPECT_TRUE(is_valid_utf8("blues/Mot\xC3\xB6rhead \xE2\x80\x94 ace.wav"));
  EXPECT_EQ(utf8_escaped("Mot\xC3\xB6rhead"), "Mot\xC3\xB6rhead");
  // Latin-1 "ö", a lone continuation byte, an overlong '/', a surrogate, a cut sequence.
  for (const std::string bad : {"Mot\xF6rhead", "a\x80", "\xC0\xAF", "\xED\xA0\x80", "x\xE2\x80"})
    EXPECT_FALSE(is_valid_utf8(bad)) << utf8_escaped(bad);
  EXPECT_EQ(utf8_escaped("Mot\xF6rhead.wav"), "Mot\\xF6rhead.wav");
  EXPECT_EQ(utf8_escaped("x\xE2\x80"), "x\\xE2\\x80");
  EXPECT_EQ(utf8_escaped("two\nlines"), "two\nlines");  // JSON escapes it itself
  // What JSON refuses (type_error.316) goes in once escaped.
  EXPECT_THROW(nlohmann::json(std::string("\xF6")).dump(), nlohmann::json::type_error);
  EXPECT_EQ(nlohmann::json(utf8_escaped("\xF6")).dump(), "\"\\\\xF6\"");
}

TEST(Text, ShownIsOneShortLine) {
  EXPECT_EQ(shown("a\nb\x1B[31m"), "a\\x0Ab\\x1B[31m");
  const std::string cell(10'000'000, 'x');
  const std::string s = shown(cell);
  EXPECT_EQ(s, std::string(80, 'x') + "…");
  EXPECT_EQ(shown(std::string(80, 'x')), std::string(80, 'x'));  // nothing cut, no ellipsis
  // Cut at a character boundary: no half "é" before the ellipsis.
  std::string accents;
  for (int i = 0; i < 50; ++i) accents += "\xC3\xA9";
  const std::string cut = shown(accents, 5);
  EXPECT_EQ(cut, "\xC3\xA9\xC3\xA9\xC3\xA9…");
  EXPECT_TRUE(is_valid_utf8(cut));
}
