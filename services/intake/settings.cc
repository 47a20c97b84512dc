#include "services/intake/settings.h"

#include "absl/strings/str_cat.h"

namespace tousu::intake {
namespace {

// RATE_PER_CUSTOMER / RATE_PER_SOURCE: `fallback` when unset.
absl::StatusOr<RateLimit> RateLimitOr(const config::Config& cfg, const std::string& key,
                                      RateLimit fallback) {
  const std::optional<std::string> text = cfg.Get(key);
  if (!text || text->empty()) return fallback;
  return ParseRateLimit(cfg.VariableName(key), *text);
}

}  // namespace

absl::StatusOr<RetentionSettings> RetentionSettings::FromConfig(const config::Config& cfg) {
  RetentionSettings s;
  if (auto text = cfg.Get("RETENTION_AFTER_CLOSE")) {
    auto parsed = ParseRetentionAfterClose(*text);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(cfg.VariableName("RETENTION_AFTER_CLOSE"), ": ", parsed.status().message()));
    }
    s.after_close = *parsed;
  }
  auto every = cfg.DurationInRange("RETENTION_CHECK_EVERY", s.check_every, absl::Milliseconds(100),
                                   absl::InfiniteDuration());
  if (!every.ok()) return every.status();
  s.check_every = *every;
  auto batch = cfg.IntInRange("RETENTION_BATCH", s.batch, 1, 10000);
  if (!batch.ok()) return batch.status();
  s.batch = static_cast<int>(*batch);
  return s;
}

absl::StatusOr<IntakeSettings> IntakeSettings::FromConfig(const config::Config& cfg) {
  IntakeSettings s;
  auto block = cfg.IntInRange("NUMBER_BLOCK", s.number_block, 1, 1000);
  if (!block.ok()) return block.status();
  s.number_block = static_cast<int>(*block);
  auto entries = cfg.IntInRange("READ_CACHE_ENTRIES", s.read_cache_entries, 0, 1000000);
  if (!entries.ok()) return entries.status();
  s.read_cache_entries = static_cast<int>(*entries);
  auto ttl = cfg.DurationInRange("READ_CACHE_TTL", s.read_cache_ttl, absl::ZeroDuration(),
                                 absl::Minutes(1));
  if (!ttl.ok()) return ttl.status();
  s.read_cache_ttl = *ttl;
  auto per_customer = RateLimitOr(cfg, "RATE_PER_CUSTOMER", s.per_customer);
  if (!per_customer.ok()) return per_customer.status();
  s.per_customer = *per_customer;
  auto per_source = RateLimitOr(cfg, "RATE_PER_SOURCE", s.per_source);
  if (!per_source.ok()) return per_source.status();
  s.per_source = *per_source;
  auto retention = RetentionSettings::FromConfig(cfg);
  if (!retention.ok()) return retention.status();
  s.retention = *retention;
  s.staff_assessment_addr = cfg.GetOr("STAFF_ASSESSMENT_ADDR", "");
  auto timeout = cfg.PositiveDurationOr("STAFF_TIMEOUT", s.staff_timeout);
  if (!timeout.ok()) return timeout.status();
  s.staff_timeout = *timeout;
  auto sync = cfg.DurationInRange("DEPARTMENT_SYNC_EVERY", s.department_sync_every,
                                  absl::Seconds(1), absl::Hours(24));
  if (!sync.ok()) return sync.status();
  s.department_sync_every = *sync;
  return s;
}

}  // namespace tousu::intake
