#include "services/intake/domain/number_blocks.h"

#include <utility>

namespace tousu::intake {

NumberBlocks::NumberBlocks(int block_size, Reserve reserve)
    : block_size_(block_size < 1 ? 1 : block_size), reserve_(std::move(reserve)) {}

absl::StatusOr<int64_t> NumberBlocks::Next(const std::string& month) {
  std::lock_guard<std::mutex> lock(mu_);
  if (month != month_ || next_ > last_) {
    absl::StatusOr<int64_t> last = reserve_(month, block_size_);
    if (!last.ok()) return last.status();
    month_ = month;
    last_ = *last;
    next_ = *last - block_size_ + 1;
  }
  return next_++;
}

}  // namespace tousu::intake
