// Display widths from compact Unicode range tables, and table rendering.
#include "clients/liuctl/text_table.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace ismap::liu {
namespace {

struct Range {
  char32_t first;
  char32_t last;  // Inclusive.
};

// Code points that take no column: combining marks (Unicode categories Mn and
// Me in the scripts liuctl's users are likely to meet), Hangul conjoining
// vowels and finals, zero-width spaces and joiners, directional marks and
// variation selectors.
// clang-format off
constexpr Range kZeroWidth[] = {
    {0x0300, 0x036F},    // Combining Diacritical Marks
    {0x0483, 0x0489},    // Cyrillic combining marks
    {0x0591, 0x05BD},    // Hebrew points and accents
    {0x05BF, 0x05BF},
    {0x05C1, 0x05C2},
    {0x05C4, 0x05C5},
    {0x05C7, 0x05C7},
    {0x0610, 0x061A},    // Arabic marks
    {0x064B, 0x065F},
    {0x0670, 0x0670},
    {0x06D6, 0x06DC},
    {0x06DF, 0x06E4},
    {0x06E7, 0x06E8},
    {0x06EA, 0x06ED},
    {0x0E31, 0x0E31},    // Thai vowels and tone marks
    {0x0E34, 0x0E3A},
    {0x0E47, 0x0E4E},
    {0x1160, 0x11FF},    // Hangul Jamo medial vowels and final consonants
    {0x1AB0, 0x1AFF},    // Combining Diacritical Marks Extended
    {0x1DC0, 0x1DFF},    // Combining Diacritical Marks Supplement
    {0x200B, 0x200F},    // Zero-width space, (non-)joiners, LRM, RLM
    {0x202A, 0x202E},    // Bidirectional embeddings and overrides
    {0x2060, 0x2064},    // Word joiner, invisible operators
    {0x20D0, 0x20FF},    // Combining Diacritical Marks for Symbols
    {0x302A, 0x302D},    // Ideographic tone marks
    {0x3099, 0x309A},    // Combining kana (semi-)voiced sound marks
    {0xFE00, 0xFE0F},    // Variation selectors
    {0xFE20, 0xFE2F},    // Combining Half Marks
    {0xFEFF, 0xFEFF},    // Zero-width no-break space (byte order mark)
    {0xE0100, 0xE01EF},  // Variation Selectors Supplement
};
// clang-format on

// Code points of East Asian Width W or F (Unicode's EastAsianWidth.txt),
// merged into blocks where the gaps between them are unassigned.
// clang-format off
constexpr Range kWide[] = {
    {0x1100, 0x115F},    // Hangul Jamo initial consonants
    {0x231A, 0x231B},    // Emoji: watch, hourglass
    {0x2329, 0x232A},    // Angle brackets
    {0x23E9, 0x23EC},    // Emoji from here to U+2B55
    {0x23F0, 0x23F0},
    {0x23F3, 0x23F3},
    {0x25FD, 0x25FE},
    {0x2614, 0x2615},
    {0x2648, 0x2653},
    {0x267F, 0x267F},
    {0x2693, 0x2693},
    {0x26A1, 0x26A1},
    {0x26AA, 0x26AB},
    {0x26BD, 0x26BE},
    {0x26C4, 0x26C5},
    {0x26CE, 0x26CE},
    {0x26D4, 0x26D4},
    {0x26EA, 0x26EA},
    {0x26F2, 0x26F3},
    {0x26F5, 0x26F5},
    {0x26FA, 0x26FA},
    {0x26FD, 0x26FD},
    {0x2705, 0x2705},
    {0x270A, 0x270B},
    {0x2728, 0x2728},
    {0x274C, 0x274C},
    {0x274E, 0x274E},
    {0x2753, 0x2755},
    {0x2757, 0x2757},
    {0x2795, 0x2797},
    {0x27B0, 0x27B0},
    {0x27BF, 0x27BF},
    {0x2B1B, 0x2B1C},
    {0x2B50, 0x2B50},
    {0x2B55, 0x2B55},
    {0x2E80, 0x303E},    // CJK radicals, ideographic space, 、。「」 ...
    {0x3041, 0x33FF},    // Kana, Bopomofo, Hangul compatibility, CJK symbols
    {0x3400, 0x4DBF},    // CJK Unified Ideographs Extension A
    {0x4E00, 0x9FFF},    // CJK Unified Ideographs
    {0xA000, 0xA4CF},    // Yi
    {0xA960, 0xA97F},    // Hangul Jamo Extended-A
    {0xAC00, 0xD7A3},    // Hangul syllables
    {0xF900, 0xFAFF},    // CJK Compatibility Ideographs
    {0xFE10, 0xFE19},    // Vertical forms
    {0xFE30, 0xFE6F},    // CJK Compatibility Forms, Small Form Variants
    {0xFF00, 0xFF60},    // Fullwidth ASCII variants and brackets
    {0xFFE0, 0xFFE6},    // Fullwidth signs (￥, ￡, ...)
    {0x16FE0, 0x16FE4},  // Ideographic symbols and punctuation
    {0x16FF0, 0x16FF1},
    {0x17000, 0x18CFF},  // Tangut, Khitan
    {0x18D00, 0x18D08},
    {0x1AFF0, 0x1B2FF},  // Kana Extended and Supplement, Nushu
    {0x1F004, 0x1F004},  // Mahjong tile red dragon
    {0x1F0CF, 0x1F0CF},  // Playing card black joker
    {0x1F18E, 0x1F18E},  // Squared AB
    {0x1F191, 0x1F19A},  // Squared words (🆗, ...)
    {0x1F200, 0x1F2FF},  // Enclosed Ideographic Supplement
    {0x1F300, 0x1F64F},  // Pictographs, emoticons
    {0x1F680, 0x1F6FF},  // Transport and map symbols
    {0x1F7E0, 0x1F7EB},  // Coloured circles and squares
    {0x1F900, 0x1F9FF},  // Supplemental Symbols and Pictographs
    {0x1FA70, 0x1FAFF},  // Symbols and Pictographs Extended-A
    {0x20000, 0x2FFFD},  // CJK Unified Ideographs Extensions B to F
    {0x30000, 0x3FFFD},  // CJK Unified Ideographs Extensions G and beyond
};
// clang-format on

template <size_t N>
constexpr bool SortedAndDisjoint(const Range (&ranges)[N]) {
  for (size_t i = 0; i < N; ++i) {
    if (ranges[i].first > ranges[i].last) return false;
    if (i > 0 && ranges[i - 1].last >= ranges[i].first) return false;
  }
  return true;
}
static_assert(SortedAndDisjoint(kZeroWidth));
static_assert(SortedAndDisjoint(kWide));

template <size_t N>
bool InRanges(const Range (&ranges)[N], char32_t code_point) {
  const Range* const end = ranges + N;
  const Range* const range =
      std::lower_bound(ranges, end, code_point,
                       [](const Range& r, char32_t c) { return r.last < c; });
  return range != end && range->first <= code_point;
}

bool IsControl(char32_t code_point) {
  return code_point < 0x20 || (code_point >= 0x7F && code_point < 0xA0);
}

int CodePointWidth(char32_t code_point) {
  if (IsControl(code_point)) return 0;
  if (code_point < 0x300) return 1;
  // Zero width first: the combining kana marks lie inside a wide block.
  if (InRanges(kZeroWidth, code_point)) return 0;
  if (InRanges(kWide, code_point)) return 2;
  return 1;
}

// The code point whose UTF-8 encoding starts at text[pos], and that
// encoding's length in bytes; a length of 0 when no valid encoding starts
// there.
struct Decoded {
  char32_t code_point;
  size_t length;
};

Decoded DecodeAt(absl::string_view text, size_t pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  if (lead < 0x80) return {lead, 1};
  size_t length;
  char32_t code_point;
  char32_t smallest;  // Anything below is an overlong encoding.
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code_point = lead & 0x1F;
    smallest = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code_point = lead & 0x0F;
    smallest = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code_point = lead & 0x07;
    smallest = 0x10000;
  } else {
    return {0, 0};
  }
  if (text.size() - pos < length) return {0, 0};
  for (size_t i = 1; i < length; ++i) {
    const auto byte = static_cast<unsigned char>(text[pos + i]);
    if ((byte & 0xC0) != 0x80) return {0, 0};
    code_point = (code_point << 6) | (byte & 0x3F);
  }
  if (code_point < smallest || code_point > 0x10FFFF ||
      (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    return {0, 0};
  }
  return {code_point, length};
}

// `cell` with every control character replaced by a space.
std::string Sanitize(absl::string_view cell) {
  std::string out;
  out.reserve(cell.size());
  size_t pos = 0;
  while (pos < cell.size()) {
    const Decoded decoded = DecodeAt(cell, pos);
    if (decoded.length == 0) {
      out.push_back(cell[pos]);
      ++pos;
      continue;
    }
    if (IsControl(decoded.code_point)) {
      out.push_back(' ');
    } else {
      out.append(cell.data() + pos, decoded.length);
    }
    pos += decoded.length;
  }
  return out;
}

}  // namespace

