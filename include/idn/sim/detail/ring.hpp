#pragma once
/// A growable circular deque over a flat array: O(1) push/pop at both ends, geometric growth
/// only when full, no allocation otherwise. The capacity is a power of two, so wrapping is a
/// mask, not a division.
#include <cstddef>
#include <utility>
#include <vector>

namespace idn::sim::detail {

template <class T>
class ring {
public:
  /// Room for at least `capacity` elements (rounded up to a power of two, at least 2).
  explicit ring(std::size_t capacity = 16) : buf_(round_up(capacity)), mask_(buf_.size() - 1) {}

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  /// Precondition: !empty().
  T& front() noexcept { return buf_[head_]; }

  void push_back(T v) {
    grow_if_full();
    buf_[(head_ + size_) & mask_] = std::move(v);
    ++size_;
  }
  void push_front(T v) {
    grow_if_full();
    head_ = (head_ + mask_) & mask_;
    buf_[head_] = std::move(v);
    ++size_;
  }
  /// Precondition: !empty().
  T pop_front() noexcept {
    T v = std::move(buf_[head_]);
    head_ = (head_ + 1) & mask_;
    --size_;
    return v;
  }

private:
  static std::size_t round_up(std::size_t n) noexcept {
    std::size_t c = 2;
    while (c < n) c *= 2;
    return c;
  }
  void grow_if_full() {
    if (size_ <= mask_) return;
    std::vector<T> bigger(buf_.size() * 2);
    for (std::size_t i = 0; i < size_; ++i) bigger[i] = std::move(buf_[(head_ + i) & mask_]);
    buf_ = std::move(bigger);
    mask_ = buf_.size() - 1;
    head_ = 0;
  }
  std::vector<T> buf_;
  std::size_t mask_;
  std::size_t head_ = 0, size_ = 0;
};

}  // namespace idn::sim::detail
