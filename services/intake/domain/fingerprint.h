#pragma once
// Idempotency and lookup keys derived from a submission.
//
// A retried submission (same request_id) must be recognised as the same complaint, and a
// different complaint reusing a request_id must not be. The stored hash covers a canonical
// encoding of every input field, written here field by field rather than with protobuf's
// serializer, whose byte output is not guaranteed stable across versions or with unknown fields.

#include <string>
#include <string_view>

#include "complaints/intake/v1/intake.pb.h"

namespace tousu::intake {

// Every field of `input` in a fixed order, each as "<field number>:<byte length>:<bytes>;" (so
// no value can run into the next); a version prefix lets the encoding change later without old
// hashes matching new ones by accident.
std::string CanonicalInput(const ::complaints::intake::v1::ComplaintInput& input);
// Lower-case hex SHA-256 of CanonicalInput (64 characters).
std::string InputHash(const ::complaints::intake::v1::ComplaintInput& input);
// Lower-case hex SHA-256 of any bytes.
std::string Sha256Hex(std::string_view bytes);

// The phone number as a search key, the same however it was written: separators (' ', '-')
// dropped and a mobile's +86 / 86 country prefix removed. "+86 138-0013-8000" -> "13800138000",
// "010-12345678" -> "01012345678". Only meaningful for numbers validation::CheckPhone accepts.
std::string PhoneKey(std::string_view phone);

}  // namespace tousu::intake
