#pragma once
// Business days in Asia/Shanghai: weekends, statutory holidays and the adjusted working days
// (調休) on which a weekend day is worked. The schedule is data (deploy/calendar/), loaded at
// start-up, never compiled in.
//
// "Within N business days" of an instant (SPEC.md, Time): by the same local time of day on the
// N-th working day after it; an instant on a non-working day counts from 00:00 of the next
// working day.
//
// Years whose schedule is not published (the file says `provisional YEAR`, or the year is after
// the last year in the file) are computed on weekends only and every answer touching them is
// marked provisional, so callers can record, log and count it. Years before the first year in
// the file are an error: the calendar never guesses silently.

#include <map>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace tousu::time {

struct DayInfo {
  bool working = false;
  bool provisional = false;  // the year's schedule is not published: weekends only
  std::string holiday_name;  // e.g. "春节" for holidays and make-up working days
};

struct Deadline {
  absl::Time at;
  bool provisional = false;  // some day counted lies in a provisional year
};

class BusinessCalendar {
 public:
  // Bound on N for AddBusinessDays (about 14 years): larger values are certainly a bug.
  static constexpr int kMaxBusinessDays = 3650;

  // Parses the calendar data file format (see deploy/calendar/README.md). Errors are
  // INVALID_ARGUMENT naming the line, e.g. "line 12: 2025-02-30 ...".
  static absl::StatusOr<BusinessCalendar> Parse(const std::string& text);
  // Parse on a file's contents; errors name the path. Logs the years loaded, and warns about
  // provisional ones.
  static absl::StatusOr<BusinessCalendar> LoadFile(const std::string& path);

  // OUT_OF_RANGE for a day before first_year().
  absl::StatusOr<DayInfo> Day(absl::CivilDay day) const;
  absl::StatusOr<bool> IsWorkingDay(absl::CivilDay day) const;
  // The instant N (>= 0) business days after `from` (N = 0: `from` itself, moved to the start of
  // the next working day if it is on a non-working day). OUT_OF_RANGE if `from` is before
  // first_year(); INVALID_ARGUMENT for N outside [0, kMaxBusinessDays] or an infinite `from`.
  absl::StatusOr<Deadline> AddBusinessDays(absl::Time from, int n) const;
  // Local civil day of an instant in the calendar's time zone.
  absl::CivilDay LocalDay(absl::Time t) const;
  const absl::TimeZone& zone() const { return zone_; }
  int first_year() const { return first_year_; }
  // Years with a published schedule.
  const std::set<int>& published_years() const { return published_years_; }
  // Years the file declares provisional; every year after last_year() is provisional too.
  const std::set<int>& provisional_years() const { return provisional_years_; }
  // The last year declared in the file (published or provisional).
  int last_year() const { return last_year_; }

 private:
  absl::TimeZone zone_;
  int first_year_ = 0;
  int last_year_ = 0;
  std::set<int> published_years_;
  std::set<int> provisional_years_;
  std::map<absl::CivilDay, DayInfo> exceptions_;  // holidays (off) and make-up days (working)
};

}  // namespace tousu::time
