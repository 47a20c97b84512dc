#include "services/intake/domain/customer_text.h"

#include <algorithm>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "common/time/beijing_zone.h"
#include "common/validation/text.h"

namespace tousu::intake {
namespace {

bool IsControl(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

}  // namespace

std::string CustomerText(const std::string& bytes, size_t max_chars, bool one_line,
                         bool* repaired) {
  std::string out;
  out.reserve(std::min(bytes.size(), max_chars * 4));
  std::string_view rest(bytes);
  size_t chars = 0;
  while (!rest.empty()) {
    const validation::Utf8Step step = validation::DecodeUtf8(rest);
    std::string_view piece = rest.substr(0, step.length);
    rest.remove_prefix(step.length);
    if (!step.valid) {
      *repaired = true;
      piece = "\xEF\xBF\xBD";  // U+FFFD
    } else if (step.code_point == '\r') {
      continue;  // \r\n → \n; a lone \r is dropped
    } else if (step.code_point == '\n' || step.code_point == '\t') {
      if (one_line) piece = " ";
    } else if (IsControl(step.code_point)) {
      *repaired = true;
      continue;
    }
    if (chars + 1 == max_chars && !rest.empty()) {
      *repaired = true;
      out += "…";
      return out;
    }
    out.append(piece.data(), piece.size());
    ++chars;
  }
  return out;
}

std::string Quote(const std::string& bytes, bool* repaired) {
  std::string text = CustomerText(bytes, kMaxQuotedChars, /*one_line=*/true, repaired);
  if (text.find_first_not_of(' ') == std::string::npos) return "";
  return absl::StrCat("：", text);
}

std::string CustomerTime(absl::Time t) {
  return absl::StrCat(absl::FormatTime("%Y-%m-%d %H:%M", t, time::BeijingZone()), "（北京时间）");
}

std::string CustomerDuration(absl::Duration d) {
  const int64_t hours = absl::ToInt64Hours(d);
  const int64_t minutes = absl::ToInt64Minutes(d - absl::Hours(hours));
  if (hours == 0 && minutes == 0) return absl::StrCat(absl::ToInt64Seconds(d), "秒");
  return absl::StrCat(hours > 0 ? absl::StrCat(hours, "小时") : "",
                      minutes > 0 ? absl::StrCat(minutes, "分钟") : "");
}

}  // namespace tousu::intake
