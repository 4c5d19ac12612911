// The follow-up log: every opening and state change of a follow-up, append-only and
// hash-chained (docs/store.md "followup_log"). The followups table is the fast read of
// where the log has got to; VerifyFollowUpLog checks that it still is.

#include <array>
#include <map>

#include "core/digest.h"
#include "core/twid.h"
#include "store/store_impl.h"

namespace liaudit::store {

using internal::Exec;
using internal::Stmt;

namespace {

constexpr char kSep = '\x1f';  // between the fields of an entry's canonical text


const char kColumns[] =
    "id, key, event, from_state, to_state, rule_id, account, severity, job_id, due, detail, by, at, note,"
    " prev_sha256, sha256";

// The hash of the entry the statement (kColumns) stands on, chained to `prev`: every field
// but its own hash, the previous entry's hash last. NULL and '' differ.
std::string EntryHash(Stmt& s, const std::string& prev) {
  std::string text;
  for (int c = 0; c < 14; ++c) {
    if (c) text += kSep;
    if (s.IsNull(c)) text += "\\N";
    else text += s.Text(c);
  }
  text += kSep;
  text += prev;
  return Sha256Hex(text);
}

// Keys name the finding (rule, 交易序號, account, date...); one holding an ID shows it masked.
std::string SafeKey(const std::string& key) { return MaskIdsInText(key); }

}  // namespace

namespace internal {

Status AppendFollowUpLog(sqlite3* db, const FollowUpLogEntry& e) {
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(db,
                                    "INSERT INTO followup_log(key, event, from_state, to_state, rule_id, account,"
                                    " severity, job_id, due, detail, by, at, note) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  s.Bind(1, std::string_view(e.key));
  s.Bind(2, std::string_view(e.event));
  s.Bind(3, std::string_view(e.from_state));
  s.Bind(4, std::string_view(e.to_state));
  s.Bind(5, std::string_view(e.rule_id));
  s.Bind(6, std::string_view(e.account));
  s.Bind(7, e.severity);
  if (e.job_id > 0) s.Bind(8, e.job_id); else s.BindNull(8);
  s.BindOpt(9, e.due, kNoDate);
  s.Bind(10, std::string_view(e.detail));
  s.Bind(11, std::string_view(e.by));
  s.BindOpt(12, e.at, kNoTime);
  s.Bind(13, std::string_view(e.note));
  LIAUDIT_RETURN_IF_ERROR(s.Run());
  return SealFollowUpLog(db);
}

Status SealFollowUpLog(sqlite3* db) {
  // The newest sealed entry's hash, then every unsealed one after it, in order.
  Stmt last;
  LIAUDIT_RETURN_IF_ERROR(last.Prepare(db, "SELECT sha256 FROM followup_log WHERE sha256 <> '' ORDER BY id DESC LIMIT 1"));
  bool row = false;
  LIAUDIT_RETURN_IF_ERROR(last.Step(&row));
  std::string prev = row ? last.Text(0) : std::string();
  last.Reset();
  Stmt s, upd;
  LIAUDIT_RETURN_IF_ERROR(
      s.Prepare(db, (std::string("SELECT ") + kColumns + " FROM followup_log WHERE sha256 = '' ORDER BY id").c_str()));
  LIAUDIT_RETURN_IF_ERROR(upd.Prepare(db, "UPDATE followup_log SET prev_sha256 = ?, sha256 = ? WHERE id = ?"));
  struct Seal {
    int64_t id;
    std::string prev, sha256;
  };
  std::vector<Seal> seals;  // read first, written after: the statement walks the table
  LIAUDIT_FOR_EACH_ROW(s) {
    std::string sha = EntryHash(s, prev);
    seals.push_back({s.Int(0), prev, sha});
    prev = std::move(sha);
  }
  for (const Seal& x : seals) {
    upd.Bind(1, std::string_view(x.prev));
    upd.Bind(2, std::string_view(x.sha256));
    upd.Bind(3, x.id);
    LIAUDIT_RETURN_IF_ERROR(upd.Run());
  }
  return Status::OK();
}

}  // namespace internal

Status Store::FollowUpLogHead(LogHead* out) {
  *out = LogHead();
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(impl_->db,
                                    "SELECT COUNT(*), (SELECT sha256 FROM followup_log ORDER BY id DESC LIMIT 1)"
                                    " FROM followup_log"));
  bool row = false;
  LIAUDIT_RETURN_IF_ERROR(s.Step(&row));
  if (row) {
    out->entries = static_cast<long>(s.Int(0));
    out->sha256 = s.IsNull(1) ? "" : s.Text(1);
  }
  s.Reset();
  return Status::OK();
}

Status Store::FollowUpLogEntryHash(long n, std::string* sha256) {
  sha256->clear();
  if (n <= 0) return Status::OK();
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(impl_->db, "SELECT sha256 FROM followup_log ORDER BY id LIMIT 1 OFFSET ?"));
  s.Bind(1, static_cast<int64_t>(n - 1));
  bool row = false;
  LIAUDIT_RETURN_IF_ERROR(s.Step(&row));
  if (row) *sha256 = s.Text(0);
  s.Reset();
  return Status::OK();
}

