// INFIDA's node agents across MPI ranks (idn::mpi; docs/alloc-distributed.md).
//
//   mpirun -np R alloc_mpi_simulation [--fanout 9,10,10] [--tasks 25] [--slots 20] [--seed 1]
//                                     [--check] [--timeout-s 60] [--waves 8] [--stall RANK:SLOT:SECONDS]
//
// Builds the synthetic tiered IDN (1 + f0 + f0·f1 + f0·f1·f2 nodes; types = access nodes × 4
// uplinks × tasks), partitions its nodes over the ranks (mpi::partition_nodes), runs INFIDA's
// agents for --slots slots on synthetic request batches (the same on every rank: seeded by the
// slot) and prints per slot the time, the messages and the MPI bytes per rank. --check runs the
// centralized alloc::infida and the in-process agents (alloc::run_slot) on rank 0 alongside and
// requires y and x bit for bit equal to both, and every slot metric bit for bit equal to run_slot's;
// it exits non-zero otherwise. Run as root, OpenMPI needs --allow-run-as-root; on fewer cores than
// ranks, --oversubscribe. --stall makes one rank sleep before a slot (a hung rank): the others
// stop with idn::mpi::timeout_error after --timeout-s and the job aborts (exit code 2).
#include <mpi.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "idn/alloc/distributed.hpp"
#include "idn/alloc/scenario.hpp"
#include "idn/mpi/infida.hpp"

namespace {
struct args {
  idn::alloc::synthetic_options net;
  std::size_t slots = 20;
  std::uint64_t seed = 1;
  bool check = false;
  double timeout_s = 60;
  int stall_rank = -1;
  std::size_t stall_slot = 0;
  double stall_s = 0;
  std::size_t waves = 8;
};

args parse(int argc, char** argv) {
  args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw idn::invalid_input("alloc_mpi_simulation: " + k + " needs a value");
      return argv[++i];
    };
    if (k == "--fanout") {
      const std::string v = value();
      if (std::sscanf(v.c_str(), "%zu,%zu,%zu", &a.net.fanout[0], &a.net.fanout[1], &a.net.fanout[2]) != 3)
        throw idn::invalid_input("alloc_mpi_simulation: --fanout " + v + ": expected three counts, e.g. 9,10,10");
    } else if (k == "--tasks") a.net.tasks = std::stoul(value());
    else if (k == "--slots") a.slots = std::stoul(value());
    else if (k == "--seed") a.seed = std::stoull(value());
    else if (k == "--timeout-s") a.timeout_s = std::stod(value());
    else if (k == "--check") a.check = true;
    else if (k == "--waves") a.waves = std::stoul(value());
    else if (k == "--stall") {
      const std::string v = value();
      if (std::sscanf(v.c_str(), "%d:%zu:%lf", &a.stall_rank, &a.stall_slot, &a.stall_s) != 3)
        throw idn::invalid_input("alloc_mpi_simulation: --stall " + v + ": expected RANK:SLOT:SECONDS");
    }
    else throw idn::invalid_input("alloc_mpi_simulation: unknown option " + k);
  }
  return a;
}

/// Slot t's requests: a third of the types idle, the others 0-29 requests (seeded by the slot).
idn::alloc::batch requests(const idn::alloc::instance& in, std::uint64_t seed, std::size_t t) {
  idn::rng g(seed * 1'000'003 + t);
  Eigen::VectorXd r(static_cast<Eigen::Index>(in.num_types()));
  for (auto& v : r) v = g() % 3 == 0 ? 0.0 : static_cast<double>(g() % 30);
  return idn::alloc::make_batch(in, r);
}

