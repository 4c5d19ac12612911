#include "ingest/columns.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <mutex>

#include "core/text.h"
#include "ingest/header_aliases_data.h"

namespace liaudit::ingest {
namespace {

using N = Need;

const std::vector<ColumnSpec> kPlatform = {
    {"交易序號", "txn_id", N::kRequired},        {"查詢時間", "query_time", N::kRequired},
    {"機關代碼", "agency_code", N::kOptional},   {"查詢者帳號", "account", N::kRequired},
    {"查詢者姓名", "querier_name", N::kOptional}, {"服務代碼", "service_code", N::kRequired},
    {"被查詢人統號", "subject_id", N::kRequired}, {"查詢結果", "result", N::kOptional},
    {"來源IP", "source_ip", N::kOptional},       {"憑證序號", "cert_serial", N::kOptional},
};
const std::vector<ColumnSpec> kPermissions = {
    {"表單編號", "form_no", N::kRequired},         {"申請日期", "applied_on", N::kRequired},
    {"申請單位", "unit", N::kRequired},            {"職稱", "title", N::kOptional},
    {"姓名", "name", N::kRequired},                {"身分證字號", "national_id", N::kRequired},
    {"聯絡電話", "phone", N::kOptional},           {"e-mail", "email", N::kOptional},
    {"E政府帳號", "account", N::kRequired},        {"申請事項", "action", N::kRequired},
    {"申請事由", "reason", N::kOptional},          {"查調服務項目", "items", N::kConditional},
    {"審核結果", "decision", N::kRequired},        {"生效日期", "effective_on", N::kConditional},
    {"不同意原因", "reject_reason", N::kOptional}, {"權限管理者", "manager", N::kOptional},
    {"單位主管", "unit_head", N::kOptional},       {"權限管理單位主管", "manager_head", N::kOptional},
};
const std::vector<ColumnSpec> kRegistrations = {
    {"編號", "reg_no", N::kRequired},            {"申請日期", "applied_on", N::kRequired},
    {"姓名", "subject_name", N::kRequired},      {"身分證字號", "subject_id", N::kRequired},
    {"查調項目", "items", N::kRequired},         {"查調事由", "reason", N::kRequired},
    {"需要資料者", "requester", N::kRequired},   {"資料查詢者帳號", "account", N::kRequired},
    {"資料查詢者", "querier_name", N::kOptional}, {"單位", "unit", N::kRequired},
    {"單位主管", "unit_head", N::kOptional},     {"主管核章時間", "approved_at", N::kOptional},
    {"委託申請單編號", "request_no", N::kOptional},
};
const std::vector<ColumnSpec> kRequests = {
    {"申請單編號", "request_no", N::kRequired}, {"申請單位", "unit", N::kRequired},
    {"申請日期", "applied_on", N::kRequired},   {"申請人", "applicant", N::kRequired},
    {"職稱", "title", N::kOptional},            {"聯絡電話", "phone", N::kOptional},
    {"傳真號碼", "fax", N::kOptional},          {"查調事由", "reason", N::kRequired},
    {"查調筆數", "count", N::kRequired},        {"姓名", "subject_name", N::kRequired},
    {"身分證字號", "subject_id", N::kRequired}, {"審核意見", "review", N::kOptional},
    {"審核結果", "decision", N::kOptional},
};
const std::vector<ColumnSpec> kStaff = {
    {"姓名", "name", N::kRequired},    {"身分證字號", "national_id", N::kOptional},
    {"E政府帳號", "account", N::kRequired}, {"單位", "unit", N::kRequired},
    {"狀態", "status", N::kRequired},  {"異動日期", "changed_on", N::kConditional},
};
const std::vector<ColumnSpec> kCalendar = {
    {"西元日期", "date", N::kRequired},
    {"星期", "weekday", N::kOptional},
    {"是否放假", "holiday", N::kRequired},
    {"備註", "note", N::kOptional},
};

// Header cell -> comparable key: without any white space or invisible character, wherever it
// stands (core/text.h SpaceAt: ASCII white space and line breaks, U+3000, no-break and
// zero-width spaces, a stray U+FEFF), half-width, ASCII lower-case. A header typed
// "E 政府帳號", "姓　名" or wrapped inside its cell ("主管核章\n時間") names its column: no
// column name has a space in it, so nothing is lost.
std::string HeaderKey(std::string_view cell) { return AsciiLower(ToHalfWidth(RemoveSpaces(cell))); }

// A header cell as messages and the log show it: trimmed, each line break or other control
// character inside written as one space (a log line stays one line).
std::string ShownCell(std::string_view cell) {
  std::string s(Trim(cell));
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  return s;
}

struct AliasTable {
  std::vector<HeaderAlias> rows;
  std::string problems;  // CheckHeaderAliases
};

const AliasTable& Aliases() {
  static const AliasTable* table = [] {
    auto* t = new AliasTable;
    std::string_view text = kHeaderAliasesTsv;
    int line = 0;
    while (!text.empty()) {
      size_t nl = text.find('\n');
      std::string_view l = text.substr(0, nl);
      text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
      ++line;
      if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
      if (Trim(l).empty() || Trim(l)[0] == '#') continue;
      size_t t1 = l.find('\t'), t2 = t1 == std::string_view::npos ? t1 : l.find('\t', t1 + 1);
      if (t2 == std::string_view::npos || l.find('\t', t2 + 1) != std::string_view::npos) {
        t->problems += "header_aliases.tsv:" + std::to_string(line) + ": expected kind<TAB>spelling<TAB>canonical; ";
        continue;
      }
      t->rows.push_back({std::string(Trim(l.substr(0, t1))), std::string(Trim(l.substr(t1 + 1, t2 - t1 - 1))),
                         std::string(Trim(l.substr(t2 + 1))), line});
    }
    return t;
  }();
  return *table;
}

constexpr InputKind kAllKinds[] = {InputKind::kPlatform, InputKind::kPermissions, InputKind::kRegistrations,
                                   InputKind::kRequests, InputKind::kStaff,    InputKind::kCalendar};

// Field of `kind` whose canonical name or alias has this key, -1 if none.
int FieldForKey(InputKind kind, const std::string& key) {
  const auto& cols = ColumnsFor(kind);
  for (size_t f = 0; f < cols.size(); ++f)
    if (key == HeaderKey(cols[f].canonical) || key == HeaderKey(cols[f].alias)) return static_cast<int>(f);
  return -1;
}

// key of a spelling -> field, per kind; built once from the table.
const std::map<std::string, int>& SpellingsFor(InputKind kind) {
  static std::once_flag once;
  static std::map<std::string, int> by_kind[std::size(kAllKinds)];
  std::call_once(once, [] {
    for (size_t k = 0; k < std::size(kAllKinds); ++k) {
      for (const HeaderAlias& a : Aliases().rows) {
        if (a.kind != "*" && a.kind != InputKindName(kAllKinds[k])) continue;
        int f = FieldForKey(kAllKinds[k], HeaderKey(a.canonical));
        if (f >= 0) by_kind[k].emplace(HeaderKey(a.spelling), f);
      }
    }
  });
  return by_kind[static_cast<size_t>(std::find(std::begin(kAllKinds), std::end(kAllKinds), kind) - std::begin(kAllKinds))];
}

// "X (Y)" or "X（Y）" -> X and Y; false if the cell is not of that form.
bool SplitParenthesised(const std::string& key, std::string* outer, std::string* inner) {
  static const std::string_view kOpen[] = {"(", "\xEF\xBC\x88"}, kClose[] = {")", "\xEF\xBC\x89"};
  for (size_t i = 0; i < 2; ++i) {
    if (key.size() < kClose[i].size() || key.compare(key.size() - kClose[i].size(), kClose[i].size(), kClose[i]) != 0)
      continue;
    size_t open = key.rfind(kOpen[i]);
    if (open == std::string::npos || open == 0) continue;
    *outer = std::string(Trim(std::string_view(key).substr(0, open)));
    *inner = std::string(Trim(std::string_view(key).substr(open + kOpen[i].size(),
                                                          key.size() - kClose[i].size() - open - kOpen[i].size())));
    return !outer->empty();
  }
  return false;
}

// The field a header cell names, through the spellings table where needed (*via_alias).
int FieldForCell(InputKind kind, std::string_view cell, bool* via_alias) {
  *via_alias = false;
  const std::string key = HeaderKey(cell);
  int f = FieldForKey(kind, key);
  if (f >= 0) return f;
  const auto& spellings = SpellingsFor(kind);
  auto lookup = [&](const std::string& k) {
    if (int g = FieldForKey(kind, k); g >= 0) return g;
    auto it = spellings.find(k);
    if (it == spellings.end()) return -1;
    *via_alias = true;
    return it->second;
  };
  std::string outer, inner;
  if (SplitParenthesised(key, &outer, &inner)) {
    const int fo = lookup(outer), fi = lookup(inner);
    if (fo >= 0 && fi >= 0 && fo != fi) return -1;  // both parts name a column: it must be the same one
    *via_alias = fo >= 0 || fi >= 0;                 // reported: the file spells the column its own way
    return fo >= 0 ? fo : fi;
  }
  return lookup(key);
}

}  // namespace

const std::vector<HeaderAlias>& HeaderAliases() { return Aliases().rows; }

Status CheckHeaderAliases() {
  std::string problems = Aliases().problems;
  for (const HeaderAlias& a : Aliases().rows) {
    bool kind_ok = a.kind == "*";
    bool used = false;
    for (InputKind k : kAllKinds) {
      if (a.kind != "*" && a.kind != InputKindName(k)) continue;
      kind_ok = true;
      int f = FieldForKey(k, HeaderKey(a.canonical));
      if (f < 0) continue;
      used = true;
      // The spelling must not be a name of another column of this kind, nor of two.
      int g = FieldForKey(k, HeaderKey(a.spelling));
      if (g >= 0 && g != f)
        problems += "header_aliases.tsv:" + std::to_string(a.line) + ": " + a.spelling + " is already the name of " +
                    ColumnLabel(k, g) + " in " + InputKindName(k) + " files; ";
      for (const HeaderAlias& b : Aliases().rows) {
        if (b.line <= a.line || HeaderKey(b.spelling) != HeaderKey(a.spelling)) continue;
        if (b.kind != "*" && b.kind != InputKindName(k)) continue;
        int h = FieldForKey(k, HeaderKey(b.canonical));
        if (h >= 0 && h != f)
          problems += "header_aliases.tsv:" + std::to_string(a.line) + " and " + std::to_string(b.line) + ": " +
                      a.spelling + " would mean two columns of " + InputKindName(k) + " files; ";
      }
    }
    if (!kind_ok) problems += "header_aliases.tsv:" + std::to_string(a.line) + ": unknown kind " + a.kind + "; ";
    else if (!used)
      problems += "header_aliases.tsv:" + std::to_string(a.line) + ": " + a.canonical + " is no column of " +
                  (a.kind == "*" ? std::string("any kind") : a.kind) + "; ";
  }
  if (problems.empty()) return Status::OK();
  return Status::InvalidInput(problems.substr(0, problems.size() - 2));
}

const std::vector<ColumnSpec>& ColumnsFor(InputKind kind) {
  switch (kind) {
    case InputKind::kPlatform: return kPlatform;
    case InputKind::kPermissions: return kPermissions;
    case InputKind::kRegistrations: return kRegistrations;
    case InputKind::kRequests: return kRequests;
    case InputKind::kStaff: return kStaff;
    case InputKind::kCalendar: return kCalendar;
  }
  return kPlatform;
}

std::string ColumnLabel(InputKind kind, int field) {
  const auto& cols = ColumnsFor(kind);
  if (field < 0 || static_cast<size_t>(field) >= cols.size()) return "?";
  return std::string(cols[static_cast<size_t>(field)].canonical) + " (" + cols[static_cast<size_t>(field)].alias + ")";
}

Status MapHeader(InputKind kind, const std::vector<std::string_view>& cells, HeaderMap* map) {
  const auto& cols = ColumnsFor(kind);
  map->kind = kind;
  map->column_of.assign(cols.size(), -1);
  map->width = static_cast<int>(cells.size());
  map->unknown.clear();
  map->aliases.clear();
  std::string problems;
  for (size_t k = 0; k < cells.size(); ++k) {
    bool via_alias = false;
    int found = FieldForCell(kind, cells[k], &via_alias);
    if (found < 0) {
      map->unknown.push_back(ShownCell(cells[k]));
      continue;
    }
    int& slot = map->column_of[static_cast<size_t>(found)];
    if (slot >= 0) {
      if (!problems.empty()) problems += "; ";
      problems += "column " + ColumnLabel(kind, found) + " appears twice (header cells " + std::to_string(slot + 1) +
                  " and " + std::to_string(k + 1) + ")";
      continue;
    }
    slot = static_cast<int>(k);
    if (via_alias)
      map->aliases.push_back(ShownCell(cells[k]) + " → " + cols[static_cast<size_t>(found)].canonical);
  }
  std::string missing;
  for (size_t f = 0; f < cols.size(); ++f) {
    if (cols[f].need == Need::kRequired && map->column_of[f] < 0) {
      if (!missing.empty()) missing += ", ";
      missing += ColumnLabel(kind, static_cast<int>(f));
    }
  }
  if (!missing.empty()) {
    std::string msg = "missing required column" + std::string(missing.find(", ") != std::string::npos ? "s " : " ") +
                      missing + " in the header of this " + InputKindName(kind) + " file";
    if (!problems.empty()) msg += "; " + problems;
    return Status::InvalidInput(msg);
  }
  if (!problems.empty()) return Status::InvalidInput(problems);
  return Status::OK();
}

}  // namespace liaudit::ingest
