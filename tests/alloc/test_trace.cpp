#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "approx.hpp"
#include "idn/alloc/trace.hpp"
#include "idn/io/csv.hpp"
#include "idn/io/eigen.hpp"
#include "idn/io/npy.hpp"
#include "random_idn.hpp"

using namespace idn::alloc;

namespace {
instance many_types(idn::rng& g) {
  for (;;) {
    auto d = idn::test::random_idn(g);
    if (d.types.size() >= 5) return d.net.build({d.alpha, d.nu});
  }
}
}  // namespace

TEST_CASE("zipf_trace: sampled frequencies within 5 sigma of p; p is Zipf over a permutation") {
  idn::rng g(901);
  const instance in = many_types(g);
  zipf_options z;
  z.exponent = 1.1;
  z.requests_per_slot = 100000;
  z.seed = 5;
  z.sample = false;
  const trace expected = zipf_trace(in, 10, z);
  z.sample = true;
  const trace sampled = zipf_trace(in, 10, z);  // 1e6 requests in all
  const Eigen::VectorXd p = expected.row(0).transpose() / z.requests_per_slot;
  std::vector<double> sorted(p.data(), p.data() + p.size());
  std::sort(sorted.rbegin(), sorted.rend());
  for (std::size_t r = 1; r < sorted.size(); ++r)
    CHECK(sorted[r] / sorted[0] == idn::test::rel(std::pow(static_cast<double>(r + 1), -1.1)).epsilon(1e-12));
  const double N = sampled.sum();
  CHECK(N == 1e6);
  for (Eigen::Index t = 0; t < p.size(); ++t) {
    const double freq = sampled.col(t).sum() / N;
    CHECK(std::abs(freq - p[t]) <= 5 * std::sqrt(p[t] * (1 - p[t]) / N));
  }
}

TEST_CASE("zipf_trace: slide and reshuffle change ranks exactly at multiples of period; deterministic by seed") {
  idn::rng g(902);
  const instance in = many_types(g);
  for (drift d : {drift::slide, drift::reshuffle}) {
    zipf_options z;
    z.sample = false;
    z.change = d;
    z.period = 7;
    z.shift = 1;
    z.seed = 3;
    const trace tr = zipf_trace(in, 50, z);
    for (Eigen::Index t = 1; t < tr.rows(); ++t) {
      const bool changed = (tr.row(t) - tr.row(t - 1)).cwiseAbs().maxCoeff() > 0;
      if (t % 7 != 0) REQUIRE(!changed);
      else if (d == drift::slide) REQUIRE(changed);
    }
    REQUIRE(zipf_trace(in, 50, z) == tr);
    z.seed = 4;
    if (d == drift::reshuffle) REQUIRE(zipf_trace(in, 50, z) != tr);
  }
  zipf_options bad;
  CHECK_THROWS_WITH_AS(zipf_trace(in, 0, bad), doctest::Contains("slots = 0"), idn::invalid_input);
  bad.exponent = -1;
  CHECK_THROWS_WITH_AS(zipf_trace(in, 5, bad), doctest::Contains("exponent = -1"), idn::invalid_input);
  bad.exponent = 1;
  bad.period = 0;
  CHECK_THROWS_WITH_AS(zipf_trace(in, 5, bad), doctest::Contains("period = 0"), idn::invalid_input);
}

