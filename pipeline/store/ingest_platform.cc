// Platform rows into the store: new, duplicate or conflicting (store/ingester.h).
#include "store/ingester.h"
#include "store/registers.h"

#include <string>

#include "core/text.h"

namespace liaudit::store::internal {

namespace {

// Names the fields in which two platform rows differ (never their values: they may hold IDs);
// *first (if given) gets the first of them (platform_col), -1 if none.
std::string QueryDiff(const PlatformQuery& a, const PlatformQuery& b, int* first = nullptr) {
  std::string d;
  if (first) *first = -1;
  namespace c = ingest::platform_col;
  auto add = [&](bool differs, const char* name, int field) {
    if (!differs) return;
    if (first && *first < 0) *first = field;
    if (!d.empty()) d += ", ";
    d += name;
  };
  add(a.query_time != b.query_time, "查詢時間", c::kQueryTime);
  add(a.agency_code != b.agency_code, "機關代碼", c::kAgencyCode);
  add(a.account != b.account, "查詢者帳號", c::kAccount);
  add(a.querier_name != b.querier_name, "查詢者姓名", c::kQuerierName);
  add(a.service_code != b.service_code, "服務代碼", c::kServiceCode);
  add(a.subject_id != b.subject_id, "被查詢人統號", c::kSubjectId);
  add(a.result != b.result, "查詢結果", c::kResult);
  add(a.source_ip != b.source_ip, "來源IP", c::kSourceIp);
  add(a.cert_serial != b.cert_serial, "憑證序號", c::kCertSerial);
  return d;
}

}  // namespace

Status Ingester::Platform(const PlatformQuery& q, long line, std::string_view raw, uint64_t h) {
  int64_t kept_id = 0;
  PlatformQuery kept;
  bool row = false;
  if (bulk_) {
    auto check = [&](int64_t id) -> Status {
      if (kept_id) return Status::OK();
      query_by_id_.Bind(1, id);
      bool r = false;
      Status st = query_by_id_.Step(&r);
      if (r && query_by_id_.View(1) == q.txn_id) {
        kept_id = id;
        kept = ReadQuery(query_by_id_, 1);
      }
      query_by_id_.Reset();
      return st;
    };
    LIAUDIT_RETURN_IF_ERROR(memo_.ForEach(h, check));
  } else {
    query_by_txn_.Bind(1, std::string_view(q.txn_id));
    LIAUDIT_RETURN_IF_ERROR(query_by_txn_.Step(&row));
    if (row) {
      kept_id = query_by_txn_.Int(0);
      kept = ReadQuery(query_by_txn_, 1);
    }
    query_by_txn_.Reset();
  }
  if (kept_id == 0) {
    BindQuery(&ins_query_, 1, q);
    ins_query_.Bind(11, file_id_);
    ins_query_.Bind(12, line);
    ins_query_.Bind(13, raw);
    int64_t account_id = 0;
    LIAUDIT_RETURN_IF_ERROR(AccountId(q.account, &account_id));
    const int64_t account_time = internal::AccountTime(account_id, q.query_time);
    ins_query_.Bind(14, account_time);
    LIAUDIT_RETURN_IF_ERROR(ins_query_.Run());
    const int64_t id = sqlite3_last_insert_rowid(db_);
    if (bulk_) {  // Finish writes the look-up rows in key order
      account_times_.emplace_back(account_time, id);
      if ((id & (kWritebackRows - 1)) == 0) StartWriteback();
      if (!memo_.Insert(h, id)) {
        return Status::InvalidInput(
            "a first load of more than 4,294,967,295 platform rows in one run is not supported; "
            "ingest the files in several runs");
      }
    } else {
      LIAUDIT_RETURN_IF_ERROR(AddAccountTime(account_time, id));
    }
    ++cur_.taken;
    return Status::OK();
  }
  int diff_field = -1;
  std::string diff = QueryDiff(kept, q, &diff_field);
  if (diff.empty()) {
    ++cur_.duplicates;
    return Status::OK();
  }
  // Seen with different content before; identical to an already quarantined version?
  conflicts_of_.Bind(1, std::string_view(q.txn_id));
  LIAUDIT_FOR_EACH_ROW(conflicts_of_) {
    if (QueryDiff(ReadQuery(conflicts_of_, 1), q).empty()) {
      conflicts_of_.Reset();
      ++cur_.duplicates;
      return Status::OK();
    }
  }
  BindQuery(&ins_conflict_, 1, q);
  ins_conflict_.Bind(11, file_id_);
  ins_conflict_.Bind(12, line);
  ins_conflict_.Bind(13, raw);
  ins_conflict_.Bind(14, kept_id);
  LIAUDIT_RETURN_IF_ERROR(ins_conflict_.Run());
  std::string where;
  where_stored_.Bind(1, kept_id);
  LIAUDIT_RETURN_IF_ERROR(where_stored_.Step(&row));
  if (row) where = Location(where_stored_.Text(0), static_cast<long>(where_stored_.Int(1)));
  where_stored_.Reset();
  ++cur_.conflicts;
  return RejectRow(line,
                   "conflict: 交易序號 " + q.txn_id + " is already stored (" + where + ") with a different " + diff +
                       "; the first version is kept and this one quarantined",
                   std::string(raw), diff_field);
}


Status Ingester::LoadAccounts() {
  accounts_.clear();
  Stmt acc;
  LIAUDIT_RETURN_IF_ERROR(acc.Prepare(db_, "SELECT id, account FROM accounts"));
  LIAUDIT_FOR_EACH_ROW(acc) accounts_.emplace(acc.Text(1), acc.Int(0));
  return Status::OK();
}


Status Ingester::AddAccountTime(int64_t account_time, int64_t query_id) {
  ins_account_time_.Bind(1, account_time);
  ins_account_time_.Bind(2, query_id);
  return ins_account_time_.Run();
}


Status Ingester::AccountId(const std::string& account, int64_t* id) {
  auto it = accounts_.find(account);
  if (it != accounts_.end()) {
    *id = it->second;
    return Status::OK();
  }
  ins_account_.Bind(1, std::string_view(account));
  LIAUDIT_RETURN_IF_ERROR(ins_account_.Run());
  *id = sqlite3_last_insert_rowid(db_);
  accounts_.emplace(account, *id);
  return Status::OK();
}

}  // namespace liaudit::store::internal
