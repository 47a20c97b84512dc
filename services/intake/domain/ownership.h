#pragma once
// Which complaints are a signed-in customer's own: those recorded for their account, and those
// recorded with the mobile number they proved they hold (a hotline agent may have recorded them
// before the customer had an account). Phones compare by PhoneKey, so every accepted spelling of
// a number ("+86 138-0013-8000", "8613800138000") matches the 11 digits of the token.

#include <string>
#include <string_view>

namespace tousu::intake {

struct CustomerIdentity {
  std::string customer_id;     // the token's subject; "" matches nothing
  std::string verified_phone;  // the token's "phone" claim; "" matches nothing
};

// True when a complaint recorded with `complaint_customer_id` and `complaint_phone` (as
// submitted) belongs to `customer`.
bool CustomerOwns(const CustomerIdentity& customer, std::string_view complaint_customer_id,
                  std::string_view complaint_phone);

// The phone key a customer's list also matches; "" when the customer has no verified phone.
std::string OwnedPhoneKey(const CustomerIdentity& customer);

}  // namespace tousu::intake
