#include "store/schema.h"

#include <string>

#include "store/db.h"
#include "store/store_impl.h"
#include "store/store.h"

namespace liaudit::store::internal {
namespace {

// Version 1: the first released layout.
const char kV1[] = R"sql(
CREATE TABLE source_files(
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  kind TEXT NOT NULL,
  encoding TEXT NOT NULL DEFAULT '',
  bytes INTEGER NOT NULL DEFAULT 0,
  rows_read INTEGER NOT NULL DEFAULT 0,
  rows_taken INTEGER NOT NULL DEFAULT 0,
  rows_duplicate INTEGER NOT NULL DEFAULT 0,
  rows_conflict INTEGER NOT NULL DEFAULT 0,
  rows_rejected INTEGER NOT NULL DEFAULT 0,
  ingested_at INTEGER NOT NULL
);
CREATE INDEX source_files_kind_sha ON source_files(kind, sha256);

CREATE TABLE queries(
  id INTEGER PRIMARY KEY,
  txn_id TEXT NOT NULL,
  query_time INTEGER NOT NULL,
  agency_code TEXT NOT NULL,
  account TEXT NOT NULL,
  querier_name TEXT NOT NULL,
  service_code TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  result INTEGER NOT NULL,
  source_ip TEXT NOT NULL,
  cert_serial TEXT NOT NULL,
  file_id INTEGER NOT NULL REFERENCES source_files(id),
  line INTEGER NOT NULL,
  raw TEXT NOT NULL
);
CREATE UNIQUE INDEX queries_txn ON queries(txn_id);
CREATE INDEX queries_time ON queries(query_time);
CREATE INDEX queries_account_time ON queries(account, query_time);

CREATE TABLE query_conflicts(
  id INTEGER PRIMARY KEY,
  query_id INTEGER NOT NULL REFERENCES queries(id),
  txn_id TEXT NOT NULL,
  query_time INTEGER NOT NULL,
  agency_code TEXT NOT NULL,
  account TEXT NOT NULL,
  querier_name TEXT NOT NULL,
  service_code TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  result INTEGER NOT NULL,
  source_ip TEXT NOT NULL,
  cert_serial TEXT NOT NULL,
  file_id INTEGER NOT NULL REFERENCES source_files(id),
  line INTEGER NOT NULL,
  raw TEXT NOT NULL
);
CREATE INDEX query_conflicts_txn ON query_conflicts(txn_id);

CREATE TABLE register_keys(
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  first_seen INTEGER,
  current_version INTEGER NOT NULL,
  content_sha256 TEXT NOT NULL,
  withdrawn INTEGER NOT NULL DEFAULT 0,
  withdrawn_at INTEGER,
  UNIQUE(kind, key)
);

CREATE TABLE permissions(
  id INTEGER PRIMARY KEY,
  key_id INTEGER NOT NULL REFERENCES register_keys(id),
  version INTEGER NOT NULL,
  form_no TEXT NOT NULL,
  applied_on INTEGER,
  unit TEXT NOT NULL, title TEXT NOT NULL, name TEXT NOT NULL, national_id TEXT NOT NULL,
  phone TEXT NOT NULL, email TEXT NOT NULL, account TEXT NOT NULL,
  action INTEGER NOT NULL,
  reason TEXT NOT NULL,
  items TEXT NOT NULL,
  decision INTEGER NOT NULL,
  effective_on INTEGER,
  reject_reason TEXT NOT NULL, manager TEXT NOT NULL, unit_head TEXT NOT NULL, manager_head TEXT NOT NULL,
  file_id INTEGER NOT NULL REFERENCES source_files(id),
  line INTEGER NOT NULL,
  raw TEXT NOT NULL
);
CREATE INDEX permissions_key ON permissions(key_id, version);
CREATE INDEX permissions_account ON permissions(account, effective_on);

CREATE TABLE registrations(
  id INTEGER PRIMARY KEY,
  key_id INTEGER NOT NULL REFERENCES register_keys(id),
  version INTEGER NOT NULL,
  reg_no TEXT NOT NULL,
  applied_on INTEGER,
  subject_name TEXT NOT NULL, subject_id TEXT NOT NULL,
  items TEXT NOT NULL,
  reason TEXT NOT NULL, requester TEXT NOT NULL, account TEXT NOT NULL, querier_name TEXT NOT NULL,
  unit TEXT NOT NULL, unit_head TEXT NOT NULL,
  approved_at INTEGER,
  request_no TEXT NOT NULL,
  file_id INTEGER NOT NULL REFERENCES source_files(id),
  line INTEGER NOT NULL,
  raw TEXT NOT NULL
);
CREATE INDEX registrations_key ON registrations(key_id, version);
CREATE INDEX registrations_account_subject ON registrations(account, subject_id, applied_on);

CREATE TABLE requests(
  id INTEGER PRIMARY KEY,
  key_id INTEGER NOT NULL REFERENCES register_keys(id),
  version INTEGER NOT NULL,
  request_no TEXT NOT NULL,
  unit TEXT NOT NULL,
  applied_on INTEGER,
  applicant TEXT NOT NULL, title TEXT NOT NULL, phone TEXT NOT NULL, fax TEXT NOT NULL,
  reason TEXT NOT NULL,
  count INTEGER NOT NULL,
  subject_name TEXT NOT NULL, subject_id TEXT NOT NULL,
  review TEXT NOT NULL, decision TEXT NOT NULL,
  inconsistent INTEGER NOT NULL DEFAULT 0,
  file_id INTEGER NOT NULL REFERENCES source_files(id),
  line INTEGER NOT NULL,
  raw TEXT NOT NULL
);
CREATE INDEX requests_key ON requests(key_id, version);

CREATE TABLE staff(
  id INTEGER PRIMARY KEY,
  key_id INTEGER NOT NULL REFERENCES register_keys(id),
  version INTEGER NOT NULL,
  name TEXT NOT NULL, national_id TEXT NOT NULL, account TEXT NOT NULL, unit TEXT NOT NULL,
  status INTEGER NOT NULL,
  changed_on INTEGER,
  file_id INTEGER NOT NULL REFERENCES source_files(id),
  line INTEGER NOT NULL,
  raw TEXT NOT NULL
);
CREATE INDEX staff_key ON staff(key_id, version);

CREATE TABLE calendar(
  date INTEGER PRIMARY KEY,
  workday INTEGER NOT NULL,
  note TEXT NOT NULL,
  file_id INTEGER NOT NULL REFERENCES source_files(id)
);

CREATE TABLE quarantine(
  id INTEGER PRIMARY KEY,
  file_id INTEGER REFERENCES source_files(id),
  path TEXT NOT NULL,
  line INTEGER NOT NULL,
  col INTEGER NOT NULL,
  reason TEXT NOT NULL,
  raw TEXT NOT NULL,
  quarantined_at INTEGER NOT NULL
);

CREATE TABLE jobs(
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  params_json TEXT NOT NULL,
  started INTEGER NOT NULL,
  finished INTEGER,
  status TEXT NOT NULL,
  manifest_sha256 TEXT NOT NULL DEFAULT '',
  output_dir TEXT NOT NULL DEFAULT ''
);

CREATE TABLE findings(
  id INTEGER PRIMARY KEY,
  job_id INTEGER NOT NULL REFERENCES jobs(id),
  seq INTEGER NOT NULL,
  rule_id TEXT NOT NULL,
  severity INTEGER NOT NULL,
  key TEXT NOT NULL,
  account TEXT NOT NULL,
  query_time INTEGER,
  txn_id TEXT NOT NULL, service_code TEXT NOT NULL, subject_id TEXT NOT NULL,
  reg_no TEXT NOT NULL, request_no TEXT NOT NULL,
  date INTEGER,
  detail TEXT NOT NULL
);
CREATE INDEX findings_job ON findings(job_id, seq);
CREATE INDEX findings_key ON findings(key);

CREATE TABLE finding_evidence(
  finding_id INTEGER NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  row_id INTEGER NOT NULL,
  label TEXT NOT NULL,
  PRIMARY KEY(finding_id, seq)
);

CREATE TABLE followups(
  key TEXT PRIMARY KEY,
  rule_id TEXT NOT NULL,
  account TEXT NOT NULL,
  severity INTEGER NOT NULL,
  first_job INTEGER REFERENCES jobs(id),
  due INTEGER,
  state TEXT NOT NULL,
  updated_by TEXT NOT NULL DEFAULT '',
  updated_at INTEGER,
  note TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT ''
);
)sql";

// Version 2: provenance gains the run's as-of time and whole-file rejections;
// follow-ups keep the history of who changed what when; the (account, query_time)
// index becomes one integer key, account_time = accounts.id * 2^32 + query_time:
// SQLite sorts and compares a single integer far faster than a text+integer pair in
// which 1,000,000 rows share a few hundred accounts (bulk index build 2.7 s -> 0.8 s).
const char kV2[] = R"sql(
DROP INDEX IF EXISTS queries_account_time;
CREATE TABLE accounts(
  id INTEGER PRIMARY KEY,
  account TEXT NOT NULL UNIQUE
);
INSERT INTO accounts(account) SELECT DISTINCT account FROM queries ORDER BY account;
ALTER TABLE queries ADD COLUMN account_time INTEGER NOT NULL DEFAULT 0;
UPDATE queries SET account_time =
  (SELECT id FROM accounts a WHERE a.account = queries.account) * 4294967296 + query_time;
CREATE INDEX queries_account_time ON queries(account_time);
ALTER TABLE source_files ADD COLUMN as_of INTEGER;
ALTER TABLE source_files ADD COLUMN error TEXT NOT NULL DEFAULT '';
UPDATE source_files SET as_of = ingested_at WHERE as_of IS NULL;
CREATE TABLE followup_history(
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL REFERENCES followups(key),
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  by TEXT NOT NULL,
  at INTEGER NOT NULL,
  note TEXT NOT NULL
);
CREATE INDEX followup_history_key ON followup_history(key, id);
)sql";

