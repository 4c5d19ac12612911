// The sub-commands that are not batch jobs: followup and verify.
#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/twid.h"
#include "jobs/chain.h"
#include "jobs/context.h"
#include "jobs/csv_out.h"
#include "jobs/job_folder.h"
#include "jobs/log.h"
#include "jobs/lock.h"
#include "jobs/runner.h"
#include "sign/http.h"
#include "sign/verify.h"
#include "store/store.h"

namespace fs = std::filesystem;

namespace liaudit::jobs {
namespace {

const char* StateZh(store::FollowUpState s) {
  switch (s) {
    case store::FollowUpState::kOpen: return "open";
    case store::FollowUpState::kReportReceived: return "report_received";
    case store::FollowUpState::kClosed: return "closed";
  }
  return "?";
}

}  // namespace

Status RunFollowup(const JobOptions& opts, const FollowupParams& p, std::ostream& out) {
  if (!fs::exists(opts.db_path)) return Status::NotFound(opts.db_path + ": no store yet (run a job first)");
  StoreLock lock;
  LIAUDIT_RETURN_IF_ERROR(lock.Acquire(opts.db_path, "followup " + p.action, opts.lock_wait_seconds));
  std::unique_ptr<store::Store> st;
  LIAUDIT_RETURN_IF_ERROR(store::Store::Open(opts.db_path, &st));
  if (p.action == "list") {
    std::vector<store::FollowUp> all;
    LIAUDIT_RETURN_IF_ERROR(st->ListFollowUps(&all));
    Date today = DateOf(NowLocal());
    long shown = 0;
    for (const auto& f : all) {
      bool overdue = f.state == store::FollowUpState::kOpen && f.due != kNoDate && f.due < today;
      if (p.overdue_only && !overdue) continue;
      // Keys, accounts and names come from input files and users: each field is neutralised
      // (no formula, no tab or line break of its own, no full ID), as every CSV is.
      out << ListField(f.key) << "\t" << StateZh(f.state) << "\tdue "
          << (f.due == kNoDate ? "-" : FormatIsoDate(f.due)) << (overdue ? " OVERDUE" : "") << "\t"
          << ListField(f.account) << "\t" << ListField(f.rule_id);
      if (!f.updated_by.empty()) out << "\tby " << LogSafe(f.updated_by) << " at " << FormatIsoTime(f.updated_at);
      out << "\n";
      ++shown;
    }
    out << shown << " follow-up(s)\n";
    return Status::OK();
  }
  store::FollowUpState to;
  if (p.action == "received") to = store::FollowUpState::kReportReceived;
  else if (p.action == "close") to = store::FollowUpState::kClosed;
  else if (p.action == "reopen") to = store::FollowUpState::kOpen;
  else return Status::Usage("followup: ACTION is one of list, received, close, reopen");
  if (p.key.empty()) return Status::Usage("followup " + p.action + ": give the finding KEY (see followup list)");
  if (p.by.empty()) return Status::Usage("followup " + p.action + ": say who records it with --by NAME");
  LIAUDIT_RETURN_IF_ERROR(st->SetFollowUpState(p.key, to, p.by, NowLocal(), p.note));
  out << LogSafe(p.key) << ": " << StateZh(to) << " (by " << LogSafe(p.by) << ")\n";
  // The change is in the follow-up log; its new head goes outside the store too, so that
  // removing it from the store is noticed (docs/signing.md "The chain's head"). Not over
  // the head of another store's chain: `followup --db COPY` without --output names the
  // default output folder, whose chain-head names jobs COPY may not have.
  ChainHead head, there;
  std::string unreadable;
  std::error_code ec;
  if (!CurrentChainHead(st.get(), &head).ok() || !fs::is_directory(opts.output_dir, ec)) return Status::OK();
  if (ReadChainHead(opts.output_dir, &there, &unreadable) && there.job_id > 0) {
    std::vector<store::JobRecord> jobs;
    LIAUDIT_RETURN_IF_ERROR(st->ListJobs(&jobs));
    bool ours = false;
    for (const auto& j : jobs) ours |= j.id == there.job_id && j.manifest_sha256 == there.manifest_sha256;
    if (!ours) {
      out << "note: " << (fs::path(opts.output_dir) / "chain-head").string()
          << " belongs to another store's jobs: not updated (give --output for this store's folder)\n";
      return Status::OK();
    }
  }
  JobLog log("followup");
  log.TeeTo((fs::path(opts.output_dir) / "liaudit.log").string());
  log.Line("followup " + MaskIdsInText(p.key) + ": " + StateZh(to) + " (by " + p.by + ")");
  WriteChainHead(opts.output_dir, head, &log);
  return Status::OK();
}

namespace {

struct ChainEntry {
  std::string dir, sha256, previous, kind;
  int64_t job_id = 0;
  // What the manifest says of the job's findings and of the follow-up log at its end
  // (findings = -1, findings_sha256 / log_sha256 "" when an older manifest does not say).
  long findings = -1;
  std::map<std::string, long> findings_by_rule;
  std::string findings_sha256;
  long log_entries = 0;
  std::string log_sha256;
};

// Where the store's findings of a job and its follow-up log differ from what the job's
// signed manifest recorded ("" when they agree). Purge never removes findings or log
// entries, so any difference is an edit outside liaudit.
std::string StoreProblems(store::Store* st, const ChainEntry& e) {
  std::vector<Finding> saved;
  if (Status s = st->LoadFindings(e.job_id, &saved); !s.ok()) return s.message();
  const std::string job = "job " + std::to_string(e.job_id);
  std::string why;
  if (e.findings >= 0 && static_cast<long>(saved.size()) != e.findings) {
    why = "the store holds " + std::to_string(saved.size()) + " finding(s) of " + job + ", its signed manifest lists " +
          std::to_string(e.findings) + " (findings removed or added outside liaudit)";
  } else if (!e.findings_sha256.empty() && FindingsDigest(saved) != e.findings_sha256) {
    why = "the store's findings of " + job + " differ from those its signed manifest lists (changed outside liaudit)";
  } else if (e.findings_sha256.empty() && e.findings >= 0) {
    std::map<std::string, long> by_rule;  // an older manifest: its counts by rule
    for (const Finding& f : saved) ++by_rule[f.rule_id];
    if (by_rule != e.findings_by_rule)
      why = "the store's findings of " + job + " by rule differ from its signed manifest's counts (changed outside liaudit)";
  }
  if (e.log_entries > 0) {
    std::string sha;
    if (Status s = st->FollowUpLogEntryHash(e.log_entries, &sha); !s.ok()) return s.message();
    if (sha != e.log_sha256)
      why += std::string(why.empty() ? "" : "; ") + "the follow-up log no longer holds entry " +
             std::to_string(e.log_entries) + " as " + job + "'s signed manifest recorded it (follow-up history "
             "changed outside liaudit)";
  }
  return why;
}

// What differs between a job folder and its manifest.json: files missing, altered or added
// ("" when every listed file is there with its SHA-256 and nothing else is). Signatures are
// `verify FOLDER`'s business; the chain checks that the folder holds what its manifest,
// itself checked against the store, lists.
std::string ContentProblems(const std::string& dir) {
  sign::FolderVerdict v;
  sign::VerifyOptions files_only;
  files_only.signatures = false;
  if (Status st = sign::VerifyFolder(dir, files_only, &v); !st.ok()) return st.message();
  std::string why;
  auto add = [&](const std::vector<std::string>& files, const char* what) {
    if (files.empty()) return;
    if (!why.empty()) why += "; ";
    why += std::to_string(files.size()) + " file(s) " + what + " (" + files.front() + (files.size() > 1 ? ", …" : "") + ")";
  };
  add(v.missing, "missing");
  add(v.altered, "altered");
  add(v.extra, "not in the manifest");
  for (const std::string& p : v.problems) why += (why.empty() ? "" : "; ") + p;
  return why;
}

// Walks OUTPUT/{nightly,quarterly,audit,forms}/*/manifest.json and checks the hash
// chain: every manifest's previous_manifest_sha256 is the hash of the manifest of the
// job that finished before it; with the store at hand, every job the store recorded
// still has its folder (or was superseded by a re-run) and no manifest was altered; and
// every folder still holds exactly the files its manifest lists.
int VerifyChain(const JobOptions& opts, const VerifyParams& p, std::ostream& out, std::ostream& err) {
  std::vector<ChainEntry> entries;
  std::error_code ec;
  for (const char* kind : {"nightly", "quarterly", "audit", "forms"}) {
    fs::path base = fs::path(p.path) / kind;
    if (!fs::is_directory(base, ec)) continue;
    for (const auto& d : fs::directory_iterator(base, ec)) {
      std::string name = d.path().filename().string();
      if (!d.is_directory() || name.empty() || name[0] == '.' || (name.size() > 9 && name.substr(name.size() - 9) == ".previous"))
        continue;
      fs::path m = d.path() / "manifest.json";
      if (!fs::exists(m, ec)) {
        out << "BROKEN   " << d.path().string() << ": no manifest.json\n";
        ChainEntry broken;
        broken.dir = d.path().string();
        broken.kind = kind;
        broken.job_id = -1;
        entries.push_back(broken);
        continue;
      }
      ChainEntry e;
      e.dir = d.path().string();
      e.kind = kind;
      if (!Sha256OfFile(m.string(), &e.sha256).ok()) continue;
      try {
        std::ifstream in(m);
        auto j = nlohmann::json::parse(in);
        e.job_id = j.at("job").at("id").get<int64_t>();
        e.previous = j.value("previous_manifest_sha256", "");
        if (j.contains("counts") && j["counts"].contains("findings")) {
          e.findings = j["counts"]["findings"].get<long>();
          const auto& counts = j["counts"];
          if (counts.contains("findings_by_rule") && counts["findings_by_rule"].is_object())
            for (auto r = counts["findings_by_rule"].begin(); r != counts["findings_by_rule"].end(); ++r)
              e.findings_by_rule[r.key()] = r.value().get<long>();
        }
        e.findings_sha256 = j.value("findings_sha256", "");
        if (j.contains("followup_log")) {
          e.log_entries = j["followup_log"].value("entries", 0L);
          e.log_sha256 = j["followup_log"].value("sha256", "");
        }
      } catch (const std::exception& ex) {
        out << "BROKEN   " << m.string() << ": unreadable manifest (" << ex.what() << ")\n";
        e.job_id = -1;
      }
      entries.push_back(e);
    }
  }
  std::sort(entries.begin(), entries.end(), [](const ChainEntry& a, const ChainEntry& b) { return a.job_id < b.job_id; });
  // Prints the folder's ALTERED line when its files differ from its manifest; true if they do.
  auto altered = [&out](const ChainEntry& e) {
    const std::string why = ContentProblems(e.dir);
    if (!why.empty()) out << "ALTERED  " << e.dir << ": " << why << " (see `liaudit verify " << e.dir << "`)\n";
    return !why.empty();
  };
  int problems = 0;
  for (const auto& e : entries) problems += e.job_id < 0;

  std::string db = opts.db_path;
  if (db.empty() || !fs::exists(db, ec)) db = (fs::path(p.path) / "liaudit.sqlite").string();
  std::unique_ptr<store::Store> st;
  if (fs::exists(db, ec) && store::Store::Open(db, &st).ok()) {
    std::vector<store::JobRecord> jobs;
    st->ListJobs(&jobs);
    std::map<int64_t, const store::JobRecord*> by_id;
    std::string prev_hash;
    std::map<int64_t, std::string> expected_prev;
    for (const auto& j : jobs) {
      if (j.status != "ok" || j.manifest_sha256.empty()) continue;
      by_id[j.id] = &j;
      expected_prev[j.id] = prev_hash;
      prev_hash = j.manifest_sha256;
    }
    std::set<int64_t> seen;
    for (const auto& e : entries) {
      if (e.job_id < 0) continue;
      seen.insert(e.job_id);
      auto it = by_id.find(e.job_id);
      if (it == by_id.end()) {
        out << "UNKNOWN  " << e.dir << ": job " << e.job_id << " is not in the store\n";
        ++problems;
      } else if (it->second->manifest_sha256 != e.sha256) {
        out << "ALTERED  " << e.dir << ": manifest differs from the one recorded for job " << e.job_id << "\n";
        ++problems;
      } else if (e.previous != expected_prev[e.job_id]) {
        out << "BROKEN   " << e.dir << ": previous_manifest_sha256 does not match job " << e.job_id << "'s predecessor\n";
        ++problems;
      } else if (altered(e)) {
        ++problems;
      } else if (const std::string why = StoreProblems(st.get(), e); !why.empty()) {
        out << "CHANGED  " << e.dir << ": " << why << "\n";
        ++problems;
      } else {
        out << "OK       " << e.dir << " (job " << e.job_id << ")\n";
      }
    }
    // Jobs the store recorded whose folder is gone, unless a later run of the same job replaced it.
    std::set<std::string> present;
    for (const auto& e : entries) present.insert(fs::weakly_canonical(e.dir).string());
    // Folders are compared by their place under the output folder (nightly/2026-11-25), not
    // their absolute path, so a workspace moved or restored elsewhere still matches.
    auto place = [](const std::string& dir) {
      const fs::path norm = fs::path(dir).lexically_normal();
      return (norm.parent_path().filename() / norm.filename()).string();
    };
    for (const auto& [id, j] : by_id) {
      if (seen.count(id) || j->output_dir.empty()) continue;
      bool superseded = false;
      for (const auto& [id2, j2] : by_id)
        if (id2 > id && place(j2->output_dir) == place(j->output_dir)) superseded = true;
      if (superseded) continue;
      out << "MISSING  " << j->output_dir << ": job " << id << " (" << j->kind << ") has no folder\n";
      ++problems;
    }
    // The follow-up log: its hash chain, and the followups table against what it replays to.
    std::vector<std::string> log_problems;
    store::Store::LogHead log_head;
    if (Status s = st->VerifyFollowUpLog(&log_problems, &log_head); !s.ok()) log_problems.push_back(s.message());
    for (const std::string& lp : log_problems) out << "FOLLOWUP " << lp << "\n";
    problems += static_cast<int>(log_problems.size());
    // The console's access log (liaudit serve): its hash chain, entry by entry.
    std::vector<std::string> console_problems;
    long console_entries = 0;
    if (Status s = st->VerifyConsoleLog(&console_problems, &console_entries); !s.ok())
      console_problems.push_back(s.message());
    for (const std::string& cp : console_problems) out << "CONSOLE  " << cp << "\n";
    problems += static_cast<int>(console_problems.size());
    // The chain's head as recorded outside the store, in chain-head and in liaudit.log: the
    // job it names must still be in the store with that manifest, and the follow-up log must
    // still reach the head it names. A store ahead of it is a job that ended before writing
    // it (the next one does), not a problem.
    auto check_head = [&](const ChainHead& h, const char* where) {
      auto it = by_id.find(h.job_id);
      if (h.job_id > 0 && it == by_id.end()) {
        out << "REMOVED  job " << h.job_id << " (" << h.kind << ", " << h.output_dir << "): " << where
            << " names it as the newest job, but the store no longer has it\n";
        ++problems;
      } else if (h.job_id > 0 && it->second->manifest_sha256 != h.manifest_sha256) {
        out << "ALTERED  job " << h.job_id << ": its manifest hash in the store differs from the one " << where
            << " recorded\n";
        ++problems;
      } else if (h.job_id > 0 && h.job_id < (by_id.empty() ? 0 : by_id.rbegin()->first)) {
        out << "note: the store has jobs newer than " << where << " (job " << h.job_id
            << "): a job ended before writing it; the next job does\n";
      }
      std::string sha;
      if (h.followup_log_entries > log_head.entries) {
        out << "REMOVED  follow-up log: " << where << " records " << h.followup_log_entries
            << " entries, the store holds " << log_head.entries << "\n";
        ++problems;
      } else if (h.followup_log_entries > 0 && st->FollowUpLogEntryHash(h.followup_log_entries, &sha).ok() &&
                 sha != h.followup_log_sha256) {
        out << "ALTERED  follow-up log: entry " << h.followup_log_entries << " differs from the one " << where
            << " recorded\n";
        ++problems;
      }
    };
    ChainHead head, logged;
    std::string head_error;
    const bool have_head = ReadChainHead(p.path, &head, &head_error);
    if (!head_error.empty()) {
      out << "BROKEN   " << head_error << "\n";
      ++problems;
    }
    if (have_head) check_head(head, "chain-head");
    const bool have_logged = LastLoggedChainHead(p.path, &logged);
    if (have_logged && (!have_head || logged.job_id != head.job_id || logged.manifest_sha256 != head.manifest_sha256 ||
                        logged.followup_log_entries != head.followup_log_entries))
      check_head(logged, "liaudit.log");
    // Manifests that record the follow-up log were written by a liaudit that also writes
    // chain-head: without it, the newest job may have been removed with it.
    const bool heads_expected =
        std::any_of(entries.begin(), entries.end(), [](const ChainEntry& e) { return !e.findings_sha256.empty(); });
    if (!have_head && head_error.empty() && heads_expected) {
      out << "MISSING  " << (fs::path(p.path) / "chain-head").string()
          << ": the chain's head is not recorded (removed?); the newest job cannot be checked\n";
      ++problems;
    }
  } else {
    // No store: check that the manifests found link to each other.
    std::set<std::string> hashes;
    for (const auto& e : entries) hashes.insert(e.sha256);
    for (size_t i = 0; i < entries.size(); ++i) {
      const auto& e = entries[i];
      if (e.job_id < 0) continue;
      bool linked = i == 0 || e.previous.empty() || hashes.count(e.previous);
      const bool damaged = altered(e);
      if (!damaged) out << (linked ? "OK       " : "GAP      ") << e.dir << " (job " << e.job_id << ")\n";
      if (!linked || damaged) ++problems;
    }
    out << "note: no store found, so deleted folders can only be seen as gaps in the chain\n";
  }
  out << (problems ? "chain: " + std::to_string(problems) + " problem(s)\n" : "chain: intact, " + std::to_string(entries.size()) + " job folder(s)\n");
  (void)err;
  return problems ? 1 : 0;
}

}  // namespace

int RunVerify(const JobOptions& opts, const VerifyParams& p, std::ostream& out, std::ostream& err) {
  sign::VerifyOptions vo;
  vo.trust_anchors = opts.signing.trust_anchors;
  vo.at_utc = p.at_utc;
  std::error_code ec;
  if (!fs::exists(p.path, ec)) {
    err << "liaudit: verify: " << p.path << ": no such file or folder\n";
    return 1;
  }
  if (p.chain) return VerifyChain(opts, p, out, err);
  sign::FolderVerdict verdict;
  if (fs::is_directory(p.path, ec)) {
    Status st = sign::VerifyFolder(p.path, vo, &verdict);
    if (!st.ok()) {
      err << "liaudit: verify: " << st.message() << "\n";
      return 1;
    }
  } else {
    sign::PdfVerdict v;
    Status st = sign::VerifyPdf(p.path, vo, &v);
    if (!st.ok()) {
      err << "liaudit: verify: " << st.message() << "\n";
      return 1;
    }
    verdict.ok = v.ok;
    verdict.pdfs.push_back(v);
  }
  if (p.json) return sign::PrintVerdicts(verdict, p.json, out);
  // File names are built from input (附表4-<account>.pdf) and signer names are
  // certificates' text: each line of the report goes through the log masker.
  std::ostringstream text;
  const int rc = sign::PrintVerdicts(verdict, p.json, text);
  const std::string report = text.str();
  for (size_t b = 0; b < report.size();) {
    size_t e = report.find('\n', b);
    e = e == std::string::npos ? report.size() : e + 1;
    out << MaskIdsForLog(std::string_view(report).substr(b, e - b));
    b = e;
  }
  return rc;
}

int RunExtend(const JobOptions& opts, const std::vector<std::string>& paths, std::ostream& out, std::ostream& err) {
  sign::SignerConfig sc = SignerConfigFrom(opts.signing);
  if (sc.tsa.url.empty()) {
    err << "liaudit: extend needs a time-stamping authority (signing.tsa_url)\n";
    return 2;
  }
  std::unique_ptr<sign::Extender> extender;
  if (Status st = sign::Extender::Create(sc, &extender); !st.ok()) {
    err << "liaudit: extend: " << st.message() << "\n";
    return 1;
  }
  int failed = 0, done = 0;
  for (const std::string& path : paths) {
    std::error_code ec;
    std::vector<std::string> pdfs;
    const bool folder = fs::is_directory(path, ec);
    if (folder) {
      for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        std::string ext = it->path().extension().string();
        std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (it->is_regular_file(ec) && ext == ".pdf") pdfs.push_back(it->path().string());
      }
      std::sort(pdfs.begin(), pdfs.end());
    } else if (fs::is_regular_file(path, ec)) {
      pdfs.push_back(path);
    } else {
      err << "liaudit: extend: " << path << ": no such file or folder\n";
      ++failed;
      continue;
    }
    // A folder's earlier history must be readable before anything is extended: extending
    // and then dropping what earlier runs recorded would lose the record.
    const std::string hist = (fs::path(path) / sign::kManifestHistoryFile).string();
    nlohmann::ordered_json h = nlohmann::ordered_json::array();
    if (folder && fs::exists(hist, ec)) {
      std::ifstream in(hist, std::ios::binary);
      try {
        h = nlohmann::ordered_json::parse(in);
      } catch (const nlohmann::json::parse_error& e) {
        err << "liaudit: extend: " << hist << ": not valid JSON (" << e.what()
            << "); nothing in " << path << " was extended: restore the file or move it aside\n";
        ++failed;
        continue;
      }
      if (!h.is_array()) {
        err << "liaudit: extend: " << hist << ": expected a JSON array of earlier extensions; nothing in " << path
            << " was extended: restore the file or move it aside\n";
        ++failed;
        continue;
      }
    }
    nlohmann::ordered_json entry;
    entry["extended_at"] = FormatIsoTime(static_cast<LocalTime>(std::time(nullptr)) + kTaipeiUtcOffsetSeconds) + "+08:00";
    entry["tsa"] = sign::RedactedUrl(sc.tsa.url);
    entry["files"] = nlohmann::ordered_json::array();
    for (const std::string& pdf : pdfs) {
      sign::ExtendResult r;
      Status st = extender->Extend(pdf, &r);
      if (!st.ok()) {
        err << "liaudit: extend: " << st.message() << "\n";
        ++failed;
        continue;
      }
      ++done;
      out << "extended " << pdf << " (" << r.signatures << " signature(s) before; document timestamp " << r.timestamp << ")\n";
      std::string rel = folder ? fs::path(pdf).lexically_relative(path).generic_string() : pdf;
      entry["files"].push_back({{"path", rel}, {"timestamp", r.timestamp}, {"revocation", r.revocation_sources}});
    }
    // A job folder keeps manifest.json as the job wrote it (its hash is in the store's
    // chain and manifest.json.p7s signs it); what extend did goes to manifest.history.json.
    if (folder && fs::exists(fs::path(path) / "manifest.json", ec) && !entry["files"].empty()) {
      h.push_back(entry);
      const std::string tmp = hist + ".tmp";
      {
        std::ofstream o(tmp, std::ios::binary | std::ios::trunc);
        o << h.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
        if (!o) {
          err << "liaudit: extend: cannot write " << tmp << "\n";
          ++failed;
          continue;
        }
      }
      fs::rename(tmp, hist, ec);
      if (ec) {
        err << "liaudit: extend: cannot write " << hist << ": " << ec.message() << "\n";
        ++failed;
      }
    }
  }
  sign::SignerStats stats = extender->Stats();
  out << "extend: " << done << " PDF(s) extended, " << failed << " failed; " << stats.tsa_requests
      << " timestamp request(s)\n";
  return failed == 0 ? 0 : 1;
}

}  // namespace liaudit::jobs
