// Status: the one error currency of liaudit (after LevelDB's Status).
// A Status is either OK or carries a code and a message. Messages are English,
// and for input problems they name the file, line and column ("file:line:col: ...").
#pragma once
#include <string>
#include <utility>

namespace liaudit {

class Status {
 public:
  enum class Code { kOk = 0, kInvalidInput, kIoError, kNotFound, kConflict, kUsage, kInternal };

  Status() = default;
  static Status OK() { return Status(); }
  static Status InvalidInput(std::string msg) { return Status(Code::kInvalidInput, std::move(msg)); }
  static Status IoError(std::string msg) { return Status(Code::kIoError, std::move(msg)); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status Conflict(std::string msg) { return Status(Code::kConflict, std::move(msg)); }
  static Status Usage(std::string msg) { return Status(Code::kUsage, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }

  // An input problem located in a file: "FILE:LINE:COL: MSG" (line/col omitted when 0).
  static Status AtInput(const std::string& file, long line, long col, const std::string& msg);

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

  // Prefixes the message with context: "CONTEXT: MSG". No-op on OK.
  Status& Prepend(const std::string& context);

 private:
  Status(Code c, std::string m) : code_(c), message_(std::move(m)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Formats "FILE:LINE:COL" (parts that are 0 are left out).
std::string Location(const std::string& file, long line, long col = 0);

}  // namespace liaudit

#define LIAUDIT_RETURN_IF_ERROR(expr)            \
  do {                                           \
    ::liaudit::Status _st = (expr);              \
    if (!_st.ok()) return _st;                   \
  } while (0)