// Version 3: retention. Every purge leaves a destruction record (檔案法: what was
// destroyed, how many, the date bound, when, by whom); the records themselves are
// never updated or deleted.
const char kV3[] = R"sql(
CREATE TABLE destruction_records(
  id INTEGER PRIMARY KEY,
  performed_at INTEGER NOT NULL,
  performed_by TEXT NOT NULL,
  before_date INTEGER NOT NULL,
  retention_years INTEGER NOT NULL,
  counts_json TEXT NOT NULL
);
CREATE TRIGGER destruction_records_no_update BEFORE UPDATE ON destruction_records
BEGIN SELECT RAISE(ABORT, 'destruction records are kept unchanged'); END;
CREATE TRIGGER destruction_records_no_delete BEFORE DELETE ON destruction_records
BEGIN SELECT RAISE(ABORT, 'destruction records are never deleted'); END;
)sql";

// Version 4: the account + time look-up moves from an index on queries.account_time to a
// table of its own, (account_time, query_id) WITHOUT ROWID. A bulk load fills it in key
// order, which SQLite appends at about a fifth of the cost of CREATE INDEX's sort of a
// million random keys (docs/benchmarks.md "Ingest").
const char kV4[] = R"sql(
CREATE TABLE query_accounts(
  account_time INTEGER NOT NULL,
  query_id INTEGER NOT NULL,
  PRIMARY KEY(account_time, query_id)
) WITHOUT ROWID;
INSERT INTO query_accounts(account_time, query_id) SELECT account_time, id FROM queries ORDER BY account_time, id;
DROP INDEX IF EXISTS queries_account_time;
)sql";

