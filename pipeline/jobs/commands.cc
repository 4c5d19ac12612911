// The sub-commands that are not batch jobs: followup and verify.
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "jobs/job_folder.h"
#include "jobs/lock.h"
#include "jobs/runner.h"
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
      out << f.key << "\t" << StateZh(f.state) << "\tdue " << (f.due == kNoDate ? "-" : FormatIsoDate(f.due))
          << (overdue ? " OVERDUE" : "") << "\t" << f.account << "\t" << f.rule_id;
      if (!f.updated_by.empty()) out << "\tby " << f.updated_by << " at " << FormatIsoTime(f.updated_at);
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
  out << p.key << ": " << StateZh(to) << " (by " << p.by << ")\n";
  return Status::OK();
}

int RunVerify(const JobOptions& opts, const VerifyParams& p, std::ostream& out, std::ostream& err) {
  sign::VerifyOptions vo;
  vo.trust_anchors = opts.signing.trust_anchors;
  std::error_code ec;
  if (!fs::exists(p.path, ec)) {
    err << "liaudit: verify: " << p.path << ": no such file or folder\n";
    return 1;
  }
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
  return sign::PrintVerdicts(verdict, p.json, out);
}

}  // namespace liaudit::jobs
