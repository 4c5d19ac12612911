#include "jobs/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "core/datetime.h"

namespace liaudit::jobs {

StoreLock::~StoreLock() {
  if (fd_ >= 0) {
    // Truncate first so a reader never sees our description after we let go.
    if (::ftruncate(fd_, 0) != 0) { /* nothing to do: the lock itself is released below */ }
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }
}

Status StoreLock::Acquire(const std::string& db_path, const std::string& what, int wait_seconds) {
  std::string path = db_path + ".lock";
  std::error_code ec;
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) return Status::IoError(path + ": cannot open the lock file: " + std::strerror(errno));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_seconds);
  for (;;) {
    if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) break;
    if (errno != EWOULDBLOCK && errno != EINTR)
      return Status::IoError(path + ": cannot lock: " + std::strerror(errno));
    if (std::chrono::steady_clock::now() >= deadline) {
      char buf[512] = {0};
      ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
      std::string holder = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "another liaudit job";
      while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\r')) holder.pop_back();
      ::close(fd_);
      fd_ = -1;
      return Status::Conflict("the store " + db_path + " is in use by " + holder + "; waited " +
                              std::to_string(wait_seconds) + " s (see --lock-wait)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::string desc = "pid " + std::to_string(::getpid()) + " (" + what + ", started " +
                     FormatIsoTime(NowLocal()) + ")\n";
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, desc.data(), desc.size(), 0) < 0) {
    // The description is a courtesy for the next job; the lock is what matters.
  }
  return Status::OK();
}

}  // namespace liaudit::jobs
