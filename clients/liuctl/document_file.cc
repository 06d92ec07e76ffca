// YAML to JSON through yaml-cpp's event parser (which, unlike its node API,
// tells plain scalars from quoted ones and lets duplicate keys be caught),
// then JSON to the message through protobuf's JSON parser.
#include "clients/liuctl/document_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <exception>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"
#include "yaml-cpp/eventhandler.h"
#include "yaml-cpp/exceptions.h"
#include "yaml-cpp/mark.h"
#include "yaml-cpp/parser.h"

namespace ismap::liu {
namespace {

using Json = nlohmann::json;

bool IsNullWord(absl::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

bool AllDigits(absl::string_view s, int base) {
  if (s.empty()) return false;
  for (const char c : s) {
    const bool digit = base == 16
                           ? absl::ascii_isxdigit(c)
                           : c >= '0' && c < static_cast<char>('0' + base);
    if (!digit) return false;
  }
  return true;
}

// The value of `digits` (all valid in `base`), if it fits 64 bits.
std::optional<uint64_t> ParseUnsigned(absl::string_view digits, int base) {
  uint64_t value = 0;
  for (const char c : digits) {
    const int digit =
        absl::ascii_isdigit(c) ? c - '0' : absl::ascii_tolower(c) - 'a' + 10;
    if (value > (UINT64_MAX - digit) / base) return std::nullopt;
    value = value * base + digit;
  }
  return value;
}

// Whether `s` matches the YAML 1.2 core schema's float (which includes its
// integers): [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool IsCoreFloat(absl::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  size_t i = 0;
  const auto skip_digits = [&] {
    const size_t start = i;
    while (i < s.size() && absl::ascii_isdigit(s[i])) ++i;
    return i - start;
  };
  const size_t integer_digits = skip_digits();
  size_t fraction_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    fraction_digits = skip_digits();
  }
  if (integer_digits == 0 && fraction_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (skip_digits() == 0) return false;
  }
  return i == s.size();
}

// A double as JSON: the proto3 JSON mapping's strings for infinities.
Json DoubleJson(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  return value;
}

// The JSON value of a plain (unquoted, untagged) scalar, by the YAML 1.2
// core schema.
Json PlainScalarJson(const std::string& text) {
  if (IsNullWord(text)) return nullptr;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (text == ".nan" || text == ".NaN" || text == ".NAN") return "NaN";
  for (const absl::string_view inf : {".inf", ".Inf", ".INF"}) {
    if (text == inf || text == absl::StrCat("+", inf)) return "Infinity";
    if (text == absl::StrCat("-", inf)) return "-Infinity";
  }
  const absl::string_view view = text;
  struct Radix {
    absl::string_view prefix;
    int base;
  };
  for (const Radix radix : {Radix{"0x", 16}, Radix{"0o", 8}}) {
    const absl::string_view digits =
        view.substr(std::min(view.size(), radix.prefix.size()));
    if (absl::StartsWith(view, radix.prefix) && AllDigits(digits, radix.base)) {
      if (const std::optional<uint64_t> value =
              ParseUnsigned(digits, radix.base)) {
        return *value;
      }
      return text;
    }
  }
  if (!IsCoreFloat(view)) return text;
  const absl::string_view unsigned_part =
      view[0] == '-' || view[0] == '+' ? view.substr(1) : view;
  if (AllDigits(unsigned_part, 10)) {
    int64_t signed_value;
    if (absl::SimpleAtoi(view, &signed_value)) return signed_value;
    uint64_t unsigned_value;
    if (absl::SimpleAtoi(view, &unsigned_value)) return unsigned_value;
  }
  double value;
  if (absl::SimpleAtod(view[0] == '+' ? view.substr(1) : view, &value)) {
    return DoubleJson(value);
  }
  return text;
}

std::string At(absl::string_view source, const YAML::Mark& mark) {
  if (mark.is_null()) return absl::StrCat(source, ": ");
  return absl::StrCat(source, ":", mark.line + 1, ":", mark.column + 1, ": ");
}

// Builds the JSON value of one YAML document from the parser's events. After
// the first error it ignores every event.
class JsonBuilder : public YAML::EventHandler {
 public:
  // `alias_budget`: how much (see Cost) aliases may add to the document.
  JsonBuilder(absl::string_view source, size_t alias_budget)
      : source_(source), alias_budget_(alias_budget) {}

