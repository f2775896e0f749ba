#pragma once
/// An NPY v1.0 file as bytes from any header dict text and a payload in file order: the tests'
/// independent writer (it does not use idn::io), for valid and deliberately malformed files.
#include <string>
#include <string_view>

namespace idn::test {

inline std::string npy_bytes(std::string_view dict, std::string_view payload) {
  std::string h(dict);
  while ((10 + h.size() + 1) % 64) h += ' ';
  h += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(h.size() & 0xff);
  out += static_cast<char>(h.size() >> 8);
  out += h;
  out += payload;
  return out;
}

}  // namespace idn::test
