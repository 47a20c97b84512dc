#include "services/analytics/report/figures.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "services/analytics/report/text.h"

namespace tousu::analytics::report {
namespace {

// Targets the recommendations compare against.
constexpr double kAckTarget = 0.95, kSolutionTarget = 0.90, kCallbackTarget = 0.90;
constexpr double kReopenLimit = 0.10, kSatisfactionFloor = 4.0;

// `fixed` names first (zero when absent), then the others in name order.
Pairs Ordered(const google::protobuf::RepeatedPtrField<av1::Count>& counts,
              const std::vector<std::string>& fixed) {
  std::map<std::string, int64_t> m;
  for (const auto& c : counts) m[c.value()] += c.count();
  Pairs out;
  for (const std::string& name : fixed) {
    auto it = m.find(name);
    out.emplace_back(name, it == m.end() ? 0 : it->second);
    if (it != m.end()) m.erase(it);
  }
  for (const auto& [k, v] : m) out.emplace_back(k, v);  // e.g. kUnspecified
  return out;
}

std::vector<std::string> NamesOf(const std::vector<int>& values, std::string (*name_of)(int)) {
  std::vector<std::string> out;
  for (int v : values) out.push_back(name_of(v));
  return out;
}

std::string RecommendationFor(const std::string& category) {
  if (category == CategoryName(complaints::common::v1::CATEGORY_PRODUCT_QUALITY))
    return "组织工程部门对相关楼盘开展质量专项排查，追溯施工与材料问题，并向施工单位追责。";
  if (category == CategoryName(complaints::common::v1::CATEGORY_SALES_SERVICE))
    return "复核销售宣传材料与承诺，加强销售人员培训，对虚假宣传追究责任。";
  if (category == CategoryName(complaints::common::v1::CATEGORY_HANDOVER))
    return "核查交付进度与交付标准，补齐交付资料，提前告知业主延期原因。";
  if (category == CategoryName(complaints::common::v1::CATEGORY_PROPERTY_SERVICE))
    return "督促物业公司整改环境卫生、安保与维修响应，复核收费标准。";
  return "尽快完成分类并分派责任部门。";
}

}  // namespace

Pairs ByCategory(const av1::MonthlySummary& s) {
  return Ordered(s.by_category(), NamesOf(KnownCategories(), CategoryName));
}
Pairs ByStage(const av1::MonthlySummary& s) {
  return Ordered(s.by_stage(), NamesOf(KnownStages(), StageName));
}
Pairs ByDepartment(const av1::MonthlySummary& s) {
  Pairs out = ByName(s.by_department());
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}
Pairs ByName(const google::protobuf::RepeatedPtrField<av1::Count>& counts) {
  return Ordered(counts, {});
}

std::vector<Problem> Problems(const ReportInputs& in) {
  const av1::MonthlySummary& s = in.summary;
  std::vector<Problem> out;
  for (const auto& a : in.alerts) {
    const std::string what =
        a.project().empty() ? CategoryLabel(a.category())
                            : absl::StrCat(a.project(), "「", CategoryLabel(a.category()), "」");
    out.push_back(
        {absl::StrCat(what, "类投诉本月 ", a.count(), " 件，明显高于近期水平（近期月均 ",
                      Num(a.trailing_mean()), " 件，预警阈值 ", Num(a.threshold()), " 件）。"),
         RecommendationFor(a.category())});
  }
  auto sla = [&](const av1::SlaCompliance& c, double target, const std::string& name,
                 const std::string& rec) {
    const int64_t known = c.met() + c.missed();
    if (known == 0 || c.rate() >= target) return;
    out.push_back({absl::StrCat(name, "达标率 ", Pct(c.rate()), "（", c.met(), "/", known,
                                "），低于 ", Pct(target), " 的目标，超时 ", c.missed(), " 件。"),
                   rec});
  };
  const SlaTerms& terms = in.sla_terms;
  const std::string window = AckWindowText(terms, /*spaced=*/true);
  sla(s.acknowledgement_sla(), kAckTarget, absl::StrCat(window, "受理"),
      absl::StrCat("检查值班与分派安排，确保责任部门 ", window,
                   "内确认并指定负责人；对超时部门通报。"));
  sla(s.solution_sla(), kSolutionTarget,
      absl::StrCat(BusinessDaysText(terms.solution_days, true), "内提出解决方案"),
      "复杂投诉及时申请延期并告知客户；对长期超时的处理人员安排针对性培训。");
  sla(s.callback_sla(), kCallbackTarget,
      absl::StrCat(BusinessDaysText(terms.callback_days, true), "内回访"),
      "增加回访人手，结案后即排期回访，并跟踪逾期回访清单。");
  if (s.total() > 0 && s.reopen_rate() > kReopenLimit) {
    out.push_back({absl::StrCat("重开率 ", Pct(s.reopen_rate()), "（", s.reopened(), "/", s.total(),
                                " 件），客户对首次处理结果不满意。"),
                   "对重开案件逐件复盘根因，解决方案须经客户确认后再实施。"});
  }
  if (s.satisfaction_responses() > 0 && s.satisfaction_mean() < kSatisfactionFloor) {
    out.push_back({absl::StrCat("客户满意度平均 ", Num(s.satisfaction_mean()), " 分（",
                                s.satisfaction_responses(), " 份回访），低于 ",
                                Num(kSatisfactionFloor), " 分。"),
                   "分析低分回访意见，改进沟通频次与处理质量。"});
  }
  return out;
}

}  // namespace tousu::analytics::report
