#pragma once
/// The only place idn includes xtensor. xtensor 0.26 moved its headers into subfolders; this
/// picks whichever layout is installed. idn::io uses only containers, xt::adapt and shapes.
#if __has_include(<xtensor/containers/xarray.hpp>)
#include <xtensor/containers/xadapt.hpp>
#include <xtensor/containers/xarray.hpp>
#include <xtensor/containers/xtensor.hpp>
#else
#include <xtensor/xtensor_config.hpp>
#if defined(__clang__) && __clang_major__ >= 19 && XTENSOR_VERSION_MAJOR == 0 && XTENSOR_VERSION_MINOR < 25
// Clang 19 matches template template parameters by P0522 (relaxed) rules, which makes xtensor
// 0.24's two partial specializations rebind_container<X, svector<T, N, A, B>> and
// rebind_container<X, C<T, N>> ambiguous for its default shape type svector<size_t, 4> (Debian
// bookworm ships 0.24.3). Full specializations for the shape/stride types xtensor rebinds win over
// both, so no compiler flag is needed. Newer xtensor does not take this branch.
#include <cstddef>
#include <memory>
#include <xtensor/xutils.hpp>
namespace xt {
template <class T, std::size_t N, class A, bool Init>
class svector;
#define IDN_XT_REBIND_SVECTOR(X, T)                                                       \
  template <>                                                                           \
  struct rebind_container<X, svector<T, 4, std::allocator<T>, true>> {                  \
    using type = svector<X, 4, std::allocator<X>, true>;                                \
  };
IDN_XT_REBIND_SVECTOR(std::ptrdiff_t, std::size_t)
IDN_XT_REBIND_SVECTOR(std::size_t, std::size_t)
IDN_XT_REBIND_SVECTOR(std::size_t, std::ptrdiff_t)
IDN_XT_REBIND_SVECTOR(std::ptrdiff_t, std::ptrdiff_t)
#undef IDN_XT_REBIND_SVECTOR
}  // namespace xt
#endif
#include <xtensor/xadapt.hpp>
#include <xtensor/xarray.hpp>
#include <xtensor/xtensor.hpp>
#endif
