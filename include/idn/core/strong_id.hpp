#pragma once
/// idn::strong_id: one distinct integer type per kind of named entity (ARCHITECTURE.md,
/// "Vocabulary"). Ids of different kinds do not convert into each other, so swapping two
/// arguments (net.pin(model, node) for net.pin(node, model)) does not compile; an id converts to
/// std::size_t on its own, so it indexes arrays and compares with sizes as before. Standard
/// library only.
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>

namespace idn {

/// An id of kind Tag stored as Rep (an unsigned integer). Construction from a number is explicit
/// (node_id{3}); reading it is implicit (std::size_t) or value(). ++ steps to the next id, so
/// `for (node_id v{0}; v < n; ++v)` walks every id below n. Trivially copyable; O(1) everything.
template <class Tag, class Rep = std::uint32_t>
class strong_id {
public:
  /// The stored integer type.
  using rep = Rep;
  /// Id 0.
  constexpr strong_id() noexcept = default;
  /// The id with number v (explicit: a bare number is not an id of any kind).
  constexpr explicit strong_id(Rep v) noexcept : v_(v) {}
  /// The number as stored.
  constexpr Rep value() const noexcept { return v_; }
  /// The number as a position or size.
  constexpr operator std::size_t() const noexcept { return v_; }  // NOLINT(google-explicit-constructor): ids index arrays
  constexpr strong_id& operator++() noexcept {
    ++v_;
    return *this;
  }
  constexpr strong_id operator++(int) noexcept {
    strong_id old = *this;
    ++v_;
    return old;
  }
  friend constexpr bool operator==(strong_id, strong_id) noexcept = default;
  friend constexpr auto operator<=>(strong_id, strong_id) noexcept = default;

private:
  Rep v_ = 0;
};

}  // namespace idn

/// Hashes as its number, so ids key unordered containers.
template <class Tag, class Rep>
struct std::hash<idn::strong_id<Tag, Rep>> {
  /// The hash of the id's number.
  std::size_t operator()(idn::strong_id<Tag, Rep> id) const noexcept { return std::hash<Rep>{}(id.value()); }
};
