#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "approx.hpp"
#include "idn/alloc/gain.hpp"
#include "random_idn.hpp"

using namespace idn::alloc;

namespace {
// var j -> index in d.options (by (v, m)).
std::vector<std::size_t> option_of_var(const idn::test::naive_idn& d, const instance& in) {
  std::vector<std::size_t> out(in.num_vars());
  for (std::size_t j = 0; j < in.num_vars(); ++j)
    for (std::size_t o = 0; o < d.options.size(); ++o)
      if (d.options[o].v == in.var_node()[j] && d.options[o].m == in.var_model()[j]) out[j] = o;
  return out;
}
Eigen::VectorXd random_requests(idn::rng& g, std::size_t types) {
  Eigen::VectorXd r(static_cast<Eigen::Index>(types));
  for (auto& x : r) x = g() % 4 == 0 ? 0.0 : static_cast<double>(g() % 40);
  return r;
}
// Naive supergradient oracle straight from the k* definition, over all entries.
Eigen::VectorXd naive_supergradient(const instance& in, const Eigen::VectorXd& y, const batch& b) {
  Eigen::VectorXd g = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(in.num_vars()));
  const auto tb = in.type_begin();
  for (std::size_t t = 0; t < in.num_types(); ++t) {
    const double r = b.requests()[static_cast<Eigen::Index>(t)];
    if (r <= 0) continue;
    double s = 0, cstar = in.fallback_cost()[t];
    for (std::uint32_t e = tb[t]; e < tb[t + 1]; ++e) {
      s += b.capacity()[e] * y[in.entry_var()[e]];
      if (s >= r) { cstar = in.entry_cost()[e]; break; }
    }
    for (std::uint32_t e = tb[t]; e < tb[t + 1]; ++e)
      g[in.entry_var()[e]] += b.capacity()[e] * std::max(0.0, cstar - in.entry_cost()[e]);
  }
  return g;
}
}  // namespace

TEST_CASE("gain oracle: 1000 random IDNs x 20 points equal the naive serving simulator") {
  idn::rng g(301);
  int nontrivial = 0;
  for (int inst_i = 0; inst_i < 1000; ++inst_i) {
    auto d = idn::test::random_idn(g);
    const instance in = d.net.build({d.alpha, d.nu});
    const auto opt = option_of_var(d, in);
    const Eigen::VectorXd r = random_requests(g, in.num_types());
    const batch b = make_batch(in, r);
    const std::vector<double> rv(r.data(), r.data() + r.size());
    const double c_omega = idn::test::naive_cost(d, rv, std::vector<int>(d.options.size(), 0));
    REQUIRE(repository_cost(in, b) == idn::test::rel(c_omega).epsilon(1e-12));
    for (int p = 0; p < 20; ++p) {
      Eigen::VectorXd x(static_cast<Eigen::Index>(in.num_vars()));
      std::vector<int> xo(d.options.size(), 0);
      for (std::size_t j = 0; j < in.num_vars(); ++j) {
        x[static_cast<Eigen::Index>(j)] = static_cast<double>(g() % 2);
        xo[opt[j]] = static_cast<int>(x[static_cast<Eigen::Index>(j)]);
      }
      const double cx = idn::test::naive_cost(d, rv, xo);
      const double G = gain(in, x, b);
      const double tol = 1e-9 * std::max(1.0, c_omega);
      REQUIRE(std::abs(G - (c_omega - cx)) <= tol);
      const serving_summary sv = serve(in, x, b);
      const idn::test::naive_serving ns = idn::test::naive_serve(d, rv, xo);
      REQUIRE(std::abs(sv.cost - cx) <= tol);
      REQUIRE(sv.mean_latency_s == idn::test::rel(ns.mean_latency).epsilon(1e-9));
      REQUIRE(sv.mean_accuracy == idn::test::rel(ns.mean_accuracy).epsilon(1e-9));
      REQUIRE(sv.fallback_share == idn::test::rel(ns.fallback_share).epsilon(1e-9));
      nontrivial += G > 1e-9;
    }
  }
  CHECK(nontrivial > 5000);  // the instances exercise real gains
}

