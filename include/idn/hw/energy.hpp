#pragma once
/// Energy: compute energy on powered devices, transmit energy on powered links, and the device
/// energy of a request split after a layer (Neurosurgeon's composition).
#include <cmath>
#include <cstddef>
#include <string>

#include "idn/core/check.hpp"
#include "idn/core/error.hpp"
#include "idn/core/format.hpp"
#include "idn/dnn/profile.hpp"
#include "idn/hw/concepts.hpp"

namespace idn::hw {

/// whole_board: E = P_act·t; incremental: E = (P_act − P_idle)·t.
enum class energy_basis : std::uint8_t { whole_board, incremental };

namespace detail {
template <powered_device D>
double checked_active_power(const D& d) {
  const double pa = d.active_power(), pi = d.idle_power();
  if (!(pa > 0) || !std::isfinite(pa))
    reject("hw::checked_active_power", concat("active_power() of device '", device_name(d), "'"), pa, "must be finite and > 0 W (clause C4)");
  if (!(pi >= 0) || pi > pa)
    reject("hw::checked_active_power", concat("idle_power() of device '", device_name(d), "'"), pi, concat("must lie in [0, active_power = ", pa, "] W (clause C4)"));
  return pa;
}
}  // namespace detail

/// Joules for `seconds` of compute. Throws when active power is unknown (0 W) or seconds < 0.
template <powered_device D>
double compute_energy(const D& d, double seconds, energy_basis basis = energy_basis::whole_board) {
  check::finite_nonnegative("idn::hw::compute_energy: seconds", seconds);
  const double pa = detail::checked_active_power(d);
  return (basis == energy_basis::whole_board ? pa : pa - d.idle_power()) * seconds;
}

/// Joules to send `bytes`: E_tx = P_tx · σ(S), σ(S) = x(S) − x(0) (latency is not transmitting).
template <powered_link L>
double transmit_energy(const L& l, double bytes) {
  check::finite_nonnegative("idn::hw::transmit_energy: bytes", bytes);
  const double p = l.transmit_power();
  check::finite_nonnegative("idn::hw::transmit_energy: transmit_power()", p);
  return p * (checked_transfer_time(l, bytes) - checked_transfer_time(l, 0.0));
}

/// Device energy of a request whose first `local_layers` layers run on the device, which then
/// sends the cut activation (the input when local_layers = 0; nothing when all layers are local)
/// and idles for `wait_seconds`: Σ_{i<k} P_act t_i + E_tx(S) + P_idle·T_wait. O(k).
template <powered_device D, powered_link L, dnn::layer_chain N>
double split_request_energy(const D& d, const L& link, const N& n, std::size_t local_layers, double wait_seconds) {
  if (local_layers > n.num_layers())
    reject("hw::split_request_energy", "local_layers", local_layers, concat("must be <= the number of layers = ", n.num_layers()));
  check::finite_nonnegative("idn::hw::split_request_energy: wait_seconds", wait_seconds);
  const double pa = detail::checked_active_power(d);
  double e = 0;
  for (std::size_t i = 0; i < local_layers; ++i) e += pa * checked_latency(d, n.layer(i));
  if (local_layers < n.num_layers())
    e += transmit_energy(link, local_layers == 0 ? n.input_bytes() : n.layer(local_layers - 1).output_bytes);
  return e + d.idle_power() * wait_seconds;
}

}  // namespace idn::hw
