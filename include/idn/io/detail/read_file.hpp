#pragma once
/// Reads a whole file into memory in one buffered read, or throws file_error with the OS reason.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "idn/io/file_error.hpp"

namespace idn::io::detail {

/// Closes a FILE* on every path out of a scope, exceptions included.
struct file_closer {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
using unique_file = std::unique_ptr<std::FILE, file_closer>;

inline std::vector<char> read_file(const std::filesystem::path& path) {
  unique_file file(std::fopen(path.c_str(), "rb"));
  if (file == nullptr) throw file_error(path, 0, 0, std::string("cannot open: ") + std::strerror(errno));
  std::vector<char> data;
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec) data.resize(static_cast<std::size_t>(size));
  const std::size_t got = data.empty() ? 0 : std::fread(data.data(), 1, data.size(), file.get());
  const bool bad = std::ferror(file.get()) != 0;
  const int err = errno;
  file.reset();
  if (bad || got != data.size()) throw file_error(path, 0, 0, std::string("read failed: ") + std::strerror(err));
  return data;
}

inline void write_file(const std::filesystem::path& path, const std::string& header, const void* data, std::size_t bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) throw file_error(path, 0, 0, std::string("cannot open for writing: ") + std::strerror(errno));
  bool ok = std::fwrite(header.data(), 1, header.size(), f) == header.size();
  if (bytes > 0) ok = ok && std::fwrite(data, 1, bytes, f) == bytes;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) throw file_error(path, 0, 0, std::string("write failed: ") + std::strerror(errno));
}

}  // namespace idn::io::detail
