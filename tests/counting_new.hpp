#pragma once
// Replaces the global operator new/delete to count allocations. Include it in exactly one
// translation unit of a test executable of its own; read idn::test::allocations().
#include <cstddef>
#include <cstdlib>
#include <new>

namespace idn::test {
inline std::size_t& allocation_counter() noexcept {
  static std::size_t count = 0;
  return count;
}
/// operator new calls since the program started.
inline std::size_t allocations() noexcept { return allocation_counter(); }
}  // namespace idn::test

// GCC pairs the replaced new with free() below and warns under -Wmismatched-new-delete at -O3;
// both sides are replaced together, so the pairing is correct.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t n) {
  ++idn::test::allocation_counter();
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
