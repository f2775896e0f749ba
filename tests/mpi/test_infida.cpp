// idn/mpi/infida.hpp under mpiexec -n 2: bad owner maps are rejected with invalid_input naming the field,
// partition_nodes leaves no rank empty, and
// agent() refuses nodes of another rank. (Bit-identity: example.alloc_mpi_simulation.*.)
#include <mpi.h>

#include <cstdio>
#include <string>

#include "error_of.hpp"
#include "idn/alloc/scenario.hpp"
#include "idn/mpi/infida.hpp"

namespace {
int failures = 0;
void check(bool ok, const char* what) {
  if (!ok) ++failures, std::fprintf(stderr, "FAILED: %s\n", what);
}
}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  idn::alloc::synthetic_options p;
  p.fanout = {3, 3, 3};
  p.tasks = 3;
  const idn::alloc::instance in = idn::alloc::synthetic_tiered(p).build();
  const idn::alloc::infida_options o;

  // partition_nodes: owners in range, and every rank owns a node (40 nodes, up to 5 ranks; the
  // cloud alone carries more than a fifth of the work).
  for (int R : {1, 2, 3, 5}) {
    const auto owner = idn::mpi::partition_nodes(in, R);
    std::vector<int> count(static_cast<std::size_t>(R), 0);
    for (const int r : owner) check(r >= 0 && r < R, "partition_nodes: owner in range"), ++count[static_cast<std::size_t>(r)];
    for (const int c : count) check(c > 0, "partition_nodes: every rank owns a node");
  }
  check(idn::test::error_of([&] { idn::mpi::partition_nodes(in, 0); }).find("ranks = 0") != std::string::npos, "partition_nodes: ranks = 0 named");

  // Bad owner maps (collective constructor: every rank throws the same error before any MPI call
  // after the size check, so no rank is left waiting).
  check(idn::test::error_of([&] { idn::mpi::rank_agents a(MPI_COMM_WORLD, in, o, std::vector<int>(3, 0)); }).find("idn::mpi::rank_agents: owner.size() = 3: must equal num_nodes = ") != std::string::npos,
        "rank_agents: owner size named");
  std::vector<int> bad(in.num_nodes(), 0);
  bad[5] = size;
  check(idn::test::error_of([&] { idn::mpi::rank_agents a(MPI_COMM_WORLD, in, o, bad); }).find("owner[5]") != std::string::npos,
        "rank_agents: owner index and value named");

  // agent(v) of another rank's node.
  idn::mpi::rank_agents agents(MPI_COMM_WORLD, in, o);
  for (idn::alloc::node_id v{0}; v < in.num_nodes(); ++v)
    if (agents.owner()[v] != rank) {
      check(idn::test::error_of([&] { agents.agent(v); }).find(": must be a node owned by this rank ") != std::string::npos, "agent(v): foreign node refused");
      break;
    }
  int total = 0;
  MPI_Allreduce(&failures, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  if (rank == 0) std::printf("idn::mpi checks on %d ranks: %s\n", size, total == 0 ? "all passed" : "FAILED");
  MPI_Finalize();
  return total == 0 ? 0 : 1;
}
