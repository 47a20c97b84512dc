#include "services/routing/domain/category_labels.h"

#include <map>
#include <string>

#include "common/proto/enum_labels.h"

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
    for (int number : proto::LabelledValues(cv1::Category_descriptor())) {
      out->categories.push_back(static_cast<cv1::Category>(number));
      out->by_value[number] = *proto::EnumValueLabel(cv1::Category_descriptor(), number);
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
