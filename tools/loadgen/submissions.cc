#include "tools/loadgen/submissions.h"

#include <iterator>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/time/proto_time.h"

namespace tousu::loadgen {

namespace cv1 = complaints::common::v1;
namespace iv1 = complaints::intake::v1;

iv1::SubmitComplaintRequest NewSubmission(const std::string& request_id, int64_t n) {
  iv1::SubmitComplaintRequest req;
  req.set_request_id(request_id);
  iv1::ComplaintInput* in = req.mutable_complaint();
  in->set_customer_name("张三");
  in->set_customer_phone(absl::StrFormat("139%08d", n % 100000000));
  in->set_project(kProjects[n % std::size(kProjects)]);
  in->set_building("3栋");
  in->set_unit(absl::StrCat(1000 + n % 2000));
  in->set_description("小区电梯经常停运，物业维修响应很慢，老人上下楼十分不便，请尽快处理");
  time::ToProto(absl::Now() - absl::Hours(2), in->mutable_occurred_at());
  in->set_severity(cv1::SEVERITY_MEDIUM);
  in->set_expected_resolution("尽快修复电梯并说明原因");
  in->set_channel(cv1::CHANNEL_WEB);
  const Department& d = kDepartments[n % std::size(kDepartments)];
  in->set_journey_stage(d.category == cv1::CATEGORY_SALES_SERVICE ? cv1::JOURNEY_STAGE_SALE
                        : d.category == cv1::CATEGORY_HANDOVER
                            ? cv1::JOURNEY_STAGE_HANDOVER
                            : cv1::JOURNEY_STAGE_PROPERTY_SERVICE);
  in->set_staff_category(d.category);
  return req;
}

}  // namespace tousu::loadgen
