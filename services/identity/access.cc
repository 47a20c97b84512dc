#include "services/identity/access.h"

namespace tousu::identity {

auth::AccessTable IdentityAccessTable() {
  constexpr char kIdentityService[] = "complaints.identity.v1.CustomerIdentityService";
  auth::AccessTable t;
  t.AllowAnonymous(kIdentityService, "RequestSignInCode");
  t.AllowAnonymous(kIdentityService, "SignIn");
  t.AllowAnonymous(kIdentityService, "RefreshSession");
  t.AllowAnonymous(kIdentityService, "SignOut");
  return t;
}

}  // namespace tousu::identity
