// io/eigen.hpp (with io/csv.hpp): 1e5 random doubles, subnormals included, survive a CSV round
// trip bit-exactly, through an Eigen matrix and through a csv_table.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "idn/core/random.hpp"
#include "idn/io/csv.hpp"
#include "idn/io/eigen.hpp"

namespace fs = std::filesystem;
using namespace idn::io;

TEST_CASE("csv: 1e5 random doubles, subnormals included, survive a round trip bit-exactly") {
  idn::rng g(71);
  const std::size_t rows = 12500, cols = 8;
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) {
    std::uint64_t bits = g();
    if (i % 7 == 0) bits &= 0x800fffffffffffffULL;  // subnormal (or zero)
    double x;
    std::memcpy(&x, &bits, 8);
    if (!std::isfinite(x)) x = static_cast<double>(i);
    m.data()[i] = x;
  }
  const std::vector<std::string> names{"a", "b,c", "d\"e", "f", "g", "h", "i", "j"};
  const auto p = fs::temp_directory_path() / "idn_test_io_rt.csv";
  save_csv(p, names, m);
  const auto back = load_csv_matrix(p);
  REQUIRE(back.rows() == m.rows());
  REQUIRE(std::memcmp(back.data(), m.data(), sizeof(double) * std::size_t(m.size())) == 0);
  const auto t = load_csv(p);
  CHECK(t.columns == names);
  CHECK(t.values(rows - 1, 7) == m(Eigen::Index(rows - 1), 7));
  save_csv(p, t);
  CHECK(load_csv_matrix(p) == m);
  fs::remove(p);
}