// Version 5: what each input file looked like when it was last hashed, so that a nightly
// does not hash again every file it took before (a year of daily exports is ~550 MB).
// A file is hashed again whenever its size, inode, mtime or ctime differ; ctime cannot be
// set back by `touch`, so an edit that keeps size and mtime is still noticed.
const char kV5[] = R"sql(
CREATE TABLE file_stats(
  path TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  inode INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL,
  ctime_ns INTEGER NOT NULL,
  sha256 TEXT NOT NULL
) WITHOUT ROWID;
)sql";

// Version 6: follow-up history becomes an append-only, hash-chained log (docs/store.md
// "followup_log"): every opening and every state change of a follow-up, each entry holding
// the SHA-256 of the one before; the followups table is what the log replays to, and
// `verify --chain` checks that it is. The old history moves in (a follow-up's opening
// first, then its changes; where the followups row says more than its history, one entry
// records that state as the upgrade found it); SealFollowUpLog then hashes the entries.
// An entry is written unsealed (sha256 '') and sealed once: triggers refuse changing a
// sealed entry and deleting any.
const char kV6[] = R"sql(
CREATE TABLE followup_log(
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  event TEXT NOT NULL,
  from_state TEXT NOT NULL DEFAULT '',
  to_state TEXT NOT NULL,
  rule_id TEXT NOT NULL DEFAULT '',
  account TEXT NOT NULL DEFAULT '',
  severity INTEGER NOT NULL DEFAULT 0,
  job_id INTEGER,
  due INTEGER,
  detail TEXT NOT NULL DEFAULT '',
  by TEXT NOT NULL DEFAULT '',
  at INTEGER,
  note TEXT NOT NULL DEFAULT '',
  prev_sha256 TEXT NOT NULL DEFAULT '',
  sha256 TEXT NOT NULL DEFAULT ''
);
CREATE INDEX followup_log_key ON followup_log(key, id);
INSERT INTO followup_log(key, event, to_state, rule_id, account, severity, job_id, due, detail)
  SELECT key, 'open', 'open', rule_id, account, severity, first_job, due, detail FROM followups
  ORDER BY first_job, key;