Status Store::VerifyFollowUpLog(std::vector<std::string>* problems, LogHead* head) {
  problems->clear();
  *head = LogHead();
  struct Replayed {
    std::string state, rule_id, account, by, note;
    int64_t severity = 0, first_job = 0, due = kNoDate;
  };
  std::map<std::string, Replayed> replayed;
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(
      s.Prepare(impl_->db, (std::string("SELECT ") + kColumns + " FROM followup_log ORDER BY id").c_str()));
  std::string prev;
  long n = 0, broken = 0;
  LIAUDIT_FOR_EACH_ROW(s) {
    ++n;
    const std::string key = s.Text(1), event = s.Text(2);
    const std::string stored_prev = s.Text(14), stored = s.Text(15);
    // An entry is checked against what it claims to follow and against the one before it.
    const std::string expect = EntryHash(s, stored_prev);
    if (stored.empty()) {
      problems->push_back("follow-up log entry " + std::to_string(n) + " (" + SafeKey(key) + ") was never sealed");
    } else if (stored != expect || stored_prev != prev) {
      // Report the first few; one edit breaks every link after it only once.
      if (++broken <= 3)
        problems->push_back("follow-up log entry " + std::to_string(n) + " (" + SafeKey(key) + ") " +
                            (stored != expect ? "was changed after it was written"
                                              : "does not follow the entry before it (an entry was removed or inserted)"));
    }
    prev = stored;
    Replayed& r = replayed[key];
    if (event == "open") {
      if (!r.state.empty())
        problems->push_back("follow-up " + SafeKey(key) + " is opened twice in the log (entry " + std::to_string(n) + ")");
      r.state = "open";
      r.rule_id = s.Text(5);
      r.account = s.Text(6);
      r.severity = s.Int(7);
      r.first_job = s.IntOr(8, 0);
      r.due = s.IntOr(9, kNoDate);
    } else {
      if (r.state.empty())
        problems->push_back("follow-up " + SafeKey(key) + " changes state in the log before it was opened (entry " +
                            std::to_string(n) + ")");
      r.state = s.Text(4);
      r.by = s.Text(11);
      r.note = s.Text(13);
    }
  }
  if (broken > 3) problems->push_back("... and " + std::to_string(broken - 3) + " more broken log entries");
  head->entries = n;
  head->sha256 = prev;

  Stmt f;
  LIAUDIT_RETURN_IF_ERROR(f.Prepare(impl_->db,
                                    "SELECT key, state, rule_id, account, severity, first_job, due, updated_by, note"
                                    " FROM followups ORDER BY key"));
  LIAUDIT_FOR_EACH_ROW(f) {
    const std::string key = f.Text(0);
    auto it = replayed.find(key);
    if (it == replayed.end() || it->second.state.empty()) {
      problems->push_back("follow-up " + SafeKey(key) + " (" + f.Text(1) + ") is not in the follow-up log: it was added "
                          "outside liaudit");
      continue;
    }
    const Replayed& r = it->second;
    std::vector<std::string> differs;
    if (f.Text(1) != r.state) differs.push_back("state " + f.Text(1) + ", the log says " + r.state);
    if (f.IntOr(6, kNoDate) != r.due) differs.push_back("due date");
    if (f.IntOr(5, 0) != r.first_job) differs.push_back("opening job");
    if (f.Text(2) != r.rule_id || f.Text(3) != r.account || f.Int(4) != r.severity)
      differs.push_back("rule, account or severity");
    if (f.Text(7) != r.by || f.Text(8) != r.note) differs.push_back("who changed it last or the note");
    std::string what;
    for (size_t i = 0; i < differs.size(); ++i) what += (i ? "; " : "") + differs[i];
    if (!differs.empty())
      problems->push_back("follow-up " + SafeKey(key) + " differs from its log (" + what + "): changed outside liaudit");
    replayed.erase(it);
  }
  for (const auto& [key, r] : replayed)
    problems->push_back("follow-up " + SafeKey(key) + " (" + r.state + " in the log) is missing from the store");
  return Status::OK();
}

}  // namespace liaudit::store
