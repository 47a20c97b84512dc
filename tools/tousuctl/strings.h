#pragma once
// Debian's Abseil is built without std::string_view as absl::string_view: absl functions take
// absl::string_view, which does not convert to or from std::string_view. These two cross over.

#include <string_view>

#include "absl/strings/string_view.h"

namespace tousu::ctl {

inline absl::string_view ToAbsl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}
inline std::string_view ToStd(absl::string_view s) { return std::string_view(s.data(), s.size()); }

}  // namespace tousu::ctl
