#include "jobs/progress.h"

#include <unistd.h>

#include <cstdio>

namespace liaudit::jobs {

Progress::Progress(bool enabled, std::string label, size_t total)
    : enabled_(enabled && total > 1 && ::isatty(STDERR_FILENO)), label_(std::move(label)), total_(total),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

Progress::~Progress() {
  if (enabled_) Draw(done_.load(), true);
}

void Progress::Tick(size_t n) {
  size_t done = done_ += n;
  if (!enabled_) return;
  std::unique_lock<std::mutex> lock(draw_mu_, std::try_to_lock);
  if (!lock.owns_lock()) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100) && done < total_) return;
  last_draw_ = now;
  Draw(done, false);
}

void Progress::Draw(size_t done, bool final) {
  const int kWidth = 30;
  double frac = total_ ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
  if (frac > 1) frac = 1;
  int filled = static_cast<int>(frac * kWidth);
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kWidth - filled), '.');
  char eta[32] = "";
  if (!final && done > 0 && frac < 1) std::snprintf(eta, sizeof eta, " ETA %.0fs", elapsed / frac - elapsed);
  std::fprintf(stderr, "\r%s [%s] %zu/%zu %3.0f%%%s   %s", label_.c_str(), bar.c_str(), done, total_, frac * 100,
               eta, final ? "\n" : "");
  std::fflush(stderr);
}

}  // namespace liaudit::jobs
