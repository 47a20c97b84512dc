#include "common/metrics/metrics.h"

#include "absl/strings/str_cat.h"

namespace tousu::metrics {
namespace {
prometheus::Labels Zip(const std::vector<std::string>& names,
                       const std::vector<std::string>& values) {
  prometheus::Labels labels;
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) labels[names[i]] = values[i];
  return labels;
}
}  // namespace

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(
    const std::string& bind_address, const std::shared_ptr<prometheus::Registry>& registry) {
  // Not make_unique: the constructor is private, so only Start makes endpoints.
  auto endpoint =
      std::unique_ptr<MetricsEndpoint>(new MetricsEndpoint());  // NOLINT(modernize-make-unique)
  try {
    endpoint->exposer_ = std::make_unique<prometheus::Exposer>(bind_address, 2);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on ", bind_address, ": ", e.what()));
  }
  endpoint->exposer_->RegisterCollectable(registry);
  return endpoint;
}

int MetricsEndpoint::port() const {
  auto ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

CachedCounter::CachedCounter(prometheus::Registry& registry, const std::string& name,
                             const std::string& help, std::vector<std::string> label_names)
    : family_(prometheus::BuildCounter().Name(name).Help(help).Register(registry)),
      label_names_(std::move(label_names)) {}

prometheus::Counter& CachedCounter::With(const std::vector<std::string>& values) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& child = children_[values];
  if (child == nullptr) child = &family_.Add(Zip(label_names_, values));
  return *child;
}

CachedGauge::CachedGauge(prometheus::Registry& registry, const std::string& name,
                         const std::string& help, std::vector<std::string> label_names)
    : family_(prometheus::BuildGauge().Name(name).Help(help).Register(registry)),
      label_names_(std::move(label_names)) {}

prometheus::Gauge& CachedGauge::With(const std::vector<std::string>& values) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& child = children_[values];
  if (child == nullptr) child = &family_.Add(Zip(label_names_, values));
  return *child;
}

}  // namespace tousu::metrics
