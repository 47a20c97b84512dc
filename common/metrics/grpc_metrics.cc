#include "common/metrics/grpc_metrics.h"

#include <google/protobuf/descriptor.h>
#include <grpcpp/support/interceptor.h>

#include <chrono>

#include "common/log/log.h"
#include "common/status/status_map.h"

namespace tousu::metrics {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::ServerRpcInfo;

const char* TypeLabel(ServerRpcInfo::Type type) {
  switch (type) {
    case ServerRpcInfo::Type::UNARY:
      return "unary";
    case ServerRpcInfo::Type::CLIENT_STREAMING:
      return "client_stream";
    case ServerRpcInfo::Type::SERVER_STREAMING:
      return "server_stream";
    case ServerRpcInfo::Type::BIDI_STREAMING:
      return "bidi_stream";
  }
  return "unary";
}

// The go-grpc-prometheus default buckets.
const prometheus::Histogram::BucketBoundaries& Buckets() {
  static const prometheus::Histogram::BucketBoundaries b = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                            0.5,   1,    2.5,   5,    10};
  return b;
}

std::pair<std::string, std::string> SplitMethod(const std::string& path) {
  // "/pkg.Service/Method"
  const size_t slash = path.rfind('/');
  if (path.size() < 3 || path[0] != '/' || slash == 0 || slash == std::string::npos) {
    return {"unknown", path};
  }
  return {path.substr(1, slash - 1), path.substr(slash + 1)};
}

class CallInterceptor final : public grpc::experimental::Interceptor {
 public:
  CallInterceptor(ServerRpcInfo* info, MethodSeries& series)
      : info_(info), series_(series), start_(std::chrono::steady_clock::now()) {
    series_.started->Increment();
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      auto* md = methods->GetRecvInitialMetadata();
      if (md != nullptr) {
        auto it = md->find(kRequestIdHeader);
        if (it != md->end())
          request_id_.assign(it->second.data(), std::min<size_t>(it->second.size(), 128));
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      // The status the caller gets: interceptors added before this one (the server adds
      // server::UnparsableRequestInterceptorFactory first) have already rewritten it.
      const grpc::Status status = methods->GetSendStatus();
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      const int code = static_cast<int>(status.error_code());
      if (code >= 0 && code < static_cast<int>(series_.handled.size()))
        series_.handled[code]->Increment();
      series_.handling_seconds->Observe(seconds);
      log::Write(code == 0 ? log::Level::kInfo : log::Level::kWarn, "rpc",
                 {{"method", info_->method()},
                  {"code", status::CodeName(status.error_code())},
                  {"duration_ms", seconds * 1000.0},
                  {"request_id", request_id_}});
    }
    methods->Proceed();
  }

 private:
  ServerRpcInfo* info_;
  MethodSeries& series_;
  std::chrono::steady_clock::time_point start_;
  std::string request_id_;
};

}  // namespace

GrpcServerMetrics::GrpcServerMetrics(prometheus::Registry& registry)
    : started_(prometheus::BuildCounter()
                   .Name("grpc_server_started_total")
                   .Help("Total number of RPCs started on the server.")
                   .Register(registry)),
      handled_(
          prometheus::BuildCounter()
              .Name("grpc_server_handled_total")
              .Help(
                  "Total number of RPCs completed on the server, regardless of success or failure.")
              .Register(registry)),
      seconds_(prometheus::BuildHistogram()
                   .Name("grpc_server_handling_seconds")
                   .Help("Histogram of response latency (seconds) of gRPC that had been "
                         "application-level handled by the server.")
                   .Register(registry)),
      lazy_services_({"grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection"}) {}

MethodSeries& GrpcServerMetrics::CreateLocked(const std::string& method_path,
                                              const char* type_label) {
  auto& slot = by_method_[method_path];
  if (slot) return *slot;
  slot = std::make_unique<MethodSeries>();
  auto [service, method] = SplitMethod(method_path);
  prometheus::Labels labels{
      {"grpc_type", type_label}, {"grpc_service", service}, {"grpc_method", method}};
  slot->started = &started_.Add(labels);
  slot->handling_seconds = &seconds_.Add(labels, Buckets());
  for (int code = 0; code < static_cast<int>(slot->handled.size()); ++code) {
    prometheus::Labels with_code = labels;
    with_code["grpc_code"] = status::CodeName(static_cast<grpc::StatusCode>(code));
    slot->handled[code] = &handled_.Add(with_code);
  }
  return *slot;
}

bool GrpcServerMetrics::PreRegister(const std::string& service_full_name) {
  const auto* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service_full_name);
  if (service == nullptr) return false;
  std::lock_guard<std::mutex> lock(mu_);
  for (int i = 0; i < service->method_count(); ++i) {
    const auto* m = service->method(i);
    ServerRpcInfo::Type type = ServerRpcInfo::Type::UNARY;
    if (m->client_streaming() && m->server_streaming()) {
      type = ServerRpcInfo::Type::BIDI_STREAMING;
    } else if (m->client_streaming()) {
      type = ServerRpcInfo::Type::CLIENT_STREAMING;
    } else if (m->server_streaming()) {
      type = ServerRpcInfo::Type::SERVER_STREAMING;
    }
    CreateLocked("/" + service_full_name + "/" + m->name(), TypeLabel(type));
  }
  return true;
}

MethodSeries& GrpcServerMetrics::SeriesFor(const std::string& method_path,
                                           ServerRpcInfo::Type type) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_method_.find(method_path);
  if (it != by_method_.end()) return *it->second;
  // Registered services have every real method's series already. Only gRPC's own health and
  // reflection get theirs on first use; a caller inventing method names must not create series
  // without bound, so anything else counts as unknown.
  const std::string service = SplitMethod(method_path).first;
  if (lazy_services_.contains(service)) return CreateLocked(method_path, TypeLabel(type));
  return CreateLocked("/unknown/unknown", "unary");
}

grpc::experimental::Interceptor* GrpcServerMetrics::CreateServerInterceptor(ServerRpcInfo* info) {
  const char* method = info->method();
  return new CallInterceptor(info, SeriesFor(method == nullptr ? "" : method, info->type()));
}

}  // namespace tousu::metrics
