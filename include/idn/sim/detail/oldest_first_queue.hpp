#pragma once
/// A min-heap of waiting jobs by (created time, arrival order at the queue): the
/// oldest-created-first order of sim::station (queue_order::oldest_created). Internal.
#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace idn::sim::detail {

/// Holds T values with a creation time; pop() returns the one created first, ties in push order.
/// O(log n) per push/pop; no allocation once the heap has grown to its high-water mark.
template <class T>
class oldest_first_queue {
public:
  explicit oldest_first_queue(std::size_t capacity_hint) { heap_.reserve(capacity_hint); }
  std::size_t size() const noexcept { return heap_.size(); }
  bool empty() const noexcept { return heap_.empty(); }
  void push(T v, double created) {
    heap_.push_back({std::move(v), created, seq_++});
    std::push_heap(heap_.begin(), heap_.end(), later);
  }
  T pop() {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    T v = std::move(heap_.back().value);
    heap_.pop_back();
    return v;
  }

private:
  struct entry {
    T value;
    double created;
    std::uint64_t seq;
  };
  static bool later(const entry& a, const entry& b) noexcept {  // std heaps keep the "largest" on top
    if (a.created != b.created) return a.created > b.created;
    return a.seq > b.seq;
  }
  std::vector<entry> heap_;
  std::uint64_t seq_ = 0;
};

}  // namespace idn::sim::detail
