#pragma once
/// A growable circular deque over a flat array: O(1) push/pop at both ends, geometric growth
/// only when full, no allocation otherwise.
#include <cstddef>
#include <utility>
#include <vector>

namespace idn::sim::detail {

template <class T>
class ring {
public:
  explicit ring(std::size_t capacity = 16) : buf_(capacity < 2 ? 2 : capacity) {}

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  /// Precondition: !empty().
  T& front() noexcept { return buf_[head_]; }

  void push_back(T v) {
    grow_if_full();
    buf_[(head_ + size_) % buf_.size()] = std::move(v);
    ++size_;
  }
  void push_front(T v) {
    grow_if_full();
    head_ = (head_ + buf_.size() - 1) % buf_.size();
    buf_[head_] = std::move(v);
    ++size_;
  }
  /// Precondition: !empty().
  T pop_front() noexcept {
    T v = std::move(buf_[head_]);
    head_ = (head_ + 1) % buf_.size();
    --size_;
    return v;
  }

private:
  void grow_if_full() {
    if (size_ < buf_.size()) return;
    std::vector<T> bigger(buf_.size() * 2);
    for (std::size_t i = 0; i < size_; ++i) bigger[i] = std::move(buf_[(head_ + i) % buf_.size()]);
    buf_ = std::move(bigger);
    head_ = 0;
  }
  std::vector<T> buf_;
  std::size_t head_ = 0, size_ = 0;
};

}  // namespace idn::sim::detail
