#pragma once
// A gRPC server interceptor that exports the go-grpc-prometheus series Grafana's gRPC dashboards
// expect, and writes one JSON log line per call:
//   grpc_server_started_total{grpc_type,grpc_service,grpc_method}
//   grpc_server_handled_total{grpc_type,grpc_service,grpc_method,grpc_code}
//   grpc_server_handling_seconds{grpc_type,grpc_service,grpc_method} (histogram)
// Every method of the services named in PreRegister has all its series created at zero, so
// rates and ratios exist before the first call.

#include <grpcpp/support/server_interceptor.h>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

namespace tousu::metrics {

struct MethodSeries {
  prometheus::Counter* started = nullptr;
  prometheus::Histogram* handling_seconds = nullptr;
  std::array<prometheus::Counter*, 17> handled{};  // by grpc::StatusCode
};

class GrpcServerMetrics final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit GrpcServerMetrics(prometheus::Registry& registry);
  // Creates every method's series of a service known to the generated descriptor pool, e.g.
  // "complaints.intake.v1.IntakeService". Returns false if the service is unknown.
  bool PreRegister(const std::string& service_full_name);
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

  // "/pkg.Service/Method" -> its series (created on first use for methods not pre-registered).
  MethodSeries& SeriesFor(const std::string& method_path,
                          grpc::experimental::ServerRpcInfo::Type type);

 private:
  MethodSeries& CreateLocked(const std::string& method_path, const char* type_label);

  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& seconds_;
  std::mutex mu_;
  std::unordered_map<std::string, std::unique_ptr<MethodSeries>> by_method_;
  const std::set<std::string> lazy_services_;
};

// The metadata key that carries a client's request id; logged with the call.
inline constexpr char kRequestIdHeader[] = "x-request-id";

}  // namespace tousu::metrics
