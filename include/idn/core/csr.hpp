#pragma once
/// idn::csr_array<T>: a compressed-sparse-row array of variable-length rows in two flat vectors,
/// the layout every compiled instance uses for adjacency and candidate lists.
#include <cstddef>
#include <span>
#include <vector>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"

namespace idn {

/// Rows 0..rows()-1; row r holds values()[offsets()[r] .. offsets()[r+1]). Immutable after
/// construction; row access is O(1) and allocation-free.
template <class T>
class csr_array {
public:
  /// An empty array with no rows.
  csr_array() : offsets_(1, 0) {}

  /// Packs `rows` (row r = rows[r]). O(total size).
  explicit csr_array(const std::vector<std::vector<T>>& rows) : offsets_(1, 0) {
    std::size_t total = 0;
    for (const auto& r : rows) total += r.size();
    values_.reserve(total);
    offsets_.reserve(rows.size() + 1);
    for (const auto& r : rows) {
      values_.insert(values_.end(), r.begin(), r.end());
      offsets_.push_back(values_.size());
    }
  }

  /// Adopts prepared arrays. Preconditions (checked, invalid_input otherwise): offsets non-empty,
  /// offsets[0] == 0, non-decreasing, offsets.back() == values.size().
  csr_array(std::vector<std::size_t> offsets, std::vector<T> values)
      : offsets_(std::move(offsets)), values_(std::move(values)) {
    if (offsets_.empty() || offsets_.front() != 0 || offsets_.back() != values_.size())
      reject("csr_array", "(offsets.front(), offsets.back())", offsets_.empty() ? std::string("empty") : concat("(", offsets_.front(), ", ", offsets_.back(), ")"),
             concat("must be (0, values.size() = ", values_.size(), ")"));
    for (std::size_t i = 1; i < offsets_.size(); ++i)
      if (offsets_[i] < offsets_[i - 1])
        reject("csr_array", concat("offsets[", i, "]"), offsets_[i], concat("must be >= offsets[", i - 1, "] = ", offsets_[i - 1]));
  }

  /// Number of rows.
  std::size_t rows() const noexcept { return offsets_.size() - 1; }
  /// Number of values over all rows.
  std::size_t size() const noexcept { return values_.size(); }
  /// Number of values in row r.
  std::size_t row_size(std::size_t r) const noexcept { return offsets_[r + 1] - offsets_[r]; }
  /// Row r. Precondition: r < rows().
  std::span<const T> operator[](std::size_t r) const noexcept {
    return {values_.data() + offsets_[r], row_size(r)};
  }
  /// Row r spans values [offsets[r], offsets[r + 1]).
  std::span<const std::size_t> offsets() const noexcept { return offsets_; }
  /// All values, row after row.
  std::span<const T> values() const noexcept { return values_; }

private:
  std::vector<std::size_t> offsets_;
  std::vector<T> values_;
};

}  // namespace idn
