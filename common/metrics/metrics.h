#pragma once
// Prometheus: one registry and one /metrics HTTP endpoint per service, on its own port.
// Business metrics are named tousu_<service>_..., in base units, and their handles are cached:
// never Family::Add on a request path.

#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace tousu::metrics {

class MetricsEndpoint {
 public:
  // Binds "host:port" (port 0 picks a free one).
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(
      const std::string& bind_address, const std::shared_ptr<prometheus::Registry>& registry);
  int port() const;

 private:
  std::unique_ptr<prometheus::Exposer> exposer_;
};

// A counter family whose children are created once per label set and then reused.
class CachedCounter {
 public:
  CachedCounter(prometheus::Registry& registry, const std::string& name, const std::string& help,
                std::vector<std::string> label_names);
  prometheus::Counter& With(const std::vector<std::string>& label_values);

 private:
  prometheus::Family<prometheus::Counter>& family_;
  std::vector<std::string> label_names_;
  std::mutex mu_;
  std::map<std::vector<std::string>, prometheus::Counter*> children_;
};

class CachedGauge {
 public:
  CachedGauge(prometheus::Registry& registry, const std::string& name, const std::string& help,
              std::vector<std::string> label_names);
  prometheus::Gauge& With(const std::vector<std::string>& label_values);

 private:
  prometheus::Family<prometheus::Gauge>& family_;
  std::vector<std::string> label_names_;
  std::mutex mu_;
  std::map<std::vector<std::string>, prometheus::Gauge*> children_;
};

}  // namespace tousu::metrics
