// Reading the store: the rules' Dataset, the current register rows documents
// list, and the query stream.
#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>

#include "core/text.h"
#include "store/store.h"
#include "store/registers.h"
#include "store/store_impl.h"

namespace liaudit::store {

using internal::ItemsFromJson;
using internal::Stmt;

namespace {

// The current version of every key of a register that is not withdrawn.
std::string Current(const char* table) {
  // Rows first, keys by primary key: SQLite would otherwise walk every key of the kind
  // and probe the rows, three times slower on a large register.
  return std::string(" FROM ") + table +
         " r CROSS JOIN register_keys k ON r.key_id = k.id AND r.version = k.current_version WHERE k.kind = '" +
         table + "' AND k.withdrawn = 0 ";
}

// Appended to Current("registrations"); binds the reach date.
const char kRegsInReach[] = "AND (r.applied_on >= ? OR r.request_no <> '') ";

// The register readers come from the column tables (store/registers.h): "SELECT r.id,"
// then every column, then what a reader needs beside the record.
const std::string kPermCols = "SELECT r.id," + internal::SelectList(internal::PermissionColumns());
PermissionRecord ReadPermission(const Stmt& s) { return internal::ReadRow(internal::PermissionColumns(), s, 1); }

// + k.first_seen, at index 14.
const std::string kRegCols = "SELECT r.id," + internal::SelectList(internal::RegistrationColumns()) + ", k.first_seen";
RegistrationRecord ReadRegistration(const Stmt& s) { return internal::ReadRow(internal::RegistrationColumns(), s, 1); }

// + r.inconsistent, at index 14.
const std::string kReqCols = "SELECT r.id," + internal::SelectList(internal::RequestColumns()) + ", r.inconsistent";
RequestRow ReadRequest(const Stmt& s) { return internal::ReadRow(internal::RequestColumns(), s, 1); }

const std::string kStaffCols = "SELECT r.id," + internal::SelectList(internal::StaffColumns());
StaffRecord ReadStaff(const Stmt& s) { return internal::ReadRow(internal::StaffColumns(), s, 1); }

const char kQueryCols[] = "SELECT id, txn_id, query_time, account, service_code, subject_id, source_ip, result";
DsQuery ReadDsQuery(const Stmt& s, Dataset* ds) {
  SymbolTable* syms = &ds->syms;
  DsQuery q;
  q.id = s.Int(0);
  q.txn_id = ds->Keep(s.View(1));
  q.time = s.Int(2);
  q.account = syms->Intern(s.View(3));
  q.service = syms->Intern(s.View(4));
  q.subject_id = ds->Keep(s.View(5));
  // Stores written before IPv6 addresses were canonicalised at ingest may hold one
  // address in several spellings (R11 compares them).
  std::string_view ip = s.View(6);
  if (ip.find(':') == std::string_view::npos) {
    q.source_ip = syms->Intern(ip);
  } else {
    std::string canonical(ip);
    CanonicalIpInPlace(&canonical);
    q.source_ip = syms->Intern(canonical);
  }
  q.result = static_cast<QueryResult>(s.Int(7));
  return q;
}

std::vector<Sym> InternAll(const std::vector<std::string>& v, SymbolTable* syms) {
  std::vector<Sym> out;
  out.reserve(v.size());
  for (const auto& s : v) out.push_back(syms->Intern(s));
  return out;
}

}  // namespace

Status Store::LoadDataset(const Period& period, const RuleOptions& opts, Dataset* out) {
  *out = Dataset();
  out->period = period;
  sqlite3* db = impl_->db;
  SymbolTable* syms = &out->syms;
  bool row = false;
  // Read everything from one snapshot of the store, even while an ingest commits.
  LIAUDIT_RETURN_IF_ERROR(internal::Exec(db, "BEGIN"));
  struct EndRead {
    sqlite3* db;
    ~EndRead() { internal::Exec(db, "COMMIT"); }
  } end_read{db};

  // Context queries before the period: R11 looks back a few minutes; R14 (quarterly and
  // audit only) needs the queries of every registration window that ends in the period.
  // A nightly run therefore loads one day of context, not a whole window.
  int ip_days = (std::max(opts.shared_ip_minutes, 0) + 1439) / 1440;
  int back_days = ip_days;
  if (period.kind == JobKind::kQuarterly || period.kind == JobKind::kAudit)
    back_days = std::max(opts.registration_window_days, ip_days);
  out->context_start = period.start() - static_cast<LocalTime>(back_days) * kSecondsPerDay;
  LocalTime end = period.end();

  // Registrations within reach: only those that can match a loaded query (申請日期 no earlier
  // than the context start minus a window) and those that name a request (R12 links queries
  // to requests through them, however old). Older ones cannot change any finding.
  Date reach = DateOf(out->context_start) - std::max(opts.registration_window_days, 0);

  // Exact sizes first (index counts, cheap): growing a million-row vector by doubling
  // would briefly hold the old and the new block (up to 3x the final size).
  {
    Stmt n;
    LIAUDIT_RETURN_IF_ERROR(n.Prepare(db, "SELECT COUNT(*) FROM queries WHERE query_time >= ? AND query_time < ?"));
    n.Bind(1, out->context_start);
    n.Bind(2, end);
    LIAUDIT_RETURN_IF_ERROR(n.Step(&row));
    if (row) out->queries.reserve(static_cast<size_t>(n.Int(0)));
    n.Reset();
    LIAUDIT_RETURN_IF_ERROR(
        n.Prepare(db, (std::string("SELECT COUNT(*)") + Current("registrations") + kRegsInReach).c_str()));
    n.Bind(1, static_cast<int64_t>(reach));
    LIAUDIT_RETURN_IF_ERROR(n.Step(&row));
    if (row) out->registrations.reserve(static_cast<size_t>(n.Int(0)));
    n.Reset();
  }

  Stmt q;
  LIAUDIT_RETURN_IF_ERROR(q.Prepare(
      db, (std::string(kQueryCols) + " FROM queries WHERE query_time >= ? AND query_time < ? ORDER BY query_time, id")
              .c_str()));
  q.Bind(1, out->context_start);
  q.Bind(2, end);
  LIAUDIT_FOR_EACH_ROW(q) {
    out->queries.push_back(ReadDsQuery(q, out));
    const DsQuery& d = out->queries.back();
    if (d.source_ip != kNoSym && period.Contains(d.time)) out->has_source_ip = true;
  }

  // Registrations (current versions).
  Stmt r;
  LIAUDIT_RETURN_IF_ERROR(
      r.Prepare(db, (std::string(kRegCols) + Current("registrations") + kRegsInReach + "ORDER BY r.reg_no").c_str()));
  r.Bind(1, static_cast<int64_t>(reach));
  std::set<std::pair<std::string, std::string>> request_pairs;  // (account, subject) of registrations with a request
  std::map<std::string, Date> request_since;  // account -> earliest 申請日期 of its request registrations
  // Each distinct 查調事由 is kept once in the arena (the views stay valid; the map goes).
  std::unordered_map<std::string_view, int> reasons;
  LIAUDIT_FOR_EACH_ROW(r) {
    RegistrationRecord rec = ReadRegistration(r);
    DsRegistration d;
    d.id = r.Int(0);
    d.reg_no = rec.reg_no;
    d.applied_on = rec.applied_on;
    d.subject_id = rec.subject_id;
    for (const auto& item : rec.items) d.items.push_back(syms->Intern(item));
    d.account = syms->Intern(rec.account);
    d.unit = syms->Intern(rec.unit);
    d.approved_at = rec.approved_at;
    d.request_no = rec.request_no;
    d.first_seen = r.IntOr(14, kNoTime);
    // Free text is only needed for R07 over the period's registrations: keep memory small.
    if (period.ContainsDate(rec.applied_on) && !rec.reason.empty()) {
      auto it = reasons.find(rec.reason);
      if (it == reasons.end()) it = reasons.emplace(out->Keep(rec.reason), 0).first;
      d.reason = it->first;
    }
    if (!d.request_no.empty()) {
      request_pairs.emplace(rec.account, rec.subject_id);
      auto [it, fresh] = request_since.emplace(rec.account, rec.applied_on);
      if (!fresh && rec.applied_on < it->second) it->second = rec.applied_on;
    }
    out->registrations.push_back(std::move(d));
  }

  // R12(b) counts a request's linked queries from before the context window too:
  // walk each such account's earlier queries in query_accounts and keep those
  // whose subject it registered under a request.
  Stmt account_id;
  LIAUDIT_RETURN_IF_ERROR(account_id.Prepare(db, "SELECT id FROM accounts WHERE account = ?"));
  if (!request_pairs.empty()) {
    Stmt e;
    LIAUDIT_RETURN_IF_ERROR(e.Prepare(
        db, (std::string(kQueryCols) +
             " FROM query_accounts a JOIN queries ON queries.id = a.query_id"
             " WHERE a.account_time >= ? AND a.account_time < ?")
                .c_str()));
    size_t before = out->queries.size();
    std::string prev;
    for (const auto& [account, subject] : request_pairs) {
      if (account == prev) continue;
      prev = account;
      account_id.Bind(1, std::string_view(account));
      LIAUDIT_RETURN_IF_ERROR(account_id.Step(&row));
      if (!row) continue;  // never queried
      int64_t id = account_id.Int(0);
      account_id.Reset();
      // A linked query lies inside one of its registrations' windows, so nothing before the
      // account's earliest request registration can be linked.
      e.Bind(1, internal::AccountTime(id, std::max<LocalTime>(0, StartOf(request_since[account]))));
      e.Bind(2, internal::AccountTime(id, out->context_start));
      LIAUDIT_FOR_EACH_ROW(e) {
        if (request_pairs.count({account, std::string(e.View(5))})) out->queries.push_back(ReadDsQuery(e, out));
      }
    }
    if (out->queries.size() != before) {
      std::sort(out->queries.begin(), out->queries.end(), [](const DsQuery& a, const DsQuery& b) {
        return a.time != b.time ? a.time < b.time : a.id < b.id;
      });
    }
  }

  Stmt p;
  LIAUDIT_RETURN_IF_ERROR(p.Prepare(db, (std::string(kPermCols) + Current("permissions") + "ORDER BY r.form_no").c_str()));
  LIAUDIT_FOR_EACH_ROW(p) {
    PermissionRecord rec = ReadPermission(p);
    DsPermission d;
    d.id = p.Int(0);
    d.form_no = rec.form_no;
    d.applied_on = rec.applied_on;
    d.account = syms->Intern(rec.account);
    d.unit = syms->Intern(rec.unit);
    d.national_id = rec.national_id;
    d.action = rec.action;
    d.items = InternAll(rec.items, syms);
    d.decision = rec.decision;
    d.effective_on = rec.effective_on;
    out->permissions.push_back(std::move(d));
  }

  Stmt rq;
  LIAUDIT_RETURN_IF_ERROR(
      rq.Prepare(db, (std::string(kReqCols) + Current("requests") + "ORDER BY r.request_no, r.id").c_str()));
  LIAUDIT_FOR_EACH_ROW(rq) {
    RequestRow rec = ReadRequest(rq);
    DsRequestSubject d;
    d.id = rq.Int(0);
    d.request_no = rec.request_no;
    d.unit = syms->Intern(rec.unit);
    d.applied_on = rec.applied_on;
    d.count = rec.count;
    d.subject_id = rec.subject_id;
    d.reason = rec.reason;
    d.inconsistent = rq.Int(14) != 0;
    out->requests.push_back(std::move(d));
  }

  Stmt st;
  LIAUDIT_RETURN_IF_ERROR(st.Prepare(db, (std::string(kStaffCols) + Current("staff") + "ORDER BY r.account, r.id").c_str()));
  LIAUDIT_FOR_EACH_ROW(st) {
    StaffRecord rec = ReadStaff(st);
    DsStaff d;
    d.id = st.Int(0);
    d.account = syms->Intern(rec.account);
    d.unit = syms->Intern(rec.unit);
    d.name = rec.name;
    d.national_id = rec.national_id;
    d.status = rec.status;
    d.changed_on = rec.changed_on;
    out->staff.push_back(std::move(d));
  }
  Stmt hr;
  LIAUDIT_RETURN_IF_ERROR(
      hr.Prepare(db, "SELECT EXISTS(SELECT 1 FROM source_files WHERE kind='staff' AND error='')"));
  LIAUDIT_RETURN_IF_ERROR(hr.Step(&row));
  out->has_roster = row && hr.Int(0) != 0;
  hr.Reset();

  Stmt c;
  LIAUDIT_RETURN_IF_ERROR(c.Prepare(db, "SELECT date, workday FROM calendar"));
  LIAUDIT_FOR_EACH_ROW(c) out->calendar[static_cast<Date>(c.Int(0))] = c.Int(1) != 0;
  out->has_calendar = !out->calendar.empty();

  // R16: last query per account before the period end: one MAX over an index range
  // per account (O(accounts * log n), no scan of the queries).
  Stmt accounts, last;
  LIAUDIT_RETURN_IF_ERROR(accounts.Prepare(db, "SELECT id, account FROM accounts"));
  LIAUDIT_RETURN_IF_ERROR(
      last.Prepare(db, "SELECT MAX(account_time) FROM query_accounts WHERE account_time >= ? AND account_time < ?"));
  LIAUDIT_FOR_EACH_ROW(accounts) {
    int64_t id = accounts.Int(0);
    last.Bind(1, internal::AccountTime(id, 0));
    last.Bind(2, internal::AccountTime(id, end));
    LIAUDIT_RETURN_IF_ERROR(last.Step(&row));
    if (row && !last.IsNull(0)) {
      out->last_query_time[syms->Intern(accounts.View(1))] = last.Int(0) - internal::AccountTime(id, 0);
    }
    last.Reset();
  }
  return Status::OK();
}

// ---- Documents' look-ups --------------------------------------------------

Status Store::PermissionsAppliedBetween(Date from, Date to, std::vector<PermissionRecord>* out) {
  out->clear();
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(impl_->db, (std::string(kPermCols) + Current("permissions") +
                                                "AND r.applied_on BETWEEN ? AND ? ORDER BY r.applied_on, r.form_no")
                                                   .c_str()));
  s.Bind(1, static_cast<int64_t>(from));
  s.Bind(2, static_cast<int64_t>(to));
  LIAUDIT_FOR_EACH_ROW(s) out->push_back(ReadPermission(s));
  return Status::OK();
}

