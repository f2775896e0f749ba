#pragma once
/// NPY v1.0/2.0/3.0 header parsing, element decoding and header writing (standard library only;
/// the xtensor and Eigen front ends build on it). Format:
/// numpy.org/doc/stable/reference/generated/numpy.lib.format.html
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "idn/io/file_error.hpp"

namespace idn::io {

/// Supported element types: float64/32, int64..8, uint64..8, bool.
enum class dtype : std::uint8_t { f8, f4, i8, i4, i2, i1, u8, u4, u2, u1, b1 };

struct npy_header {
  dtype type = dtype::f8;
  bool big_endian = false, fortran_order = false;
  std::vector<std::size_t> shape;
  std::size_t data_offset = 0;  ///< bytes from the file start to the payload
};

/// NaN/inf are rejected unless allowed.
struct load_options {
  bool allow_nan = false, allow_inf = false;
};

/// Bytes per element.
constexpr std::size_t itemsize(dtype t) noexcept {
  switch (t) {
    case dtype::f8: case dtype::i8: case dtype::u8: return 8;
    case dtype::f4: case dtype::i4: case dtype::u4: return 4;
    case dtype::i2: case dtype::u2: return 2;
    default: return 1;
  }
}
/// "f8", "i4", ...
constexpr std::string_view dtype_name(dtype t) noexcept {
  constexpr std::string_view names[] = {"f8", "f4", "i8", "i4", "i2", "i1", "u8", "u4", "u2", "u1", "b1"};
  return names[static_cast<std::size_t>(t)];
}
/// numpy descr: "<f8", ">i4", "|u1", "|b1".
inline std::string descr(dtype t, bool big_endian = false) {
  const char order = itemsize(t) == 1 ? '|' : (big_endian ? '>' : '<');
  return std::string(1, order) + std::string(dtype_name(t));
}

namespace detail {

template <class T>
constexpr dtype dtype_of() noexcept {
  if constexpr (std::is_same_v<T, double>) return dtype::f8;
  else if constexpr (std::is_same_v<T, float>) return dtype::f4;
  else if constexpr (std::is_same_v<T, bool>) return dtype::b1;
  else if constexpr (std::is_same_v<T, std::int64_t>) return dtype::i8;
  else if constexpr (std::is_same_v<T, std::int32_t>) return dtype::i4;
  else if constexpr (std::is_same_v<T, std::int16_t>) return dtype::i2;
  else if constexpr (std::is_same_v<T, std::int8_t>) return dtype::i1;
  else if constexpr (std::is_same_v<T, std::uint64_t>) return dtype::u8;
  else if constexpr (std::is_same_v<T, std::uint32_t>) return dtype::u4;
  else if constexpr (std::is_same_v<T, std::uint16_t>) return dtype::u2;
  else if constexpr (std::is_same_v<T, std::uint8_t>) return dtype::u1;
  else static_assert(sizeof(T) == 0, "idn::io: unsupported NPY element type");
}

/// A tiny parser for the header's Python dict literal.
class dict_parser {
public:
  dict_parser(const std::filesystem::path& f, std::string_view s) : file_(f), s_(s) {}

