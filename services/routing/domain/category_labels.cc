#include "services/routing/domain/category_labels.h"

#include <google/protobuf/descriptor.h>

#include <map>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace tousu::routing {
namespace {

namespace cv1 = ::complaints::common::v1;

struct Labels {
  std::vector<cv1::Category> categories;
  std::map<int, std::string> by_value;
};

const Labels& CategoryLabels() {
  static const Labels* const labels = [] {
    auto* out = new Labels;
    const google::protobuf::EnumDescriptor* descriptor = cv1::Category_descriptor();
    for (int i = 0; i < descriptor->value_count(); ++i) {
      const google::protobuf::EnumValueDescriptor* value = descriptor->value(i);
      if (value->number() == cv1::CATEGORY_UNSPECIFIED) continue;
      std::string name = value->name();
      if (absl::StartsWith(name, "CATEGORY_")) name.erase(0, sizeof("CATEGORY_") - 1);
      out->categories.push_back(static_cast<cv1::Category>(value->number()));
      out->by_value[value->number()] = absl::AsciiStrToLower(name);
    }
    return out;
  }();
  return *labels;
}

}  // namespace

std::string_view CategoryLabel(cv1::Category category) {
  const auto& by_value = CategoryLabels().by_value;
  auto it = by_value.find(static_cast<int>(category));
  return it == by_value.end() ? std::string_view() : std::string_view(it->second);
}

std::optional<cv1::Category> CategoryFromLabel(std::string_view label) {
  if (label.empty()) return std::nullopt;
  for (const auto& [value, name] : CategoryLabels().by_value) {
    if (name == label) return static_cast<cv1::Category>(value);
  }
  return std::nullopt;
}

const std::vector<cv1::Category>& AllCategories() { return CategoryLabels().categories; }

}  // namespace tousu::routing
