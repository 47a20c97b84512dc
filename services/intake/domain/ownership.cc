#include "services/intake/domain/ownership.h"

#include "services/intake/domain/fingerprint.h"

namespace tousu::intake {

std::string OwnedPhoneKey(const CustomerIdentity& customer) {
  return customer.verified_phone.empty() ? std::string() : PhoneKey(customer.verified_phone);
}

bool CustomerOwns(const CustomerIdentity& customer, std::string_view complaint_customer_id,
                  std::string_view complaint_phone) {
  if (!customer.customer_id.empty() && complaint_customer_id == customer.customer_id) return true;
  const std::string key = OwnedPhoneKey(customer);
  // An anonymised complaint keeps no phone: "" never matches.
  return !key.empty() && !complaint_phone.empty() && PhoneKey(complaint_phone) == key;
}

}  // namespace tousu::intake
