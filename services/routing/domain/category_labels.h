#pragma once
// The complaint categories (SPEC.md §3) as routing names them in its data file, its metrics and
// its hop reasons: the proto enum's value names without the "CATEGORY_" prefix, in lower case
// (CATEGORY_PRODUCT_QUALITY is "product_quality"). Taken from the enum's descriptor, so a new
// category is named without touching this file.

#include <optional>
#include <string_view>
#include <vector>

#include "complaints/common/v1/types.pb.h"

namespace tousu::routing {

// "" for CATEGORY_UNSPECIFIED and values the enum does not have: no category.
std::string_view CategoryLabel(complaints::common::v1::Category category);

// The category a label names; nullopt for "" and anything that is not a category's label.
std::optional<complaints::common::v1::Category> CategoryFromLabel(std::string_view label);

// Every category but CATEGORY_UNSPECIFIED, in the enum's order.
const std::vector<complaints::common::v1::Category>& AllCategories();

}  // namespace tousu::routing
