#include "ingest/columns.h"

#include "core/text.h"

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

// Header cell -> comparable key: trimmed, half-width, ASCII lower-case.
std::string HeaderKey(std::string_view cell) { return AsciiLower(NormalizeCode(cell)); }

}  // namespace

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
  std::vector<std::string> keys_c, keys_a;
  for (const auto& c : cols) {
    keys_c.push_back(HeaderKey(c.canonical));
    keys_a.push_back(HeaderKey(c.alias));
  }
  std::string problems;
  for (size_t k = 0; k < cells.size(); ++k) {
    std::string key = HeaderKey(cells[k]);
    int found = -1;
    for (size_t f = 0; f < cols.size(); ++f)
      if (key == keys_c[f] || key == keys_a[f]) found = static_cast<int>(f);
    if (found < 0) {
      map->unknown.emplace_back(Trim(cells[k]));
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
