// The forms' workbooks (form1 … form4) and the 附表4 models.
#include <algorithm>
#include <map>

#include "core/twid.h"
#include "documents/documents.h"
#include "documents/text.h"

namespace liaudit::documents {
namespace {

const char* ActionZh(PermissionAction a) {
  switch (a) {
    case PermissionAction::kGrant: return "新增權限";
    case PermissionAction::kRevoke: return "註銷權限";
    case PermissionAction::kChangeItems: return "異動查調項目";
    case PermissionAction::kJobChange: return "職務異動";
  }
  return "";
}

const char* DecisionZh(Decision d) {
  switch (d) {
    case Decision::kApproved: return "准予申請";
    case Decision::kRejected: return "不同意";
    case Decision::kOther: return "其他";
  }
  return "";
}

// A form's workbook: titled as the form, properties as the other workbooks have them.
// The title property is the first sheet's title (the form's, with its period).
sheet::Book FormBook(const BuildOptions& o, bool big) {
  sheet::Book book;
  book.big = big;
  book.info.author = o.organisation;
  book.info.company = o.organisation;
  book.info.created = o.now;
  return book;
}

}  // namespace

sheet::Book BuildForm1Book(const std::vector<PermissionRecord>& recs, Date from, Date to, const Wording& w,
                           const BuildOptions& o) {
  using sheet::Cell;
  using sheet::ColType;
  sheet::Book book = FormBook(o, false);
  sheet::Sheet& sh = book.AddSheet(
      {"附表1", w.FormTitle(1) + PeriodText(from, to),
       {{"表單編號"}, {"申請日期", ColType::kDate}, {"申請單位"}, {"職稱"}, {"姓名"}, {"身分證字號"}, {"聯絡電話"},
        {"e-mail"}, {"E政府帳號"}, {"申請事項"}, {"申請事由"}, {"查調服務項目"}, {"審核結果"},
        {"生效日期", ColType::kDate}, {"不同意原因"}, {"權限管理者"}, {"單位主管"}, {"權限管理單位主管"}},
       true});
  sh.rows.reserve(recs.size());
  for (const auto& r : recs)
    sh.Add({r.form_no, Cell::OfDate(r.applied_on), r.unit, r.title, r.name, MaskId(r.national_id, o.internal_mask), r.phone, r.email,
            r.account, ActionZh(r.action), r.reason, Join(r.items, "、"), DecisionZh(r.decision),
            Cell::OfDate(r.effective_on), r.reject_reason, r.manager, r.unit_head, r.manager_head});
  return book;
}

sheet::Book BuildForm2Book(Date from, Date to, const Wording& w, const BuildOptions& o, RegistrationSource regs) {
  using sheet::Cell;
  using sheet::ColType;
  sheet::Book book = FormBook(o, true);
  sheet::Sheet& sh = book.AddSheet(
      {"附表2", w.FormTitle(2) + PeriodText(from, to),
       {{"編號"}, {"申請日期", ColType::kDate}, {"姓名"}, {"身分證字號"}, {"查調項目"}, {"查調事由", ColType::kText, 40},
        {"需要資料者"}, {"資料查詢者帳號"}, {"資料查詢者"}, {"單位"}, {"單位主管"}, {"主管核章時間", ColType::kDateTime},
        {"委託申請單編號"}},
       true});
  const std::string mask = o.internal_mask;
  sh.more = [mask, regs](const sheet::RowSink& emit) -> Status {
    return regs([&](RegistrationRecord& r) -> Status {
      const Cell row[] = {r.reg_no, Cell::OfDate(r.applied_on), r.subject_name, MaskId(r.subject_id, mask),
                          Join(r.items, "、"), r.reason, r.requester, r.account, r.querier_name, r.unit, r.unit_head,
                          Cell::OfTime(r.approved_at), r.request_no};
      return emit(row, sizeof row / sizeof row[0]);
    });
  };
  return book;
}

sheet::Book BuildForm3Book(const std::vector<std::vector<RequestRow>>& requests, Date from, Date to, const Wording& w,
                           const BuildOptions& o) {
  using sheet::Cell;
  using sheet::ColType;
  sheet::Book book = FormBook(o, false);
  sheet::Sheet& sh = book.AddSheet(
      {"附表3", w.FormTitle(3) + PeriodText(from, to),
       {{"申請單編號"}, {"申請單位"}, {"申請日期", ColType::kDate}, {"申請人"}, {"職稱"}, {"聯絡電話"}, {"傳真號碼"},
        {"查調事由", ColType::kText, 40}, {"查調筆數", ColType::kInteger}, {"姓名"}, {"身分證字號"}, {"審核意見"},
        {"審核結果"}},
       true});
  for (const auto& req : requests)
    for (const auto& r : req)
      sh.Add({r.request_no, r.unit, Cell::OfDate(r.applied_on), r.applicant, r.title, r.phone, r.fax, r.reason, r.count,
              r.subject_name, MaskId(r.subject_id, o.internal_mask), r.review, r.decision});
  return book;
}

Form4Set BuildForm4Set(const CheckedPeriod& c, const Wording& w, const BuildOptions& o, const Form4Inputs& in) {
  using sheet::Cell;
  using sheet::ColType;
  const Dataset& ds = c.ds;
  std::map<std::string, long> cases;
  rules::AccountScope in_scope(ds);
  for (const DsQuery& q : ds.queries)
    if (ds.InPeriod(q) && in_scope(q.account)) ++cases[ds.syms.Name(q.account)];
  for (const auto& a : in.only) cases.emplace(a, 0);

  // Each serious finding's follow-up (opened before this form is written) says what the
  // querier owes: a report this audit asks for (a follow-up this job opened), one an earlier
  // audit asked for and that is still awaited (its due date stays, worded as owed: a re-run
  // never asks anew by a day before its audit date), or none because the report was
  // received or the finding closed (its state is shown instead).
  std::map<std::string, const FollowUp*> followup_of_key;
  for (const auto& fu : in.followups) followup_of_key[fu.key] = &fu;
  const Date due = in.audit_date + o.review_report_days;

  struct RuleTally {
    long count = 0, received = 0, closed = 0;
  };
  struct Owed {
    Date fresh = kNoDate, earlier = kNoDate;
  };
  auto earliest = [](Date* d, Date v) { *d = *d == kNoDate ? v : std::min(*d, v); };
  std::map<std::string, std::map<std::string, RuleTally>> by_rule;  // account -> rule -> tally
  std::map<std::string, Owed> owed;                                  // account -> reports owed
  for (const auto& f : c.findings()) {
    if (f.account.empty()) continue;
    RuleTally& tally = by_rule[f.account][f.rule_id];
    ++tally.count;
    if (f.severity >= Severity::kHigh) {
      auto k = followup_of_key.find(f.key);
      const FollowUp* fu = k != followup_of_key.end() ? k->second : nullptr;
      if (fu && fu->state == FollowUpState::kReportReceived) ++tally.received;
      else if (fu && fu->state == FollowUpState::kClosed) ++tally.closed;
      else if (!fu || fu->due == kNoDate) earliest(&owed[f.account].fresh, due);
      else if (fu->first_job == in.job_id && fu->due >= in.audit_date) earliest(&owed[f.account].fresh, fu->due);
      else earliest(&owed[f.account].earlier, fu->due);
    }
    // 附表4 is per querier active in the period (outputs.md): queries, or a finding about
    // what the querier did (a registration without its query, R14; a change not filed,
    // R06). A dormant account (R16) is by definition not active: it is listed in the
    // report's R16 findings, with no audit record of 0 cases.
    if (f.rule_id != "R16") cases.emplace(f.account, 0);
  }

  // Work days no platform export covers were not audited: the opinion says so, and does
  // not certify the period as a whole.
  std::string uncovered;
  if (!c.days_without_export.empty()) {
    const auto& days = c.days_without_export;
    std::vector<std::string> shown;
    for (size_t i = 0; i < days.size() && i < 6; ++i) shown.push_back(FormatRocDate(days[i]));
    uncovered = "惟稽核期間內下列工作日無平臺查詢匯出資料，未能查核：" + Join(shown, "、") +
                (days.size() > shown.size() ? "等" : "") + "，共 " + std::to_string(days.size()) + " 日。";
  }

  Form4Set out;
  for (const auto& [account, n] : cases) {
    forms::Form4Data d;
    d.period_from = in.from;
    d.period_to = in.to;
    d.audit_date = in.audit_date;
    d.documents_deadline = due;
    d.querier_account = account;
    const Person* p = Find(c.people, account);
    d.querier = p && !p->name.empty() ? p->name : account;
    d.querier_unit = p ? p->unit : "";
    d.audit_unit = o.audit_unit;
    d.audit_unit_phone = o.audit_unit_phone;
    d.auditor = o.auditor;
    d.cases = static_cast<int>(n);
    auto fr = by_rule.find(account);
    if (fr == by_rule.end()) {
      d.opinion = uncovered.empty() ? "經查核本期間之查調紀錄，未發現違反本要點之情事。"
                                    : "經查核本期間有平臺匯出資料之查調紀錄，未發現違反本要點之情事；" + uncovered;
    } else {
      std::string op = uncovered.empty() ? "經查核本期間之查調紀錄，發現下列情事："
                                         : "經查核本期間有平臺匯出資料之查調紀錄，發現下列情事：";
      for (const auto& [rule, tally] : fr->second) {
        const rules::RuleInfo* info = rules::FindRule(rule);
        op += "\n" + rule + " " + (info ? info->name_zh : "") + "（" + (info ? SeverityNameZh(info->severity) : "") +
              "）" + std::to_string(tally.count) + " 件";
        std::vector<std::string> state;
        if (tally.received) state.push_back("已收檢討報告 " + std::to_string(tally.received) + " 件");
        if (tally.closed) state.push_back("已結案 " + std::to_string(tally.closed) + " 件");
        if (!state.empty()) op += "（" + Join(state, "、") + "）";
      }
      // A serious finding owes a review report: the form words that sentence from review_due
      // and owed_due (forms::Form4Opinion), so it is not written here as well.
      if (auto ow = owed.find(account); ow != owed.end()) {
        d.review_due = ow->second.fresh;
        d.owed_due = ow->second.earlier;
      } else {
        op += "\n請注意改善。";
      }
      if (!uncovered.empty()) op += "\n" + uncovered;
      d.opinion = op;
    }
    out.forms.push_back(std::move(d));
  }

  out.book = FormBook(o, false);
  sheet::Sheet& sh = out.book.AddSheet(
      {"附表4", w.FormTitle(4) + PeriodText(in.from, in.to),
       {{"稽核期間起", ColType::kDate}, {"稽核期間迄", ColType::kDate}, {"稽核日期", ColType::kDate},
        {"資料查詢者"}, {"帳號"}, {"使用單位"}, {"稽核單位"}, {"稽核單位聯絡電話"}, {"稽核人員"},
        {"稽核文件截止日期", ColType::kDate}, {"稽核案件數", ColType::kInteger}, {"稽核意見", ColType::kText, 60},
        {"檢討報告期限", ColType::kDate}},
       true});
  for (const auto& d : out.forms)
    sh.Add({Cell::OfDate(in.from), Cell::OfDate(in.to), Cell::OfDate(in.audit_date), d.querier, d.querier_account,
            d.querier_unit, d.audit_unit, d.audit_unit_phone, d.auditor, Cell::OfDate(d.documents_deadline),
            static_cast<long>(d.cases), forms::Form4Opinion(d),
            Cell::OfDate(d.review_due != kNoDate ? d.review_due : d.owed_due)});
  return out;
}

}  // namespace liaudit::documents
