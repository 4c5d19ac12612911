// Retention: removing old platform queries and register history (issue 6, 檔案法 / 個資法),
// with a destruction record that is itself kept. The policy (how old is old enough, who
// confirms) belongs to the caller; this file only selects, removes and records.
#include <nlohmann/json.hpp>

#include "store/store_impl.h"

namespace liaudit::store {

using internal::Exec;
using internal::Stmt;

namespace {

// A register table, the Evidence::Kind value findings use for its rows, its counter.
struct RegTable {
  const char* table;  // also the register_keys.kind of its keys
  int evidence_kind;
  long Store::PurgeCounts::*count;
};
const RegTable kRegTables[] = {
    {"permissions", static_cast<int>(Evidence::Kind::kPermission), &Store::PurgeCounts::permissions},
    {"registrations", static_cast<int>(Evidence::Kind::kRegistration), &Store::PurgeCounts::registrations},
    {"requests", static_cast<int>(Evidence::Kind::kRequest), &Store::PurgeCounts::requests},
    {"staff", static_cast<int>(Evidence::Kind::kStaff), &Store::PurgeCounts::staff},
};

Status CountOf(sqlite3* db, const std::string& sql, LocalTime bound, long* n) {
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(db, sql.c_str()));
  if (sql.find('?') != std::string::npos) s.Bind(1, bound);
  bool row = false;
  LIAUDIT_RETURN_IF_ERROR(s.Step(&row));
  *n = row ? static_cast<long>(s.Int(0)) : 0;
  s.Reset();
  return Status::OK();
}

Status RunWithBound(sqlite3* db, const std::string& sql, LocalTime bound) {
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(db, sql.c_str()));
  s.Bind(1, bound);
  return s.Run();
}

// Fills temp.purge_q (query ids) and temp.purge_kv (register key versions) with what a
// purge up to `bound` removes, and the counts. Runs inside the caller's transaction, so
// the selection and the deletes see the same snapshot.
Status SelectPurge(sqlite3* db, LocalTime bound, Store::PurgeCounts* c) {
  *c = Store::PurgeCounts();
  LIAUDIT_RETURN_IF_ERROR(Exec(db,
                               "CREATE TEMP TABLE IF NOT EXISTS purge_protect(kind INTEGER, row_id INTEGER,"
                               " PRIMARY KEY(kind, row_id)) WITHOUT ROWID;"
                               "CREATE TEMP TABLE IF NOT EXISTS purge_q(id INTEGER PRIMARY KEY);"
                               "CREATE TEMP TABLE IF NOT EXISTS purge_cand(tbl TEXT, key_id INTEGER, version INTEGER,"
                               " PRIMARY KEY(tbl, key_id, version)) WITHOUT ROWID;"
                               "CREATE TEMP TABLE IF NOT EXISTS purge_keep(tbl TEXT, key_id INTEGER, version INTEGER,"
                               " PRIMARY KEY(tbl, key_id, version)) WITHOUT ROWID;"
                               "DELETE FROM temp.purge_protect; DELETE FROM temp.purge_q;"
                               "DELETE FROM temp.purge_cand; DELETE FROM temp.purge_keep;"));
  // Rows a pending follow-up still needs: the evidence of every finding (of any job)
  // whose follow-up is not closed. Closed ones no longer hold anything back.
  LIAUDIT_RETURN_IF_ERROR(Exec(db,
                               "INSERT OR IGNORE INTO temp.purge_protect(kind, row_id)"
                               " SELECT e.kind, e.row_id FROM finding_evidence e"
                               " JOIN findings f ON f.id = e.finding_id JOIN followups u ON u.key = f.key"
                               " WHERE u.state IN ('open', 'report_received')"));
  const std::string qkind = std::to_string(static_cast<int>(Evidence::Kind::kQuery));
  LIAUDIT_RETURN_IF_ERROR(RunWithBound(db,
                                       "INSERT INTO temp.purge_q(id) SELECT id FROM queries WHERE query_time < ?1"
                                       " AND id NOT IN (SELECT row_id FROM temp.purge_protect WHERE kind = " +
                                           qkind + ")",
                                       bound));
  LIAUDIT_RETURN_IF_ERROR(CountOf(db, "SELECT COUNT(*) FROM temp.purge_q", bound, &c->queries));
  LIAUDIT_RETURN_IF_ERROR(CountOf(db,
                                  "SELECT COUNT(*) FROM queries WHERE query_time < ?1 AND id IN"
                                  " (SELECT row_id FROM temp.purge_protect WHERE kind = " + qkind + ")",
                                  bound, &c->kept_queries));
  LIAUDIT_RETURN_IF_ERROR(CountOf(db,
                                  "SELECT COUNT(*) FROM query_conflicts WHERE query_id IN (SELECT id FROM temp.purge_q)",
                                  bound, &c->query_conflicts));

  for (const RegTable& t : kRegTables) {
    const std::string T = t.table, kind = std::to_string(t.evidence_kind);
    // A version is history once a later version was taken (its "last change" is the
    // as-of time of the run that took the next version), or once its key was withdrawn.
    LIAUDIT_RETURN_IF_ERROR(RunWithBound(
        db,
        "INSERT OR IGNORE INTO temp.purge_cand(tbl, key_id, version) SELECT '" + T + "', t.key_id, t.version FROM " +
            T + " t JOIN register_keys k ON k.id = t.key_id WHERE (k.withdrawn AND k.withdrawn_at < ?1) OR"
            " (t.version < k.current_version AND (SELECT MIN(sf.as_of) FROM " + T +
            " n JOIN source_files sf ON sf.id = n.file_id WHERE n.key_id = t.key_id AND n.version > t.version) < ?1)",
        bound));
    // Evidence keeps its whole version (a request's subject rows belong together).
    LIAUDIT_RETURN_IF_ERROR(Exec(db, ("INSERT OR IGNORE INTO temp.purge_keep(tbl, key_id, version) SELECT '" + T +
                                      "', key_id, version FROM " + T +
                                      " WHERE id IN (SELECT row_id FROM temp.purge_protect WHERE kind = " + kind + ")")
                                         .c_str()));
    long kept = 0;
    LIAUDIT_RETURN_IF_ERROR(CountOf(db,
                                    "SELECT COUNT(*) FROM " + T + " WHERE (key_id, version) IN (SELECT c.key_id, c.version"
                                    " FROM temp.purge_cand c JOIN temp.purge_keep p USING(tbl, key_id, version)"
                                    " WHERE c.tbl = '" + T + "')",
                                    bound, &kept));
    c->kept_register_rows += kept;
    LIAUDIT_RETURN_IF_ERROR(Exec(db, ("DELETE FROM temp.purge_cand WHERE tbl = '" + T +
                                      "' AND (tbl, key_id, version) IN (SELECT tbl, key_id, version FROM temp.purge_keep)")
                                         .c_str()));
    LIAUDIT_RETURN_IF_ERROR(CountOf(db,
                                    "SELECT COUNT(*) FROM " + T + " WHERE (key_id, version) IN"
                                    " (SELECT key_id, version FROM temp.purge_cand WHERE tbl = '" + T + "')",
                                    bound, &(c->*t.count)));
    long emptied = 0;
    LIAUDIT_RETURN_IF_ERROR(CountOf(db,
                                    "SELECT COUNT(*) FROM register_keys k WHERE k.kind = '" + T +
                                        "' AND EXISTS (SELECT 1 FROM temp.purge_cand c WHERE c.tbl = '" + T +
                                        "' AND c.key_id = k.id AND c.version = k.current_version)",
                                    bound, &emptied));
    c->register_keys_emptied += emptied;
  }
  return Status::OK();
}

