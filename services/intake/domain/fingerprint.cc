#include "services/intake/domain/fingerprint.h"

#include <openssl/evp.h>

#include "absl/strings/str_cat.h"

namespace tousu::intake {
namespace {

constexpr char kCanonicalVersion[] = "tousu.intake.ComplaintInput/1\n";

void Field(std::string* out, int number, std::string_view value) {
  absl::StrAppend(out, number, ":", value.size(), ":");
  out->append(value);
  out->push_back(';');
}

void Field(std::string* out, int number, int64_t value) {
  const std::string text = absl::StrCat(value);
  Field(out, number, text);
}

}  // namespace

std::string CanonicalInput(const ::complaints::intake::v1::ComplaintInput& in) {
  std::string out = kCanonicalVersion;
  Field(&out, 1, in.customer_name());
  Field(&out, 2, in.customer_phone());
  Field(&out, 3, in.customer_email());
  Field(&out, 4, in.project());
  Field(&out, 5, in.building());
  Field(&out, 6, in.unit());
  Field(&out, 7, in.description());
  // Absent and the epoch must differ: presence is part of the value.
  if (in.has_occurred_at()) {
    Field(&out, 8, absl::StrCat(in.occurred_at().seconds(), ".", in.occurred_at().nanos()));
  } else {
    Field(&out, 8, "-");
  }
  Field(&out, 9, static_cast<int64_t>(in.severity()));
  Field(&out, 10, in.expected_resolution());
  Field(&out, 11, static_cast<int64_t>(in.channel()));
  Field(&out, 12, static_cast<int64_t>(in.journey_stage()));
  Field(&out, 13, in.recorded_by_staff_id());
  Field(&out, 14, static_cast<int64_t>(in.staff_category()));
  // Added after hashes were first stored: written only when set, so every earlier input keeps its
  // hash (and its retries keep being recognised).
  if (!in.customer_id().empty()) Field(&out, 15, in.customer_id());
  return out;
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size_t{length} * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

std::string InputHash(const ::complaints::intake::v1::ComplaintInput& input) {
  return Sha256Hex(CanonicalInput(input));
}

std::string PhoneKey(std::string_view phone) {
  std::string digits;
  for (char c : phone) {
    if (c != ' ' && c != '-') digits.push_back(c);
  }
  std::string_view key(digits);
  if (key.starts_with("+86")) {
    key.remove_prefix(3);
  } else if (key.starts_with("86") && key.size() == 13 && key[2] == '1') {
    key.remove_prefix(2);  // 86 + an 11-digit mobile; a landline never starts with 86
  }
  return std::string(key);
}

}  // namespace tousu::intake