bool same_bits(const double* a, const double* b, std::size_t n) { return n == 0 || std::memcmp(a, b, n * sizeof(double)) == 0; }
}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int status = 0;
  try {
    const args a = parse(argc, argv);
    const idn::alloc::instance in = idn::alloc::synthetic_tiered(a.net).build();
    idn::alloc::infida_options o;
    o.seed = a.seed;
    idn::mpi::rank_agents agents(MPI_COMM_WORLD, in, o, {}, std::chrono::milliseconds(static_cast<long long>(a.timeout_s * 1000)), a.waves);
    if (rank == 0)
      std::printf("IDN: %zu nodes, %zu types, %zu options, %zu variables on %d ranks (rank 0 owns %zu nodes)\n", in.num_nodes(), in.num_types(),
                  in.num_entries(), in.num_vars(), size, agents.nodes().size());
    // Rank 0's references for --check.
    std::optional<idn::alloc::infida> central;
    std::vector<idn::alloc::node_agent> local;
    if (a.check && rank == 0) {
      central.emplace(in, o);
      const auto closing = idn::alloc::node_agent::closing_types(in);
      for (idn::alloc::node_id v{0}; v < in.num_nodes(); ++v) local.emplace_back(in, v, o, closing[v]);
    }
    std::vector<double> y, x;
    bool gains_bitwise = true;  // against infida's own slot metrics (informational)
    if (rank == 0) std::printf("%5s %10s %10s %10s %10s %12s %8s\n", "slot", "ms(max)", "wait(max)", "msgs/rank", "remote", "bytes/rank", "rounds");
    for (std::size_t t = 0; t < a.slots; ++t) {
      const idn::alloc::batch b = requests(in, a.seed, t);
      if (rank == a.stall_rank && t == a.stall_slot) std::this_thread::sleep_for(std::chrono::duration<double>(a.stall_s));
      const idn::mpi::slot_report rep = agents.run_slot(b);
      double ms[2] = {rep.seconds * 1e3, rep.wait_seconds * 1e3}, ms_max[2] = {0, 0};
      double per[3] = {static_cast<double>(rep.messages), static_cast<double>(rep.remote_messages), static_cast<double>(rep.bytes_sent)}, sum[3];
      MPI_Reduce(ms, ms_max, 2, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
      MPI_Reduce(per, sum, 3, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
      if (rank == 0)
        std::printf("%5zu %10.2f %10.2f %10.0f %10.0f %12.0f %8zu\n", t, ms_max[0], ms_max[1], sum[0] / size, sum[1] / size, sum[2] / size, rep.rounds);
      if (!a.check) continue;
      agents.gather_allocation(y, x);
      if (rank != 0) continue;
      const idn::alloc::slot_metrics mc = central->step(b);
      const idn::alloc::distributed_slot ref = idn::alloc::run_slot(local, in, b);
      const auto& m = rep.metrics;
      const bool metrics_ok = m.fractional_gain == ref.metrics.fractional_gain && m.integral_gain == ref.metrics.integral_gain &&
                              m.repository_cost == ref.metrics.repository_cost && m.loads == ref.metrics.loads && m.unloads == ref.metrics.unloads &&
                              m.loaded_bytes == ref.metrics.loaded_bytes && m.reconfiguration_cost == ref.metrics.reconfiguration_cost &&
                              m.budget_excess_bytes == ref.metrics.budget_excess_bytes && m.repairs == ref.metrics.repairs;
      gains_bitwise = gains_bitwise && m.fractional_gain == mc.fractional_gain && m.integral_gain == mc.integral_gain;
      const bool central_ok = same_bits(y.data(), central->fractional().data(), y.size()) && same_bits(x.data(), central->allocation().data(), x.size());
      bool agents_ok = true;
      for (idn::alloc::node_id v{0}; v < in.num_nodes(); ++v) {
        const std::uint32_t b0 = in.node_begin()[v];
        agents_ok = agents_ok && same_bits(y.data() + b0, local[v].fractional().data(), local[v].fractional().size()) &&
                    same_bits(x.data() + b0, local[v].allocation().data(), local[v].allocation().size());
      }
      if (!(metrics_ok && central_ok && agents_ok)) {
        std::printf("check FAILED at slot %zu: metrics %s, y/x vs infida %s, y/x vs in-process agents %s\n", t, metrics_ok ? "ok" : "differ",
                    central_ok ? "ok" : "differ", agents_ok ? "ok" : "differ");
        status = 1;
        break;
      }
    }
    MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    long rss = ru.ru_maxrss, rss_max = 0;  // KiB on Linux
    MPI_Reduce(&rss, &rss_max, 1, MPI_LONG, MPI_MAX, 0, MPI_COMM_WORLD);
    if (rank == 0) std::printf("peak memory per rank: %.0f MiB (max over ranks)\n", static_cast<double>(rss_max) / 1024);
    if (a.check && rank == 0 && status == 0)
      std::printf("check passed: %zu slots on %d ranks, y and x bit-identical to infida and to the in-process agents, metrics to run_slot"
                  " (gains %s infida's)\n", a.slots, size, gains_bitwise ? "also bit-identical to" : "within rounding of");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "alloc_mpi_simulation (rank %d): %s\n", rank, e.what());
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  MPI_Finalize();
  return status;
}
