#pragma once
// The naive reference engine for benchmarks: std::priority_queue of (t, q, std::function).
// Same (t, q) ordering as idn::sim::simulator; allocates per event when captures exceed
// std::function's small buffer.
#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

namespace idn::test {

class naive_simulator {
public:
  double now() const noexcept { return now_; }
  void schedule_at(double t, std::function<void()> f) { q_.push({t, seq_++, std::move(f)}); }
  bool step() {
    if (q_.empty()) return false;
    entry e = q_.top();  // priority_queue::top is const: copy, as naive code does
    q_.pop();
    now_ = e.t;
    e.f();
    return true;
  }

private:
  struct entry {
    double t;
    std::uint64_t q;
    std::function<void()> f;
    bool operator<(const entry& o) const noexcept { return t > o.t || (t == o.t && q > o.q); }
  };
  std::priority_queue<entry> q_;
  double now_ = 0;
  std::uint64_t seq_ = 0;
};

}  // namespace idn::test
