#include "common/server/unparsable_request.h"

#include <google/protobuf/stubs/logging.h>
#include <grpcpp/support/interceptor.h>

#include <mutex>

#include "absl/strings/match.h"
#include "common/auth/access.h"
#include "common/log/log.h"
#include "common/status/status_map.h"

namespace tousu::server {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::ServerRpcInfo;

class UnparsableRequestInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit UnparsableRequestInterceptor(ServerRpcInfo* info) : info_(info) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    // gRPC hands the interceptors no message when parsing it failed.
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() == nullptr) {
      unparsable_ = true;
    }
    if (unparsable_ &&
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS) &&
        !methods->GetSendStatus().ok()) {
      const absl::StatusOr<auth::Caller> caller = auth::CallerOf(info_->server_context());
      methods->ModifySendStatus(
          caller.ok() ? grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, kUnparsableRequestMessage)
                      : status::ToGrpc(caller.status()));
    }
    methods->Proceed();
  }

 private:
  ServerRpcInfo* info_;
  bool unparsable_ = false;
};

void WriteProtobufMessage(google::protobuf::LogLevel level, const char* file, int line,
                          const std::string& message) {
  log::Level ours = log::Level::kError;
  if (absl::StrContains(message, "invalid UTF-8 data when parsing")) {
    ours = log::Level::kDebug;
  } else if (level == google::protobuf::LOGLEVEL_INFO) {
    ours = log::Level::kInfo;
  } else if (level == google::protobuf::LOGLEVEL_WARNING) {
    ours = log::Level::kWarn;
  }
  if (!log::Enabled(ours)) return;
  log::Write(ours, "protobuf", {{"detail", message}, {"file", file}, {"line", line}});
}

}  // namespace

void LogProtobufMessagesAsJson() {
  static std::once_flag once;
  std::call_once(once, [] { google::protobuf::SetLogHandler(&WriteProtobufMessage); });
}

grpc::experimental::Interceptor* UnparsableRequestInterceptorFactory::CreateServerInterceptor(
    ServerRpcInfo* info) {
  // Only where the one request arrives before the handler runs; in client and bidi streams a
  // missing message is the normal end of the stream.
  if (info->type() != ServerRpcInfo::Type::UNARY &&
      info->type() != ServerRpcInfo::Type::SERVER_STREAMING) {
    return nullptr;
  }
  return new UnparsableRequestInterceptor(info);
}

}  // namespace tousu::server
