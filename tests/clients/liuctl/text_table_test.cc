// Tests of liuctl's display widths and aligned text tables.
#include "clients/liuctl/text_table.h"

#include <string>

#include "gtest/gtest.h"

namespace ismap::liu {
namespace {

TEST(DisplayWidthTest, AsciiIsOneColumnPerCharacter) {
  EXPECT_EQ(DisplayWidth(""), 0);
  EXPECT_EQ(DisplayWidth("abc"), 3);
  EXPECT_EQ(DisplayWidth("services/abc-123"), 16);
}

TEST(DisplayWidthTest, JapaneseIsTwoColumnsPerCharacter) {
  EXPECT_EQ(DisplayWidth("情報システム"), 12);  // Kanji and katakana.
  EXPECT_EQ(DisplayWidth("ひらがな"), 8);
  EXPECT_EQ(DisplayWidth("、。「」"), 8);     // CJK punctuation.
  EXPECT_EQ(DisplayWidth("　"), 2);           // Ideographic space.
  EXPECT_EQ(DisplayWidth("ＩＳＭＡＰ"), 10);  // Fullwidth forms.
  EXPECT_EQ(DisplayWidth("￥"), 2);
  EXPECT_EQ(DisplayWidth("𠀋"), 2);  // U+2000B, CJK Extension B.
}

TEST(DisplayWidthTest, OtherWideScriptsAndEmoji) {
  EXPECT_EQ(DisplayWidth("한국어"), 6);  // Hangul syllables.
  EXPECT_EQ(DisplayWidth("中文"), 4);
  EXPECT_EQ(DisplayWidth("😀"), 2);  // U+1F600.
  EXPECT_EQ(DisplayWidth("✅"), 2);  // U+2705.
}

TEST(DisplayWidthTest, MixedWidths) {
  EXPECT_EQ(DisplayWidth("ISMAP登録済み"), 5 + 8);
  EXPECT_EQ(DisplayWidth("第3版 (v2)"), 2 + 1 + 2 + 5);
}

TEST(DisplayWidthTest, NarrowNonAsciiIsOneColumn) {
  EXPECT_EQ(DisplayWidth("ｱｲｳ"), 3);  // Halfwidth katakana.
  EXPECT_EQ(DisplayWidth("é"), 1);    // Precomposed U+00E9.
  EXPECT_EQ(DisplayWidth("Ωμέγα"), 5);
  EXPECT_EQ(DisplayWidth("→★"), 2);
}

TEST(DisplayWidthTest, CombiningAndZeroWidthCodePointsTakeNoColumn) {
  EXPECT_EQ(DisplayWidth("e\u0301"), 1);       // e + combining acute.
  EXPECT_EQ(DisplayWidth("か\u3099"), 2);      // か + combining dakuten.
  EXPECT_EQ(DisplayWidth("a\u200Bb"), 2);      // Zero-width space.
  EXPECT_EQ(DisplayWidth("\u2764\uFE0F"), 1);  // Variation selector.
  EXPECT_EQ(DisplayWidth("\uFEFFabc"), 3);     // Byte order mark.
  EXPECT_EQ(DisplayWidth("\u1100\u1161"), 2);  // Conjoining Hangul jamo.
}

TEST(DisplayWidthTest, ControlCharactersTakeNoColumn) {
  EXPECT_EQ(DisplayWidth("a\tb\nc"), 3);
  EXPECT_EQ(DisplayWidth("\x1b[31mred"), 7);  // ESC itself is 0.
  EXPECT_EQ(DisplayWidth("\u0085"), 0);       // C1 next line.
}

TEST(DisplayWidthTest, InvalidUtf8CountsOneColumnPerByte) {
  EXPECT_EQ(DisplayWidth("\xff\xfe"), 2);
  EXPECT_EQ(DisplayWidth("a\x80z"), 3);                // Stray continuation.
  EXPECT_EQ(DisplayWidth("\xe6\x83"), 2);              // Truncated 情.
  EXPECT_EQ(DisplayWidth("\xe6\x83情"), 4);            // ... then a whole one.
  EXPECT_EQ(DisplayWidth("\xc0\xaf"), 2);              // Overlong '/'.
  EXPECT_EQ(DisplayWidth("\xed\xa0\x80"), 3);          // Surrogate U+D800.
  EXPECT_EQ(DisplayWidth("\xf4\x90\x80\x80"), 4);      // Above U+10FFFF.
  EXPECT_EQ(DisplayWidth(std::string("a\0b", 3)), 2);  // NUL is a control.
}

TEST(TextTableTest, AlignsJapaneseByDisplayWidth) {
  TextTable table({"NAME", "STATE"});
  table.AddRow({"情報システム", "ACTIVE"});
  table.AddRow({"abc", "WITHDRAWN"});
  EXPECT_EQ(table.Render(),
            "NAME          STATE\n"
            "情報システム  ACTIVE\n"
            "abc           WITHDRAWN\n");
}

TEST(TextTableTest, WideHeaderWidensItsColumn) {
  TextTable table({"業務", "ID", "省庁"});
  table.AddRow({"a", "1", "ministries/x"});
  table.AddRow({"長い業務名", "22", "m"});
  EXPECT_EQ(table.Render(),
            "業務        ID  省庁\n"
            "a           1   ministries/x\n"
            "長い業務名  22  m\n");
}

TEST(TextTableTest, CombiningMarksDoNotWidenCells) {
  TextTable table({"X", "Y"});
  table.AddRow({"cafe\u0301", "1"});
  table.AddRow({"cafes", "2"});
  EXPECT_EQ(table.Render(),
            "X      Y\n"
            "cafe\u0301   1\n"
            "cafes  2\n");
}

TEST(TextTableTest, EmptyTableIsJustTheHeader) {
  TextTable table({"NAME", "STATE"});
  EXPECT_TRUE(table.empty());
  EXPECT_EQ(table.Render(), "NAME  STATE\n");
  table.AddRow({"a", "b"});
  EXPECT_FALSE(table.empty());
}

TEST(TextTableTest, NoTrailingSpaces) {
  TextTable table({"A", "B", "C"});
  table.AddRow({"long value", "", ""});
  table.AddRow({"x", "y", "last "});
  EXPECT_EQ(table.Render(),
            "A           B  C\n"
            "long value\n"
            "x           y  last\n");
}

TEST(TextTableTest, ShortRowsArePaddedAndExtraCellsDropped) {
  TextTable table({"A", "B"});
  table.AddRow({"1"});
  table.AddRow({"2", "two", "dropped"});
  table.AddRow({});
  EXPECT_EQ(table.Render(),
            "A  B\n"
            "1\n"
            "2  two\n"
            "\n");
}

TEST(TextTableTest, NewlinesTabsAndControlsBecomeSpaces) {
  TextTable table({"NOTE", "N"});
  table.AddRow({"line1\nline2\tend", "1"});
  table.AddRow({"\x1b[2Jx\r", "2"});
  EXPECT_EQ(table.Render(),
            "NOTE             N\n"
            "line1 line2 end  1\n"
            " [2Jx            2\n");
}

TEST(TextTableTest, ControlCharactersInTheHeaderBecomeSpaces) {
  TextTable table({"A\nB", "C"});
  EXPECT_EQ(table.Render(), "A B  C\n");
}

TEST(TextTableTest, InvalidUtf8IsKeptAndCountsOneColumnPerByte) {
  TextTable table({"V", "N"});
  table.AddRow({"\xff\xfe", "1"});
  table.AddRow({"abcd", "2"});
  EXPECT_EQ(table.Render(),
            "V     N\n"
            "\xff\xfe    1\n"
            "abcd  2\n");
}

TEST(TextTableTest, NoColumns) {
  TextTable table({});
  table.AddRow({"dropped"});
  EXPECT_EQ(table.Render(), "\n\n");
}

}  // namespace
}  // namespace ismap::liu
