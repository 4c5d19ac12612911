#include "jobs/chain.h"

#include "core/digest.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "jobs/job_folder.h"

namespace fs = std::filesystem;

namespace liaudit::jobs {
namespace {

constexpr char kSep = '\x1f', kRowSep = '\x1e';
const char kHeadFile[] = "chain-head";
const char kLogMark[] = "chain head: job ";

std::string LogLine(const ChainHead& h) {
  return std::string(kLogMark) + std::to_string(h.job_id) + " (" + h.kind + ") manifest " + h.manifest_sha256 +
         ", follow-up log " + std::to_string(h.followup_log_entries) + " entries " +
         (h.followup_log_sha256.empty() ? "-" : h.followup_log_sha256);
}

}  // namespace

std::string FindingsDigest(const std::vector<Finding>& findings) {
  std::string text;
  for (const Finding& f : findings) {
    const std::string fields[] = {f.rule_id,
                                  std::to_string(static_cast<int>(f.severity)),
                                  f.key,
                                  f.account,
                                  std::to_string(f.query_time),
                                  f.txn_id,
                                  f.service_code,
                                  f.subject_id,
                                  f.reg_no,
                                  f.request_no,
                                  std::to_string(f.date),
                                  f.detail};
    for (const std::string& s : fields) text += s + kSep;
    for (const Evidence& e : f.evidence)
      text += std::to_string(static_cast<int>(e.kind)) + kSep + std::to_string(e.id) + kSep + e.label + kSep;
    text += kRowSep;
  }
  return Sha256Hex(text);
}

Status CurrentChainHead(store::Store* st, ChainHead* out) {
  *out = ChainHead();
  std::vector<store::JobRecord> jobs;
  LIAUDIT_RETURN_IF_ERROR(st->ListJobs(&jobs));
  for (auto it = jobs.rbegin(); it != jobs.rend(); ++it) {
    if (it->status != "ok" || it->manifest_sha256.empty()) continue;
    out->job_id = it->id;
    out->kind = it->kind;
    out->manifest_sha256 = it->manifest_sha256;
    out->output_dir = it->output_dir;
    break;
  }
  store::Store::LogHead log;
  LIAUDIT_RETURN_IF_ERROR(st->FollowUpLogHead(&log));
  out->followup_log_entries = log.entries;
  out->followup_log_sha256 = log.sha256;
  return Status::OK();
}

void WriteChainHead(const std::string& output_dir, const ChainHead& h, JobLog* log) {
  nlohmann::ordered_json j{{"job_id", h.job_id},
                           {"kind", h.kind},
                           {"manifest_sha256", h.manifest_sha256},
                           {"output_dir", h.output_dir},
                           {"followup_log_entries", h.followup_log_entries},
                           {"followup_log_sha256", h.followup_log_sha256}};
  const std::string path = (fs::path(output_dir) / kHeadFile).string();
  Status st = WriteFileAtomic(path, j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  if (!st.ok()) {
    log->Line("chain head: " + st.message() + " (the next job writes it again)");
    return;
  }
  log->Line(LogLine(h));
}

bool ReadChainHead(const std::string& output_dir, ChainHead* out, std::string* error) {
  error->clear();
  const fs::path path = fs::path(output_dir) / kHeadFile;
  std::error_code ec;
  if (!fs::exists(path, ec)) return false;
  try {
    std::ifstream in(path);
    auto j = nlohmann::json::parse(in);
    out->job_id = j.at("job_id").get<int64_t>();
    out->kind = j.value("kind", "");
    out->manifest_sha256 = j.at("manifest_sha256").get<std::string>();
    out->output_dir = j.value("output_dir", "");
    out->followup_log_entries = j.value("followup_log_entries", 0L);
    out->followup_log_sha256 = j.value("followup_log_sha256", "");
  } catch (const std::exception& ex) {
    *error = path.string() + ": unreadable (" + ex.what() + ")";
    return false;
  }
  return true;
}

bool LastLoggedChainHead(const std::string& output_dir, ChainHead* out) {
  std::ifstream in(fs::path(output_dir) / "liaudit.log");
  std::string line, last;
  while (std::getline(in, line))
    if (line.find(kLogMark) != std::string::npos) last = line;
  if (last.empty()) return false;
  // "... chain head: job 12 (nightly) manifest <hex>, follow-up log 3 entries <hex or ->"
  size_t p = last.find(kLogMark) + sizeof(kLogMark) - 1;
  char kind[64] = {0}, sha[65] = {0}, log_sha[65] = {0};
  long long id = 0;
  long entries = 0;
  if (std::sscanf(last.c_str() + p, "%lld (%63[^)]) manifest %64[0-9a-f], follow-up log %ld entries %64s", &id, kind,
                  sha, &entries, log_sha) < 4)
    return false;
  out->job_id = id;
  out->kind = kind;
  out->manifest_sha256 = sha;
  out->followup_log_entries = entries;
  out->followup_log_sha256 = std::string(log_sha) == "-" ? "" : log_sha;
  return true;
}

}  // namespace liaudit::jobs
