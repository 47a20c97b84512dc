#include "tools/simulate/plan.h"

#include <algorithm>
#include <array>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/time/beijing_zone.h"

namespace tousu::simulate {

namespace {

// The plan's only source of chance. Our own arithmetic on mt19937_64's output (whose sequence the
// standard fixes) instead of std::uniform_*_distribution (whose algorithm it does not), so a seed
// gives the same plan with any standard library.
class Dice {
 public:
  explicit Dice(uint64_t seed) : engine_(seed) {}
  // A whole number in [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(engine_() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool Chance(double p) { return static_cast<double>(engine_() >> 11) * 0x1.0p-53 < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& options) {
    return options[static_cast<size_t>(Between(0, static_cast<int64_t>(options.size()) - 1))];
  }
  // An option by weight.
  template <typename T>
  T Weighted(const std::vector<std::pair<T, int>>& options) {
    int total = 0;
    for (const auto& o : options) total += o.second;
    int64_t roll = Between(0, total - 1);
    for (const auto& o : options) {
      if (roll < o.second) return o.first;
      roll -= o.second;
    }
    return options.back().first;
  }
  absl::Duration Minutes(int lo, int hi) { return absl::Seconds(Between(lo * 60, hi * 60)); }
  absl::Duration Hours(int lo, int hi) { return absl::Seconds(Between(lo * 3600, hi * 3600)); }

