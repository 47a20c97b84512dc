#pragma once
// FUZZ_CHECK(cond, what): an invariant of a harness. On failure prints the condition and `what`
// (anything streamable) and aborts, which libFuzzer reports as a crash and saves the input.

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

#include "absl/status/status.h"

#define FUZZ_CHECK(cond, what)                                                               \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::ostringstream fuzz_check_os;                                                      \
      fuzz_check_os << what;                                                                 \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n  %s\n", __FILE__, __LINE__, #cond, \
                   fuzz_check_os.str().c_str());                                             \
      std::abort();                                                                          \
    }                                                                                        \
  } while (0)

namespace tousu::fuzz {

inline std::string_view Message(const absl::Status& s) {
  return std::string_view(s.message().data(), s.message().size());
}

// A rejection as the conventions require: INVALID_ARGUMENT whose message starts with one of the
// field paths `fields` followed by ": " (e.g. "complaint.customer_phone: ...").
template <typename Fields>
bool NamesAField(const absl::Status& s, const Fields& fields) {
  const std::string_view m = Message(s);
  for (std::string_view f : fields) {
    if (m.size() > f.size() + 2 && m.substr(0, f.size()) == f && m.substr(f.size(), 2) == ": ") {
      return true;
    }
  }
  return false;
}

}  // namespace tousu::fuzz
