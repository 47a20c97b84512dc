#include "common/time/business_calendar.h"

#include <fstream>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "common/log/log.h"

namespace tousu::time {
namespace {

// Four-digit years only: keeps CivilDay arithmetic far from its limits and catches typos.
constexpr int kMinYear = 1000;
constexpr int kMaxYear = 9999;

bool IsWeekend(absl::CivilDay day) {
  const absl::Weekday wd = absl::GetWeekday(day);
  return wd == absl::Weekday::saturday || wd == absl::Weekday::sunday;
}

absl::Status LineError(int line, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("line ", line, ": ", message));
}

// Strict YYYY-MM-DD; absl::CivilDay would silently normalise 2025-02-30 to March 2.
std::optional<absl::CivilDay> ParseDate(absl::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
  }
  int y = 0, m = 0, d = 0;
  if (!absl::SimpleAtoi(s.substr(0, 4), &y) || !absl::SimpleAtoi(s.substr(5, 2), &m) ||
      !absl::SimpleAtoi(s.substr(8, 2), &d)) {
    return std::nullopt;
  }
  const absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) return std::nullopt;
  return day;
}

std::optional<int> ParseYear(absl::string_view s) {
  int year = 0;
  if (s.size() != 4 || !absl::SimpleAtoi(s, &year) || year < kMinYear || year > kMaxYear) {
    return std::nullopt;
  }
  return year;
}

struct YearDecl {
  bool published = false;
  int line = 0;
};

struct DayEntry {
  absl::CivilDay day;
  bool working = false;
  std::string name;
  int line = 0;
};

}  // namespace

absl::StatusOr<BusinessCalendar> BusinessCalendar::Parse(const std::string& text) {
  std::optional<std::string> zone_name;
  int zone_line = 0;
  std::map<int, YearDecl> years;
  std::vector<DayEntry> entries;

  int line_no = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++line_no;
    absl::string_view line = raw;
    if (line_no == 1) absl::ConsumePrefix(&line, "\xEF\xBB\xBF");  // editors on Windows add a BOM
    if (const size_t hash = line.find('#'); hash != absl::string_view::npos) {
      line = line.substr(0, hash);
    }
    line = absl::StripAsciiWhitespace(line);  // also drops the '\r' of CRLF files
    if (line.empty()) continue;
    const std::vector<absl::string_view> words =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    const absl::string_view keyword = words[0];

    if (keyword == "timezone") {
      if (words.size() != 2) return LineError(line_no, "expected `timezone <IANA zone name>`");
      if (zone_name) {
        return LineError(line_no, absl::StrCat("timezone already given on line ", zone_line));
      }
      zone_name = std::string(words[1]);
      zone_line = line_no;
      continue;
    }

    if (keyword == "published" || keyword == "provisional") {
      const bool published = keyword == "published";
      if (published ? (words.size() < 4 || words[2] != "source") : words.size() != 2) {
        return LineError(line_no, published ? "expected `published YEAR source URL...`"
                                            : "expected `provisional YEAR`");
      }
      const std::optional<int> year = ParseYear(words[1]);
      if (!year) {
        return LineError(line_no, absl::StrCat("\"", words[1], "\" is not a four-digit year"));
      }
      if (auto it = years.find(*year); it != years.end()) {
        return LineError(
            line_no, absl::StrCat("year ", *year, " already declared on line ", it->second.line));
      }
      years[*year] = YearDecl{published, line_no};
      continue;
    }

    const std::optional<absl::CivilDay> day = ParseDate(keyword);
    if (!day) {
      return LineError(line_no, absl::StrCat("\"", keyword,
                                             "\" is neither a keyword (timezone, published, "
                                             "provisional) nor a valid YYYY-MM-DD date"));
    }
    if (words.size() < 3) {
      return LineError(line_no, "expected `YYYY-MM-DD off|work NAME`");
    }
    if (words[1] != "off" && words[1] != "work") {
      return LineError(line_no,
                       absl::StrCat("day kind must be `off` or `work`, not \"", words[1], "\""));
    }
    // The name is the rest of the line, so it may contain spaces.
    absl::string_view name = line;
    absl::ConsumePrefix(&name, keyword);
    name = absl::StripLeadingAsciiWhitespace(name);
    absl::ConsumePrefix(&name, words[1]);
    name = absl::StripAsciiWhitespace(name);
    entries.push_back(DayEntry{*day, words[1] == "work", std::string(name), line_no});
  }

  if (!zone_name) {
    return absl::InvalidArgumentError("missing `timezone <IANA zone name>` line");
  }
  BusinessCalendar cal;
  // LoadTimeZone falls back to UTC on failure; a calendar in the wrong zone would shift every
  // deadline by hours, so failure is an error.
  if (!absl::LoadTimeZone(*zone_name, &cal.zone_)) {
    return LineError(zone_line, absl::StrCat("cannot load time zone \"", *zone_name,
                                             "\" (is tzdata installed?)"));
  }
  if (years.empty()) {
    return absl::InvalidArgumentError("no `published` or `provisional` year declared");
  }
  // A gap would be read as "after the data" for some days and "inside it" for others.
  int expected = years.begin()->first;
  for (const auto& [year, decl] : years) {
    if (year != expected) {
      return LineError(decl.line, absl::StrCat("year ", year, " declared but ", expected,
                                               " is missing: years must have no gaps"));
    }
    ++expected;
  }

  std::map<absl::CivilDay, int> seen;  // day -> line, to point at the first listing
  for (DayEntry& e : entries) {
    const int year = static_cast<int>(e.day.year());
    const auto it = years.find(year);
    if (it == years.end()) {
      return LineError(e.line, absl::StrCat(absl::FormatCivilTime(e.day), " is in year ", year,
                                            ", which is not declared"));
    }
    if (!it->second.published) {
      return LineError(e.line, absl::StrCat(absl::FormatCivilTime(e.day), ": year ", year,
                                            " is provisional (line ", it->second.line,
                                            "); declare it published to list its days"));
    }
    if (auto [prev, inserted] = seen.emplace(e.day, e.line); !inserted) {
      return LineError(e.line, absl::StrCat(absl::FormatCivilTime(e.day),
                                            " listed twice (first on line ", prev->second, ")"));
    }
    // Make-up working days are weekend days; a weekday here is almost certainly a wrong date.
    if (e.working && !IsWeekend(e.day)) {
      return LineError(e.line, absl::StrCat(absl::FormatCivilTime(e.day),
                                            " is a weekday; only weekend days can be make-up "
                                            "working days"));
    }
    cal.exceptions_[e.day] = DayInfo{e.working, false, std::move(e.name)};
  }

  cal.first_year_ = years.begin()->first;
  for (const auto& [year, decl] : years) {
    if (decl.published) {
      cal.published_years_.insert(year);
    } else {
      cal.provisional_years_.insert(year);
    }
  }
  cal.last_year_ = years.rbegin()->first;
  return cal;
}

