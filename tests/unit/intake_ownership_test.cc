// Which complaints are a signed-in customer's own (services/intake/domain/ownership.h).

#include <gtest/gtest.h>

#include "services/intake/domain/ownership.h"

namespace tousu::intake {
namespace {

const CustomerIdentity kCustomer{.customer_id = "C0123456789abcdef0123",
                                 .verified_phone = "13800138000"};

TEST(OwnershipTest, ComplaintsOfTheAccountAreTheCustomers) {
  EXPECT_TRUE(CustomerOwns(kCustomer, "C0123456789abcdef0123", "13900139000"));
}

TEST(OwnershipTest, ComplaintsRecordedWithTheVerifiedPhoneInAnySpellingAreTheCustomers) {
  for (const char* phone : {"13800138000", "+86 13800138000", "+86-13800138000", "8613800138000",
                            "86 13800138000", "138 0013 8000", "138-0013-8000"}) {
    EXPECT_TRUE(CustomerOwns(kCustomer, "", phone)) << phone;
  }
}

TEST(OwnershipTest, AnotherCustomersComplaintIsNotTheirs) {
  EXPECT_FALSE(CustomerOwns(kCustomer, "C9999999999abcdef0123", "13900139000"));
  EXPECT_FALSE(CustomerOwns(kCustomer, "", "13900139000"));
}

TEST(OwnershipTest, EmptyValuesNeverMatch) {
  // An anonymised complaint keeps neither phone nor account.
  EXPECT_FALSE(CustomerOwns(kCustomer, "", ""));
  const CustomerIdentity no_phone{.customer_id = "C1", .verified_phone = ""};
  EXPECT_FALSE(CustomerOwns(no_phone, "", ""));
  EXPECT_FALSE(CustomerOwns(no_phone, "", "13800138000"));
  EXPECT_TRUE(CustomerOwns(no_phone, "C1", "13800138000"));
  const CustomerIdentity nobody{};
  EXPECT_FALSE(CustomerOwns(nobody, "", ""));
  EXPECT_EQ(OwnedPhoneKey(nobody), "");
  EXPECT_EQ(OwnedPhoneKey(kCustomer), "13800138000");
}

}  // namespace
}  // namespace tousu::intake
