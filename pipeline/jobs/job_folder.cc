#include "jobs/job_folder.h"

#include "core/digest.h"
#include "ingest/parse.h"
#include "sign/sign.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace fs = std::filesystem;

namespace liaudit::jobs {
namespace {

// Flushes a file or folder to the disk. A folder's entries only survive a power cut once
// the folder itself is synced, so every folder of a job's tree is, as well as every file.
Status FsyncPath(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError(path + ": cannot open to flush: " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return Status::IoError(path + ": cannot flush: " + std::strerror(err));
  return Status::OK();
}

Status MakeDirs(const fs::path& p) {
  std::error_code ec;
  fs::create_directories(p, ec);
  if (ec) return Status::IoError(p.string() + ": cannot create folder: " + ec.message());
  return Status::OK();
}

// Removes "<parent>/.<name>.tmp-<pid>" (a run's temporary folder) and ".<name>.old-<pid>"
// (a folder being discarded) left by a killed run, of this job or of any other job that
// writes into the same parent (ad hoc audits each have a new name, so no later run of the
// same job would ever come): the process is gone, so nobody will ever finish or remove
// them. A folder whose process still exists is left alone: it is not ours to judge. Best
// effort: a folder that cannot be removed only costs space, the next run writes under its
// own pid.
void RemoveStaleTemps(const fs::path& parent) {
  std::error_code ec;
  for (fs::directory_iterator it(parent, ec), end; it != end && !ec; it.increment(ec)) {
    const std::string n = it->path().filename().string();
    if (n.size() < 2 || n[0] != '.') continue;
    std::string digits;
    for (const char* marker : {".tmp-", ".old-"}) {
      const size_t at = n.rfind(marker);
      if (at != std::string::npos && at > 1) digits = n.substr(at + 5);
    }
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9)
      continue;
    long pid = std::stol(digits);
    if (pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)) {
      std::error_code rm;
      fs::remove_all(it->path(), rm);
    }
  }
}

// Removes a visible folder (a job's "<name>.previous") by renaming it to a hidden name
// first: removing files one by one is not atomic, and a kill half-way would leave a
// visible folder with its manifest.json but not all its files, which looks complete.
void DiscardFolder(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;
  fs::path p(dir);
  std::string name = p.filename().string();
  fs::path trash = p.parent_path() / ("." + name + ".old-" + std::to_string(::getpid()));
  fs::remove_all(trash, ec);
  if (::rename(dir.c_str(), trash.c_str()) != 0) {
    fs::remove_all(dir, ec);
    return;
  }
  fs::remove_all(trash, ec);
}

}  // namespace

Status Sha256OfFile(const std::string& path, std::string* hex) { return ingest::Sha256File(path, hex); }


Status WriteFileAtomic(const std::string& path, const std::string& data) {
  std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return Status::IoError(tmp + ": cannot create: " + std::strerror(errno));
  size_t off = 0;
  while (off < data.size()) {
    ssize_t w = ::write(fd, data.data() + off, data.size() - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      std::string err = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return Status::IoError(path + ": write failed: " + err);
    }
    off += static_cast<size_t>(w);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    std::string err = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Status::IoError(path + ": cannot flush: " + err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string err = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Status::IoError(path + ": cannot rename into place: " + err);
  }
  return Status::OK();
}

Status JobFolder::Begin(const std::string& final_dir, std::unique_ptr<JobFolder>* out) {
  fs::path fin = fs::absolute(final_dir).lexically_normal();
  if (fin.filename().empty()) fin = fin.parent_path();
  LIAUDIT_RETURN_IF_ERROR(MakeDirs(fin.parent_path()));
  std::unique_ptr<JobFolder> jf(new JobFolder());
  jf->final_dir_ = fin.string();
  jf->temp_dir_ = (fin.parent_path() / ("." + fin.filename().string() + ".tmp-" + std::to_string(::getpid()))).string();
  RemoveStaleTemps(fin.parent_path());
  std::error_code ec;
  fs::remove_all(jf->temp_dir_, ec);
  if (::mkdir(jf->temp_dir_.c_str(), 0700) != 0)
    return Status::IoError(jf->temp_dir_ + ": cannot create folder: " + std::strerror(errno));
  *out = std::move(jf);
  return Status::OK();
}

JobFolder::~JobFolder() {
  if (!committed_ && !temp_dir_.empty()) {
    std::error_code ec;
    fs::remove_all(temp_dir_, ec);
  }
}

std::string JobFolder::PathFor(const std::string& rel) {
  fs::path p = fs::path(temp_dir_) / rel;
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  return p.string();
}

Status JobFolder::ListOutputs(std::vector<OutputFile>* out) const {
  out->clear();
  std::error_code ec;
  for (fs::recursive_directory_iterator it(temp_dir_, ec), end; it != end && !ec; it.increment(ec)) {
    // Every document is on the disk before the manifest that vouches for it is written
    // (and long before the folder gets its final name): after a power cut, a folder with
    // its final name never holds an empty or short PDF or workbook.
    if (it->is_directory()) {
      LIAUDIT_RETURN_IF_ERROR(FsyncPath(it->path().string()));
      continue;
    }
    if (!it->is_regular_file()) continue;
    std::string rel = fs::relative(it->path(), temp_dir_).generic_string();
    if (rel == "manifest.json" || rel == sign::kManifestSignatureFile) continue;
    LIAUDIT_RETURN_IF_ERROR(FsyncPath(it->path().string()));
    OutputFile f;
    f.path = rel;
    f.bytes = static_cast<long long>(it->file_size());
    LIAUDIT_RETURN_IF_ERROR(Sha256OfFile(it->path().string(), &f.sha256));
    out->push_back(std::move(f));
  }
  if (ec) return Status::IoError(temp_dir_ + ": " + ec.message());
  std::sort(out->begin(), out->end(), [](const OutputFile& a, const OutputFile& b) { return a.path < b.path; });
  return Status::OK();
}

Status JobFolder::Commit(const std::string& manifest_text, const std::string& manifest_signature) {
  LIAUDIT_RETURN_IF_ERROR(WriteFileAtomic((fs::path(temp_dir_) / "manifest.json").string(), manifest_text));
  if (!manifest_signature.empty()) {
    LIAUDIT_RETURN_IF_ERROR(
        WriteFileAtomic((fs::path(temp_dir_) / sign::kManifestSignatureFile).string(), manifest_signature));
  }
  LIAUDIT_RETURN_IF_ERROR(FsyncPath(temp_dir_));
  std::error_code ec;
  std::string previous = final_dir_ + ".previous";
  bool had_previous = fs::exists(final_dir_, ec);
  if (had_previous) {
    DiscardFolder(previous);
    if (::rename(final_dir_.c_str(), previous.c_str()) != 0)
      return Status::IoError(final_dir_ + ": cannot move the previous run aside: " + std::strerror(errno));
  }
  if (::rename(temp_dir_.c_str(), final_dir_.c_str()) != 0) {
    std::string err = std::strerror(errno);
    if (had_previous) ::rename(previous.c_str(), final_dir_.c_str());
    return Status::IoError(final_dir_ + ": cannot rename the new folder into place: " + err);
  }
  committed_ = true;
  FsyncPath(fs::path(final_dir_).parent_path().string());
  // Also when there was no folder to move aside: a run killed between its two renames
  // left only "<name>.previous", now superseded by the new folder.
  DiscardFolder(previous);
  return Status::OK();
}

}  // namespace liaudit::jobs