 private:
  std::mt19937_64 engine_;
};

const std::vector<std::string>& Projects() {
  static const std::vector<std::string> projects = {"翠湖花园", "锦绣华庭", "滨江壹号", "云栖山庄",
                                                    "金沙湾畔"};
  return projects;
}

const std::vector<std::string>& CustomerNames() {
  static const std::vector<std::string> names = {"陈美玲", "李志刚", "王秀英", "张国华", "刘淑芬",
                                                 "杨建军", "赵丽娟", "黄海涛", "周晓红", "吴俊杰",
                                                 "徐桂兰", "孙立新", "胡静怡", "朱文斌", "高翠萍"};
  return names;
}

struct Wording {
  std::string description, expected;
};

const std::vector<Wording>& WordingFor(cv1::Category category) {
  static const std::vector<Wording> quality = {
      {"卫生间天花板漏水，墙面大面积渗水发霉，已经影响正常使用", "尽快上门检修并赔偿损失"},
      {"客厅地砖多处空鼓开裂，踩上去有明显响声", "更换空鼓地砖并检查找平层"},
      {"主卧外墙窗边雨天渗水，窗台和墙纸都泡坏了", "重新打胶做防水并修复墙面"},
      {"厨房下水管接口漏水，橱柜底板已经发霉变形", "更换下水管件并赔偿橱柜"}};
  static const std::vector<Wording> sales = {
      {"销售承诺赠送的车位使用权至今没有落实，多次询问无人答复", "按合同补充协议兑现车位"},
      {"样板间展示的品牌门窗与交付的不一致，销售当时明确说明同款", "按样板间标准更换门窗"},
      {"售楼处宣传的小区幼儿园至今没有动工，与宣传不符", "给出书面答复和明确时间表"}};
  static const std::vector<Wording> handover = {
      {"交房时实测面积比合同面积少了三个多平方，要求说明", "按合同约定退还面积差价"},
      {"交付延期两个月，开发商没有主动通知也没有按合同支付违约金", "按合同支付逾期交房违约金"},
      {"交房时发现入户门变形关不严，验房单上已登记但一直没处理", "交房前更换入户门"}};
  static const std::vector<Wording> property = {
      {"小区电梯一周内困人两次，物业维修响应很慢", "彻底检修电梯并公布维保记录"},
      {"地下车库照明长期不亮，晚上停车很不安全", "一周内修复车库照明"},
      {"楼道垃圾连续几天无人清运，气味很大", "恢复每日清运并加强巡查"},
      {"物业费上调没有召开业主大会公示", "暂停调价并公开收支明细"}};
  switch (category) {
    case cv1::CATEGORY_PRODUCT_QUALITY:
      return quality;
    case cv1::CATEGORY_SALES_SERVICE:
      return sales;
    case cv1::CATEGORY_HANDOVER:
      return handover;
    default:
      return property;
  }
}

// Active staff of each department (deploy/seed/staff-assessment.sql) who own complaints there.
const std::vector<std::string>& OwnersOf(const std::string& department) {
  static const std::vector<std::string> engineering = {"S0018", "S0019", "S0021", "S0022"};
  static const std::vector<std::string> sales = {"S0023"};
  static const std::vector<std::string> handover = {"S0026", "S0027"};
  static const std::vector<std::string> property = {"S0028", "S0029", "S0031"};
  if (department == "engineering") return engineering;
  if (department == "sales") return sales;
  if (department == "handover") return handover;
  return property;
}

// Who records complaints for customers: hotline agents and receptionists (active ones only).
const std::vector<std::string> kHotlineAgents = {"S0006", "S0007", "S0009"};
const std::vector<std::string> kReceptionists = {"S0024", "S0025", "S0030"};
const std::array<const char*, 5> kPhonePrefixes = {"139", "138", "158", "186", "137"};

int DaysIn(int year, int month) {
  const absl::CivilMonth m(year, month);
  return static_cast<int>(absl::CivilDay(m + 1) - absl::CivilDay(m));
}

cv1::JourneyStage StageFor(cv1::Category category, Dice& dice) {
  switch (category) {
    case cv1::CATEGORY_PRODUCT_QUALITY:
      return dice.Weighted<cv1::JourneyStage>(
          {{cv1::JOURNEY_STAGE_PROPERTY_SERVICE, 6}, {cv1::JOURNEY_STAGE_HANDOVER, 4}});
    case cv1::CATEGORY_SALES_SERVICE:
      return dice.Weighted<cv1::JourneyStage>(
          {{cv1::JOURNEY_STAGE_PRE_SALE, 4}, {cv1::JOURNEY_STAGE_SALE, 6}});
    case cv1::CATEGORY_HANDOVER:
      return cv1::JOURNEY_STAGE_HANDOVER;
    default:
      return cv1::JOURNEY_STAGE_PROPERTY_SERVICE;
  }
}

// Mostly office hours, some at night, any day of the month.
absl::Time ReceivedIn(const MonthSpec& m, double night_share, Dice& dice) {
  const int day = static_cast<int>(dice.Between(1, DaysIn(m.year, m.month)));
  int hour = static_cast<int>(dice.Between(8, 18));
  if (dice.Chance(night_share)) {
    hour = static_cast<int>(dice.Between(19, 31)) % 24;  // 19:00-07:59
  }
  const absl::CivilSecond local(m.year, m.month, day, hour, static_cast<int>(dice.Between(0, 59)),
                                static_cast<int>(dice.Between(0, 59)));
  return absl::FromCivil(local, time::BeijingZone());
}

PlannedComplaint NewComplaint(cv1::Category category, const std::string& project,
                              absl::Time received, Dice& dice) {
  PlannedComplaint c;
  c.category = category;
  c.project = project;
  c.received_at = received;
  c.stage = StageFor(category, dice);
  c.channel = dice.Weighted<cv1::Channel>({{cv1::CHANNEL_HOTLINE, 35},
                                           {cv1::CHANNEL_APP, 25},
                                           {cv1::CHANNEL_WEB, 15},
                                           {cv1::CHANNEL_WALK_IN, 15},
                                           {cv1::CHANNEL_EMAIL, 10}});
  if (c.channel == cv1::CHANNEL_HOTLINE) c.recorded_by_staff_id = dice.Pick(kHotlineAgents);
  if (c.channel == cv1::CHANNEL_WALK_IN) c.recorded_by_staff_id = dice.Pick(kReceptionists);
  // Critical complaints go to the supervisor first (§5); the simulator keeps to direct routing.
  c.severity = dice.Weighted<cv1::Severity>(
      {{cv1::SEVERITY_LOW, 25}, {cv1::SEVERITY_MEDIUM, 50}, {cv1::SEVERITY_HIGH, 25}});
  c.customer_name = dice.Pick(CustomerNames());
  c.building = absl::StrCat(dice.Between(1, 18), "栋");
  c.unit = absl::StrFormat("%d%02d", dice.Between(1, 32), dice.Between(1, 4));
  const Wording& w = dice.Pick(WordingFor(category));
  c.description = w.description;
  c.expected_resolution = w.expected;
  c.department_id = DepartmentOf(category);
  c.owner_staff_id = dice.Pick(OwnersOf(c.department_id));
  return c;
}

// The fates drawn for every complaint; the stop is decided once all are known.
void DrawFates(const PlanOptions& o, PlannedComplaint& c, Dice& dice) {
  c.ack_late = dice.Chance(o.late_ack_share);
  c.solution_late = dice.Chance(o.late_solution_share);
  c.rejected_once = dice.Chance(o.rejected_share);
  auto satisfied_score = [&] {
    return static_cast<int>(dice.Weighted<int>({{3, 2}, {4, 4}, {5, 4}}));
  };
  PlannedCallback first{.cycle = 1, .satisfaction = 0, .late = dice.Chance(o.late_callback_share)};
  if (dice.Chance(o.unsatisfied_share)) {
    first.satisfaction = static_cast<int>(dice.Between(1, 2));
    c.callbacks.push_back(first);
    c.callbacks.push_back({.cycle = 2,
                           .satisfaction = satisfied_score(),
                           .late = dice.Chance(o.late_callback_share)});
  } else {
    first.satisfaction = satisfied_score();
    c.callbacks.push_back(first);
  }
  if (!o.struggling_owner.empty() && c.owner_staff_id == o.struggling_owner) {
    c.ack_late = true;
    c.solution_late = true;
    if (c.callbacks.front().satisfaction > 2) {
      // Fixed, not drawn: the dice stay where they were for the complaints that follow.
      c.callbacks.front().satisfaction = 2;
      c.callbacks.push_back({.cycle = 2, .satisfaction = 4, .late = false});
    }
  }
}

absl::StatusOr<absl::Time> BusinessDaysAfter(const time::BusinessCalendar& calendar,
                                             absl::Time from, int days) {
  auto due = calendar.AddBusinessDays(from, days);
  if (!due.ok()) return due.status();
  return due->at;
}

// The times of every step of one complaint, and the deadlines its SLA outcomes depend on.
struct Timeline {
  std::vector<Step> steps;
  absl::Time ack_at;
  absl::Time solution_due = absl::InfiniteFuture();  // of the first cycle, from the planned ack
  absl::Time resolved_at;
  absl::Time callback_due = absl::InfiniteFuture();  // of the callback left open, if any
};

absl::StatusOr<Timeline> PlanLifecycle(const PlannedComplaint& c,
                                       const time::BusinessCalendar& calendar, Dice& dice) {
  Timeline t;
  auto step = [&](absl::Time at, StepKind kind, int cycle = 1, int satisfaction = 0) {
    t.steps.push_back({.at = at,
                       .complaint = c.index,
                       .kind = kind,
                       .cycle = cycle,
                       .satisfaction = satisfaction});
  };
  const absl::Time r = c.received_at;
  step(r, StepKind::kSubmit);
  if (c.stop == Stop::kNotAcknowledged) return t;
  // On time means well inside the hour; late means past it whatever the routing took.
  t.ack_at = r + (c.ack_late ? dice.Minutes(120, 180) : dice.Minutes(3, 50));
  step(t.ack_at, StepKind::kAcknowledge);
  auto solution_due = BusinessDaysAfter(calendar, t.ack_at, 2);
  if (!solution_due.ok()) return solution_due.status();
  t.solution_due = *solution_due;
  if (c.stop == Stop::kInvestigating) return t;

  // Within a day is always within 2 business days; late is hours past the deadline.
  absl::Time at =
      c.solution_late ? t.solution_due + dice.Hours(2, 30) : t.ack_at + dice.Hours(2, 20);
  step(at, StepKind::kPropose);
  if (c.rejected_once) {
    at += dice.Hours(1, 10);
    step(at, StepKind::kReject);
    at += dice.Hours(1, 12);  // the revision is due 2 business days after the rejection
    step(at, StepKind::kPropose);
    at += dice.Hours(1, 10);
  } else {
    at += dice.Hours(1, 24);
  }
  step(at, StepKind::kAccept);
  at += dice.Hours(4, 48);
  step(at, StepKind::kProgress);
  at += dice.Hours(4, 72);
  step(at, StepKind::kResolve);
  t.resolved_at = at;

  for (const PlannedCallback& cb : c.callbacks) {
    auto due = BusinessDaysAfter(calendar, at, 3);
    if (!due.ok()) return due.status();
    if (c.stop == Stop::kAwaitingCallback) {
      t.callback_due = *due;
      return t;
    }
    at = cb.late ? *due + dice.Hours(2, 30) : at + dice.Hours(1, 20);
    step(at, StepKind::kCallback, cb.cycle, cb.satisfaction);
    if (cb.satisfaction > 2) break;
    // Unsatisfied: the case reopens as the next cycle, due 2 business days after; within a day.
    const int cycle = cb.cycle + 1;
    at += dice.Hours(2, 20);
    step(at, StepKind::kPropose, cycle);
    at += dice.Hours(1, 12);
    step(at, StepKind::kAccept, cycle);
    at += dice.Hours(4, 48);
    step(at, StepKind::kResolve, cycle);
    t.resolved_at = at;
  }
  return t;
}

int StepOrder(StepKind k) { return static_cast<int>(k); }

}  // namespace

