#pragma once
/// The only place idn includes xtensor. xtensor 0.26 moved its headers into subfolders; this
/// picks whichever layout is installed. idn::io uses only containers, xt::adapt and shapes.
#if __has_include(<xtensor/containers/xarray.hpp>)
#include <xtensor/containers/xadapt.hpp>
#include <xtensor/containers/xarray.hpp>
#include <xtensor/containers/xtensor.hpp>
#else
#include <xtensor/xadapt.hpp>
#include <xtensor/xarray.hpp>
#include <xtensor/xtensor.hpp>
#endif
