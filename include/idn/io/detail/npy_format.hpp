#pragma once
/// NPY v1.0/2.0/3.0 header parsing, element decoding and header writing (standard library only;
/// the xtensor and Eigen front ends build on it). Format:
/// numpy.org/doc/stable/reference/generated/numpy.lib.format.html
#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "idn/core/format.hpp"
#include "idn/io/detail/read_file.hpp"
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
  return concat(order, dtype_name(t));
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

/// Element count of a shape.
inline std::size_t element_count(const std::vector<std::size_t>& shape) noexcept {
  std::size_t n = 1;
  for (const auto d : shape) n *= d;
  return n;
}

/// Parses and validates a header given the bytes from the file start through the header and the
/// total file size (the payload must be exactly shape x itemsize bytes).
inline npy_header parse_npy_header(const std::filesystem::path& f, std::span<const char> head, std::size_t file_size) {
  const std::size_t pre = head.size() >= 8 && static_cast<unsigned char>(head[6]) == 1 ? 10 : 12;
  if (head.size() < pre) throw file_error(f, 0, 0, "truncated NPY header");
  npy_header h = dict_parser(f, std::string_view(head.data() + pre, head.size() - pre)).parse();
  h.data_offset = head.size();
  // Every dimension counts, zero-length ones included (as if 1): array libraries compute strides,
  // i.e. products of the other dimensions, in signed arithmetic whatever the element count, so
  // the product of max(d, 1) times the item size must fit in ptrdiff_t.
  constexpr auto limit = static_cast<std::size_t>(std::numeric_limits<std::ptrdiff_t>::max());
  std::size_t extent = itemsize(h.type), count = 1;
  for (std::size_t k = 0; k < h.shape.size(); ++k) {
    const std::size_t d = std::max<std::size_t>(h.shape[k], 1);
    if (extent > limit / d)
      throw file_error(f, 0, 0, concat("shape too large: the product of dimensions 0..", k) + " overflows ptrdiff_t");
    extent *= d;
    count *= h.shape[k];
  }
  const std::size_t expected = count * itemsize(h.type), actual = file_size - h.data_offset;
  if (expected != actual)
    throw file_error(f, 0, 0, concat("payload is ", actual) + concat(" bytes, shape x itemsize is ", expected));
  return h;
}

/// An open NPY file: the constructor reads and validates the header only; read_payload() then
/// reads the payload, straight into the caller's buffer.
class npy_reader {
public:
  explicit npy_reader(const std::filesystem::path& f) : path_(f), file_(std::fopen(f.c_str(), "rb")) {
    // file_ is a unique_ptr member, fully constructed here: a throw below closes the file.
    if (file_ == nullptr) throw file_error(f, 0, 0, std::string("cannot open: ") + std::strerror(errno));
    std::error_code ec;
    const auto size = static_cast<std::size_t>(std::filesystem::file_size(f, ec));  // std::uintmax_t: 64 bits on 32-bit targets too
    if (ec) throw file_error(f, 0, 0, "cannot stat: " + ec.message());
    std::vector<char> head(std::min<std::size_t>(size, 12));
    read(head.data(), head.size());
    constexpr char magic[] = "\x93NUMPY";
    if (head.size() < 10 || std::memcmp(head.data(), magic, 6) != 0) throw file_error(f, 0, 0, "not an NPY file (bad magic)");
    const auto major = static_cast<unsigned char>(head[6]);
    if (major < 1 || major > 3)
      throw file_error(f, 0, 0, concat("unsupported NPY version ", major) + concat(".", static_cast<unsigned char>(head[7])));
    std::size_t len = 0, pre = 10;
    if (major == 1) {
      len = static_cast<unsigned char>(head[8]) | (std::size_t{static_cast<unsigned char>(head[9])} << 8);
    } else {
      if (head.size() < 12) throw file_error(f, 0, 0, "truncated NPY header");
      for (int b = 0; b < 4; ++b) len |= std::size_t{static_cast<unsigned char>(head[8 + b])} << (8 * b);
      pre = 12;
    }
    if (size < pre + len) throw file_error(f, 0, 0, "truncated NPY header");
    const std::size_t have = head.size();
    head.resize(pre + len);
    if (have > pre + len) throw file_error(f, 0, 0, "truncated NPY header");
    read(head.data() + have, pre + len - have);
    header_ = parse_npy_header(f, head, size);
  }
  npy_reader(const npy_reader&) = delete;
  npy_reader& operator=(const npy_reader&) = delete;

  const npy_header& header() const noexcept { return header_; }
  const std::filesystem::path& path() const noexcept { return path_; }
  /// Reads the whole payload into dst (payload bytes = count x itemsize).
  void read_payload(void* dst) { read(dst, element_count(header_.shape) * itemsize(header_.type)); }
  std::vector<char> read_payload() {
    std::vector<char> buf(element_count(header_.shape) * itemsize(header_.type));
    read(buf.data(), buf.size());
    return buf;
  }
  /// Reads the payload into dst in chunks of `chunk` bytes, calling done(first_byte, bytes)
  /// after each, so a caller can validate data while it is still in cache.
  template <class OnChunk>
  void read_payload_chunked(char* dst, std::size_t chunk, OnChunk done) {
    const std::size_t total = element_count(header_.shape) * itemsize(header_.type);
    for (std::size_t off = 0; off < total; off += chunk) {
      const std::size_t n = std::min(chunk, total - off);
      read(dst + off, n);
      done(off, n);
    }
  }
  /// True when the payload can be used bit-for-bit by a C-order array of the stored type.
  bool native_layout() const noexcept {
    const bool swap = itemsize(header_.type) > 1 && (header_.big_endian != (std::endian::native == std::endian::big));
    return !swap && !header_.fortran_order;
  }

private:
  void read(void* dst, std::size_t n) {
    if (n > 0 && std::fread(dst, 1, n, file_.get()) != n) throw file_error(path_, 0, 0, "read failed or file truncated");
  }
  std::filesystem::path path_;
  unique_file file_;
  npy_header header_;
};

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

