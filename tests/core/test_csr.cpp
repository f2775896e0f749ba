#include <doctest/doctest.h>

#include <vector>

#include "idn/core/csr.hpp"
#include "idn/core/random.hpp"

TEST_CASE("csr_array: rows equal the packed vectors (random shapes)") {
  idn::rng g(1);
  for (int t = 0; t < 200; ++t) {
    std::vector<std::vector<int>> rows(g() % 20);
    for (auto& r : rows) {
      r.resize(g() % 6);
      for (auto& v : r) v = static_cast<int>(g() % 1000);
    }
    idn::csr_array<int> c(rows);
    REQUIRE(c.rows() == rows.size());
    std::size_t total = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto row = c[i];
      REQUIRE(row.size() == rows[i].size());
      for (std::size_t j = 0; j < row.size(); ++j) CHECK(row[j] == rows[i][j]);
      total += rows[i].size();
    }
    CHECK(c.size() == total);
  }
}

TEST_CASE("csr_array: bad offsets are rejected") {
  CHECK_THROWS_AS(idn::csr_array<int>({1, 2}, {1, 2}), idn::invalid_input);
  CHECK_THROWS_AS(idn::csr_array<int>({0, 2, 1, 2}, {1, 2}), idn::invalid_input);
  CHECK_THROWS_AS(idn::csr_array<int>({}, {}), idn::invalid_input);
  idn::csr_array<int> ok({0, 0, 2}, {5, 6});
  CHECK(ok.row_size(0) == 0);
  CHECK(ok[1][1] == 6);
}