Status Store::AllPermissions(std::vector<PermissionRecord>* out) {
  out->clear();
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(
      s.Prepare(impl_->db, (std::string(kPermCols) + Current("permissions") + "ORDER BY r.form_no").c_str()));
  LIAUDIT_FOR_EACH_ROW(s) out->push_back(ReadPermission(s));
  return Status::OK();
}

Status Store::RegistrationsAppliedBetween(Date from, Date to, std::vector<RegistrationRecord>* out) {
  out->clear();
  return ForEachRegistrationAppliedBetween(from, to, [out](RegistrationRecord& r) {
    out->push_back(std::move(r));
    return Status::OK();
  });
}

Status Store::ForEachRegistrationAppliedBetween(Date from, Date to,
                                                const std::function<Status(RegistrationRecord&)>& fn) {
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(impl_->db, (std::string(kRegCols) + Current("registrations") +
                                                "AND r.applied_on BETWEEN ? AND ? ORDER BY r.unit, r.applied_on, r.reg_no")
                                                   .c_str()));
  s.Bind(1, static_cast<int64_t>(from));
  s.Bind(2, static_cast<int64_t>(to));
  LIAUDIT_FOR_EACH_ROW(s) {
    RegistrationRecord r = ReadRegistration(s);
    Status st = fn(r);
    if (!st.ok()) {
      s.Reset();
      return st;
    }
  }
  return Status::OK();
}