TEST_CASE("zipf_trace: alternate takes turns between exactly two rankings; node_exponent weights ingress nodes as stated") {
  idn::rng g(903);
  const instance in = many_types(g);
  zipf_options z;
  z.requests_per_slot = 1000;
  z.sample = false;
  z.change = drift::alternate;
  z.period = 3;
  z.seed = 11;
  const trace tr = zipf_trace(in, 30, z);
  for (Eigen::Index t = 0; t < 30; ++t) {
    CAPTURE(t);
    CHECK(tr.row(t) == tr.row(t % 6));                       // period 2·period
    CHECK((tr.row(t) == tr.row(t - t % 3)));                 // constant within a phase
  }
  CHECK(tr.row(0) != tr.row(3));                               // the two rankings differ
  CHECK(tr.row(0).sum() == doctest::Approx(1000));
  // Both phases are Zipf: the same sorted values, in a different order.
  std::vector<double> a(tr.row(0).data(), tr.row(0).data() + tr.cols()), b(tr.row(3).data(), tr.row(3).data() + tr.cols());
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  for (std::size_t k = 0; k < a.size(); ++k) CHECK(a[k] == doctest::Approx(b[k]).epsilon(1e-12));
  // node_exponent: with a flat popularity (exponent 0) each ingress node's share is
  // n_v w_v / Σ_u n_u w_u, with w = rank^-e over some ranking; the set of weights is known.
  zipf_options f;
  f.exponent = 0;
  f.node_exponent = 1.5;
  f.sample = false;
  f.requests_per_slot = 1;
  const trace ft = zipf_trace(in, 1, f);
  std::vector<double> share(in.num_nodes(), 0.0), count(in.num_nodes(), 0.0);
  for (std::size_t t = 0; t < in.num_types(); ++t) {
    const auto v = in.type_path(static_cast<type_id>(t)).front();
    share[v] += ft(0, static_cast<Eigen::Index>(t));
    count[v] += 1;
  }
  std::vector<double> w;  // implied weight per ingress node, up to one factor
  for (std::size_t v = 0; v < in.num_nodes(); ++v)
    if (count[v] > 0) w.push_back(share[v] / count[v]);
  std::sort(w.rbegin(), w.rend());
  for (std::size_t k = 1; k < w.size(); ++k) {
    // Each implied weight is (rank)^-1.5 times the largest one, for ranks taken from 1..num_nodes.
    const double rank = std::pow(w[0] / w[k], 1 / 1.5);
    CHECK(rank == doctest::Approx(std::round(rank)).epsilon(1e-9));
    CHECK(std::round(rank) >= 2);
  }
  f.node_exponent = -1;
  CHECK_THROWS_WITH_AS(zipf_trace(in, 1, f), doctest::Contains("node_exponent = -1"), idn::invalid_input);
}

TEST_CASE("traces round-trip through idn::io (.npy float64 and int64, .csv) into to_trace bit-exactly") {
  idn::rng g(903);
  const instance in = many_types(g);
  zipf_options z;
  z.requests_per_slot = 500;
  z.change = drift::reshuffle;
  z.period = 3;
  const trace tr = zipf_trace(in, 12, z);
  const auto dir = std::filesystem::temp_directory_path();
  const Eigen::MatrixXd m = tr;
  idn::io::save_npy(dir / "idn_trace_f8.npy", m);
  xt::xarray<std::int64_t> ints = xt::xarray<std::int64_t>::from_shape({static_cast<std::size_t>(tr.rows()), static_cast<std::size_t>(tr.cols())});
  for (Eigen::Index t = 0; t < tr.rows(); ++t)
    for (Eigen::Index c = 0; c < tr.cols(); ++c) ints(static_cast<std::size_t>(t), static_cast<std::size_t>(c)) = static_cast<std::int64_t>(tr(t, c));
  idn::io::save_npy(dir / "idn_trace_i8.npy", ints);
  std::vector<std::string> names;
  for (Eigen::Index c = 0; c < tr.cols(); ++c) names.push_back(idn::concat("type", c));
  idn::io::save_csv(dir / "idn_trace.csv", names, m);
  for (const char* f : {"idn_trace_f8.npy", "idn_trace_i8.npy", "idn_trace.csv"}) {
    const std::filesystem::path path = dir / f;
    const Eigen::MatrixXd back = path.extension() == ".npy" ? idn::io::load_npy_matrix(path) : idn::io::load_csv_matrix(path);
    const trace t2 = to_trace(in, back);
    REQUIRE(std::memcmp(t2.data(), tr.data(), sizeof(double) * static_cast<std::size_t>(tr.size())) == 0);
    std::filesystem::remove(path);
  }
  Eigen::MatrixXd wrong = Eigen::MatrixXd::Zero(2, tr.cols() + 1);
  CHECK_THROWS_WITH_AS(to_trace(in, wrong), doctest::Contains("idn::alloc::to_trace: counts.cols() = 7: must equal num_types = 6"), idn::invalid_input);
  Eigen::MatrixXd neg = Eigen::MatrixXd::Zero(2, tr.cols());
  neg(1, 0) = -1;
  CHECK_THROWS_WITH_AS(to_trace(in, neg), doctest::Contains("counts(slot 1, type 0) = -1"), idn::invalid_input);
  neg(1, 0) = NAN;
  CHECK_THROWS_WITH_AS(to_trace(in, neg), doctest::Contains("= nan"), idn::invalid_input);
  CHECK_THROWS_AS(make_batch(in, tr, 99), idn::invalid_input);
}
