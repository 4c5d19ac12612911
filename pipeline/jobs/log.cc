#include "jobs/log.h"

#include <iostream>

#include "core/datetime.h"
#include "core/text.h"
#include "core/twid.h"

namespace liaudit::jobs {

std::string LogSafe(std::string_view text) { return MaskIdsForLog(EscapeControls(text)); }

void JobLog::TeeTo(const std::string& path) {
  file_.open(path, std::ios::app);
  if (file_) file_ << text_ << std::flush;
}

void JobLog::Line(const std::string& msg) {
  std::lock_guard<std::mutex> lock(mu_);  // the review workbook logs from its own thread
  std::string line = FormatIsoTime(NowLocal()) + " liaudit " + job_ + ": " + LogSafe(msg) + "\n";
  text_ += line;
  std::cerr << line;
  if (file_) file_ << line << std::flush;
}

void JobLog::Begin(const std::string& stage) {
  stages_.emplace_back(stage, std::chrono::steady_clock::now());
}

void JobLog::Done(const std::string& counts) {
  if (stages_.empty()) return;
  auto [stage, t0] = stages_.back();
  stages_.pop_back();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  Line(stage + ": " + std::to_string(ms) + " ms" + (counts.empty() ? "" : ", " + counts));
}

}  // namespace liaudit::jobs
