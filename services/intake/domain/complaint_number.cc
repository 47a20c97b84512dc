#include "services/intake/domain/complaint_number.h"

#include "absl/strings/str_format.h"
#include "services/intake/domain/timestamps.h"

namespace tousu::intake {
namespace {

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

}  // namespace

std::string MonthOfReceipt(absl::Time t) { return absl::FormatTime("%Y%m", t, BeijingZone()); }

std::string FormatNumber(std::string_view month, int64_t sequence) {
  return absl::StrFormat("TS-%s-%06d", std::string(month), sequence);
}

absl::Status CheckNumber(std::string_view field, std::string_view number) {
  // TS- YYYYMM - NNNNNN[NNN]
  bool ok = number.size() >= 16 && number.size() <= 19 && number.substr(0, 3) == "TS-" &&
            number[9] == '-';
  if (ok) {
    const std::string_view year = number.substr(3, 4), month = number.substr(7, 2),
                           counter = number.substr(10);
    ok = AllDigits(year) && AllDigits(month) && AllDigits(counter) && month >= "01" &&
         month <= "12" && counter.find_first_not_of('0') != std::string_view::npos;
  }
  if (ok) return absl::OkStatus();
  std::string message(field);
  message.append(": must be a complaint number like TS-202611-000123");
  return absl::InvalidArgumentError(message);
}

}  // namespace tousu::intake
