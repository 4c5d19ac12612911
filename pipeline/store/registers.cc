#include "store/registers.h"

#include "store/store_impl.h"

namespace liaudit::store::internal {
namespace {

constexpr char kSep = '\x1f';  // between fields of a canonical row

void Canon(std::string* s, std::string_view v) {
  s->append(v);
  s->push_back(kSep);
}
void Canon(std::string* s, int64_t v) { Canon(s, std::to_string(v)); }

// Column makers, one per kind of field.
template <typename R>
Column<R> Text(const char* name, std::string R::*m, bool request_level = true) {
  return {name, [m](Stmt* s, int i, const R& r) { s->Bind(i, std::string_view(r.*m)); },
          [m](const Stmt& s, int i, R* r) { r->*m = s.Text(i); },
          [m](std::string* c, const R& r) { Canon(c, r.*m); }, request_level};
}
// A date (Date, kNoDate unset) or a time (LocalTime, kNoTime unset): NULL in the store when
// unset; the canonical text keeps the number, the sentinel included.
template <typename R, typename V>
Column<R> When(const char* name, V R::*m, V none) {
  return {name, [m, none](Stmt* s, int i, const R& r) { s->BindOpt(i, r.*m, none); },
          [m, none](const Stmt& s, int i, R* r) { r->*m = static_cast<V>(s.IntOr(i, none)); },
          [m](std::string* c, const R& r) { Canon(c, static_cast<int64_t>(r.*m)); }};
}
template <typename R>
Column<R> Day(const char* name, Date R::*m) {
  return When(name, m, kNoDate);
}
template <typename R>
Column<R> Time(const char* name, LocalTime R::*m) {
  return When(name, m, kNoTime);
}
// Service items: a JSON array of codes.
template <typename R>
Column<R> Items(const char* name, std::vector<std::string> R::*m) {
  return {name, [m](Stmt* s, int i, const R& r) { s->BindCopy(i, ItemsToJson(r.*m)); },
          [m](const Stmt& s, int i, R* r) { r->*m = ItemsFromJson(s.View(i)); },
          [m](std::string* c, const R& r) { Canon(c, ItemsToJson(r.*m)); }};
}
// An enum or a count: an integer.
template <typename R, typename V>
Column<R> Number(const char* name, V R::*m) {
  return {name, [m](Stmt* s, int i, const R& r) { s->Bind(i, static_cast<int>(r.*m)); },
          [m](const Stmt& s, int i, R* r) { r->*m = static_cast<V>(s.Int(i)); },
          [m](std::string* c, const R& r) { Canon(c, static_cast<int64_t>(r.*m)); }};
}

}  // namespace

void BindQuery(Stmt* s, int first, const PlatformQuery& q) {
  s->Bind(first, std::string_view(q.txn_id));
  s->Bind(first + 1, q.query_time);
  s->Bind(first + 2, std::string_view(q.agency_code));
  s->Bind(first + 3, std::string_view(q.account));
  s->Bind(first + 4, std::string_view(q.querier_name));
  s->Bind(first + 5, std::string_view(q.service_code));
  s->Bind(first + 6, std::string_view(q.subject_id));
  s->Bind(first + 7, static_cast<int>(q.result));
  s->Bind(first + 8, std::string_view(q.source_ip));
  s->Bind(first + 9, std::string_view(q.cert_serial));
}

PlatformQuery ReadQuery(const Stmt& s, int first) {
  PlatformQuery q;
  q.txn_id = s.Text(first);
  q.query_time = s.Int(first + 1);
  q.agency_code = s.Text(first + 2);
  q.account = s.Text(first + 3);
  q.querier_name = s.Text(first + 4);
  q.service_code = s.Text(first + 5);
  q.subject_id = s.Text(first + 6);
  q.result = static_cast<QueryResult>(s.Int(first + 7));
  q.source_ip = s.Text(first + 8);
  q.cert_serial = s.Text(first + 9);
  return q;
}

const RegisterTable<PermissionRecord>& PermissionColumns() {
  using R = PermissionRecord;
  static const RegisterTable<R> t{
      "permissions", InputKind::kPermissions,
      {Text("form_no", &R::form_no), Day("applied_on", &R::applied_on), Text("unit", &R::unit),
       Text("title", &R::title), Text("name", &R::name), Text("national_id", &R::national_id),
       Text("phone", &R::phone), Text("email", &R::email), Text("account", &R::account),
       Number("action", &R::action), Text("reason", &R::reason), Items("items", &R::items),
       Number("decision", &R::decision), Day("effective_on", &R::effective_on),
       Text("reject_reason", &R::reject_reason), Text("manager", &R::manager), Text("unit_head", &R::unit_head),
       Text("manager_head", &R::manager_head)}};
  return t;
}

const RegisterTable<RegistrationRecord>& RegistrationColumns() {
  using R = RegistrationRecord;
  static const RegisterTable<R> t{
      "registrations", InputKind::kRegistrations,
      {Text("reg_no", &R::reg_no), Day("applied_on", &R::applied_on), Text("subject_name", &R::subject_name),
       Text("subject_id", &R::subject_id), Items("items", &R::items), Text("reason", &R::reason),
       Text("requester", &R::requester), Text("account", &R::account), Text("querier_name", &R::querier_name),
       Text("unit", &R::unit), Text("unit_head", &R::unit_head), Time("approved_at", &R::approved_at),
       Text("request_no", &R::request_no)}};
  return t;
}

const RegisterTable<RequestRow>& RequestColumns() {
  using R = RequestRow;
  static const RegisterTable<R> t{
      "requests", InputKind::kRequests,
      {Text("request_no", &R::request_no), Text("unit", &R::unit), Day("applied_on", &R::applied_on),
       Text("applicant", &R::applicant), Text("title", &R::title), Text("phone", &R::phone), Text("fax", &R::fax),
       Text("reason", &R::reason), Number("count", &R::count), Text("subject_name", &R::subject_name, false),
       Text("subject_id", &R::subject_id, false), Text("review", &R::review), Text("decision", &R::decision)}};
  return t;
}

const RegisterTable<StaffRecord>& StaffColumns() {
  using R = StaffRecord;
  static const RegisterTable<R> t{
      "staff", InputKind::kStaff,
      {Text("name", &R::name), Text("national_id", &R::national_id), Text("account", &R::account),
       Text("unit", &R::unit), Number("status", &R::status), Day("changed_on", &R::changed_on)}};
  return t;
}

int RequestDiff(const RequestRow& a, const RequestRow& b) {
  const auto& columns = RequestColumns().columns;
  std::string ca, cb;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (!columns[i].request_level) continue;
    ca.clear();
    cb.clear();
    columns[i].canon(&ca, a);
    columns[i].canon(&cb, b);
    if (ca != cb) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace liaudit::store::internal