  // The first error, or OK.
  const absl::Status& status() const { return status_; }
  // The first document's value; null if there was none.
  Json TakeRoot() { return std::move(root_); }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (!status_.ok()) return;
    if (++documents_ > 1) Fail(mark, "more than one document");
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (!status_.ok() || !NotKey(mark, "null")) return;
    Complete(nullptr, 1, anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (!status_.ok() || !NotKey(mark, "an alias")) return;
    const auto anchored = anchors_.find(anchor);
    if (anchored == anchors_.end()) {
      Fail(mark, "alias of a node that contains it");
      return;
    }
    const size_t cost = anchored->second.second;
    if (cost > alias_budget_) {
      Fail(mark, "aliases expand the document too much");
      return;
    }
    alias_budget_ -= cost;
    Complete(anchored->second.first, cost, YAML::NullAnchor);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag,
                YAML::anchor_t anchor, const std::string& value) override {
    if (!status_.ok()) return;
    if (ExpectingKey()) {
      Open& map = open_.back();
      if (map.value.contains(value)) {
        Fail(mark, absl::StrCat("duplicate key \"", value, "\""));
        return;
      }
      map.key = value;
      map.cost += 1 + value.size();
      if (anchor != YAML::NullAnchor) {
        anchors_[anchor] = {Json(value), 1 + value.size()};
      }
      return;
    }
    // yaml-cpp tags plain scalars "?" and quoted ones "!".
    const bool string = tag == "!" || tag == "tag:yaml.org,2002:str";
    Complete(string ? Json(value) : PlainScalarJson(value), 1 + value.size(),
             anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/,
                       YAML::anchor_t anchor,
                       YAML::EmitterStyle::value /*style*/) override {
    if (!status_.ok() || !NotKey(mark, "a sequence")) return;
    open_.push_back({Json::array(), anchor, 1, std::nullopt});
  }
  void OnSequenceEnd() override { Close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/,
                  YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override {
    if (!status_.ok() || !NotKey(mark, "a mapping")) return;
    open_.push_back({Json::object(), anchor, 1, std::nullopt});
  }
  void OnMapEnd() override { Close(); }

 private:
  // A sequence or mapping whose end has not been seen yet.
  struct Open {
    Json value;
    YAML::anchor_t anchor;
    // Values and string bytes in it so far: what copying it costs.
    size_t cost;
    // For a mapping, the key whose value comes next.
    std::optional<std::string> key;
  };

  void Fail(const YAML::Mark& mark, absl::string_view what) {
    status_ = absl::InvalidArgumentError(absl::StrCat(At(source_, mark), what));
  }

  bool ExpectingKey() const {
    return !open_.empty() && open_.back().value.is_object() &&
           !open_.back().key.has_value();
  }

  // False, after failing, when a key is expected: keys must be scalars.
  bool NotKey(const YAML::Mark& mark, absl::string_view what) {
    if (!ExpectingKey()) return true;
    Fail(mark, absl::StrCat("a key must be a scalar, not ", what));
    return false;
  }

  void Close() {
    if (!status_.ok()) return;
    Open done = std::move(open_.back());
    open_.pop_back();
    Complete(std::move(done.value), done.cost, done.anchor);
  }

  // Places a finished value in the collection being built, or as the root.
  void Complete(Json value, size_t cost, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = {value, cost};
    if (open_.empty()) {
      root_ = std::move(value);
      return;
    }
    Open& parent = open_.back();
    parent.cost += cost;
    if (parent.value.is_array()) {
      parent.value.push_back(std::move(value));
    } else {
      parent.value[*parent.key] = std::move(value);
      parent.key.reset();
    }
  }

  const absl::string_view source_;
  size_t alias_budget_;
  absl::Status status_;
  int documents_ = 0;
  std::vector<Open> open_;
  std::map<YAML::anchor_t, std::pair<Json, size_t>> anchors_;
  Json root_;
};

// The JSON of the single YAML document in `text`.
absl::StatusOr<Json> YamlToJson(absl::string_view text,
                                absl::string_view source) {
  std::istringstream stream{std::string(text)};
  // Aliases may at most double the document, plus some slack for small ones.
  JsonBuilder builder(source, text.size() + (1 << 20));
  try {
    YAML::Parser parser(stream);
    while (parser.HandleNextDocument(builder) && builder.status().ok()) {
    }
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(At(source, e.mark), e.msg));
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", e.what()));
  }
  if (!builder.status().ok()) return builder.status();
  return builder.TakeRoot();
}

}  // namespace

absl::Status ParseDocument(absl::string_view text, absl::string_view source,
                           google::protobuf::Message* message) {
  message->Clear();
  absl::StatusOr<Json> json = YamlToJson(text, source);
  if (!json.ok()) return json.status();
  if (json->is_null()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": empty"));
  }
  if (!json->is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(
        source,
        ": the document must be a mapping of field names to values, "
        "not a ",
        json->is_array() ? "sequence" : "scalar"));
  }
  std::string json_text;
  try {
    json_text = json->dump();
  } catch (const Json::exception&) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": the text is not valid UTF-8"));
  }
  const auto parsed =
      google::protobuf::util::JsonStringToMessage(json_text, message);
  if (!parsed.ok()) {
    message->Clear();
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": ", std::string(parsed.message())));
  }
  return absl::OkStatus();
}

absl::Status ReadDocumentFile(const std::string& path,
                              google::protobuf::Message* message) {
  message->Clear();
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot open ", path));
  }
  std::string text;
  char buffer[1 << 16];
  while (true) {
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      close(fd);
      return absl::ErrnoToStatus(error, absl::StrCat("cannot read ", path));
    }
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
    if (text.size() > kMaxDocumentFileBytes) {
      close(fd);
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": larger than ", kMaxDocumentFileBytes >> 20, " MiB"));
    }
  }
  close(fd);
  return ParseDocument(text, path, message);
}

}  // namespace ismap::liu
