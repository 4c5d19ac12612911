// The pieces several documents share: wording, finding lines, rule counts, the stamp.
#include <filesystem>
#include <map>

#include "core/twid.h"
#include "documents/documents.h"
#include "documents/text.h"
#include "render/form_template.h"

namespace fs = std::filesystem;

namespace liaudit::documents {
namespace {

const char* EvidenceKindZh(Evidence::Kind k) {
  switch (k) {
    case Evidence::Kind::kQuery: return "平臺查詢紀錄";
    case Evidence::Kind::kRegistration: return "查調資料登記（附表2）";
    case Evidence::Kind::kPermission: return "權限申請（附表1）";
    case Evidence::Kind::kRequest: return "查調資料申請（附表3）";
    case Evidence::Kind::kStaff: return "人員異動";
  }
  return "";
}

std::string WhenText(const Finding& f) {
  if (f.query_time != kNoTime) return FormatRocTime(f.query_time);
  if (f.date != kNoDate) return FormatRocSlash(f.date);
  return "";
}

}  // namespace

std::string Wording::FormTitle(int n) const {
  if (n < 1 || n > 4) return "";
  return form_titles[static_cast<size_t>(n - 1)] + "（附表" + std::to_string(n) + "）";
}

Status LoadWording(const std::string& templates_dir, Wording* w) {
  *w = Wording();
  LIAUDIT_RETURN_IF_ERROR(reports::LoadReportText(templates_dir + "/report_text.conf", &w->text));
  static const char* kBuiltIn[] = {"資料查詢者權限申請表", "查調資料登記表", "查調資料申請表", "稽核紀錄表"};
  for (int n = 1; n <= 4; ++n) {
    std::string path = templates_dir + "/form" + std::to_string(n) + ".tpl";
    render::FormTemplate tpl;
    LIAUDIT_RETURN_IF_ERROR(render::LoadFormTemplate(path, &tpl));
    w->form_titles[static_cast<size_t>(n - 1)] = tpl.Setting("title", kBuiltIn[n - 1]);
  }
  return Status::OK();
}

std::vector<int64_t> EvidenceQueryIds(const std::vector<Finding>& findings) {
  std::vector<int64_t> ids;
  for (const Finding& f : findings)
    for (const Evidence& e : f.evidence)
      if (e.kind == Evidence::Kind::kQuery) ids.push_back(e.id);
  return ids;
}

std::vector<reports::RuleCount> CountByRule(const CheckedPeriod& c) {
  std::map<std::string, long> n;
  for (const auto& f : c.findings()) ++n[f.rule_id];
  std::vector<reports::RuleCount> out;
  for (const auto* r : rules::RulesFor(c.ds.period.kind)) {
    reports::RuleCount rc;
    rc.rule_id = r->id;
    rc.rule_name = r->name_zh;
    rc.severity = SeverityNameZh(r->severity);
    auto it = n.find(r->id);
    rc.count = it != n.end() ? it->second : 0;
    out.push_back(rc);
  }
  return out;
}

reports::FindingLine ToLine(const CheckedPeriod& c, const Finding& f, const std::string& mask,
                            const SourceLines* sources) {
  reports::FindingLine l;
  l.rule_id = f.rule_id;
  const rules::RuleInfo* info = rules::FindRule(f.rule_id);
  l.rule_name = info ? info->name_zh : "";
  l.severity = SeverityNameZh(f.severity);
  l.account = f.account;
  if (const Person* p = Find(c.people, f.account)) {
    l.querier = p->name;
    l.unit = p->unit;
  }
  l.when = WhenText(f);
  l.txn_id = f.txn_id;
  l.service = f.service_code.empty() ? "" : ServiceLabel(f.service_code);
  l.subject_id = MaskId(f.subject_id, mask);  // an empty mask keeps the ID in full
  l.reg_no = f.reg_no;
  l.request_no = f.request_no;
  l.detail = f.detail;
  if (sources) {
    for (const Evidence& e : f.evidence) {
      std::string line = std::string(EvidenceKindZh(e.kind)) + " " + e.label;
      if (e.kind == Evidence::Kind::kQuery) {
        auto it = sources->find(e.id);
        if (it != sources->end() && !it->second.file.empty())
          line += "（" + fs::path(it->second.file).filename().string() + " 第 " + std::to_string(it->second.line) +
                  " 行）";
      }
      l.evidence.push_back(line);
    }
  }
  return l;
}

std::vector<std::string> SkippedLines(const CheckedPeriod& c) {
  std::vector<std::string> out;
  for (const auto& s : c.rules.skipped) {
    const rules::RuleInfo* r = rules::FindRule(s.rule_id);
    out.push_back(s.rule_id + " " + (r ? r->name_zh : "") + "：未執行（" + s.reason_zh + "）");
  }
  for (const auto& s : c.rules.notes) {
    if (s.rule_id.empty()) {  // a note about the job's input, not one rule
      out.push_back(s.reason_zh);
      continue;
    }
    const rules::RuleInfo* r = rules::FindRule(s.rule_id);
    out.push_back(s.rule_id + " " + (r ? r->name_zh : "") + "：" + s.reason_zh);
  }
  return out;
}

reports::Stamp StampFor(const BuildOptions& o) {
  reports::Stamp s;
  if (o.signer.empty()) return s;
  s.draw = true;
  s.lines = {"數位簽章", "簽署者：" + o.signer, "簽署時間：" + FormatRocTime(o.now),
             "驗證：liaudit verify 或 PDF 閱讀器之簽章面板"};
  return s;
}

forms::FormOptions FormOptionsFor(const BuildOptions& o) {
  forms::FormOptions fo;
  fo.id_mask = o.internal_mask;
  fo.organisation = o.organisation;
  if (!o.signer.empty()) fo.signed_note = "已數位簽章（" + FormatRocTime(o.now) + "）";
  return fo;
}

sheet::Sheet FindingsSheet(const CheckedPeriod& c, const std::string& name, const std::string& title,
                           const std::vector<const Finding*>& findings, const std::string& mask) {
  using sheet::Cell;
  using sheet::ColType;
  sheet::SheetSpec spec;
  spec.name = name;
  spec.title = title;
  spec.columns = {{"規則", ColType::kText},        {"嚴重度", ColType::kText},   {"規則名稱", ColType::kText},
                  {"帳號", ColType::kText},        {"查詢者", ColType::kText},   {"單位", ColType::kText},
                  {"查詢時間", ColType::kDateTime}, {"交易序號", ColType::kText}, {"服務代碼", ColType::kText},
                  {"被查詢人統號", ColType::kText}, {"登記編號", ColType::kText}, {"申請單編號", ColType::kText},
                  {"日期", ColType::kDate},         {"說明", ColType::kText, 60}};
  spec.landscape = true;
  sheet::Sheet sh(std::move(spec));
  sh.rows.reserve(findings.size());
  for (const Finding* f : findings) {
    const rules::RuleInfo* info = rules::FindRule(f->rule_id);
    const Person* p = Find(c.people, f->account);
    sh.Add({f->rule_id, SeverityNameZh(f->severity), info ? info->name_zh : "", f->account, p ? p->name : "",
            p ? p->unit : "", Cell::OfTime(f->query_time), f->txn_id, f->service_code,
            MaskId(f->subject_id, mask), f->reg_no, f->request_no,
            Cell::OfDate(f->date), f->detail});
  }
  return sh;
}

}  // namespace liaudit::documents
