#pragma once
/// idn::io::file_error: an invalid_input that locates the problem in a file.
/// Message: "<file>:<row>:<column>: <what> (column '<name>', value '<token>')"; row and column are
/// 1-based, 0 when not applicable; the parenthesis appears only with a column name or token.
#include <cstddef>
#include <filesystem>
#include <string>
#include <utility>

#include "idn/core/error.hpp"
#include "idn/core/format.hpp"

namespace idn::io {

/// A file's content is invalid: the message and the accessors name the file, row and column.
class file_error : public idn::invalid_input {
public:
  /// The error at (row, column) of `file`, optionally naming the column and the offending token.
  file_error(std::filesystem::path file, std::size_t row, std::size_t column, const std::string& what,
             const std::string& column_name = "", const std::string& token = "")
      : invalid_input(compose(file, row, column, what, column_name, token)), file_(std::move(file)), row_(row),
        column_(column) {}

  /// The file.
  const std::filesystem::path& file() const noexcept { return file_; }
  /// The row the error is at, as the reader numbered it.
  std::size_t row() const noexcept { return row_; }
  /// The column the error is at, as the reader numbered it.
  std::size_t column() const noexcept { return column_; }

private:
  static std::string compose(const std::filesystem::path& f, std::size_t row, std::size_t column,
                             const std::string& what, const std::string& name, const std::string& token) {
    std::string m = concat(f.string(), ':', row, ':', column, ": ", what);
    if (!name.empty() || !token.empty()) {
      m += " (";
      if (!name.empty()) m += "column '" + name + "'";
      if (!name.empty() && !token.empty()) m += ", ";
      if (!token.empty()) m += "value '" + token + "'";
      m += ")";
    }
    return m;
  }
  std::filesystem::path file_;
  std::size_t row_, column_;
};

}  // namespace idn::io
