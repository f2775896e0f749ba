// Compiled by CTest offload_aarch64_o3 with g++-aarch64-linux-gnu at -O3: GCC 12 crashed here
// (ICE in vect_transform_reduction) on the old fmax loop of temperature_nll. Forces the
// out-of-line copy of the function, which is what the crash needed.
#include "idn/offload/fit.hpp"
auto* volatile idn_keep_temperature_nll = &idn::offload::detail::temperature_nll;
int main() { return 0; }