  npy_header parse() {
    npy_header h;
    bool have_descr = false, have_shape = false, have_order = false;
    skip();
    expect('{');
    while (true) {
      skip();
      if (peek() == '}') break;
      const std::string key = string_literal();
      skip();
      expect(':');
      skip();
      if (key == "descr") {
        parse_descr(string_literal(), h);
        have_descr = true;
      } else if (key == "fortran_order") {
        h.fortran_order = boolean();
        have_order = true;
      } else if (key == "shape") {
        h.shape = tuple();
        have_shape = true;
      } else {
        fail("unexpected header key '" + key + "'");
      }
      skip();
      if (peek() == ',') { ++i_; continue; }
      skip();
      if (peek() == '}') break;
      fail("expected ',' or '}' in header");
    }
    if (!have_descr) fail("header has no 'descr'");
    if (!have_shape) fail("header has no 'shape'");
    (void)have_order;  // numpy always writes it; absent means C order
    return h;
  }

private:
  [[noreturn]] void fail(const std::string& what) const { throw file_error(file_, 0, 0, what); }
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  void skip() { while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_; }
  void expect(char c) {
    if (peek() != c) fail(std::string("malformed header: expected '") + c + "'");
    ++i_;
  }
  std::string string_literal() {
    const char q = peek();
    if (q != '\'' && q != '"') fail("malformed header: expected a quoted string");
    const std::size_t start = ++i_;
    while (i_ < s_.size() && s_[i_] != q) ++i_;
    if (i_ >= s_.size()) fail("malformed header: unterminated string");
    return std::string(s_.substr(start, i_++ - start));
  }
  bool boolean() {
    if (s_.substr(i_, 4) == "True") { i_ += 4; return true; }
    if (s_.substr(i_, 5) == "False") { i_ += 5; return false; }
    fail("malformed header: fortran_order must be True or False");
  }
  std::vector<std::size_t> tuple() {
    std::vector<std::size_t> out;
    expect('(');
    while (true) {
      skip();
      if (peek() == ')') { ++i_; break; }
      std::size_t v = 0;
      bool any = false;
      while (peek() >= '0' && peek() <= '9') {
        const std::size_t d = static_cast<std::size_t>(peek() - '0');
        if (v > (std::numeric_limits<std::size_t>::max() - d) / 10) fail("shape dimension overflows");
        v = v * 10 + d;
        ++i_;
        any = true;
      }
      if (!any) fail("malformed header: shape must be a tuple of non-negative integers");
      out.push_back(v);
      skip();
      if (peek() == ',') { ++i_; continue; }
      skip();
      if (peek() == ')') { ++i_; break; }
      fail("malformed header: expected ',' or ')' in shape");
    }
    return out;
  }
  void parse_descr(const std::string& d, npy_header& h) const {
    if (d.size() >= 3 && (d[0] == '<' || d[0] == '>' || d[0] == '|' || d[0] == '=')) {
      const std::string_view t(d.data() + 1, d.size() - 1);
      for (std::size_t k = 0; k <= static_cast<std::size_t>(dtype::b1); ++k) {
        if (dtype_name(static_cast<dtype>(k)) != t) continue;
        h.type = static_cast<dtype>(k);
        h.big_endian = d[0] == '>' || (d[0] == '=' && std::endian::native == std::endian::big);
        return;
      }
    }
    fail("dtype '" + d + "' not supported");
  }
  const std::filesystem::path& file_;
  std::string_view s_;
  std::size_t i_ = 0;
};

/// Parses and validates the header of an in-memory NPY file, including the payload size.
inline npy_header parse_npy(const std::filesystem::path& f, std::span<const char> data) {
  constexpr char magic[] = "\x93NUMPY";
  if (data.size() < 10 || std::memcmp(data.data(), magic, 6) != 0) throw file_error(f, 0, 0, "not an NPY file (bad magic)");
  const auto major = static_cast<unsigned char>(data[6]);
  if (major < 1 || major > 3)
    throw file_error(f, 0, 0, "unsupported NPY version " + std::to_string(major) + "." +
                                  std::to_string(static_cast<unsigned char>(data[7])));
  std::size_t len = 0, pre = 0;
  if (major == 1) {
    len = static_cast<unsigned char>(data[8]) | (std::size_t{static_cast<unsigned char>(data[9])} << 8);
    pre = 10;
  } else {
    if (data.size() < 12) throw file_error(f, 0, 0, "truncated NPY header");
    for (int b = 0; b < 4; ++b) len |= std::size_t{static_cast<unsigned char>(data[8 + b])} << (8 * b);
    pre = 12;
  }
  if (data.size() < pre + len) throw file_error(f, 0, 0, "truncated NPY header");
  npy_header h = dict_parser(f, std::string_view(data.data() + pre, len)).parse();
  h.data_offset = pre + len;
  std::size_t count = 1;
  for (const std::size_t d : h.shape) {
    if (d != 0 && count > std::numeric_limits<std::size_t>::max() / d / 8) throw file_error(f, 0, 0, "shape too large");
    count *= d;
  }
  const std::size_t expected = count * itemsize(h.type), actual = data.size() - h.data_offset;
  if (expected != actual)
    throw file_error(f, 0, 0, "payload is " + std::to_string(actual) + " bytes, shape x itemsize is " +
                                  std::to_string(expected));
  return h;
}

/// Element count of a shape.
inline std::size_t element_count(const std::vector<std::size_t>& shape) noexcept {
  std::size_t n = 1;
  for (const auto d : shape) n *= d;
  return n;
}

/// For C-order flat index c, the file's flat index (different only in Fortran order). Callers
/// iterate c in order and keep `idx` (the multi-index) updated: O(1) amortized per element.
class order_walker {
public:
  order_walker(const std::vector<std::size_t>& shape, bool fortran) : shape_(shape), idx_(shape.size(), 0), fortran_(fortran) {
    stride_.assign(shape.size(), 1);
    for (std::size_t k = 1; k < shape.size(); ++k) stride_[k] = stride_[k - 1] * shape[k - 1];  // Fortran strides
  }
  std::size_t file_index(std::size_t c) const noexcept {
    if (!fortran_) return c;
    std::size_t f = 0;
    for (std::size_t k = 0; k < idx_.size(); ++k) f += idx_[k] * stride_[k];
    return f;
  }
  /// 1-based (row, column) = first two indices + 1 for messages.
  std::pair<std::size_t, std::size_t> position() const noexcept {
    return {idx_.empty() ? 0 : idx_[0] + 1, idx_.size() < 2 ? 0 : idx_[1] + 1};
  }
  void advance() noexcept {
    for (std::size_t k = idx_.size(); k-- > 0;) {
      if (++idx_[k] < shape_[k]) return;
      idx_[k] = 0;
    }
  }

private:
  const std::vector<std::size_t>& shape_;
  std::vector<std::size_t> idx_, stride_;
  bool fortran_;
};

/// The raw element at byte pointer p, byte-swapped if needed.
template <class U>
U load_raw(const char* p, bool swap) noexcept {
  unsigned char b[sizeof(U)];
  std::memcpy(b, p, sizeof(U));
  if (swap)
    for (std::size_t i = 0; i < sizeof(U) / 2; ++i) std::swap(b[i], b[sizeof(U) - 1 - i]);
  U v;
  std::memcpy(&v, b, sizeof(U));
  return v;
}

/// Decodes the payload into out[0..n) in C order, converting each element with `conv(raw) -> T`.
/// `check(value, walker)` may throw for rejected values.
template <class Raw, class T, class Conv, class Check>
void decode(const npy_header& h, const char* payload, T* out, Conv conv, Check check) {
  const bool swap = sizeof(Raw) > 1 && (h.big_endian != (std::endian::native == std::endian::big));
  const std::size_t n = element_count(h.shape);
  order_walker w(h.shape, h.fortran_order);
  for (std::size_t c = 0; c < n; ++c) {
    const T v = conv(load_raw<Raw>(payload + w.file_index(c) * sizeof(Raw), swap));
    check(v, w);
    out[c] = v;
    w.advance();
  }
}

/// Calls f.template operator()<Raw>() with the stored C++ type of dtype t.
template <class F>
decltype(auto) with_raw_type(dtype t, F&& f) {
  switch (t) {
    case dtype::f8: return f.template operator()<double>();
    case dtype::f4: return f.template operator()<float>();
    case dtype::i8: return f.template operator()<std::int64_t>();
    case dtype::i4: return f.template operator()<std::int32_t>();
    case dtype::i2: return f.template operator()<std::int16_t>();
    case dtype::i1: return f.template operator()<std::int8_t>();
    case dtype::u8: return f.template operator()<std::uint64_t>();
    case dtype::u4: return f.template operator()<std::uint32_t>();
    case dtype::u2: return f.template operator()<std::uint16_t>();
    case dtype::u1: return f.template operator()<std::uint8_t>();
    case dtype::b1: return f.template operator()<std::uint8_t>();
  }
  return f.template operator()<std::uint8_t>();
}

/// Throws for NaN/inf that the options reject, naming the element's position.
inline void check_float(const std::filesystem::path& f, double v, const order_walker& w, const load_options& o) {
  if (std::isnan(v) && !o.allow_nan) {
    const auto [r, c] = w.position();
    throw file_error(f, r, c, "NaN not allowed");
  }
  if (std::isinf(v) && !o.allow_inf) {
    const auto [r, c] = w.position();
    throw file_error(f, r, c, "inf not allowed");
  }
}

/// Decodes any supported dtype into doubles (C order). Integers beyond ±2^53 are rejected.
inline void decode_as_double(const std::filesystem::path& f, const npy_header& h, const char* payload, double* out,
                             const load_options& o) {
  with_raw_type(h.type, [&]<class Raw>() {
    decode<Raw>(h, payload, out, [](Raw r) { return static_cast<double>(r); },
                [&](double v, const order_walker& w) {
                  if constexpr (std::is_floating_point_v<Raw>) {
                    check_float(f, v, w, o);
                  } else if (std::abs(v) > 9007199254740992.0) {
                    const auto [r, c] = w.position();
                    throw file_error(f, r, c, "integer magnitude exceeds 2^53: not exactly representable as double");
                  }
                });
  });
}

/// Decodes into T exactly; the dtype must be dtype_of<T>().
template <class T>
void decode_exact(const std::filesystem::path& f, const npy_header& h, const char* payload, T* out, const load_options& o) {
  if (h.type != dtype_of<T>())
    throw file_error(f, 0, 0, "expected " + descr(dtype_of<T>()) + ", file has " + descr(h.type, h.big_endian));
  using Raw = std::conditional_t<std::is_same_v<T, bool>, std::uint8_t, T>;
  decode<Raw>(h, payload, out, [](Raw r) { return static_cast<T>(r); }, [&](T v, const order_walker& w) {
    if constexpr (std::is_floating_point_v<T>) check_float(f, static_cast<double>(v), w, o);
  });
}

/// A v1.0 header for a little-endian C-order array, padded with spaces so that the payload
/// starts at a multiple of 64 bytes, ending in '\n'.
inline std::string make_npy_header(dtype t, const std::vector<std::size_t>& shape) {
  std::string dict = "{'descr': '" + descr(t, false) + "', 'fortran_order': False, 'shape': (";
  for (std::size_t k = 0; k < shape.size(); ++k) {
    dict += std::to_string(shape[k]);
    if (shape.size() == 1 || k + 1 < shape.size()) dict += ",";
    if (k + 1 < shape.size()) dict += " ";
  }
  dict += "), }";
  const std::size_t unpadded = 10 + dict.size() + 1;
  const std::size_t total = (unpadded + 63) / 64 * 64;
  dict.append(total - unpadded, ' ');
  dict += '\n';
  const std::size_t len = dict.size();
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(len & 0xff);
  out += static_cast<char>((len >> 8) & 0xff);
  return out + dict;
}

/// Payload bytes of n little-endian elements of T from host memory.
template <class T>
std::vector<char> little_endian_payload(const T* data, std::size_t n) {
  std::vector<char> out(n * sizeof(T));
  if (n == 0) return out;
  std::memcpy(out.data(), data, out.size());
  if constexpr (sizeof(T) > 1 && std::endian::native == std::endian::big)
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t b = 0; b < sizeof(T) / 2; ++b) std::swap(out[i * sizeof(T) + b], out[i * sizeof(T) + sizeof(T) - 1 - b]);
  return out;
}

}  // namespace detail
}  // namespace idn::io
