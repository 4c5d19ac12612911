// JobLog: one line per stage with its time and counts, to stderr and to the job's
// log file. Never given a password. Every line goes through LogSafe, so whatever it quotes
// from input (a reject's reason, an error naming a value) shows no full ID and stays one line.
#pragma once
#include <chrono>
#include <fstream>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace liaudit::jobs {

// A line for the log or the terminal that may quote input text: control characters and
// line breaks escaped (EscapeControls), every ID-looking token masked (MaskIdsForLog:
// A12345****; the SHA-256 digests the program prints are kept). What liaudit.log, job.log,
// stderr and stdout show of input goes through here.
std::string LogSafe(std::string_view text);

class JobLog {
 public:
  explicit JobLog(std::string job) : job_(std::move(job)) {}
  // Also write every line (past and future) to `path`.
  void TeeTo(const std::string& path);
  void Line(const std::string& msg);
  // Starts timing a stage; Done() logs "<stage>: <ms> ms, <counts>" for the innermost
  // stage begun and not yet done (stages nest).
  void Begin(const std::string& stage);
  void Done(const std::string& counts = "");
  const std::string& text() const { return text_; }

 private:
  std::string job_, text_;
  std::ofstream file_;
  std::mutex mu_;
  std::vector<std::pair<std::string, std::chrono::steady_clock::time_point>> stages_;
};

}  // namespace liaudit::jobs