Status Store::RequestsAppliedBetween(Date from, Date to, std::vector<std::vector<RequestRow>>* out) {
  out->clear();
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(impl_->db, (std::string(kReqCols) + Current("requests") +
                                                "AND r.applied_on BETWEEN ? AND ? ORDER BY r.applied_on, r.request_no, r.id")
                                                   .c_str()));
  s.Bind(1, static_cast<int64_t>(from));
  s.Bind(2, static_cast<int64_t>(to));
  LIAUDIT_FOR_EACH_ROW(s) {
    RequestRow r = ReadRequest(s);
    if (out->empty() || out->back().front().request_no != r.request_no) out->emplace_back();
    out->back().push_back(std::move(r));
  }
  return Status::OK();
}

Status Store::Staff(std::vector<StaffRecord>* out) {
  out->clear();
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(
      s.Prepare(impl_->db, (std::string(kStaffCols) + Current("staff") + "ORDER BY r.account, r.id").c_str()));
  LIAUDIT_FOR_EACH_ROW(s) out->push_back(ReadStaff(s));
  return Status::OK();
}

Status Store::KnownAccountsAndUnits(std::vector<std::string>* accounts, std::vector<std::string>* units) {
  accounts->clear();
  units->clear();
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(impl_->db,
                                    "SELECT account FROM accounts UNION SELECT account FROM permissions"
                                    " UNION SELECT account FROM registrations UNION SELECT account FROM staff"
                                    " ORDER BY 1"));
  LIAUDIT_FOR_EACH_ROW(s) {
    if (!s.View(0).empty()) accounts->push_back(s.Text(0));
  }
  Stmt u;
  LIAUDIT_RETURN_IF_ERROR(u.Prepare(impl_->db,
                                    "SELECT unit FROM permissions UNION SELECT unit FROM staff"
                                    " UNION SELECT unit FROM registrations UNION SELECT unit FROM requests ORDER BY 1"));
  LIAUDIT_FOR_EACH_ROW(u) {
    if (!u.View(0).empty()) units->push_back(u.Text(0));
  }
  return Status::OK();
}

Status Store::IsWorkDay(Date d, bool* workday) {
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(impl_->db, "SELECT workday FROM calendar WHERE date = ?"));
  s.Bind(1, static_cast<int64_t>(d));
  bool row = false;
  LIAUDIT_RETURN_IF_ERROR(s.Step(&row));
  if (row) {
    *workday = s.Int(0) != 0;
    s.Reset();
  } else {
    int wd = Weekday(d);
    *workday = wd >= 1 && wd <= 5;
  }
  return Status::OK();
}

Status Store::ForEachQuery(LocalTime from, LocalTime to, const std::function<Status(const PlatformQuery&)>& fn) {
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(impl_->db, (std::string("SELECT ") + internal::kQueryColumns +
                                                " FROM queries WHERE query_time >= ? AND query_time < ?"
                                                " ORDER BY query_time, txn_id")
                                                   .c_str()));
  s.Bind(1, from);
  s.Bind(2, to);
  LIAUDIT_FOR_EACH_ROW(s) {
    const PlatformQuery q = internal::ReadQuery(s, 0);
    Status st = fn(q);
    if (!st.ok()) {
      s.Reset();
      return st;
    }
  }
  return Status::OK();
}

}  // namespace liaudit::store
