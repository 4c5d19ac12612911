#include "core/status.h"

namespace liaudit {

std::string Location(const std::string& file, long line, long col) {
  std::string s = file;
  if (line > 0) {
    s += ":" + std::to_string(line);
    if (col > 0) s += ":" + std::to_string(col);
  }
  return s;
}

Status Status::AtInput(const std::string& file, long line, long col, const std::string& msg) {
  return InvalidInput(Location(file, line, col) + ": " + msg);
}

std::string Status::ToString() const {
  switch (code_) {
    case Code::kOk: return "OK";
    case Code::kInvalidInput: return "invalid input: " + message_;
    case Code::kIoError: return "I/O error: " + message_;
    case Code::kNotFound: return "not found: " + message_;
    case Code::kConflict: return "conflict: " + message_;
    case Code::kUsage: return "usage: " + message_;
    case Code::kInternal: return "internal error: " + message_;
  }
  return message_;
}

Status& Status::Prepend(const std::string& context) {
  if (!ok()) message_ = context + ": " + message_;
  return *this;
}

}  // namespace liaudit