absl::StatusOr<BusinessCalendar> BusinessCalendar::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("business calendar ", path, ": cannot open"));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return absl::UnavailableError(absl::StrCat("business calendar ", path, ": read error"));
  }
  absl::StatusOr<BusinessCalendar> cal = Parse(text.str());
  if (!cal.ok()) {
    return absl::Status(cal.status().code(),
                        absl::StrCat("business calendar ", path, ": ", cal.status().message()));
  }
  log::Info("business calendar loaded",
            {{"path", path},
             {"timezone", cal->zone_.name()},
             {"published_years", absl::StrJoin(cal->published_years_, ",")}});
  // Loud on purpose (SPEC.md, Time): deadlines in these years are weekends-only guesses.
  if (!cal->provisional_years_.empty()) {
    log::Warn(
        "business calendar has provisional years: weekends only until the schedule "
        "is published",
        {{"path", path},
         {"provisional_years", absl::StrJoin(cal->provisional_years_, ",")},
         {"last_declared_year", cal->last_year_}});  // later years are provisional too
  }
  return cal;
}

absl::StatusOr<DayInfo> BusinessCalendar::Day(absl::CivilDay day) const {
  const int year = static_cast<int>(day.year());
  if (year < first_year_) {
    return absl::OutOfRangeError(absl::StrCat("business calendar starts in ", first_year_,
                                              "; no data for ", absl::FormatCivilTime(day)));
  }
  if (published_years_.contains(year)) {
    if (auto it = exceptions_.find(day); it != exceptions_.end()) return it->second;
    return DayInfo{!IsWeekend(day), false, ""};
  }
  return DayInfo{!IsWeekend(day), true, ""};
}

absl::StatusOr<bool> BusinessCalendar::IsWorkingDay(absl::CivilDay day) const {
  absl::StatusOr<DayInfo> info = Day(day);
  if (!info.ok()) return info.status();
  return info->working;
}

absl::StatusOr<Deadline> BusinessCalendar::AddBusinessDays(absl::Time from, int n) const {
  if (n < 0 || n > kMaxBusinessDays) {
    return absl::InvalidArgumentError(
        absl::StrCat("business days must be between 0 and ", kMaxBusinessDays, ", got ", n));
  }
  if (from == absl::InfinitePast() || from == absl::InfiniteFuture()) {
    return absl::InvalidArgumentError("business days cannot be added to an infinite time");
  }
  const absl::TimeZone::CivilInfo local = zone_.At(from);
  absl::CivilDay day(local.cs);
  // Local wall-clock time of day, kept to the sub-second so N = 0 on a working day returns
  // `from` exactly.
  absl::civil_diff_t seconds_of_day = local.cs - absl::CivilSecond(day);
  absl::Duration subsecond = local.subsecond;
  bool provisional = false;

  absl::StatusOr<DayInfo> info = Day(day);
  if (!info.ok()) return info.status();
  provisional |= info->provisional;
  if (!info->working) {
    // SPEC.md: an instant on a non-working day counts from 00:00 of the next working day.
    seconds_of_day = 0;
    subsecond = absl::ZeroDuration();
    do {
      ++day;
      info = Day(day);
      if (!info.ok()) return info.status();
      provisional |= info->provisional;
    } while (!info->working);
  }
  for (int counted = 0; counted < n;) {
    ++day;
    info = Day(day);
    if (!info.ok()) return info.status();
    provisional |= info->provisional;
    if (info->working) ++counted;
  }
  // "The same time of day" is wall-clock time, so add it in civil time, not as a duration.
  const absl::Time at = zone_.At(absl::CivilSecond(day) + seconds_of_day).pre + subsecond;
  return Deadline{at, provisional};
}

absl::CivilDay BusinessCalendar::LocalDay(absl::Time t) const { return absl::ToCivilDay(t, zone_); }

}  // namespace tousu::time
