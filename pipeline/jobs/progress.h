// Progress: a progress bar with an ETA on stderr for long stages, drawn only when
// stderr is a terminal (and progress is on); elsewhere it prints nothing, the job
// log's one line per stage is enough. Tick() may be called from several threads.
#pragma once
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>

namespace liaudit::jobs {

class Progress {
 public:
  Progress(bool enabled, std::string label, size_t total);
  ~Progress();
  void Tick(size_t n = 1);

 private:
  void Draw(size_t done, bool final);
  bool enabled_;
  std::string label_;
  size_t total_;
  std::atomic<size_t> done_{0};
  std::mutex draw_mu_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace liaudit::jobs
