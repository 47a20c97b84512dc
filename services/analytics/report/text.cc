#include "services/analytics/report/text.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "complaints/common/v1/types.pb.h"
#include "services/analytics/report/report.h"

namespace tousu::analytics::report {

namespace cv1 = complaints::common::v1;

namespace {

// The label of rollup name `name` among `values` (named by `name_of`), or nullptr.
const char* LabelOf(const std::string& name, const std::vector<int>& values,
                    std::string (*name_of)(int), const std::map<int, const char*>& labels) {
  for (int v : values) {
    if (name_of(v) != name) continue;
    auto it = labels.find(v);
    return it == labels.end() ? nullptr : it->second;
  }
  return nullptr;
}

}  // namespace

std::string CategoryLabel(const std::string& name) {
  static const std::map<int, const char*> kLabels = {{cv1::CATEGORY_PRODUCT_QUALITY, "产品质量"},
                                                     {cv1::CATEGORY_SALES_SERVICE, "销售服务"},
                                                     {cv1::CATEGORY_HANDOVER, "交付"},
                                                     {cv1::CATEGORY_PROPERTY_SERVICE, "物业服务"}};
  if (name == kUnspecified) return "未分类";
  const char* label = LabelOf(name, KnownCategories(), CategoryName, kLabels);
  return label == nullptr ? name : label;
}

std::string StageLabel(const std::string& name) {
  static const std::map<int, const char*> kLabels = {
      {cv1::JOURNEY_STAGE_PRE_SALE, "售前"},
      {cv1::JOURNEY_STAGE_SALE, "销售"},
      {cv1::JOURNEY_STAGE_HANDOVER, "交付"},
      {cv1::JOURNEY_STAGE_PROPERTY_SERVICE, "物业服务"}};
  if (name == kUnspecified) return "未注明";
  const char* label = LabelOf(name, KnownStages(), StageName, kLabels);
  return label == nullptr ? name : label;
}

std::string DepartmentLabel(const std::string& id,
                            const std::map<std::string, std::string>& names) {
  if (id == kUnassigned) return "未分派";
  auto it = names.find(id);
  return it == names.end() || it->second.empty() ? id : it->second;
}

std::string AckWindowText(const SlaTerms& terms, bool spaced) {
  const char* gap = spaced ? " " : "";
  const absl::Duration w = terms.ack_window;
  if (w % absl::Hours(1) == absl::ZeroDuration()) {
    return absl::StrCat(absl::ToInt64Hours(w), gap, "小时");
  }
  if (w % absl::Minutes(1) == absl::ZeroDuration()) {
    return absl::StrCat(absl::ToInt64Minutes(w), gap, "分钟");
  }
  return absl::StrCat(absl::ToInt64Seconds(w), gap, "秒");
}

std::string BusinessDaysText(int days, bool spaced) {
  return absl::StrCat(days, spaced ? " " : "", "个工作日");
}

std::string EscapeHtml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Pct(double rate) { return absl::StrFormat("%.1f%%", 100.0 * rate); }
std::string Num(double v) { return absl::StrFormat("%.2f", v); }
std::string Hours(double seconds) { return absl::StrFormat("%.1f", seconds / 3600.0); }
std::string MonthLabel(int yyyymm) {
  return absl::StrFormat("%d/%02d", yyyymm / 100, yyyymm % 100);
}

}  // namespace tousu::analytics::report
