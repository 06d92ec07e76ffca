// Aligned text tables for liuctl's human-readable output. Columns are padded
// by terminal display width, so Japanese (and other East Asian wide) text
// lines up with ASCII text.
#ifndef ISMAP_LIU_CLIENTS_LIUCTL_TEXT_TABLE_H_
#define ISMAP_LIU_CLIENTS_LIUCTL_TEXT_TABLE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace ismap::liu {

// Display width of UTF-8 text in a terminal: East Asian Wide and Fullwidth
// code points (Unicode EastAsianWidth W/F: CJK ideographs, kana, Hangul,
// fullwidth forms, CJK punctuation such as 、。「」, wide emoji) count 2;
// combining marks, zero-width code points and control characters (C0, DEL,
// C1) count 0; other code points count 1. Bytes that are not part of a valid
// UTF-8 sequence (stray continuation bytes, truncated or overlong sequences,
// surrogates, values above U+10FFFF) count 1 each.
int DisplayWidth(absl::string_view utf8);

// A table of rows under a header line, rendered with every column padded to
// its widest cell by display width and columns separated by two spaces. No
// line has trailing spaces (a cell's own trailing spaces at the end of a line
// are dropped too). Newlines, tabs and every other control character (C0,
// DEL, C1) in cells are rendered as a space each, so that a cell never breaks
// the layout or sends terminal control sequences. Bytes that are not valid
// UTF-8 are kept as they are and count one column each.
//
// Thread-compatible.
class TextTable {
 public:
  // A table with these column headings and no rows.
  explicit TextTable(std::vector<std::string> header);

  // Appends a row. A row with fewer cells than the header is padded with
  // empty cells. Cells beyond the header's width are a programming error:
  // they are dropped.
  void AddRow(std::vector<std::string> cells);

  // True when no row was added.
  bool empty() const { return rows_.empty(); }

  // The header line, then one line per row in the order added; every line
  // ends in '\n'.
  std::string Render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
  // Per column: the widest cell's display width, header included.
  std::vector<int> widths_;
};

}  // namespace ismap::liu

#endif  // ISMAP_LIU_CLIENTS_LIUCTL_TEXT_TABLE_H_
