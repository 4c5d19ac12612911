// JobFolder: a job's output folder, written under a hidden temporary name and
// renamed into place only when complete (outputs.md "Output layout"), so a crash
// never leaves a folder that looks complete. Re-running a job replaces its folder;
// the previous one is kept as "<name>.previous" until the new one is in place.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace liaudit::jobs {

struct OutputFile {
  std::string path;    // relative to the job folder, '/'-separated
  std::string sha256;  // lower-case hex
  long long bytes = 0;
};

class JobFolder {
 public:
  // final_dir: e.g. output/nightly/2026-11-25. Creates the parent folders (mode 0700)
  // and the temporary folder "<parent>/.<name>.tmp-<pid>".
  static Status Begin(const std::string& final_dir, std::unique_ptr<JobFolder>* out);
  ~JobFolder();  // removes the temporary folder unless committed

  const std::string& temp_dir() const { return temp_dir_; }
  const std::string& final_dir() const { return final_dir_; }
  // Absolute path of `rel` inside the temporary folder; creates its parent folders.
  std::string PathFor(const std::string& rel);

  // Lists every file written so far with SHA-256 and size (sorted by path), except
  // manifest.json and its signature manifest.json.p7s.
  Status ListOutputs(std::vector<OutputFile>* out) const;
  // Writes `manifest_text` as manifest.json and, when `manifest_signature` is not empty,
  // that (the DER of its detached signature) as manifest.json.p7s, both into the
  // temporary folder; fsyncs, and renames the folder into place.
  Status Commit(const std::string& manifest_text, const std::string& manifest_signature);

 private:
  JobFolder() = default;
  std::string final_dir_, temp_dir_;
  bool committed_ = false;
};

// Writes `data` to `path` atomically (temp file in the same folder, fsync, rename).
Status WriteFileAtomic(const std::string& path, const std::string& data);
// SHA-256 of a file, lower-case hex (OpenSSL EVP, streamed).
Status Sha256OfFile(const std::string& path, std::string* hex);

}  // namespace liaudit::jobs