int DisplayWidth(absl::string_view utf8) {
  int width = 0;
  size_t pos = 0;
  while (pos < utf8.size()) {
    const Decoded decoded = DecodeAt(utf8, pos);
    if (decoded.length == 0) {
      ++width;
      ++pos;
    } else {
      width += CodePointWidth(decoded.code_point);
      pos += decoded.length;
    }
  }
  return width;
}

TextTable::TextTable(std::vector<std::string> header)
    : header_(std::move(header)) {
  widths_.reserve(header_.size());
  for (std::string& cell : header_) {
    cell = Sanitize(cell);
    widths_.push_back(DisplayWidth(cell));
  }
}

void TextTable::AddRow(std::vector<std::string> cells) {
  cells.resize(header_.size());
  for (size_t i = 0; i < cells.size(); ++i) {
    cells[i] = Sanitize(cells[i]);
    widths_[i] = std::max(widths_[i], DisplayWidth(cells[i]));
  }
  rows_.push_back(std::move(cells));
}

std::string TextTable::Render() const {
  std::string out;
  const auto append_line = [&](const std::vector<std::string>& cells) {
    const size_t line_start = out.size();
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) out.append("  ");
      out.append(cells[i]);
      out.append(static_cast<size_t>(widths_[i] - DisplayWidth(cells[i])), ' ');
    }
    while (out.size() > line_start && out.back() == ' ') out.pop_back();
    out.push_back('\n');
  };
  append_line(header_);
  for (const std::vector<std::string>& row : rows_) append_line(row);
  return out;
}

}  // namespace ismap::liu
