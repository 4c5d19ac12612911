#include "ingest/rows.h"

#include <algorithm>
#include <cctype>

#include "core/datetime.h"
#include "core/text.h"

namespace liaudit::ingest {
namespace {

bool IsAscii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

void UpperInPlace(std::string* s) {
  for (char& c : *s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
}
void LowerInPlace(std::string* s) {
  for (char& c : *s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
}

// Values quoted in reasons are cut short so one bad cell cannot flood the rejects report.
std::string Quoted(std::string_view v) {
  if (v.size() > 40) {
    size_t cut = 40;
    while (cut > 0 && (static_cast<unsigned char>(v[cut]) & 0xC0) == 0x80) --cut;
    return "\"" + std::string(v.substr(0, cut)) + "...\"";
  }
  return "\"" + std::string(v) + "\"";
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

// Trim, but without the call when the edges are plainly not white space (most cells). The
// characters Trim removes (core/text.h SpaceAt) begin with a byte <= ' ', C2, E2, E3 or EF
// and end with a byte <= ' ', 80-8D, 9F, A0, AF or BF.
inline std::string_view QuickTrim(std::string_view s) {
  if (s.empty()) return s;
  const unsigned char f = static_cast<unsigned char>(s.front()), b = static_cast<unsigned char>(s.back());
  const bool front_maybe_space = f <= ' ' || f == 0xC2 || f == 0xE2 || f == 0xE3 || f == 0xEF;
  const bool back_maybe_space =
      b <= ' ' || (b >= 0x80 && b <= 0x8D) || b == 0x9F || b == 0xA0 || b == 0xAF || b == 0xBF;
  return front_maybe_space || back_maybe_space ? Trim(s) : s;
}

// ParseTimestamp's own split (first ' ' or 'T', then the first non-space), done with a plain
// loop: the library's find_first_of costs a memchr per character and this runs once per row.
std::optional<LocalTime> ParseTimestampFast(std::string_view s) {
  size_t sp = 0;
  while (sp < s.size() && s[sp] != ' ' && s[sp] != 'T') ++sp;
  if (sp == s.size()) return std::nullopt;
  size_t rest = sp + 1;
  while (rest < s.size() && s[rest] == ' ') ++rest;
  if (rest == s.size()) return std::nullopt;
  auto d = ParseDate(s.substr(0, sp));
  if (!d) return ParseTimestamp(s);  // "民國 115年7月1日 09:05": the library's own split
  auto c = ParseClock(s.substr(rest));
  if (!c) return ParseTimestamp(s);  // 上午/下午 or AM/PM: the library's full form
  return StartOf(*d) + *c;
}

}  // namespace

void NormalizeCodeInto(std::string_view in, std::string* out) {
  std::string_view t = QuickTrim(in);
  // Fast path: most cells are plain ASCII and need no width conversion.
  // Full-width forms are EF BC xx / EF BD xx and U+3000 is E3 80 80: without those lead
  // bytes (e.g. "115年11月25日") there is nothing to convert.
  bool convertible = false;
  for (char ch : t) {
    const unsigned char u = static_cast<unsigned char>(ch);
    if (u == 0xEF || u == 0xE3) {
      convertible = true;
      break;
    }
  }
  if (!convertible) {
    out->assign(t.data(), t.size());
    return;
  }
  std::string h = ToHalfWidth(t);
  std::string_view t2 = Trim(h);
  out->assign(t2.data(), t2.size());
}

void NormalizeUpperInto(std::string_view in, std::string* out) {
  NormalizeCodeInto(in, out);
  UpperInPlace(out);
}

void NormalizeAccountInto(std::string_view in, std::string* out) {
  NormalizeCodeInto(in, out);
  LowerInPlace(out);
}

void NormalizeTextInto(std::string_view in, std::string* out) {
  std::string_view t = QuickTrim(in);
  out->assign(t.data(), t.size());
}

std::vector<std::string> NormalizeItems(std::string_view in) {
  // "其他:說明" (附表1's 其他 box) is one item up to the next ; , 、 ； or ，: its 說明 is
  // free text, so spaces inside it do not split it and its characters are kept as typed.
  static const std::string_view kOther[] = {"其他:", "其他："};
  size_t at = std::string_view::npos, prefix = 0;
  for (std::string_view o : kOther) {
    size_t p = in.find(o);
    if (p < at) {
      at = p;
      prefix = o.size();
    }
  }
  std::vector<std::string> items = SplitList(in.substr(0, at == std::string_view::npos ? in.size() : at));
  for (std::string& it : items) {
    std::string n;
    NormalizeCodeInto(it, &n);
    if (IsAscii(n)) UpperInPlace(&n);
    it = std::move(n);
  }
  if (at == std::string_view::npos) return items;
  std::string_view rest = in.substr(at + prefix);
  size_t end = rest.size();
  for (std::string_view sep : {";", ",", "、", "；", "，"}) end = std::min(end, rest.find(sep));
  // Within that, a space still separates a service code ("其他:說明 P0301"): the 說明 ends
  // before the first word that, made half-width, is ASCII letters and digits with a digit.
  auto code_like = [](std::string_view word) {
    std::string n;
    NormalizeCodeInto(word, &n);
    bool digit = false;
    for (char ch : n) {
      if (!std::isalnum(static_cast<unsigned char>(ch))) return false;
      digit = digit || std::isdigit(static_cast<unsigned char>(ch));
    }
    return digit;
  };
  std::string_view text = rest.substr(0, end);
  size_t cut = text.size();
  size_t from = 0;  // the words come in order: each is found after the one before
  for (const std::string& word : SplitList(text)) {
    const size_t p = text.find(word, from);
    from = p + word.size();
    if (p != 0 && code_like(word)) {
      cut = p;
      break;
    }
  }
  items.push_back("其他:" + std::string(Trim(text.substr(0, cut))));
  if (cut < rest.size()) {
    for (std::string& it : NormalizeItems(rest.substr(cut))) items.push_back(std::move(it));
  }
  return items;
}

bool ParseQueryResult(std::string_view in, QueryResult* out) {
  std::string_view t = Trim(in);
  *out = QueryResult::kUnknown;
  if (t.empty()) return true;
  if (t == "成功" || EqualsIgnoreCase(t, "success")) *out = QueryResult::kSuccess;
  else if (t == "查無資料" || EqualsIgnoreCase(t, "nodata")) *out = QueryResult::kNoData;
  else if (t == "失敗" || EqualsIgnoreCase(t, "error")) *out = QueryResult::kError;
  else return false;
  return true;
}

// One row being parsed: field access by index with the reject reasons in one place.
class RowParser::Row {
 public:
  Row(const HeaderMap& m, const std::vector<std::string_view>& f, RowError* e) : m_(m), f_(f), e_(e) {}

  // Extra fields beyond the header must be empty.
  bool Shape() {
    for (size_t k = static_cast<size_t>(m_.width); k < f_.size(); ++k) {
      if (!Trim(f_[k]).empty()) {
        e_->column = static_cast<long>(k) + 1;
        e_->reason = "the row has " + std::to_string(f_.size()) + " fields but the header has " +
                     std::to_string(m_.width) + "; column " + std::to_string(k + 1) +
                     " holds a value no header names (unquoted comma?)";
        return false;
      }
    }
    return true;
  }

  int Col(int field) const { return m_.column_of[static_cast<size_t>(field)]; }
  bool InRow(int field) const { return Col(field) >= 0 && static_cast<size_t>(Col(field)) < f_.size(); }
  std::string_view Opt(int field) const { return InRow(field) ? f_[static_cast<size_t>(Col(field))] : std::string_view(); }

  bool Fail(int field, const std::string& msg) {
    e_->column = Col(field) >= 0 ? Col(field) + 1 : 0;
    e_->reason = ColumnLabel(m_.kind, field) + ": " + msg;
    return false;
  }

  // A value that must be there (and non-empty after trimming).
  bool Req(int field, std::string_view* v, const char* why = nullptr) {
    auto suffix = [why] { return why ? std::string(" (") + why + ")" : std::string(); };
    if (Col(field) < 0) return Fail(field, "required" + suffix() + " but the column is missing from the header");
    if (!InRow(field))
      return Fail(field, "missing: the row has only " + std::to_string(f_.size()) + " fields, the header " +
                             std::to_string(m_.width) + suffix());
    *v = f_[static_cast<size_t>(Col(field))];
    if (QuickTrim(*v).empty()) return Fail(field, "empty but required" + suffix());
    return true;
  }

  // Date: required, or optional (empty -> kNoDate).
  bool DateField(int field, bool required, Date* out, std::string* tmp, const char* why = nullptr) {
    std::string_view v = Opt(field);
    if (required) {
      if (!Req(field, &v, why)) return false;
    } else if (Trim(v).empty()) {
      *out = kNoDate;
      return true;
    }
    NormalizeCodeInto(v, tmp);
    bool has_time = false;
    auto d = ParseDateCell(*tmp, &has_time);
    if (!d && has_time)
      return Fail(field, Quoted(*tmp) + " has a time of day where a date is expected (only 00:00, as Excel writes a "
                                        "date, is taken as the date)");
    if (!d) return Fail(field, Quoted(*tmp) + " is not a valid date");
    *out = *d;
    return true;
  }

  bool TimeField(int field, bool required, LocalTime* out, std::string* tmp) {
    std::string_view v = Opt(field);
    if (required) {
      if (!Req(field, &v)) return false;
    } else if (Trim(v).empty()) {
      *out = kNoTime;
      return true;
    }
    NormalizeCodeInto(v, tmp);
    auto t = ParseTimestampFast(*tmp);
    if (!t) {
      if (ParseDate(*tmp)) return Fail(field, Quoted(*tmp) + " has no time of day (expected a date, a space, HH:MM)");
      return Fail(field, Quoted(*tmp) + " is not a valid timestamp");
    }
    *out = *t;
    return true;
  }

 private:
  const HeaderMap& m_;
  const std::vector<std::string_view>& f_;
  RowError* e_;
};

bool RowParser::Platform(const std::vector<std::string_view>& f, PlatformQuery* o, RowError* err) {
  namespace c = platform_col;
  Row r(map_, f, err);
  if (!r.Shape()) return false;
  std::string_view v;
  if (!r.Req(c::kTxnId, &v)) return false;
  NormalizeUpperInto(v, &o->txn_id);
  if (!r.TimeField(c::kQueryTime, true, &o->query_time, &tmp_)) return false;
  NormalizeUpperInto(r.Opt(c::kAgencyCode), &o->agency_code);
  if (!r.Req(c::kAccount, &v)) return false;
  NormalizeAccountInto(v, &o->account);
  NormalizeTextInto(r.Opt(c::kQuerierName), &o->querier_name);
  if (!r.Req(c::kServiceCode, &v)) return false;
  NormalizeUpperInto(v, &o->service_code);
  if (!r.Req(c::kSubjectId, &v)) return false;
  NormalizeUpperInto(v, &o->subject_id);
  // An unrecognised result is kept as kUnknown: every row is a query for the rules.
  ParseQueryResult(r.Opt(c::kResult), &o->result);
  NormalizeCodeInto(r.Opt(c::kSourceIp), &o->source_ip);
  CanonicalIpInPlace(&o->source_ip);
  NormalizeUpperInto(r.Opt(c::kCertSerial), &o->cert_serial);
  return true;
}

std::string RowParser::KeyOf(const std::vector<std::string_view>& f) const {
  int field = -1;
  bool account = false;
  switch (map_.kind) {
    case InputKind::kPermissions: field = permission_col::kFormNo; break;
    case InputKind::kRegistrations: field = registration_col::kRegNo; break;
    case InputKind::kRequests: field = request_col::kRequestNo; break;
    case InputKind::kStaff: field = staff_col::kAccount; account = true; break;
    case InputKind::kPlatform:
    case InputKind::kCalendar: return std::string();
  }
  const int col = map_.column_of[static_cast<size_t>(field)];
  if (col < 0 || static_cast<size_t>(col) >= f.size()) return std::string();
  std::string key;
  if (account) NormalizeAccountInto(f[static_cast<size_t>(col)], &key);
  else NormalizeUpperInto(f[static_cast<size_t>(col)], &key);
  return key;
}

bool RowParser::Permission(const std::vector<std::string_view>& f, PermissionRecord* o, RowError* err) {
  namespace c = permission_col;
  Row r(map_, f, err);
  if (!r.Shape()) return false;
  std::string_view v;
  if (!r.Req(c::kFormNo, &v)) return false;
  NormalizeUpperInto(v, &o->form_no);
  if (!r.DateField(c::kAppliedOn, true, &o->applied_on, &tmp_)) return false;
  if (!r.Req(c::kUnit, &v)) return false;
  NormalizeTextInto(v, &o->unit);
  NormalizeTextInto(r.Opt(c::kTitle), &o->title);
  if (!r.Req(c::kName, &v)) return false;
  NormalizeTextInto(v, &o->name);
  if (!r.Req(c::kNationalId, &v)) return false;
  NormalizeUpperInto(v, &o->national_id);
  NormalizeCodeInto(r.Opt(c::kPhone), &o->phone);
  NormalizeCodeInto(r.Opt(c::kEmail), &o->email);
  if (!r.Req(c::kAccount, &v)) return false;
  NormalizeAccountInto(v, &o->account);

  if (!r.Req(c::kAction, &v)) return false;
  NormalizeCodeInto(v, &tmp_);
  if (tmp_ == "新增權限" || EqualsIgnoreCase(tmp_, "grant")) o->action = PermissionAction::kGrant;
  else if (tmp_ == "註銷權限" || EqualsIgnoreCase(tmp_, "revoke")) o->action = PermissionAction::kRevoke;
  else if (tmp_ == "異動查調項目" || EqualsIgnoreCase(tmp_, "change_items")) o->action = PermissionAction::kChangeItems;
  else if (tmp_ == "職務異動" || EqualsIgnoreCase(tmp_, "job_change")) o->action = PermissionAction::kJobChange;
  else return r.Fail(c::kAction, Quoted(tmp_) + " is not one of 新增權限, 註銷權限, 異動查調項目, 職務異動");
  NormalizeTextInto(r.Opt(c::kReason), &o->reason);

  // Items: needed for a grant and an item change; a job change replaces the set, which may
  // be empty, but the column must be there so "empty" is a statement, not an omission.
  switch (o->action) {
    case PermissionAction::kGrant:
    case PermissionAction::kChangeItems:
      if (!r.Req(c::kItems, &v, "for 新增權限 and 異動查調項目")) return false;
      break;
    case PermissionAction::kJobChange:
      if (!r.InRow(c::kItems)) {
        r.Req(c::kItems, &v, "for 職務異動, possibly empty");
        return false;
      }
      break;
    case PermissionAction::kRevoke: break;
  }
  o->items = NormalizeItems(r.Opt(c::kItems));
  if ((o->action == PermissionAction::kGrant || o->action == PermissionAction::kChangeItems) && o->items.empty())
    return r.Fail(c::kItems, "no service code in the list");

  if (!r.Req(c::kDecision, &v)) return false;
  NormalizeCodeInto(v, &tmp_);
  if (tmp_ == "准予申請" || EqualsIgnoreCase(tmp_, "approved")) o->decision = Decision::kApproved;
  else if (tmp_ == "不同意" || EqualsIgnoreCase(tmp_, "rejected")) o->decision = Decision::kRejected;
  else if (tmp_ == "其他" || EqualsIgnoreCase(tmp_, "other")) o->decision = Decision::kOther;
  else return r.Fail(c::kDecision, Quoted(tmp_) + " is not one of 准予申請, 不同意, 其他");
  if (!r.DateField(c::kEffectiveOn, o->decision == Decision::kApproved, &o->effective_on, &tmp_,
                   "when 審核結果 is 准予申請"))
    return false;
  NormalizeTextInto(r.Opt(c::kRejectReason), &o->reject_reason);
  NormalizeTextInto(r.Opt(c::kManager), &o->manager);
  NormalizeTextInto(r.Opt(c::kUnitHead), &o->unit_head);
  NormalizeTextInto(r.Opt(c::kManagerHead), &o->manager_head);
  return true;
}

bool RowParser::Registration(const std::vector<std::string_view>& f, RegistrationRecord* o, RowError* err) {
  namespace c = registration_col;
  Row r(map_, f, err);
  if (!r.Shape()) return false;
  std::string_view v;
  if (!r.Req(c::kRegNo, &v)) return false;
  NormalizeUpperInto(v, &o->reg_no);
  if (!r.DateField(c::kAppliedOn, true, &o->applied_on, &tmp_)) return false;
  if (!r.Req(c::kSubjectName, &v)) return false;
  NormalizeTextInto(v, &o->subject_name);
  if (!r.Req(c::kSubjectId, &v)) return false;
  NormalizeUpperInto(v, &o->subject_id);
  if (!r.Req(c::kItems, &v)) return false;
  o->items = NormalizeItems(v);
  if (o->items.empty()) return r.Fail(c::kItems, "no service code in the list");
  if (!r.Req(c::kReason, &v)) return false;
  NormalizeTextInto(v, &o->reason);
  if (!r.Req(c::kRequester, &v)) return false;
  NormalizeTextInto(v, &o->requester);
  if (!r.Req(c::kAccount, &v)) return false;
  NormalizeAccountInto(v, &o->account);
  NormalizeTextInto(r.Opt(c::kQuerierName), &o->querier_name);
  if (!r.Req(c::kUnit, &v)) return false;
  NormalizeTextInto(v, &o->unit);
  NormalizeTextInto(r.Opt(c::kUnitHead), &o->unit_head);
  // Empty = not approved. A date without a time is refused rather than guessed: the rules
  // compare this moment with query times on the same day.
  if (!r.TimeField(c::kApprovedAt, false, &o->approved_at, &tmp_)) return false;
  NormalizeUpperInto(r.Opt(c::kRequestNo), &o->request_no);
  return true;
}

bool RowParser::Request(const std::vector<std::string_view>& f, RequestRow* o, RowError* err) {
  namespace c = request_col;
  Row r(map_, f, err);
  if (!r.Shape()) return false;
  std::string_view v;
  if (!r.Req(c::kRequestNo, &v)) return false;
  NormalizeUpperInto(v, &o->request_no);
  if (!r.Req(c::kUnit, &v)) return false;
  NormalizeTextInto(v, &o->unit);
  if (!r.DateField(c::kAppliedOn, true, &o->applied_on, &tmp_)) return false;
  if (!r.Req(c::kApplicant, &v)) return false;
  NormalizeTextInto(v, &o->applicant);
  NormalizeTextInto(r.Opt(c::kTitle), &o->title);
  NormalizeCodeInto(r.Opt(c::kPhone), &o->phone);
  NormalizeCodeInto(r.Opt(c::kFax), &o->fax);
  if (!r.Req(c::kReason, &v)) return false;
  NormalizeTextInto(v, &o->reason);
  if (!r.Req(c::kCount_, &v)) return false;
  NormalizeCodeInto(v, &tmp_);
  {
    long n = 0;
    bool ok = !tmp_.empty();
    for (char ch : tmp_) {
      if (ch < '0' || ch > '9') ok = false;
      else if (tmp_.size() <= 9) n = n * 10 + (ch - '0');
    }
    if (!ok) return r.Fail(c::kCount_, Quoted(tmp_) + " is not a whole number");
    if (tmp_.size() > 9) return r.Fail(c::kCount_, Quoted(tmp_) + " is too large (at most 9 digits)");
    o->count = static_cast<int>(n);
  }
  if (!r.Req(c::kSubjectName, &v)) return false;
  NormalizeTextInto(v, &o->subject_name);
  if (!r.Req(c::kSubjectId, &v)) return false;
  NormalizeUpperInto(v, &o->subject_id);
  NormalizeTextInto(r.Opt(c::kReview), &o->review);
  NormalizeTextInto(r.Opt(c::kDecision), &o->decision);
  if (!o->decision.empty() && o->decision != "受理" && o->decision != "不受理")
    return r.Fail(c::kDecision, Quoted(o->decision) + " is not 受理 or 不受理");
  return true;
}

bool RowParser::Staff(const std::vector<std::string_view>& f, StaffRecord* o, RowError* err) {
  namespace c = staff_col;
  Row r(map_, f, err);
  if (!r.Shape()) return false;
  std::string_view v;
  if (!r.Req(c::kName, &v)) return false;
  NormalizeTextInto(v, &o->name);
  NormalizeUpperInto(r.Opt(c::kNationalId), &o->national_id);
  if (!r.Req(c::kAccount, &v)) return false;
  NormalizeAccountInto(v, &o->account);
  if (!r.Req(c::kUnit, &v)) return false;
  NormalizeTextInto(v, &o->unit);
  if (!r.Req(c::kStatus, &v)) return false;
  NormalizeCodeInto(v, &tmp_);
  if (tmp_ == "在職" || EqualsIgnoreCase(tmp_, "active")) o->status = StaffStatus::kActive;
  else if (tmp_ == "調職" || EqualsIgnoreCase(tmp_, "transferred")) o->status = StaffStatus::kTransferred;
  else if (tmp_ == "離職" || EqualsIgnoreCase(tmp_, "left")) o->status = StaffStatus::kLeft;
  else return r.Fail(c::kStatus, Quoted(tmp_) + " is not one of 在職, 調職, 離職");
  return r.DateField(c::kChangedOn, o->status != StaffStatus::kActive, &o->changed_on, &tmp_,
                     "for 調職 and 離職");
}

bool RowParser::Calendar(const std::vector<std::string_view>& f, CalendarDay* o, RowError* err) {
  namespace c = calendar_col;
  Row r(map_, f, err);
  if (!r.Shape()) return false;
  if (!r.DateField(c::kDate, true, &o->date, &tmp_)) return false;
  std::string_view v;
  if (!r.Req(c::kHoliday, &v)) return false;
  NormalizeCodeInto(v, &tmp_);
  if (tmp_ == "0") o->workday = true;
  else if (tmp_ == "2") o->workday = false;
  else return r.Fail(c::kHoliday, Quoted(tmp_) + " is not 0 (work day) or 2 (day off)");
  NormalizeTextInto(r.Opt(c::kNote), &o->note);
  return true;
}

}  // namespace liaudit::ingest
