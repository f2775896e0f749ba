#pragma once
/// Concept archetypes: exactly the members the concepts promise, no default constructor. An
/// algorithm that compiles with these uses nothing beyond the concept.
#include <cstddef>

#include "idn/dnn/layer.hpp"

namespace idn::archetypes {

struct minimal_device {
  explicit minimal_device(int) {}
  double latency(const dnn::layer&) const noexcept { return 1e-3; }
  double work_time(double, double, dnn::precision) const noexcept { return 1e-3; }
  double memory_bytes() const noexcept { return 1e9; }
};

struct minimal_powered_device {
  explicit minimal_powered_device(int) {}
  double latency(const dnn::layer&) const noexcept { return 1e-3; }
  double work_time(double, double, dnn::precision) const noexcept { return 1e-3; }
  double memory_bytes() const noexcept { return 1e9; }
  double active_power() const noexcept { return 2; }
  double idle_power() const noexcept { return 1; }
};

struct minimal_link {
  explicit minimal_link(int) {}
  double transfer_time(double bytes) const noexcept { return 1e-3 + bytes * 1e-9; }
};

struct minimal_powered_link {
  explicit minimal_powered_link(int) {}
  double transfer_time(double bytes) const noexcept { return 1e-3 + bytes * 1e-9; }
  double transmit_power() const noexcept { return 1; }
};

/// Models dnn::layer_chain with nothing else.
struct minimal_chain {
  explicit minimal_chain(int) {}
  std::size_t num_layers() const noexcept { return 1; }
  const dnn::layer& layer(std::size_t) const noexcept { return l_; }
  double input_bytes() const noexcept { return 1; }

 private:
  dnn::layer l_{};
};

}  // namespace idn::archetypes