INSERT INTO followup_log(key, event, from_state, to_state, by, at, note)
  SELECT key, 'state', from_state, to_state, by, at, note FROM followup_history ORDER BY id;
INSERT INTO followup_log(key, event, from_state, to_state, by, at, note)
  SELECT f.key, 'state',
         COALESCE((SELECT h.to_state FROM followup_history h WHERE h.key = f.key ORDER BY h.id DESC LIMIT 1), 'open'),
         f.state, f.updated_by, f.updated_at, f.note
  FROM followups f
  WHERE f.state IS NOT COALESCE((SELECT h.to_state FROM followup_history h WHERE h.key = f.key ORDER BY h.id DESC LIMIT 1), 'open')
     OR f.updated_by IS NOT COALESCE((SELECT h.by FROM followup_history h WHERE h.key = f.key ORDER BY h.id DESC LIMIT 1), '')
     OR f.note IS NOT COALESCE((SELECT h.note FROM followup_history h WHERE h.key = f.key ORDER BY h.id DESC LIMIT 1), '')
  ORDER BY f.key;
DROP TABLE followup_history;
CREATE TRIGGER followup_log_no_update BEFORE UPDATE ON followup_log WHEN OLD.sha256 <> ''
BEGIN SELECT RAISE(ABORT, 'the follow-up log is append-only: a sealed entry is kept unchanged'); END;
CREATE TRIGGER followup_log_no_delete BEFORE DELETE ON followup_log
BEGIN SELECT RAISE(ABORT, 'the follow-up log is append-only: entries are never deleted'); END;
)sql";