/// 1-based (row, column) = first two indices + 1 of C-order flat index c, for messages.
inline std::pair<std::size_t, std::size_t> position_of(const std::vector<std::size_t>& shape, std::size_t c) noexcept {
  if (shape.empty()) return {0, 0};
  std::size_t inner = 1;
  for (std::size_t k = 1; k < shape.size(); ++k) inner *= shape[k];
  const std::size_t row = c / inner + 1;
  if (shape.size() < 2) return {row, 0};
  return {row, (c % inner) / (inner / shape[1]) + 1};
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
inline void check_float(const std::filesystem::path& f, double v, std::pair<std::size_t, std::size_t> pos,
                        const load_options& o) {
  if (std::isnan(v) && !o.allow_nan) throw file_error(f, pos.first, pos.second, "NaN not allowed");
  if (std::isinf(v) && !o.allow_inf) throw file_error(f, pos.first, pos.second, "inf not allowed");
}

/// Validates n values already in C order: NaN/inf per options; bool bytes must be 0 or 1.
template <class T>
void validate(const std::filesystem::path& f, const npy_header& h, const T* v, std::size_t first, std::size_t n,
              const load_options& o) {
  if constexpr (std::is_floating_point_v<T>) {
    if (o.allow_nan && o.allow_inf) return;
    // Branch-free scan in blocks: x − x is +0 for finite x and NaN for inf/NaN, so a block's
    // sum is NaN iff it holds a non-finite value. Sixteen independent accumulators let baseline
    // SSE2 vectorize it without waiting on add latency (an integer exponent test needs SSE4.1).
    // Exact search only on a hit.
    constexpr std::size_t block = 1024;
    for (std::size_t start = first; start < first + n; start += block) {
      const std::size_t end = std::min(first + n, start + block);
      constexpr std::size_t lanes = 16;
      T acc[lanes] = {};
      std::size_t c = start;
      for (; c + lanes <= end; c += lanes)
        for (std::size_t k = 0; k < lanes; ++k) acc[k] += v[c + k] - v[c + k];
      for (; c < end; ++c) acc[0] += v[c] - v[c];
      T total = 0;
      for (const T a : acc) total += a;
      if (!std::isnan(total)) continue;
      for (std::size_t c = start; c < end; ++c)
        if (!std::isfinite(v[c])) check_float(f, static_cast<double>(v[c]), position_of(h.shape, c), o);
    }
  } else if constexpr (std::is_same_v<T, bool>) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(v);
    for (std::size_t c = first; c < first + n; ++c)
      if (bytes[c] > 1) {
        const auto [r, col] = position_of(h.shape, c);
        throw file_error(f, r, col, concat("bool byte ", bytes[c]) + " is not 0 or 1");
      }
  }
}

/// Reads the payload into out[0..n) as T; the dtype must be dtype_of<T>(). Native layouts are
/// read straight into `out`; others are decoded from a buffer.
template <class T>
void read_exact(npy_reader& r, T* out, const load_options& o) {
  const npy_header& h = r.header();
  const auto& f = r.path();
  if (h.type != dtype_of<T>())
    throw file_error(f, 0, 0, "expected " + descr(dtype_of<T>()) + ", file has " + descr(h.type, h.big_endian));
  const std::size_t n = element_count(h.shape);
  using Raw = std::conditional_t<std::is_same_v<T, bool>, std::uint8_t, T>;
  if (r.native_layout()) {  // one pass: read 256 KiB (fits L2), validate it while it is in cache
    r.read_payload_chunked(reinterpret_cast<char*>(out), std::size_t{1} << 18, [&](std::size_t off, std::size_t bytes) {
      validate(f, h, out, off / sizeof(T), bytes / sizeof(T), o);
    });
    return;
  }
  const std::vector<char> payload = r.read_payload();
  decode<Raw>(h, payload.data(), reinterpret_cast<Raw*>(out), [](Raw x) { return x; }, [](Raw, const order_walker&) {});
  validate(f, h, out, 0, n, o);
}

/// Reads any supported dtype widened to double (C order); integers beyond ±2^53 are rejected.
inline void read_as_double(npy_reader& r, double* out, const load_options& o) {
  const npy_header& h = r.header();
  if (h.type == dtype::f8) return read_exact(r, out, o);
  const auto& f = r.path();
  const std::vector<char> payload = r.read_payload();
  with_raw_type(h.type, [&]<class Raw>() {
    decode<Raw>(h, payload.data(), out, [](Raw x) { return static_cast<double>(x); },
                [&](double v, const order_walker& w) {
                  if constexpr (std::is_floating_point_v<Raw>) {
                    check_float(f, v, w.position(), o);
                  } else if (std::abs(v) > 9007199254740992.0) {
                    const auto [row, c] = w.position();
                    throw file_error(f, row, c, "integer magnitude exceeds 2^53: not exactly representable as double");
                  }
                });
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