TEST_CASE("supergradient: equals the naive k* formula; concavity incl. kinks; finite differences") {
  idn::rng g(302);
  int fd_checked = 0, kinks = 0;
  for (int trial = 0; trial < 10000; ++trial) {
    auto d = idn::test::random_idn(g);
    const instance in = d.net.build({d.alpha, d.nu});
    if (in.num_vars() == 0) continue;
    const batch b = make_batch(in, random_requests(g, in.num_types()));
    const auto n = static_cast<Eigen::Index>(in.num_vars());
    Eigen::VectorXd y(n), y2(n), gr;
    for (auto& v : y) v = g() % 5 == 0 ? static_cast<double>(g() % 2) : idn::uniform01(g);
    for (auto& v : y2) v = idn::uniform01(g);
    if (trial % 3 == 0) {  // place y on a kink: make some S_ρk equal r exactly
      const auto t = static_cast<std::size_t>(g() % in.num_types());
      const auto tb = in.type_begin();
      const double r = b.requests()[static_cast<Eigen::Index>(t)];
      if (tb[t + 1] > tb[t] && r > 0) {
        const std::uint32_t e = tb[t];
        const double cap = b.capacity()[e];
        if (cap >= r && cap > 0) { y[in.entry_var()[e]] = r / cap; ++kinks; }
      }
    }
    const double L = supergradient(in, y, b, gr);
    REQUIRE(L == idn::test::rel(gain(in, y, b)).epsilon(1e-14));
    const Eigen::VectorXd naive = naive_supergradient(in, y, b);
    for (Eigen::Index j = 0; j < n; ++j) REQUIRE(gr[j] == idn::test::rel(naive[j]).epsilon(1e-12));
    const double c_omega = repository_cost(in, b);
    REQUIRE(gain(in, y2, b) <= L + gr.dot(y2 - y) + 1e-9 * c_omega);
    // Central differences where L is linear across [y ± h e_j]: check by comparing one-sided slopes.
    if (trial < 4000) {
      const double h = 1e-7;
      for (Eigen::Index j = 0; j < n; ++j) {
        Eigen::VectorXd yp = y, ym = y, yp2 = y, ym2 = y;
        yp[j] += h; ym[j] -= h; yp2[j] += 2 * h; ym2[j] -= 2 * h;
        const double fp = gain(in, yp, b), fm = gain(in, ym, b), f0 = L;
        const double right = (fp - f0) / h, left = (f0 - fm) / h;
        const double right2 = (gain(in, yp2, b) - fp) / h, left2 = (fm - gain(in, ym2, b)) / h;
        const double scale = std::max(1.0, std::abs(right));
        // generic point: no kink within ±2h
        if (std::abs(right - left) > 1e-6 * scale || std::abs(right2 - right) > 1e-6 * scale ||
            std::abs(left2 - left) > 1e-6 * scale)
          continue;
        REQUIRE((fp - fm) / (2 * h) == idn::test::rel(gr[j]).epsilon(1e-6).scale(std::max(1.0, std::abs(gr[j]))));
        ++fd_checked;
      }
    }
  }
  CHECK(fd_checked >= 2000);
  CHECK(kinks >= 100);
}

// (That capping l̃ = min(l, r) leaves integral gains unchanged is checked by the gain oracle above,
// whose simulator serves with uncapped capacities.)
TEST_CASE("gain: zero allocation gains nothing; bad points and foreign batches are rejected") {
  idn::rng g(303);
  auto d = idn::test::random_idn(g);
  const instance in = d.net.build({d.alpha, d.nu});
  const batch b = make_batch(in, random_requests(g, in.num_types()));
  Eigen::VectorXd y = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(in.num_vars()));
  CHECK(gain(in, y, b) == 0);
  Eigen::VectorXd bad(static_cast<Eigen::Index>(in.num_vars()) + 1);
  bad.setZero();
  CHECK_THROWS_WITH_AS(gain(in, bad, b), doctest::Contains("idn::alloc::gain: y.size() = 10: must equal num_vars = 9"), idn::invalid_input);
  if (in.num_vars() > 0) {
    y[0] = NAN;
    CHECK_THROWS_WITH_AS(gain(in, y, b), doctest::Contains("y[0] = nan"), idn::invalid_input);
  }
  const instance other = d.net.build({d.alpha, d.nu});
  const batch foreign = make_batch(other, random_requests(g, other.num_types()));
  CHECK_THROWS_WITH_AS(gain(in, Eigen::VectorXd::Zero(static_cast<Eigen::Index>(in.num_vars())), foreign),
                       doctest::Contains("another instance"), idn::invalid_input);
}

TEST_CASE("slot_scan_unchecked: L(y), g and C(omega) bitwise equal to supergradient and repository_cost, G(x) to gain within 1e-13, 1,000 random IDNs x 10 points") {
  idn::rng g(909);
  for (int inst_i = 0; inst_i < 1000; ++inst_i) {
    auto d = idn::test::random_idn(g);
    const instance in = d.net.build({d.alpha, d.nu});
    const batch b = make_batch(in, random_requests(g, in.num_types()));
    const auto n = static_cast<Eigen::Index>(in.num_vars());
    for (int p = 0; p < 10; ++p) {
      Eigen::VectorXd y(n), x(n), g_ref, g_fused = Eigen::VectorXd::Constant(n, 7.0);  // stale values must be overwritten
      std::vector<std::uint8_t> loaded(in.num_vars());
      for (Eigen::Index j = 0; j < n; ++j) y[j] = idn::uniform01(g), x[j] = static_cast<double>(g() % 2);
      const slot_values v = detail::slot_scan_unchecked(in, y.data(), x.data(), b, g_fused.data(), loaded.data());
      const double L = supergradient(in, y, b, g_ref);
      CAPTURE(inst_i);
      REQUIRE(v.fractional_gain == L);
      const double G = gain(in, x, b);
      REQUIRE(std::abs(v.integral_gain - G) <= 1e-13 * std::max(1.0, repository_cost(in, b)));
      REQUIRE(v.repository_cost == repository_cost(in, b));
      for (Eigen::Index j = 0; j < n; ++j) REQUIRE(g_fused[j] == g_ref[j]);
    }
  }
}