// Version 7: the console (docs/console.md). Its accounts (Argon2id hashes, never a
// password) and its own access log (個資法施行細則第12條 使用紀錄): who looked at, downloaded
// or changed what, logins and failed logins, with time and client address. The log is
// append-only and hash-chained like followup_log; its entries are deleted only by a purge,
// older than the bound the purge records first in console_log_purges (the triggers refuse
// any other change or deletion).
const char kV7[] = R"sql(
CREATE TABLE users(
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK(role IN ('admin', 'manager', 'auditor', 'ethics')),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE console_log(
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  user TEXT NOT NULL DEFAULT '',
  client TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  target TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL DEFAULT '',
  prev_sha256 TEXT NOT NULL DEFAULT '',
  sha256 TEXT NOT NULL DEFAULT ''
);
CREATE INDEX console_log_at ON console_log(at);
CREATE TABLE console_log_purges(
  id INTEGER PRIMARY KEY,
  before_time INTEGER NOT NULL,
  performed_at INTEGER NOT NULL,
  performed_by TEXT NOT NULL
);
CREATE TRIGGER console_log_no_update BEFORE UPDATE ON console_log WHEN OLD.sha256 <> ''
BEGIN SELECT RAISE(ABORT, 'the console access log is append-only: a sealed entry is kept unchanged'); END;
CREATE TRIGGER console_log_no_delete BEFORE DELETE ON console_log
  WHEN OLD.at >= COALESCE((SELECT MAX(before_time) FROM console_log_purges), -9223372036854775808)
BEGIN SELECT RAISE(ABORT, 'the console access log is append-only: entries are removed only by a purge past their retention'); END;
CREATE TRIGGER console_log_purges_no_update BEFORE UPDATE ON console_log_purges
BEGIN SELECT RAISE(ABORT, 'console log purge records are kept unchanged'); END;
CREATE TRIGGER console_log_purges_no_delete BEFORE DELETE ON console_log_purges
BEGIN SELECT RAISE(ABORT, 'console log purge records are never deleted'); END;
)sql";

const char* const kMigrations[] = {kV1, kV2, kV3, kV4, kV5, kV6, kV7};
constexpr int kMigrationCount = static_cast<int>(sizeof(kMigrations) / sizeof(kMigrations[0]));
static_assert(kMigrationCount == kSchemaVersion, "one migration per schema version");

Status UserVersion(sqlite3* db, int* v) {
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(db, "PRAGMA user_version"));
  bool row = false;
  LIAUDIT_RETURN_IF_ERROR(s.Step(&row));
  *v = row ? static_cast<int>(s.Int(0)) : 0;
  s.Reset();
  return Status::OK();
}

}  // namespace

Status Migrate(sqlite3* db, const std::string& path) {
  LIAUDIT_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE"));
  int v = 0;
  Status st = UserVersion(db, &v);
  if (st.ok() && v > kSchemaVersion) {
    st = Status::InvalidInput(path + ": store schema version " + std::to_string(v) +
                              " is newer than this liaudit understands (" + std::to_string(kSchemaVersion) +
                              "); use a newer liaudit");
  }
  for (int i = v; st.ok() && i < kMigrationCount; ++i) {
    st = Exec(db, kMigrations[i]);
    if (st.ok() && i + 1 == 6) st = SealFollowUpLog(db);  // the moved history gets its hashes
    if (st.ok()) st = Exec(db, ("PRAGMA user_version = " + std::to_string(i + 1)).c_str());
    if (!st.ok()) st.Prepend(path + ": migrating store to schema version " + std::to_string(i + 1));
  }
  if (!st.ok()) {
    Exec(db, "ROLLBACK");
    return st;
  }
  return Exec(db, "COMMIT");
}

const char* MigrationSql(int version) {
  return version >= 1 && version <= kMigrationCount ? kMigrations[version - 1] : nullptr;
}

Status DropQueryIndexes(sqlite3* db) {
  return Exec(db,
              "DROP INDEX IF EXISTS queries_txn; DROP INDEX IF EXISTS queries_time;");
}

Status CreateQueryIndexes(sqlite3* db) {
  return Exec(db,
              "CREATE UNIQUE INDEX IF NOT EXISTS queries_txn ON queries(txn_id);"
              "CREATE INDEX IF NOT EXISTS queries_time ON queries(query_time);");
}

}  // namespace liaudit::store::internal
