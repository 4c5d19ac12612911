// StoreLock: one job at a time per store. An advisory flock(2) on "<db>.lock"; the
// kernel drops it when the holder dies, so a lock left by a killed process is never
// stale. The holder writes what it is (pid, job, start) into the file so a second
// liaudit can name the running job.
#pragma once
#include <string>

#include "core/status.h"

namespace liaudit::jobs {

class StoreLock {
 public:
  StoreLock() = default;
  ~StoreLock();
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;

  // Waits up to wait_seconds for the lock; on time-out a kConflict Status names the
  // running job. `what` describes this job for the next one ("nightly 2026-11-25").
  Status Acquire(const std::string& db_path, const std::string& what, int wait_seconds);

 private:
  int fd_ = -1;
};

}  // namespace liaudit::jobs
