#include "services/intake/domain/submission.h"

#include <google/protobuf/descriptor.h>

#include <utility>
#include <vector>

#include "common/proto/enum_labels.h"
#include "common/validation/text.h"
#include "services/intake/domain/timestamps.h"

namespace tousu::intake {
namespace {

using validation::CheckText;
using validation::TextRule;

absl::Status Invalid(std::string_view field, std::string_view what) {
  std::string message(field);
  message.append(": ").append(what);
  return absl::InvalidArgumentError(message);
}

bool IsRequestIdChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' ||
         c == '-';
}

// Enums are open in proto3: a number no value has arrives as is and must be refused here.
template <typename IsValid>
absl::Status CheckRequiredEnum(std::string_view field, int value, IsValid is_valid) {
  if (value == 0) return Invalid(field, "is required");
  if (!is_valid(value)) return Invalid(field, "unknown value");
  return absl::OkStatus();
}

absl::Status CheckOccurredAt(std::string_view field, const iv1::ComplaintInput& in,
                             absl::Time now) {
  if (!in.has_occurred_at()) return Invalid(field, "is required");
  if (!IsValidTimestamp(in.occurred_at())) return Invalid(field, "not a valid timestamp");
  const absl::Time t = FromProto(in.occurred_at());
  if (t > now + kAllowedClockSkew) return Invalid(field, "must not be in the future");
  if (t < now - kMaxAge) return Invalid(field, "must be within the last 10 years");
  return absl::OkStatus();
}

// The labels of every value of `type` but the zero one.
std::vector<std::string> Labels(const google::protobuf::EnumDescriptor* type) {
  std::vector<std::string> labels;
  for (int number : proto::LabelledValues(type))
    labels.push_back(*proto::EnumValueLabel(type, number));
  return labels;
}

absl::Status ValidateInput(const iv1::ComplaintInput& in, absl::Time now) {
  // One line for names and places; descriptions may hold line breaks.
  const TextRule name{.required = true, .max_chars = kMaxNameChars};
  const TextRule project{.required = true, .max_chars = kMaxProjectChars};
  // A pre-sale customer may not own a home yet: building and unit are optional then.
  const bool presale = in.journey_stage() == cv1::JOURNEY_STAGE_PRE_SALE;
  const TextRule building{.required = !presale, .max_chars = kMaxBuildingChars};
  const TextRule unit{.required = !presale, .max_chars = kMaxUnitChars};
  const TextRule description{
      .required = true, .max_chars = kMaxDescriptionChars, .allow_newlines = true};
  const TextRule expected{
      .required = true, .max_chars = kMaxExpectedResolutionChars, .allow_newlines = true};

  if (auto s = CheckText("complaint.customer_name", in.customer_name(), name); !s.ok()) return s;
  if (auto s = validation::CheckPhone("complaint.customer_phone", in.customer_phone()); !s.ok()) {
    return s;
  }
  if (!in.customer_email().empty()) {
    if (auto s = validation::CheckEmail("complaint.customer_email", in.customer_email()); !s.ok()) {
      return s;
    }
  }
  if (auto s = CheckText("complaint.project", in.project(), project); !s.ok()) return s;
  // The stage decides whether building and unit are required, so it is checked before them.
  if (auto s = CheckRequiredEnum("complaint.journey_stage", in.journey_stage(),
                                 cv1::JourneyStage_IsValid);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckText("complaint.building", in.building(), building); !s.ok()) return s;
  if (auto s = CheckText("complaint.unit", in.unit(), unit); !s.ok()) return s;
  if (auto s = CheckText("complaint.description", in.description(), description); !s.ok()) {
    return s;
  }
  if (validation::Utf8Length(in.description()).value_or(0) < kMinDescriptionChars) {
    return Invalid("complaint.description", "must be at least 5 characters");
  }
  if (auto s = CheckOccurredAt("complaint.occurred_at", in, now); !s.ok()) return s;
  if (auto s = CheckRequiredEnum("complaint.severity", in.severity(), cv1::Severity_IsValid);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckText("complaint.expected_resolution", in.expected_resolution(), expected);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckRequiredEnum("complaint.channel", in.channel(), cv1::Channel_IsValid);
      !s.ok()) {
    return s;
  }
  // Hotline agents and receptionists record complaints for customers (§4.1): who did must be
  // known. Customers on the web and the app, and the email desk, may leave it empty.
  const bool staffed = in.channel() == cv1::CHANNEL_HOTLINE || in.channel() == cv1::CHANNEL_WALK_IN;
  if (in.recorded_by_staff_id().empty()) {
    if (staffed) {
      return Invalid("complaint.recorded_by_staff_id", "is required for hotline and walk-in");
    }
  } else if (auto s = CheckStaffId("complaint.recorded_by_staff_id", in.recorded_by_staff_id());
             !s.ok()) {
    return s;
  }
  if (in.staff_category() != cv1::CATEGORY_UNSPECIFIED &&
      !cv1::Category_IsValid(in.staff_category())) {
    return Invalid("complaint.staff_category", "unknown value");
  }
  if (!in.customer_id().empty()) {
    bool ok = in.customer_id().size() <= 64;
    for (char c : in.customer_id()) {
      ok = ok && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-' || c == '.');
    }
    if (!ok) return Invalid("complaint.customer_id", "at most 64 of A-Z a-z 0-9 _ - .");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckRequestId(std::string_view field, std::string_view id) {
  if (id.empty()) return Invalid(field, "is required");
  if (id.size() > kMaxRequestIdLength) return Invalid(field, "must be at most 64 characters");
  for (char c : id) {
    if (!IsRequestIdChar(c)) {
      return Invalid(field, "may contain only letters, digits and . _ : -");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckStaffId(std::string_view field, std::string_view id) {
  if (id.empty()) return Invalid(field, "is required");
  bool ok = id.size() <= kMaxStaffIdLength && id.front() != '-' && id.back() != '-';
  for (char c : id) {
    ok = ok && ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-');
  }
  if (!ok) return Invalid(field, "must be a staff id: 1-32 of A-Z, 0-9 and '-'");
  return absl::OkStatus();
}

absl::Status ValidateSubmission(const iv1::SubmitComplaintRequest& request, absl::Time now) {
  if (auto s = CheckRequestId("request_id", request.request_id()); !s.ok()) return s;
  return ValidateInput(request.complaint(), now);
}

std::string FieldOf(const absl::Status& status) {
  const std::string_view message(status.message().data(), status.message().size());
  const size_t colon = message.find(": ");
  if (colon == std::string_view::npos) return "";
  return std::string(message.substr(0, colon));
}

std::string ChannelLabel(cv1::Channel channel) {
  return proto::EnumValueLabel(cv1::Channel_descriptor(), channel).value_or("unknown");
}

std::string CategoryLabel(cv1::Category category) {
  return proto::EnumValueLabel(cv1::Category_descriptor(), category).value_or(kUnclassifiedLabel);
}

const std::vector<std::string>& ChannelLabels() {
  static const auto* labels = new std::vector<std::string>(Labels(cv1::Channel_descriptor()));
  return *labels;
}

const std::vector<std::string>& CategoryLabels() {
  static const auto* labels = [] {
    auto* out = new std::vector<std::string>(Labels(cv1::Category_descriptor()));
    out->push_back(kUnclassifiedLabel);
    return out;
  }();
  return *labels;
}

}  // namespace tousu::intake
