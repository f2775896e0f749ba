// docs/serve.md "Placement": place == brute force over every (last_tier, ends) on 500 random
// instances (masks, memory caps, links, targets; some infeasible); replicas never hurt.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "approx.hpp"
#include "idn/core/random.hpp"
#include "idn/serve/placement.hpp"

using namespace idn::serve;

namespace {
chain random_chain(idn::rng& g) {
  const Eigen::Index N = 1 + static_cast<Eigen::Index>(g() % 8), K = 1 + static_cast<Eigen::Index>(g() % 4);
  chain c;
  for (Eigen::Index e = 0; e < N; ++e) c.elements.push_back("e");
  c.seconds.resize(N, K);
  for (Eigen::Index e = 0; e < N; ++e)
    for (Eigen::Index k = 0; k < K; ++k) c.seconds(e, k) = g() % 8 == 0 ? INFINITY : 0.001 * (1 + static_cast<double>(g() % 50)) / static_cast<double>(k + 1);
  c.boundary_bytes.resize(N + 1);
  for (auto& b : c.boundary_bytes) b = 1e3 * (1 + static_cast<double>(g() % 1000));
  c.weight_bytes.resize(N), c.workspace_bytes.resize(N);
  for (Eigen::Index e = 0; e < N; ++e) c.weight_bytes[e] = 1e6 * static_cast<double>(g() % 10), c.workspace_bytes[e] = 1e5 * static_cast<double>(g() % 10);
  c.overhead.resize(K), c.capacity.resize(K), c.replicas.resize(K);
  for (Eigen::Index k = 0; k < K; ++k) {
    c.overhead[k] = 1e-4 * static_cast<double>(g() % 5);
    c.capacity[k] = g() % 3 == 0 ? 1e7 * static_cast<double>(1 + g() % 5) : INFINITY;
    c.replicas[k] = static_cast<double>(1 + g() % 4);
  }
  c.up_seconds.resize(K - 1, N + 1), c.down_seconds.resize(K - 1, N + 1), c.up_serial.resize(K - 1, N + 1), c.down_serial.resize(K - 1, N + 1);
  for (Eigen::Index k = 0; k + 1 < K; ++k) {
    const double rate = 1e6 * (1 + static_cast<double>(g() % 100)), lat = 1e-3 * static_cast<double>(g() % 5);
    for (Eigen::Index j = 0; j <= N; ++j) {
      c.up_serial(k, j) = 8 * c.boundary_bytes[j] / rate, c.up_seconds(k, j) = lat + c.up_serial(k, j);
      c.down_serial(k, j) = 8 * c.boundary_bytes[j] / (2 * rate), c.down_seconds(k, j) = lat + c.down_serial(k, j);
    }
  }
  return c;
}
}  // namespace

TEST_CASE("place == brute force over every (last_tier, ends) on 500 random instances") {
  idn::rng g(11001);
  int infeasible = 0, hopeless = 0;
  for (int rep = 0; rep < 500; ++rep) {
    const chain c = random_chain(g);
    const auto N = static_cast<std::size_t>(c.seconds.rows()), K = static_cast<std::size_t>(c.seconds.cols());
    placement_options o;
    o.throughput = g() % 4 == 0 ? 0.0 : 10.0 * static_cast<double>(1 + g() % 200);
    o.max_utilization = 0.5 + 0.5 * idn::uniform01(g);
    o.return_result = g() % 2;
    // Brute force.
    bool any = false, any_finite = false;
    double best_lat = INFINITY, best_u = INFINITY, best_u_lat = INFINITY;
    std::vector<std::size_t> ends(K);
    auto rec = [&](auto&& self, std::size_t k, std::size_t last) -> void {
      if (k == last) {
        for (std::size_t q = last; q < K; ++q) ends[q] = N;
        if (last > 0 && ends[last - 1] == N) return;  // the last tier must run something
        const placement p = evaluate(c, ends, last, o);
        if (!std::isfinite(p.max_utilization)) return;  // masks or memory rule it out
        any_finite = true;
        if (idn::has_answer(p.status)) any = true, best_lat = std::min(best_lat, p.latency);
        if (p.max_utilization < best_u || (p.max_utilization == best_u && p.latency < best_u_lat)) best_u = p.max_utilization, best_u_lat = p.latency;
        return;
      }
      for (std::size_t v = k == 0 ? 0 : ends[k - 1]; v <= N; ++v) ends[k] = v, self(self, k + 1, last);
    };
    for (std::size_t last = 0; last < K; ++last) rec(rec, 0, last);
    const placement p = place(c, o);
    CAPTURE(rep);
    REQUIRE(idn::has_answer(p.status) == any);
    if (any) {
      REQUIRE(idn::test::relatively_equal(p.latency, best_lat));
    } else if (any_finite) {
      ++infeasible;
      REQUIRE(std::isfinite(p.latency));
      REQUIRE(idn::test::relatively_equal(p.max_utilization, best_u));
    } else {
      ++hopeless;
      REQUIRE(p.ends.empty());
    }
    if (!p.ends.empty()) {  // evaluate reproduces place's fields
      const placement q = evaluate(c, p.ends, p.last_tier, o);
      REQUIRE(q.latency == p.latency);
      REQUIRE(idn::has_answer(q.status) == idn::has_answer(p.status));
    }
    // More replicas never raise the optimum.
    chain more = c;
    more.replicas.array() += 1;
    const placement m = place(more, o);
    if (idn::has_answer(p.status)) REQUIRE((idn::has_answer(m.status) && m.latency <= p.latency * (1 + 1e-12)));
  }
  CHECK(infeasible > 10);
  CHECK(hopeless > 10);  // the no-finite-placement branch is exercised (83 of 500)
}

TEST_CASE("placement options and ends are validated") {
  idn::rng g(11002);
  chain c = random_chain(g);
  while (c.seconds.cols() < 2) c = random_chain(g);
  CHECK_THROWS_WITH_AS(place(c, {-1.0}), doctest::Contains("throughput = -1"), idn::invalid_input);
  CHECK_THROWS_WITH_AS(place(c, {1.0, 1.5}), doctest::Contains("max_utilization = 1.5"), idn::invalid_input);
  const auto N = static_cast<std::size_t>(c.seconds.rows()), K = static_cast<std::size_t>(c.seconds.cols());
  std::vector<std::size_t> ends(K, N);
  CHECK_THROWS_AS(evaluate(c, std::vector<std::size_t>(K + 1, N), 0), idn::invalid_input);
  CHECK_THROWS_AS(evaluate(c, ends, K), idn::invalid_input);
  ends[0] = N + 1;
  CHECK_THROWS_WITH_AS(evaluate(c, ends, 0), doctest::Contains("ends[0]"), idn::invalid_input);
}

#include "idn/dnn/zoo.hpp"
#include "idn/hw/link.hpp"
#include "idn/hw/presets.hpp"
#include "idn/hw/roofline.hpp"