nlohmann::ordered_json CountsJson(const Store::PurgeCounts& c) {
  return {{"queries", c.queries},
          {"query_conflicts", c.query_conflicts},
          {"permissions", c.permissions},
          {"registrations", c.registrations},
          {"requests", c.requests},
          {"staff", c.staff},
          {"register_keys_emptied", c.register_keys_emptied},
          {"kept_queries", c.kept_queries},
          {"kept_register_rows", c.kept_register_rows}};
}

// Connection settings a purge changes for its own run, restored whatever happens.
class PurgeSettings {
 public:
  explicit PurgeSettings(sqlite3* db) : db_(db) {}
  ~PurgeSettings() {
    if (on_) Exec(db_, "PRAGMA secure_delete=OFF; PRAGMA foreign_keys=ON;");
  }
  Status Apply() {
    // foreign_keys off: deleting a million queries would otherwise scan query_conflicts
    // (no index on query_id) once per row; the purge deletes the conflicts first and
    // runs foreign_key_check before committing instead. secure_delete: the removed
    // personal data is overwritten, not just unlinked into free pages.
    LIAUDIT_RETURN_IF_ERROR(Exec(db_, "PRAGMA foreign_keys=OFF; PRAGMA secure_delete=ON;"));
    on_ = true;
    return Status::OK();
  }

 private:
  sqlite3* db_;
  bool on_ = false;
};

}  // namespace

Status Store::CountPurgeable(Date before, PurgeCounts* out) {
  sqlite3* db = impl_->db;
  LIAUDIT_RETURN_IF_ERROR(Exec(db, "BEGIN"));
  Status st = SelectPurge(db, StartOf(before), out);
  Exec(db, "ROLLBACK");  // a dry run: the temp tables go too
  return st;
}