const char* SlaOutcomeName(SlaOutcome outcome) {
  switch (outcome) {
    case SlaOutcome::kMet:
      return "met";
    case SlaOutcome::kMissed:
      return "missed";
    default:
      return "unknown";
  }
}

const char* StopName(Stop stop) {
  switch (stop) {
    case Stop::kNotAcknowledged:
      return "not_acknowledged";
    case Stop::kInvestigating:
      return "investigating";
    case Stop::kAwaitingCallback:
      return "awaiting_callback";
    default:
      return "closed";
  }
}

const char* StepKindName(StepKind kind) {
  switch (kind) {
    case StepKind::kSubmit:
      return "submit";
    case StepKind::kAcknowledge:
      return "acknowledge";
    case StepKind::kPropose:
      return "propose";
    case StepKind::kReject:
      return "reject";
    case StepKind::kAccept:
      return "accept";
    case StepKind::kProgress:
      return "progress";
    case StepKind::kResolve:
      return "resolve";
    default:
      return "callback";
  }
}

std::string DepartmentOf(cv1::Category category) {
  switch (category) {
    case cv1::CATEGORY_PRODUCT_QUALITY:
      return "engineering";
    case cv1::CATEGORY_SALES_SERVICE:
      return "sales";
    case cv1::CATEGORY_HANDOVER:
      return "handover";
    default:
      return "property-management";
  }
}

