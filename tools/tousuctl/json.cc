#include "tools/tousuctl/json.h"

#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/validation/text.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace tousu::ctl {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::string Indent(int level) { return std::string(static_cast<size_t>(level) * 2, ' '); }

template <typename T>
std::string FloatText(T v) {
  if (std::isnan(v)) return "\"NaN\"";
  if (std::isinf(v)) return v > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);  // shortest round-trip form
  if (ec != std::errc()) return absl::StrFormat("%.17g", static_cast<double>(v));
  return std::string(buf, end);
}

std::string MessageJson(const Message& m, int level);

// One value of `field` (element `index` of a repeated field, or -1 for a singular one).
std::string ValueJson(const Message& m, const FieldDescriptor* f, int index, int level) {
  const Reflection* r = m.GetReflection();
  const bool rep = index >= 0;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f));
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat("\"", rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f), "\"");
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat("\"", rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f), "\"");
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return FloatText(rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return FloatText(rep ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f));
    case FieldDescriptor::CPPTYPE_BOOL:
      return (rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f)) ? "true" : "false";
    case FieldDescriptor::CPPTYPE_ENUM: {
      const int v = rep ? r->GetRepeatedEnumValue(m, f, index) : r->GetEnumValue(m, f);
      const auto* value = f->enum_type()->FindValueByNumber(v);
      // proto3 JSON writes a value unknown to this build as its number.
      return value != nullptr ? JsonQuote(value->name()) : absl::StrCat(v);
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& s = rep ? r->GetRepeatedStringReference(m, f, index, &scratch)
                                 : r->GetStringReference(m, f, &scratch);
      return JsonQuote(s);  // bytes too: user text, shown as text
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return MessageJson(rep ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f), level);
  }
  return "null";
}

// A well-known type (Timestamp, Duration, wrappers, ...) in its special JSON form.
std::string WellKnownJson(const Message& m) {
  const std::string& type = m.GetDescriptor()->full_name();
  if (type == "google.protobuf.Timestamp") {
    return JsonQuote(google::protobuf::util::TimeUtil::ToString(
        static_cast<const google::protobuf::Timestamp&>(m)));
  }
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(m, &out).ok()) return "null";
  return out;
}

std::string MessageJson(const Message& m, int level) {
  const Descriptor* d = m.GetDescriptor();
  if (d->file()->package() == "google.protobuf") return WellKnownJson(m);
  const Reflection* r = m.GetReflection();
  std::vector<std::string> members;
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    std::string value;
    if (f->is_map()) {
      // Entries keyed by their key's text, in storage order.
      const FieldDescriptor* key = f->message_type()->map_key();
      const FieldDescriptor* val = f->message_type()->map_value();
      std::vector<std::string> entries;
      for (int j = 0; j < r->FieldSize(m, f); ++j) {
        const Message& entry = r->GetRepeatedMessage(m, f, j);
        std::string k = ValueJson(entry, key, -1, 0);
        if (k.empty() || k[0] != '"') k = absl::StrCat("\"", k, "\"");
        entries.push_back(
            absl::StrCat(Indent(level + 2), k, ": ", ValueJson(entry, val, -1, level + 2)));
      }
      value = entries.empty() ? "{}"
                              : absl::StrCat("{\n", absl::StrJoin(entries, ",\n"), "\n",
                                             Indent(level + 1), "}");
    } else if (f->is_repeated()) {
      std::vector<std::string> items;
      for (int j = 0; j < r->FieldSize(m, f); ++j) {
        items.push_back(absl::StrCat(Indent(level + 2), ValueJson(m, f, j, level + 2)));
      }
      value = items.empty()
                  ? "[]"
                  : absl::StrCat("[\n", absl::StrJoin(items, ",\n"), "\n", Indent(level + 1), "]");
    } else if (f->has_presence() && !r->HasField(m, f)) {
      continue;  // unset sub-message or unset optional scalar
    } else {
      value = ValueJson(m, f, -1, level + 1);
    }
    members.push_back(absl::StrCat(Indent(level + 1), JsonQuote(f->json_name()), ": ", value));
  }
  if (members.empty()) return "{}";
  return absl::StrCat("{\n", absl::StrJoin(members, ",\n"), "\n", Indent(level), "}");
}

}  // namespace

std::string JsonQuote(std::string_view s) {
  std::string out = "\"";
  while (!s.empty()) {
    const validation::Utf8Step step = validation::DecodeUtf8(s);
    const char32_t cp = step.valid ? step.code_point : 0xFFFD;
    switch (cp) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029) {
          // Escaped so that the output never carries a raw control character to a terminal.
          absl::StrAppendFormat(&out, "\\u%04x", static_cast<unsigned>(cp));
        } else if (!step.valid) {
          out += "\xEF\xBF\xBD";
        } else {
          out.append(s.substr(0, step.length));
        }
    }
    s.remove_prefix(step.length);
  }
  out += '"';
  return out;
}

std::string ToJson(const Message& message) { return MessageJson(message, 0) + "\n"; }

}  // namespace tousu::ctl
