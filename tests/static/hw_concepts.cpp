// Compile-only: concepts accept the archetypes and stock types, reject near misses, and the
// chain algorithms instantiate with archetypes only.
#include "hw_archetypes.hpp"
#include "idn/dnn/profile.hpp"
#include "idn/hw/any.hpp"
#include "idn/hw/energy.hpp"
#include "idn/hw/estimate.hpp"
#include "idn/hw/linear_model.hpp"
#include "idn/hw/link.hpp"
#include "idn/hw/profile_table.hpp"
#include "idn/hw/roofline.hpp"

namespace a = idn::archetypes;
using namespace idn::hw;
using idn::dnn::layer;
using idn::dnn::precision;

static_assert(compute_device<a::minimal_device>);
static_assert(!powered_device<a::minimal_device>);
static_assert(powered_device<a::minimal_powered_device>);
static_assert(link_model<a::minimal_link>);
static_assert(!powered_link<a::minimal_link>);
static_assert(powered_link<a::minimal_powered_link>);
static_assert(idn::dnn::layer_chain<a::minimal_chain>);
static_assert(idn::dnn::layer_chain<idn::dnn::profile>);

static_assert(powered_device<roofline_device>);
static_assert(powered_device<any_device>);
static_assert(compute_device<profile_table_device<roofline_device>>);
static_assert(compute_device<profile_table_device<a::minimal_device>>);
static_assert(compute_device<linear_layer_model>);
static_assert(powered_link<affine_link>);
static_assert(powered_link<any_link>);
struct len_fn { double operator()(double b) const noexcept { return b * 1e-9; } };
static_assert(link_model<function_link<len_fn>>);

namespace near_miss {
struct not_noexcept {
  double latency(const layer&) const { return 0; }
  double work_time(double, double, precision) const noexcept { return 0; }
  double memory_bytes() const noexcept { return 1; }
};
struct returns_float {
  float latency(const layer&) const noexcept { return 0; }
  double work_time(double, double, precision) const noexcept { return 0; }
  double memory_bytes() const noexcept { return 1; }
};
struct non_const {
  double latency(const layer&) noexcept { return 0; }
  double work_time(double, double, precision) const noexcept { return 0; }
  double memory_bytes() const noexcept { return 1; }
};
struct no_memory {
  double latency(const layer&) const noexcept { return 0; }
  double work_time(double, double, precision) const noexcept { return 0; }
};
struct link_float { float transfer_time(double) const noexcept { return 0; } };
struct link_throws { double transfer_time(double) const { return 0; } };
struct chain_no_input {
  std::size_t num_layers() const noexcept { return 0; }
  const layer& layer_at(std::size_t) const noexcept;
};
}  // namespace near_miss
static_assert(!compute_device<near_miss::not_noexcept>);
static_assert(!compute_device<near_miss::returns_float>);
static_assert(!compute_device<near_miss::non_const>);
static_assert(!compute_device<near_miss::no_memory>);
static_assert(!link_model<near_miss::link_float>);
static_assert(!link_model<near_miss::link_throws>);
static_assert(!idn::dnn::layer_chain<near_miss::chain_no_input>);

// The chain algorithms instantiate with the archetypes alone.
[[maybe_unused]] void instantiate_with_archetypes() {
  const a::minimal_device d(0);
  const a::minimal_powered_device pd(0);
  const a::minimal_powered_link pl(0);
  const a::minimal_chain n(0);
  (void)layer_times(d, n);
  (void)model_time(d, n);
  (void)memory_fit(d, n);
  (void)compute_energy(pd, 1.0);
  (void)transmit_energy(pl, 1.0);
  (void)split_request_energy(pd, pl, n, 1, 0.0);
  const any_device erased = d;
  const any_link erased_link = a::minimal_link(0);
  (void)erased.latency(n.layer(0));
  (void)erased_link.transfer_time(1);
}
