#pragma once
// Complaint numbers taken from the database in blocks. Each replica reserves `block_size`
// consecutive counter values of a month with one short transaction on the month's shared counter
// row and hands them out from memory, so submissions do not queue on that row's lock (it was the
// main serialisation point of SubmitComplaint: every submission waited for the previous one's
// commit). Numbers stay unique across replicas; what changes is that a replica stopped with part
// of a block unused leaves those numbers unissued (gaps), and numbers of two replicas interleave
// in time. Both were already allowed: a failed submission always left a gap.

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"

namespace tousu::intake {

class NumberBlocks {
 public:
  // reserve(month, n) moves the month's shared counter forward by n and returns its new value:
  // the block is [value - n + 1, value].
  using Reserve = std::function<absl::StatusOr<int64_t>(const std::string& month, int n)>;

  NumberBlocks(int block_size, Reserve reserve);

  // The next counter value of `month` ("202611"). Thread-safe; one caller at a time reserves a
  // new block while the others wait for it.
  absl::StatusOr<int64_t> Next(const std::string& month);
  int block_size() const { return block_size_; }

 private:
  const int block_size_;
  Reserve reserve_;
  std::mutex mu_;
  std::string month_;
  int64_t next_ = 0;   // next value to hand out
  int64_t last_ = -1;  // last value of the current block
};

}  // namespace tousu::intake
