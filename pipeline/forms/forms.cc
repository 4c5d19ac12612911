#include "forms/forms.h"

#include <algorithm>

#include "core/twid.h"
#include "render/form_template.h"

namespace liaudit::forms {
namespace {

using render::Fields;

const char* const kBlankDate = "　　年　　月　　日";
const char* const kBlankLine = "＿＿＿＿＿＿";

std::string Check(bool on) { return on ? "☑" : "☐"; }
std::string Roc(Date d) { return d == kNoDate ? kBlankDate : FormatRocDate(d); }
std::string RocSlash(Date d) { return d == kNoDate ? "" : FormatRocSlash(d); }
std::string ShowId(const FormOptions& o, const std::string& id) {
  return o.id_mask.empty() ? id : MaskId(id, o.id_mask);
}
std::string BaseName(const std::string& path) {
  size_t s = path.find_last_of('/');
  return s == std::string::npos ? path : path.substr(s + 1);
}
std::string Join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

Status LoadTemplate(render::Engine& engine, const std::string& name, render::FormTemplate* tpl) {
  return render::LoadFormTemplate(engine.options().templates_dir + "/" + name, tpl);
}

std::unique_ptr<render::Document> NewDoc(render::Engine& engine, const render::FormTemplate& tpl,
                                         const FormOptions& opts, const std::string& path,
                                         const std::string& subject) {
  render::DocInfo info;
  info.title = opts.organisation + " " + tpl.Setting("title", BaseName(path));
  info.subject = subject;
  info.name = BaseName(path);
  return engine.NewDocument(info);
}

Status Finish(render::Document* doc, const std::string& path, render::PdfResult* result) {
  render::PdfResult local;
  Status st = doc->Finish(path, result ? result : &local);
  return st;
}

// ---------------------------------------------------------------- 附表1

// The fields every page of a form shares: {org}, and {signed} / {signed_nl}
// (FormOptions::signed_note, alone or after a line break; empty when unsigned).
Fields DocumentFields(const FormOptions& opts) {
  return {{"org", opts.organisation},
          {"signed", opts.signed_note},
          {"signed_nl", opts.signed_note.empty() ? "" : "\n" + opts.signed_note}};
}

Fields Form1Fields(const FormOptions& opts, const PermissionRecord* rec) {
  Fields f;
  f["applied_on"] = kBlankDate;
  f["effective_on"] = kBlankDate;
  for (const char* k : {"a_grant", "a_revoke", "a_items", "a_job", "s_other", "d_ok", "d_no", "d_other"}) f[k] = Check(false);
  for (const ServiceItem& s : ServiceItems()) f[std::string("s_") + s.code] = Check(false);
  f["reject_reason"] = "＿＿＿＿＿＿＿＿";
  f["other_decision"] = "＿＿＿＿＿＿＿＿";
  if (!rec) return f;
  f["form_no"] = rec->form_no;
  if (rec->applied_on != kNoDate) f["applied_on"] = FormatRocDate(rec->applied_on);
  f["unit"] = rec->unit;
  f["title_name"] = rec->title.empty() ? rec->name : rec->title + "　" + rec->name;
  f["a_grant"] = Check(rec->action == PermissionAction::kGrant);
  f["a_revoke"] = Check(rec->action == PermissionAction::kRevoke);
  f["a_items"] = Check(rec->action == PermissionAction::kChangeItems);
  f["a_job"] = Check(rec->action == PermissionAction::kJobChange);
  f["reason"] = rec->reason;
  f["national_id"] = ShowId(opts, rec->national_id);
  f["phone"] = rec->phone;
  f["email"] = rec->email;
  f["account"] = rec->account;
  std::vector<std::string> other;
  for (const std::string& item : rec->items) {
    bool known = false;
    for (const ServiceItem& s : ServiceItems()) {
      if (item == s.code) {
        f[std::string("s_") + s.code] = Check(true);
        known = true;
      }
    }
    if (!known) {
      // "其他:說明" (or an unknown code) checks 其他 and is written after it.
      std::string t = item;
      for (const char* p : {"其他:", "其他：", "其他"}) {
        if (t.rfind(p, 0) == 0) {
          t = t.substr(std::string(p).size());
          break;
        }
      }
      if (!t.empty()) other.push_back(t);
      f["s_other"] = Check(true);
    }
  }
  if (!other.empty()) f["other_items"] = "：" + Join(other, "、");
  f["d_ok"] = Check(rec->decision == Decision::kApproved);
  f["d_no"] = Check(rec->decision == Decision::kRejected);
  f["d_other"] = Check(rec->decision == Decision::kOther);
  if (rec->decision == Decision::kApproved && rec->effective_on != kNoDate) f["effective_on"] = FormatRocDate(rec->effective_on);
  if (rec->decision == Decision::kRejected && !rec->reject_reason.empty()) f["reject_reason"] = rec->reject_reason;
  if (rec->decision == Decision::kOther && !rec->reject_reason.empty()) f["other_decision"] = rec->reject_reason;
  if (!rec->manager.empty()) f["manager"] = "權限管理者：" + rec->manager;
  f["applicant_sign"] = rec->name;
  f["unit_head"] = rec->unit_head;
  f["manager_head"] = rec->manager_head;
  return f;
}

Status Form1(render::Engine& engine, const FormOptions& opts, const PermissionRecord* rec,
             const std::string& path, render::PdfResult* result) {
  render::FormTemplate tpl;
  LIAUDIT_RETURN_IF_ERROR(LoadTemplate(engine, "form1.tpl", &tpl));
  auto doc = NewDoc(engine, tpl, opts, path, rec ? "表單編號 " + rec->form_no : "空白表單");
  render::FormPainter painter(doc.get(), &tpl, DocumentFields(opts));
  LIAUDIT_RETURN_IF_ERROR(painter.AddPage("main", Form1Fields(opts, rec)));
  return Finish(doc.get(), path, result);
}

// ---------------------------------------------------------------- 附表2

Status Form2(render::Engine& engine, const FormOptions& opts, const std::string& unit, Date from, Date to,
             const std::vector<RegistrationRecord>& rows, const std::string& path, render::PdfResult* result) {
  render::FormTemplate tpl;
  LIAUDIT_RETURN_IF_ERROR(LoadTemplate(engine, "form2.tpl", &tpl));
  auto pit = tpl.pages.find("main");
  if (pit == tpl.pages.end()) return Status::InvalidInput(tpl.file + ": no 'page main'");
  const size_t per_page = static_cast<size_t>(std::max(1, pit->second.repeat_lines));
  std::string period = (from == kNoDate && to == kNoDate) ? std::string(kBlankDate) + " 至 " + kBlankDate
                                                          : Roc(from) + " 至 " + Roc(to);
  auto doc = NewDoc(engine, tpl, opts, path, unit + " " + period);
  Fields constant = DocumentFields(opts);
  constant["unit"] = unit.empty() ? "＿＿＿＿＿＿＿＿" : unit;
  constant["period"] = period;
  render::FormPainter painter(doc.get(), &tpl, constant);
  const size_t pages = std::max<size_t>(1, (rows.size() + per_page - 1) / per_page);
  Fields f;
  for (size_t p = 0; p < pages; ++p) {
    f.clear();
    for (size_t k = 0; k < per_page; ++k) {
      size_t i = p * per_page + k;
      if (i >= rows.size()) break;
      const RegistrationRecord& r = rows[i];
      const std::string pre = std::to_string(k + 1) + ".";
      // Under the pre-printed line number ({#}) of the template's 編號 cell.
      f[pre + "no"] = "\n" + r.reg_no;
      f[pre + "date"] = RocSlash(r.applied_on);
      f[pre + "name"] = r.subject_name;
      f[pre + "id"] = ShowId(opts, r.subject_id);
      f[pre + "items"] = Join(r.items, "\n");
      f[pre + "reason"] = r.reason;
      f[pre + "requester"] = r.requester;
      f[pre + "querier"] = r.querier_name.empty() ? r.account : r.querier_name;
      std::string head = r.unit_head;
      if (r.approved_at != kNoTime) head += (head.empty() ? "" : "\n") + FormatRocTime(r.approved_at);
      f[pre + "head"] = head;
    }
    LIAUDIT_RETURN_IF_ERROR(painter.AddPage("main", f));
  }
  return Finish(doc.get(), path, result);
}

// ---------------------------------------------------------------- 附表3

Status Form3(render::Engine& engine, const FormOptions& opts, const std::vector<RequestRow>* request,
             const std::string& path, render::PdfResult* result) {
  render::FormTemplate tpl;
  LIAUDIT_RETURN_IF_ERROR(LoadTemplate(engine, "form3.tpl", &tpl));
  const bool blank = request == nullptr || request->empty();
  const size_t lines = static_cast<size_t>(std::max(1, tpl.IntSetting("subject_lines", 5)));
  Fields f;
  f["applied_on"] = kBlankDate;
  f["count"] = "＿＿＿";
  const std::string blank_subject = "姓名：＿＿＿＿＿＿＿＿＿＿　ID：＿＿＿＿＿＿＿＿＿＿";
  for (size_t i = 1; i <= lines; ++i) f["s" + std::to_string(i)] = blank_subject;
  std::string subject = "空白表單";
  if (!blank) {
    const RequestRow& r0 = request->front();
    subject = "申請單編號 " + r0.request_no;
    f["unit"] = r0.unit;
    if (r0.applied_on != kNoDate) f["applied_on"] = FormatRocDate(r0.applied_on);
    f["applicant"] = r0.applicant;
    f["title"] = r0.title;
    f["phone"] = r0.phone;
    f["fax"] = r0.fax;
    f["reason"] = r0.reason;
    f["count"] = std::to_string(r0.count > 0 ? r0.count : static_cast<int>(request->size()));
    std::string review = r0.review;
    if (!r0.decision.empty()) review += (review.empty() ? "" : "\n") + std::string("審核結果：") + r0.decision;
    f["review"] = review;
    const size_t n = request->size();
    const bool overflow = n > lines;
    const size_t shown = overflow ? lines - 1 : n;
    for (size_t i = 0; i < lines; ++i) {
      std::string v;
      if (i < shown) {
        const RequestRow& r = (*request)[i];
        v = "姓名：" + r.subject_name + "　　ID：" + ShowId(opts, r.subject_id);
      } else if (overflow && i == lines - 1) {
        v = "（其餘 " + std::to_string(n - shown) + " 名，共 " + std::to_string(n) + " 名，詳附件查調名單）";
      }
      f["s" + std::to_string(i + 1)] = v;
    }
  }
  auto doc = NewDoc(engine, tpl, opts, path, subject);
  render::FormPainter painter(doc.get(), &tpl, DocumentFields(opts));
  LIAUDIT_RETURN_IF_ERROR(painter.AddPage("main", f));
  if (!blank && request->size() > lines) {
    auto lit = tpl.pages.find("list");
    if (lit == tpl.pages.end()) return Status::InvalidInput(tpl.file + ": no 'page list' for the attached list");
    const size_t per = static_cast<size_t>(std::max(1, lit->second.repeat_lines));
    doc->AddBookmark("查調資料申請表", 0, 0, 0);
    doc->AddBookmark("附件：查調名單", 1, 0, 0);
    for (size_t p = 0; p * per < request->size(); ++p) {
      Fields lf{{"unit", f["unit"]}, {"applied_on", f["applied_on"]}, {"count", f["count"]}};
      for (size_t k = 0; k < per && p * per + k < request->size(); ++k) {
        const RequestRow& r = (*request)[p * per + k];
        const std::string pre = std::to_string(k + 1) + ".";
        lf[pre + "no"] = std::to_string(p * per + k + 1);
        lf[pre + "name"] = r.subject_name;
        lf[pre + "id"] = ShowId(opts, r.subject_id);
      }
      LIAUDIT_RETURN_IF_ERROR(painter.AddPage("list", lf));
    }
  }
  return Finish(doc.get(), path, result);
}

// ---------------------------------------------------------------- 附表4

Status Form4(render::Engine& engine, const FormOptions& opts, const Form4Data* d, const std::string& path,
             render::PdfResult* result) {
  render::FormTemplate tpl;
  LIAUDIT_RETURN_IF_ERROR(LoadTemplate(engine, "form4.tpl", &tpl));
  Fields f;
  Form4Data empty;
  const Form4Data& x = d ? *d : empty;
  f["period"] = Roc(x.period_from) + " ～ " + Roc(x.period_to);
  f["audit_date"] = Roc(x.audit_date);
  f["documents_deadline"] = Roc(x.documents_deadline);
  std::string q = x.querier;
  std::vector<std::string> extra;
  if (!x.querier_account.empty()) extra.push_back(x.querier_account);
  if (!x.querier_unit.empty()) extra.push_back(x.querier_unit);
  if (!extra.empty()) q += "（" + Join(extra, "，") + "）";
  f["querier"] = q;
  f["audit_unit"] = x.audit_unit;
  f["audit_unit_phone"] = x.audit_unit_phone;
  f["auditor"] = x.auditor;
  f["cases"] = d ? std::to_string(x.cases) : "＿＿＿＿";
  f["opinion"] = Form4Opinion(x);
  auto doc = NewDoc(engine, tpl, opts, path, d ? x.querier : "空白表單");
  render::FormPainter painter(doc.get(), &tpl, DocumentFields(opts));
  LIAUDIT_RETURN_IF_ERROR(painter.AddPage("main", f));
  return Finish(doc.get(), path, result);
}

}  // namespace

std::string Form4Opinion(const Form4Data& data) {
  Date fresh = data.review_due, owed = data.owed_due;
  // A due date before the audit date was set by an earlier audit: never ask anew for it.
  if (fresh != kNoDate && data.audit_date != kNoDate && fresh < data.audit_date) {
    owed = owed == kNoDate ? fresh : std::min(owed, fresh);
    fresh = kNoDate;
  }
  const bool late = owed != kNoDate && data.audit_date != kNoDate && owed < data.audit_date;
  std::string sentence;
  if (fresh != kNoDate) {
    // 要點第八點: "應要求其立即改正，並於十日內提具相關檢討報告".
    sentence = "請立即改正，並於" + FormatRocDate(fresh) + "前提具相關檢討報告（要點第八點）";
    if (owed != kNoDate)
      sentence += "；前次稽核要求之報告（期限" + FormatRocDate(owed) + (late ? "，已逾期" : "") +
                  "）尚未收到，請一併提具";
    sentence += "。";
  } else if (owed != kNoDate) {
    sentence = "依前次稽核，應於" + FormatRocDate(owed) + "前提具相關檢討報告（要點第八點），" +
               (late ? "迄今尚未收到（已逾期），請儘速提具。" : "尚未收到。");
  }
  std::string op = data.opinion;
  if (!sentence.empty()) op += (op.empty() ? "" : "\n") + sentence;
  return op;
}


Status WriteForm1(render::Engine& engine, const FormOptions& opts, const PermissionRecord& rec,
                  const std::string& path, render::PdfResult* result) {
  return Form1(engine, opts, &rec, path, result);
}

Status WriteForm2(render::Engine& engine, const FormOptions& opts, const std::string& unit, Date from, Date to,
                  const std::vector<RegistrationRecord>& rows, const std::string& path,
                  render::PdfResult* result) {
  return Form2(engine, opts, unit, from, to, rows, path, result);
}

Status WriteForm3(render::Engine& engine, const FormOptions& opts, const std::vector<RequestRow>& request,
                  const std::string& path, render::PdfResult* result) {
  if (request.empty()) return Status::InvalidInput("WriteForm3: a request needs at least one subject row");
  return Form3(engine, opts, &request, path, result);
}

Status WriteForm4(render::Engine& engine, const FormOptions& opts, const Form4Data& data, const std::string& path,
                  render::PdfResult* result) {
  return Form4(engine, opts, &data, path, result);
}

Status WriteBlankForms(render::Engine& engine, const FormOptions& opts, const std::string& dir,
                       std::vector<render::PdfResult>* results) {
  std::vector<render::PdfResult> r(4);
  LIAUDIT_RETURN_IF_ERROR(Form1(engine, opts, nullptr, dir + "/form1.pdf", &r[0]));
  LIAUDIT_RETURN_IF_ERROR(Form2(engine, opts, "", kNoDate, kNoDate, {}, dir + "/form2.pdf", &r[1]));
  LIAUDIT_RETURN_IF_ERROR(Form3(engine, opts, nullptr, dir + "/form3.pdf", &r[2]));
  LIAUDIT_RETURN_IF_ERROR(Form4(engine, opts, nullptr, dir + "/form4.pdf", &r[3]));
  if (results) *results = std::move(r);
  return Status::OK();
}

}  // namespace liaudit::forms