absl::Time MonthStart(int year, int month) {
  return absl::FromCivil(absl::CivilMonth(year, month), time::BeijingZone());
}

absl::StatusOr<Plan> GeneratePlan(const PlanOptions& options,
                                  const time::BusinessCalendar& calendar) {
  if (options.months.empty()) return absl::InvalidArgumentError("months: at least one");
  for (size_t i = 0; i < options.months.size(); ++i) {
    const MonthSpec& m = options.months[i];
    if (m.year < 2000 || m.year > 2100 || m.month < 1 || m.month > 12) {
      return absl::InvalidArgumentError("months: year 2000..2100 and month 1..12");
    }
    if (m.complaints < 0 || m.complaints > 100000) {
      return absl::InvalidArgumentError("months: 0..100000 complaints per month");
    }
    if (i > 0 &&
        absl::CivilMonth(m.year, m.month) !=
            absl::CivilMonth(options.months[i - 1].year, options.months[i - 1].month) + 1) {
      return absl::InvalidArgumentError("months: must be consecutive");
    }
  }
  if (options.spike && (options.spike_project.empty() || options.spike_extra < 1)) {
    return absl::InvalidArgumentError("spike: needs a project and at least one extra complaint");
  }

  Dice dice(options.seed);
  Plan plan;
  plan.options = options;
  for (size_t i = 0; i < options.months.size(); ++i) {
    const MonthSpec& m = options.months[i];
    for (int n = 0; n < m.complaints; ++n) {
      const auto category = dice.Weighted<cv1::Category>({{cv1::CATEGORY_PRODUCT_QUALITY, 35},
                                                          {cv1::CATEGORY_SALES_SERVICE, 20},
                                                          {cv1::CATEGORY_HANDOVER, 15},
                                                          {cv1::CATEGORY_PROPERTY_SERVICE, 30}});
      const std::string& project = dice.Pick(Projects());
      const absl::Time received = ReceivedIn(m, options.night_share, dice);
      plan.complaints.push_back(NewComplaint(category, project, received, dice));
    }
    if (options.spike && i + 1 == options.months.size()) {
      for (int n = 0; n < options.spike_extra; ++n) {
        const absl::Time received = ReceivedIn(m, options.night_share, dice);
        plan.complaints.push_back(
            NewComplaint(cv1::CATEGORY_PRODUCT_QUALITY, options.spike_project, received, dice));
        plan.complaints.back().spike = true;
      }
    }
  }
  std::stable_sort(plan.complaints.begin(), plan.complaints.end(),
                   [](const auto& a, const auto& b) { return a.received_at < b.received_at; });

  const MonthSpec& first = options.months.front();
  const absl::Time last_month_start =
      MonthStart(options.months.back().year, options.months.back().month);
  int open_left = options.open_at_end;
  for (size_t i = plan.complaints.size(); i-- > 0;) {
    PlannedComplaint& c = plan.complaints[i];
    c.index = static_cast<int>(i);
    c.request_id =
        absl::StrFormat("sim-%d-%04d%02d-%05d", options.seed, first.year, first.month, i);
    c.customer_phone = absl::StrFormat("%s%02d%06d", kPhonePrefixes[i % kPhonePrefixes.size()],
                                       options.seed % 100, i);
    if (open_left > 0 && c.received_at >= last_month_start) {
      static constexpr Stop kOpenStops[] = {Stop::kNotAcknowledged, Stop::kInvestigating,
                                            Stop::kAwaitingCallback};
      c.stop = kOpenStops[(options.open_at_end - open_left) % 3];
      --open_left;
    }
  }

  std::vector<Timeline> timelines;
  for (PlannedComplaint& c : plan.complaints) {
    DrawFates(options, c, dice);
    auto timeline = PlanLifecycle(c, calendar, dice);
    if (!timeline.ok()) return timeline.status();
    for (const Step& s : timeline->steps) plan.steps.push_back(s);
    timelines.push_back(*std::move(timeline));
  }
  std::stable_sort(plan.steps.begin(), plan.steps.end(), [](const Step& a, const Step& b) {
    if (a.at != b.at) return a.at < b.at;
    if (a.complaint != b.complaint) return a.complaint < b.complaint;
    return StepOrder(a.kind) < StepOrder(b.kind);
  });

  // The run ends two hours after the last step, moved on while an open deadline falls within an
  // hour of the end, so no outcome hangs on the exact second the run stops.
  plan.end_at = plan.steps.empty() ? MonthStart(first.year, first.month) : plan.steps.back().at;
  plan.end_at += absl::Hours(2);
  auto near_end = [&](absl::Time deadline) {
    return deadline != absl::InfiniteFuture() &&
           absl::AbsDuration(deadline - plan.end_at) < absl::Hours(1);
  };
  for (bool moved = true; moved;) {
    moved = false;
    for (size_t i = 0; i < plan.complaints.size(); ++i) {
      const Stop stop = plan.complaints[i].stop;
      const Timeline& t = timelines[i];
      if ((stop == Stop::kInvestigating && near_end(t.solution_due)) ||
          (stop == Stop::kAwaitingCallback && near_end(t.callback_due))) {
        plan.end_at += absl::Hours(2);
        moved = true;
      }
    }
  }

  for (size_t i = 0; i < plan.complaints.size(); ++i) {
    PlannedComplaint& c = plan.complaints[i];
    const Timeline& t = timelines[i];
    auto passed = [&](absl::Time deadline) { return deadline < plan.end_at; };
    switch (c.stop) {
      case Stop::kNotAcknowledged:
        c.ack_sla = SlaOutcome::kMissed;  // the hour is long gone when the run ends
        break;
      case Stop::kInvestigating:
        c.ack_sla = c.ack_late ? SlaOutcome::kMissed : SlaOutcome::kMet;
        c.solution_sla = passed(t.solution_due) ? SlaOutcome::kMissed : SlaOutcome::kUnknown;
        break;
      case Stop::kAwaitingCallback:
        c.ack_sla = c.ack_late ? SlaOutcome::kMissed : SlaOutcome::kMet;
        c.solution_sla = c.solution_late ? SlaOutcome::kMissed : SlaOutcome::kMet;
        c.callback_sla = passed(t.callback_due) ? SlaOutcome::kMissed : SlaOutcome::kUnknown;
        break;
      case Stop::kClosed: {
        c.ack_sla = c.ack_late ? SlaOutcome::kMissed : SlaOutcome::kMet;
        c.solution_sla = c.solution_late ? SlaOutcome::kMissed : SlaOutcome::kMet;
        const bool any_late = std::any_of(c.callbacks.begin(), c.callbacks.end(),
                                          [](const auto& cb) { return cb.late; });
        c.callback_sla = any_late ? SlaOutcome::kMissed : SlaOutcome::kMet;
        break;
      }
    }
    // Callbacks the run never makes are not part of the complaint's story.
    if (c.stop != Stop::kClosed) c.callbacks.clear();
  }
  return plan;
}

}  // namespace tousu::simulate