Status Store::Purge(Date before, int retention_years, const std::string& by, DestructionRecord* out) {
  if (by.empty()) return Status::Usage("purge: the destruction record needs who ordered it");
  sqlite3* db = impl_->db;
  const LocalTime bound = StartOf(before);
  PurgeSettings settings(db);
  LIAUDIT_RETURN_IF_ERROR(settings.Apply());
  DestructionRecord rec;
  {
    internal::Transaction tx(db);
    LIAUDIT_RETURN_IF_ERROR(tx.Begin());
    LIAUDIT_RETURN_IF_ERROR(SelectPurge(db, bound, &rec.counts));
    LIAUDIT_RETURN_IF_ERROR(Exec(db,
                                 "DELETE FROM query_conflicts WHERE query_id IN (SELECT id FROM temp.purge_q);"
                                 "DELETE FROM query_accounts WHERE query_id IN (SELECT id FROM temp.purge_q);"
                                 "DELETE FROM queries WHERE id IN (SELECT id FROM temp.purge_q);"));
    for (const RegTable& t : kRegTables) {
      const std::string T = t.table;
      // A withdrawn key whose rows are all gone forgets its content hash, so that if it
      // reappears it gets a new version instead of pointing at removed rows; it keeps
      // its first-seen time (no spurious R15).
      LIAUDIT_RETURN_IF_ERROR(Exec(db, ("UPDATE register_keys SET content_sha256 = '' WHERE kind = '" + T +
                                        "' AND id IN (SELECT c.key_id FROM temp.purge_cand c JOIN register_keys k"
                                        " ON k.id = c.key_id WHERE c.tbl = '" + T +
                                        "' AND c.version = k.current_version);"
                                        "DELETE FROM " + T + " WHERE (key_id, version) IN"
                                        " (SELECT key_id, version FROM temp.purge_cand WHERE tbl = '" + T + "');")
                                           .c_str()));
    }
    long broken = 0;
    LIAUDIT_RETURN_IF_ERROR(CountOf(db, "SELECT COUNT(*) FROM pragma_foreign_key_check('query_conflicts')", 0, &broken));
    if (broken != 0) return Status::Internal("purge: " + std::to_string(broken) + " conflict rows would lose their query");
    LIAUDIT_RETURN_IF_ERROR(Exec(db, "DELETE FROM temp.purge_protect; DELETE FROM temp.purge_q;"
                                     "DELETE FROM temp.purge_cand; DELETE FROM temp.purge_keep;"));

    rec.at = NowLocal();
    rec.by = by;
    rec.before = before;
    rec.retention_years = retention_years;
    std::string counts = CountsJson(rec.counts).dump();
    Stmt ins;
    LIAUDIT_RETURN_IF_ERROR(ins.Prepare(db,
                                        "INSERT INTO destruction_records(performed_at, performed_by, before_date,"
                                        " retention_years, counts_json) VALUES(?,?,?,?,?)"));
    ins.Bind(1, rec.at);
    ins.Bind(2, std::string_view(rec.by));
    ins.Bind(3, static_cast<int64_t>(before));
    ins.Bind(4, retention_years);
    ins.Bind(5, std::string_view(counts));
    LIAUDIT_RETURN_IF_ERROR(ins.Run());
    rec.id = sqlite3_last_insert_rowid(db);
    LIAUDIT_RETURN_IF_ERROR(tx.Commit());
  }
  if (out) *out = rec;
  return Status::OK();
}

Status Store::Compact() {
  // auto_vacuum is off (the default), so incremental_vacuum would free nothing: VACUUM
  // rewrites the file without the free pages; the checkpoint then empties the WAL, which
  // otherwise still holds copies of the pages as they were.
  // VACUUM copies the whole database through a temporary one: with the store's
  // temp_store=MEMORY that copy would sit in RAM (the size of the store), so it goes to a
  // temporary file for this statement.
  LIAUDIT_RETURN_IF_ERROR(Exec(impl_->db, "PRAGMA temp_store=FILE"));
  Status st = Exec(impl_->db, "VACUUM");
  Exec(impl_->db, "PRAGMA temp_store=MEMORY");
  LIAUDIT_RETURN_IF_ERROR(st);
  return Exec(impl_->db, "PRAGMA wal_checkpoint(TRUNCATE)");
}

Status Store::ListDestructionRecords(std::vector<DestructionRecord>* out) {
  out->clear();
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(impl_->db,
                                    "SELECT id, performed_at, performed_by, before_date, retention_years, counts_json"
                                    " FROM destruction_records ORDER BY id"));
  LIAUDIT_FOR_EACH_ROW(s) {
    DestructionRecord r;
    r.id = s.Int(0);
    r.at = s.Int(1);
    r.by = s.Text(2);
    r.before = static_cast<Date>(s.Int(3));
    r.retention_years = static_cast<int>(s.Int(4));
    auto j = nlohmann::json::parse(s.View(5), nullptr, /*allow_exceptions=*/false);
    if (j.is_object()) {
      PurgeCounts& c = r.counts;
      c.queries = j.value("queries", 0L);
      c.query_conflicts = j.value("query_conflicts", 0L);
      c.permissions = j.value("permissions", 0L);
      c.registrations = j.value("registrations", 0L);
      c.requests = j.value("requests", 0L);
      c.staff = j.value("staff", 0L);
      c.register_keys_emptied = j.value("register_keys_emptied", 0L);
      c.kept_queries = j.value("kept_queries", 0L);
      c.kept_register_rows = j.value("kept_register_rows", 0L);
    }
    out->push_back(std::move(r));
  }
  return Status::OK();
}

}  // namespace liaudit::store
