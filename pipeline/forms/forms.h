// The four forms of the regulation (附表1-4) as PDF, laid out by templates/form*.tpl and
// drawn by the render engine. Strings are UTF-8; dates are printed 民國 (115年11月25日,
// tables 115/11/25). IDs are printed through FormOptions::id_mask (MaskId pattern).
// Every function writes one PDF at `path` (folders must exist) and fills `result`
// (pages, warnings such as characters no font has, where the signature widget goes).
#pragma once
#include <string>
#include <vector>

#include "core/datetime.h"
#include "core/records.h"
#include "core/status.h"
#include "render/pdf.h"

namespace liaudit::forms {

struct FormOptions {
  std::string id_mask;                         // empty = IDs in full; e.g. "XXXXXX****"
  std::string organisation = "高雄市政府社會局";  // printed in titles
  // Printed in the cell the signature widget covers when the form is digitally signed,
  // e.g. "已數位簽章（115/11/27 10:30）": a printed or on-screen form shows that it is signed.
  // Empty = unsigned (blank forms, --unsigned). Template fields {signed} and {signed_nl}
  // (the same after a line break; empty when unsigned).
  std::string signed_note;
};

// 附表1 資料查詢者權限申請表, one application.
Status WriteForm1(render::Engine& engine, const FormOptions& opts, const PermissionRecord& rec,
                  const std::string& path, render::PdfResult* result);

// 附表2 查調資料登記表: the registration log of one unit for [from, to], 10 lines a page as
// on the seed, header repeated, "第 X 頁，共 Y 頁". rows in the order given (callers sort).
// The 編號 column is numbered 1..10 on every page, as the seed's pre-printed sheet, with
// each line's registration number (reg_no) under its number. No rows = one empty page.
Status WriteForm2(render::Engine& engine, const FormOptions& opts, const std::string& unit,
                  Date from, Date to, const std::vector<RegistrationRecord>& rows,
                  const std::string& path, render::PdfResult* result);

// 附表3 查調資料申請表: one request; `request` holds its subject rows (request-level fields
// are taken from the first). Subjects beyond the form's lines continue on an attached list.
Status WriteForm3(render::Engine& engine, const FormOptions& opts,
                  const std::vector<RequestRow>& request, const std::string& path,
                  render::PdfResult* result);

// 附表4 稽核紀錄表, one querier and audit. Unset dates print as blanks (  年  月  日).
struct Form4Data {
  Date period_from = kNoDate, period_to = kNoDate, audit_date = kNoDate;
  Date documents_deadline = kNoDate;  // 稽核文件截止日期
  // 檢討報告 (要點第八點: within ten days of the audit). review_due: a report this audit asks
  // for; owed_due: one an earlier audit (or follow-up) asked for, not received yet, due then.
  // kNoDate = none. The form never asks for a report by a day before the audit date: a
  // review_due before audit_date is worded as owed (Form4Opinion).
  Date review_due = kNoDate;
  Date owed_due = kNoDate;
  std::string querier, querier_account, querier_unit;
  std::string audit_unit, audit_unit_phone, auditor;
  int cases = 0;                      // 稽核案件數
  std::string opinion;                // 稽核意見 as found, may be several lines; without the
                                      // due-date sentence, which Form4Opinion adds from review_due
};
// The 稽核意見 as printed on the form (and to be shown wherever the form's opinion is
// repeated, e.g. form4.xlsx): data.opinion, then one sentence about the review report
// (要點第八點) when one is asked for or owed: "請立即改正，並於<review_due>前提具…" for a new
// one; "依前次稽核，應於<owed_due>前提具…，迄今尚未收到（已逾期）…" for one already owed (已逾期
// when owed_due is before the audit date); both in one sentence when both apply.
std::string Form4Opinion(const Form4Data& data);
Status WriteForm4(render::Engine& engine, const FormOptions& opts, const Form4Data& data,
                  const std::string& path, render::PdfResult* result);

// The four empty forms, ready to print: form1.pdf .. form4.pdf in `dir` (must exist).
// results (optional) receives one PdfResult per form, in order.
Status WriteBlankForms(render::Engine& engine, const FormOptions& opts, const std::string& dir,
                       std::vector<render::PdfResult>* results);


}  // namespace liaudit::forms
