#pragma once
/// A move-only callable stored in a fixed inline buffer: no heap allocation, ever. A callable
/// larger than the buffer fails to compile with a static_assert naming the limit.
#include <cstddef>
#include <cstring>
#include <functional>
#include <new>
#include <type_traits>
#include <utility>

namespace idn::sim::detail {

template <class Signature, std::size_t Capacity>
class inplace_function;

template <class R, class... Args, std::size_t Capacity>
class inplace_function<R(Args...), Capacity> {
public:
  static constexpr std::size_t capacity = Capacity;

  inplace_function() noexcept = default;

  template <class F>
    requires(!std::is_same_v<std::decay_t<F>, inplace_function> && std::is_invocable_r_v<R, std::decay_t<F>&, Args...>)
  inplace_function(F&& f)  // NOLINT(google-explicit-constructor): lambdas convert implicitly
  {
    using T = std::decay_t<F>;
    static_assert(sizeof(T) <= Capacity,
                  "idn::sim handler: the callable's captures exceed the inline buffer (48 bytes for "
                  "idn::sim::handler); capture a pointer or an index instead");
    static_assert(alignof(T) <= alignof(std::max_align_t), "idn::sim handler: over-aligned callable");
    static_assert(std::is_nothrow_move_constructible_v<T>, "idn::sim handler: callable must be nothrow-movable");
    ::new (static_cast<void*>(buf_)) T(std::forward<F>(f));
    ops_ = &ops_for<T>;
  }

  inplace_function(inplace_function&& o) noexcept : ops_(o.ops_) {
    if (ops_) {
      relocate_from(o);
      o.ops_ = nullptr;
    }
  }
  inplace_function& operator=(inplace_function&& o) noexcept {
    if (this != &o) {
      reset();
      if (o.ops_) {
        relocate_from(o);
        ops_ = o.ops_;
        o.ops_ = nullptr;
      }
    }
    return *this;
  }
  inplace_function(const inplace_function&) = delete;
  inplace_function& operator=(const inplace_function&) = delete;
  ~inplace_function() { reset(); }

  /// Destroys the held callable, if any.
  void reset() noexcept {
    if (ops_) {
      if (!ops_->trivial) ops_->destroy(buf_);
      ops_ = nullptr;
    }
  }
  explicit operator bool() const noexcept { return ops_ != nullptr; }
  /// Precondition: holds a callable.
  R operator()(Args... args) { return ops_->invoke(buf_, std::forward<Args>(args)...); }

private:
  struct ops {
    R (*invoke)(void*, Args&&...);
    void (*move)(void* dst, void* src) noexcept;  // move-construct into dst, destroy src
    void (*destroy)(void*) noexcept;
    bool trivial;  // trivially copyable and destructible: relocate by memcpy, no destroy
  };
  /// Moves o's callable into buf_ (o's ops_ must be set; the caller updates the pointers).
  void relocate_from(inplace_function& o) noexcept {
    if (o.ops_->trivial)
      std::memcpy(buf_, o.buf_, Capacity);
    else
      o.ops_->move(buf_, o.buf_);
  }
  template <class T>
  static constexpr ops ops_for{
      [](void* p, Args&&... a) -> R { return std::invoke(*static_cast<T*>(p), std::forward<Args>(a)...); },
      [](void* dst, void* src) noexcept {
        ::new (dst) T(std::move(*static_cast<T*>(src)));
        static_cast<T*>(src)->~T();
      },
      [](void* p) noexcept { static_cast<T*>(p)->~T(); },
      std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>};

  alignas(std::max_align_t) unsigned char buf_[Capacity];
  const ops* ops_ = nullptr;
};

}  // namespace idn::sim::detail
