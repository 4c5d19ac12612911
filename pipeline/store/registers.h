// One column table per register (附表1 permissions, 附表2 registrations, 附表3 requests, the
// staff roster). Internal to pipeline/store.
//
// Each table lists the register's stored columns in order: the SQL column name and how the
// record's field is bound into an INSERT, read back from a SELECT and written into the
// canonical text whose SHA-256 decides a row's version (docs/ARCHITECTURE.md, "Change a
// register's canonical form"). The INSERT of ingest.cc, the readers of dataset.cc and the
// hash all come from it, so a column is added in one place (plus its migration in
// schema.cc: the DDL of each schema version stays as it was written). tests/store checks
// every table against the schema's columns and against the header mapping: column i of a
// table is field i of its input kind (ingest::ColumnsFor, ingest::*_col), and its SQL name
// is that field's English alias, so a reject can name the CSV column of a column.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "core/records.h"
#include "store/db.h"

namespace liaudit::store::internal {

// The platform export's stored columns (tables queries and query_conflicts), in order. Not a
// column table: a million rows a run are bound and read through these plain functions.
inline constexpr char kQueryColumns[] =
    "txn_id, query_time, agency_code, account, querier_name, service_code, subject_id, result, source_ip,"
    " cert_serial";
// Binds a query's ten columns at first .. first + 9.
void BindQuery(Stmt* s, int first, const PlatformQuery& q);
// Reads them from a row whose column `first` is txn_id.
PlatformQuery ReadQuery(const Stmt& s, int first);

template <typename R>
struct Column {
  const char* name;  // SQL column
  std::function<void(Stmt* s, int index, const R& r)> bind;
  std::function<void(const Stmt& s, int index, R* r)> read;
  std::function<void(std::string* canon, const R& r)> canon;
  // 附表3: a field of the request (the same on every row of one 申請單編號), not of its subject.
  bool request_level = true;
};

template <typename R>
struct RegisterTable {
  const char* table;  // also the register_keys.kind
  InputKind kind;     // its input kind: columns[i] is field i of ingest::ColumnsFor(kind)
  std::vector<Column<R>> columns;
};

const RegisterTable<PermissionRecord>& PermissionColumns();
const RegisterTable<RegistrationRecord>& RegistrationColumns();
const RegisterTable<RequestRow>& RequestColumns();
const RegisterTable<StaffRecord>& StaffColumns();

// The canonical text of a row: every column's value and a separator (0x1f), in column
// order; for 附表3 the request-level columns first, then the subject's.
template <typename R>
std::string CanonOf(const RegisterTable<R>& t, const R& r) {
  std::string s;
  for (const auto& c : t.columns)
    if (c.request_level) c.canon(&s, r);
  for (const auto& c : t.columns)
    if (!c.request_level) c.canon(&s, r);
  return s;
}
// The first request-level column in which two rows of one 附表3 request differ, as its
// input field (ingest::request_col), or -1 when they agree.
int RequestDiff(const RequestRow& a, const RequestRow& b);

// "INSERT INTO <table>(key_id, version, <columns>, <extra>, file_id, line, raw) VALUES(?,…)":
// BindRow binds the columns from index 3; `extra` columns follow them.
template <typename R>
std::string InsertSql(const RegisterTable<R>& t, const std::vector<const char*>& extra = {}) {
  std::string cols = "key_id, version", marks = "?,?";
  auto add = [&](const char* name) {
    cols += ", ";
    cols += name;
    marks += ",?";
  };
  for (const auto& c : t.columns) add(c.name);
  for (const char* e : extra) add(e);
  for (const char* e : {"file_id", "line", "raw"}) add(e);
  return std::string("INSERT INTO ") + t.table + "(" + cols + ") VALUES(" + marks + ")";
}
// Binds the record's columns at first, first + 1, ...; returns the next free index.
template <typename R>
int BindRow(const RegisterTable<R>& t, Stmt* s, int first, const R& r) {
  for (const auto& c : t.columns) c.bind(s, first++, r);
  return first;
}

// " r.<col>, r.<col>, …" for a SELECT of rows aliased r; ReadRow reads them from index `first`.
template <typename R>
std::string SelectList(const RegisterTable<R>& t) {
  std::string s;
  for (const auto& c : t.columns) {
    s += s.empty() ? " r." : ", r.";
    s += c.name;
  }
  return s;
}
template <typename R>
R ReadRow(const RegisterTable<R>& t, const Stmt& s, int first) {
  R r;
  for (const auto& c : t.columns) c.read(s, first++, &r);
  return r;
}

}  // namespace liaudit::store::internal
