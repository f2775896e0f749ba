// A consumer of idn::mpi: 2 ranks run 5 slots of INFIDA's agents on a small tiered IDN, and rank 0
// checks y and x bit for bit against the centralized policy.
#include <mpi.h>

#include <cstdio>
#include <cstring>

#include <idn/alloc/scenario.hpp>
#include <idn/mpi/infida.hpp>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  idn::alloc::synthetic_options p;
  p.fanout = {2, 2, 2};
  p.tasks = 2;
  const idn::alloc::instance in = idn::alloc::synthetic_tiered(p).build();
  const idn::alloc::infida_options o;
  idn::mpi::rank_agents agents(MPI_COMM_WORLD, in, o);
  idn::alloc::infida central(in, o);
  int ok = 1;
  std::vector<double> y, x;
  for (int t = 0; t < 5; ++t) {
    Eigen::VectorXd r = Eigen::VectorXd::Constant(static_cast<Eigen::Index>(in.num_types()), 3.0 + t);
    const idn::alloc::batch b = idn::alloc::make_batch(in, r);
    agents.run_slot(b);
    central.step(b);
    agents.gather_allocation(y, x);
    if (rank == 0)
      ok = ok && std::memcmp(y.data(), central.fractional().data(), y.size() * sizeof(double)) == 0 &&
           std::memcmp(x.data(), central.allocation().data(), x.size() * sizeof(double)) == 0;
  }
  MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (rank == 0) std::printf("idn::mpi consumer: %s\n", ok ? "bit-identical to infida" : "DIFFERENT from infida");
  MPI_Finalize();
  return ok ? 0 : 1;
}
