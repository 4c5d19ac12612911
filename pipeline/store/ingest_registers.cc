// Register files into the store: each file a snapshot of its register, a key's rows a
// new version when their canonical text changed (store/ingester.h, store/registers.h).
#include "store/ingester.h"

#include <algorithm>
#include <string>

#include "store/registers.h"

namespace liaudit::store::internal {

namespace {

// Canonical texts (the SHA-256 that decides a row's version): from the column tables.
std::string CanonOf(const PermissionRecord& r) { return internal::CanonOf(internal::PermissionColumns(), r); }
std::string CanonOf(const RegistrationRecord& r) { return internal::CanonOf(internal::RegistrationColumns(), r); }
std::string CanonOf(const RequestRow& r) { return internal::CanonOf(internal::RequestColumns(), r); }
std::string CanonOf(const StaffRecord& r) { return internal::CanonOf(internal::StaffColumns(), r); }

// Stores the rows idx of `rows` as version `version` of key `key_id`, through the register's
// column table; `extra` (when given) is bound after the table's columns (附表3's inconsistent).
template <typename R>
Status InsertVersion(Stmt* ins, const RegisterTable<R>& t, const std::vector<Buffered<R>>& rows,
                     const std::vector<size_t>& idx, int64_t key_id, int64_t version, int64_t file_id,
                     const int* extra = nullptr) {
  for (size_t i : idx) {
    const Buffered<R>& b = rows[i];
    ins->Bind(1, key_id);
    ins->Bind(2, version);
    int next = BindRow(t, ins, 3, b.rec);
    if (extra) ins->Bind(next++, *extra);
    ins->Bind(next, file_id);
    ins->Bind(next + 1, b.line);
    ins->Bind(next + 2, std::string_view(b.raw));
    LIAUDIT_RETURN_IF_ERROR(ins->Run());
  }
  return Status::OK();
}

}  // namespace

Status Ingester::BeginSnapshot(const char* kind) {
  snap_kind_ = kind;
  keys_.clear();
  Stmt n;
  LIAUDIT_RETURN_IF_ERROR(n.Prepare(db_, "SELECT COUNT(*) FROM register_keys WHERE kind=?"));
  n.Bind(1, std::string_view(kind));
  bool row = false;
  LIAUDIT_RETURN_IF_ERROR(n.Step(&row));
  if (row) keys_.reserve(static_cast<size_t>(n.Int(0)));
  n.Reset();
  Stmt sel;
  LIAUDIT_RETURN_IF_ERROR(
      sel.Prepare(db_, "SELECT id, key, current_version, content_sha256, withdrawn FROM register_keys WHERE kind=?"));
  sel.Bind(1, std::string_view(kind));
  LIAUDIT_FOR_EACH_ROW(sel) {
    KeyState k;
    k.id = sel.Int(0);
    k.version = sel.Int(2);
    // A malformed stored hash only makes the key look changed: it gets a new version.
    Sha256FromHex(sel.View(3), &k.sha);
    k.withdrawn = sel.Int(4) != 0;
    keys_.emplace(sel.Text(1), k);
  }
  return Status::OK();
}

template <typename InsertFn>
Status Ingester::OfferKey(const std::string& key, const Sha256& sha, long taken, long line, InsertFn insert) {
  auto [it, added] = keys_.try_emplace(key);
  KeyState& k = it->second;
  k.seen_line = line;
  if (added) {
    // rules.md "First seen": keys of the register's very first snapshot have no first-seen time.
    ins_key_.Bind(1, std::string_view(snap_kind_));
    ins_key_.Bind(2, std::string_view(key));
    if (first_snapshot_) ins_key_.BindNull(3); else ins_key_.Bind(3, as_of_);
    const std::string hex = LowerHex(sha);
    ins_key_.Bind(4, std::string_view(hex));
    LIAUDIT_RETURN_IF_ERROR(ins_key_.Run());
    k.id = sqlite3_last_insert_rowid(db_);
    k.version = 1;
    k.sha = sha;
    LIAUDIT_RETURN_IF_ERROR(insert(k.id, k.version));
    cur_.taken += taken;
    return Status::OK();
  }
  if (k.sha != sha) {
    // Changed content: a new version; the key keeps its first-seen time.
    LIAUDIT_RETURN_IF_ERROR(insert(k.id, k.version + 1));
    ++k.version;
    k.sha = sha;
  } else if (!k.withdrawn) {
    return Status::OK();  // unchanged
  }
  const std::string hex = LowerHex(sha);
  upd_key_.Bind(1, k.version);
  upd_key_.Bind(2, std::string_view(hex));
  upd_key_.Bind(3, k.id);
  LIAUDIT_RETURN_IF_ERROR(upd_key_.Run());
  k.withdrawn = false;
  cur_.taken += taken;
  return Status::OK();
}

Status Ingester::FinishSnapshot() {
  // A quarantined row whose key could be read is still in the snapshot: its key is not
  // withdrawn and keeps the version in force (a typo must not revoke a permission). A key
  // never stored before is recorded without a version, with the first-seen time this
  // snapshot gives it (none in the register's first snapshot), so that the corrected row
  // becomes its version 1 and is not taken for a backfill (R15).
  for (const Reject& r : file_rejects_) {
    if (r.key.empty()) continue;
    auto [it, added] = keys_.try_emplace(r.key);
    KeyState& k = it->second;
    if (k.seen_line != 0) continue;  // a valid row of the key was taken
    k.seen_line = r.line;
    if (!added) continue;
    ins_key_placeholder_.Bind(1, std::string_view(snap_kind_));
    ins_key_placeholder_.Bind(2, std::string_view(r.key));
    if (first_snapshot_) ins_key_placeholder_.BindNull(3); else ins_key_placeholder_.Bind(3, as_of_);
    LIAUDIT_RETURN_IF_ERROR(ins_key_placeholder_.Run());
    k.id = sqlite3_last_insert_rowid(db_);
  }
  Status st;
  for (auto& [key, k] : keys_) {
    if (k.seen_line != 0 || k.withdrawn) continue;
    withdraw_.Bind(1, as_of_);
    withdraw_.Bind(2, k.id);
    st = withdraw_.Run();
    if (!st.ok()) break;
    ++report_->withdrawn;
  }
  std::unordered_map<std::string, KeyState>().swap(keys_);
  snap_kind_ = nullptr;
  return st;
}

template <typename InsertFn>
Status Ingester::ApplySnapshot(const char* kind, std::vector<Group>& groups, InsertFn insert) {
  LIAUDIT_RETURN_IF_ERROR(BeginSnapshot(kind));
  for (Group& g : groups) {
    long taken = g.inconsistent ? 0 : static_cast<long>(g.rows.size());
    // seen_line 1 only marks the key as present: buffered registers report duplicates themselves.
    LIAUDIT_RETURN_IF_ERROR(OfferKey(g.key, g.sha, taken, 1, [&](int64_t key_id, int64_t version) {
      return insert(g, key_id, version);
    }));
  }
  return FinishSnapshot();
}

namespace {

// Groups buffered rows by key in first-appearance order.
template <typename R, typename KeyFn>
std::vector<std::vector<size_t>> GroupRows(const std::vector<Buffered<R>>& rows, KeyFn key_of,
                                           std::vector<std::string>* keys) {
  std::unordered_map<std::string, size_t> index;
  std::vector<std::vector<size_t>> groups;
  for (size_t i = 0; i < rows.size(); ++i) {
    std::string k = key_of(rows[i].rec);
    auto [it, added] = index.emplace(k, groups.size());
    if (added) {
      groups.emplace_back();
      keys->push_back(k);
    }
    groups[it->second].push_back(i);
  }
  return groups;
}

template <typename R>
Sha256 GroupSha(const std::vector<Buffered<R>>& rows, const std::vector<size_t>& idx) {
  std::vector<std::string> c;
  for (size_t i : idx) c.push_back(CanonOf(rows[i].rec));
  std::sort(c.begin(), c.end());
  std::string all;
  for (const auto& s : c) {
    all += s;
    all += kRowSep;
  }
  return Sha256Of(all);
}

}  // namespace

Status Ingester::ApplyPermissions() {
  std::vector<std::string> keys;
  auto grouped = GroupRows(perms_, [](const PermissionRecord& r) { return r.form_no; }, &keys);
  std::vector<Group> groups;
  for (size_t g = 0; g < grouped.size(); ++g) {
    // A register key names one row: later rows with the same key are quarantined.
    for (size_t j = 1; j < grouped[g].size(); ++j) {
      const auto& b = perms_[grouped[g][j]];
      LIAUDIT_RETURN_IF_ERROR(RejectRow(b.line,
                                        "duplicate 表單編號 (form_no) " + keys[g] + " in the same file (first at line " +
                                            std::to_string(perms_[grouped[g][0]].line) + "); row quarantined",
                                        b.raw, ingest::permission_col::kFormNo));
    }
    grouped[g].resize(1);
    groups.push_back({keys[g], grouped[g], GroupSha(perms_, grouped[g]), false});
  }
  Stmt ins;
  const auto& table = internal::PermissionColumns();
  LIAUDIT_RETURN_IF_ERROR(ins.Prepare(db_, internal::InsertSql(table).c_str()));
  return ApplySnapshot("permissions", groups, [&](const Group& g, int64_t key_id, int64_t version) {
    return InsertVersion(&ins, table, perms_, g.rows, key_id, version, file_id_);
  });
}

Status Ingester::Registration(const RegistrationRecord& r, long line, std::string_view raw) {
  auto it = keys_.find(r.reg_no);
  if (it != keys_.end() && it->second.seen_line != 0) {
    // A register key names one row: later rows with the same key are quarantined.
    return RejectRow(line,
                     "duplicate 編號 (reg_no) " + r.reg_no + " in the same file (first at line " +
                         std::to_string(it->second.seen_line) + "); row quarantined",
                     std::string(raw), ingest::registration_col::kRegNo);
  }
  std::string canon = CanonOf(r);
  canon += kRowSep;  // the same hash as a one-row group (GroupSha)
  return OfferKey(r.reg_no, Sha256Of(canon), 1, line, [&](int64_t key_id, int64_t version) -> Status {
    ins_reg_.Bind(1, key_id);
    ins_reg_.Bind(2, version);
    int next = internal::BindRow(internal::RegistrationColumns(), &ins_reg_, 3, r);
    ins_reg_.Bind(next, file_id_);
    ins_reg_.Bind(next + 1, line);
    ins_reg_.Bind(next + 2, raw);
    return ins_reg_.Run();
  });
}

Status Ingester::ApplyRequests() {
  std::vector<std::string> keys;
  auto grouped = GroupRows(reqs_, [](const RequestRow& r) { return r.request_no; }, &keys);
  std::vector<Group> groups;
  for (size_t g = 0; g < grouped.size(); ++g) {
    Group grp{keys[g], grouped[g], GroupSha(reqs_, grouped[g]), false};
    const auto& first = reqs_[grouped[g][0]];
    std::string why;
    int field = -1;
    for (size_t j = 1; j < grouped[g].size() && why.empty(); ++j) {
      const auto& b = reqs_[grouped[g][j]];
      field = RequestDiff(first.rec, b.rec);
      if (field >= 0) {
        why = "inconsistent request: 申請單編號 " + keys[g] + " has a different " +
              ingest::ColumnLabel(InputKind::kRequests, field) + " on line " + std::to_string(b.line) +
              " than on line " + std::to_string(first.line) + "; the whole request is quarantined";
      }
    }
    if (!why.empty()) {
      grp.inconsistent = true;
      for (size_t i : grouped[g]) LIAUDIT_RETURN_IF_ERROR(RejectRow(reqs_[i].line, why, reqs_[i].raw, field));
    }
    groups.push_back(std::move(grp));
  }
  Stmt ins;
  const auto& table = internal::RequestColumns();
  LIAUDIT_RETURN_IF_ERROR(ins.Prepare(db_, internal::InsertSql(table, {"inconsistent"}).c_str()));
  return ApplySnapshot("requests", groups, [&](const Group& g, int64_t key_id, int64_t version) -> Status {
    const int inconsistent = g.inconsistent ? 1 : 0;
    return InsertVersion(&ins, table, reqs_, g.rows, key_id, version, file_id_, &inconsistent);
  });
}

Status Ingester::ApplyStaff() {
  std::vector<std::string> keys;
  auto grouped = GroupRows(staff_, [](const StaffRecord& r) { return r.account; }, &keys);
  std::vector<Group> groups;
  for (size_t g = 0; g < grouped.size(); ++g) groups.push_back({keys[g], grouped[g], GroupSha(staff_, grouped[g]), false});
  Stmt ins;
  const auto& table = internal::StaffColumns();
  LIAUDIT_RETURN_IF_ERROR(ins.Prepare(db_, internal::InsertSql(table).c_str()));
  return ApplySnapshot("staff", groups, [&](const Group& g, int64_t key_id, int64_t version) {
    return InsertVersion(&ins, table, staff_, g.rows, key_id, version, file_id_);
  });
}

Status Ingester::ApplyCalendar() {
  // Calendars upsert per date: a later file (e.g. a corrected year) wins for the dates it covers.
  Stmt up;
  LIAUDIT_RETURN_IF_ERROR(up.Prepare(db_,
                                     "INSERT INTO calendar(date, workday, note, file_id) VALUES(?,?,?,?)"
                                     " ON CONFLICT(date) DO UPDATE SET workday=excluded.workday, note=excluded.note,"
                                     " file_id=excluded.file_id"
                                     " WHERE workday IS NOT excluded.workday OR note IS NOT excluded.note"));
  for (const auto& b : cal_) {
    up.Bind(1, static_cast<int64_t>(b.rec.date));
    up.Bind(2, b.rec.workday ? 1 : 0);
    up.Bind(3, std::string_view(b.rec.note));
    up.Bind(4, file_id_);
    LIAUDIT_RETURN_IF_ERROR(up.Run());
    cur_.taken += sqlite3_changes(db_);
  }
  return Status::OK();
}

}  // namespace liaudit::store::internal
