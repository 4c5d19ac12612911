// 勞保查詢系統使用紀錄檢查結果報告: the quarterly review report sent to 勞工局 (要點第七點).
#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "core/twid.h"
#include "reports/charts.h"
#include "reports/layout.h"
#include "reports/report_text.h"
#include "reports/reports.h"

namespace liaudit::reports {

using render::HAlign;
using render::kMm;
using layout::Number;
using layout::Percent;

namespace {

std::string Period(const ReviewReport& r) {
  if (r.from == kNoDate || r.to == kNoDate) return "—";
  return FormatRocDate(r.from) + "至" + FormatRocDate(r.to);
}

render::Color SeverityColor(const std::string& s) {
  if (s == "嚴重") return {0.55, 0.07, 0.10};
  if (s == "高") return {0.85, 0.33, 0.18};
  if (s == "中") return {0.93, 0.66, 0.20};
  if (s == "低") return {0.32, 0.52, 0.72};
  return render::Color::Gray(0.6);
}

void Cover(render::Flow* flow, render::Document* doc, const ReportText& words, const ReviewReport& r) {
  const double w = flow->content_width();
  flow->canvas();
  doc->AddBookmark("封面", 0, flow->y(), 0);
  flow->Space(38 * kMm);
  flow->Paragraph(r.organisation, layout::TitleStyle(16));
  flow->Space(6);
  render::TextStyle title_style = layout::TitleStyle(22);
  title_style.role = render::Role::kH1;
  flow->Paragraph(words.review_title, title_style);
  flow->Space(6);
  flow->Paragraph(layout::RocQuarter(r.quarter), layout::TitleStyle(16));
  flow->Space(24 * kMm);
  const std::string generated = layout::RocDateTime(r.generated_at);
  flow->AddTable(layout::InfoTable(
      {
          {"檢查期間", Period(r)},
          {"填報單位", r.organisation},
          {"受文單位", r.recipient},
          {"辦理依據", words.review_basis},
          {"產製時間", generated.empty() ? "—" : generated},
      },
      w * 0.22, w * 0.78, 11.5));
  if (!r.notices.empty()) {
    flow->Space(6);
    flow->AddTable(layout::NoticeTable(w, r.notices));
  }
  flow->Space(10);
  flow->Paragraph(words.review_privacy_note, layout::NoteStyle());
  flow->NewPage();
}

void Summary(render::Flow* flow, render::Document* doc, const ReviewReport& r) {
  layout::Heading(flow, doc, "一、檢查結果摘要", 0, 80);
  long regs = 0, matched = 0;
  for (const auto& q : r.by_querier) {
    regs += q.registrations;
    matched += q.matched;
  }
  std::map<std::string, long> by_sev;
  for (const auto& c : r.by_rule) by_sev[c.severity] += c.count;
  std::string sev;
  for (const char* s : {"嚴重", "高", "中", "低", "資訊"}) {
    auto it = by_sev.find(s);
    if (it == by_sev.end() || it->second == 0) continue;
    sev += (sev.empty() ? "" : "、") + std::string(s) + " " + Number(it->second) + " 件";
  }
  std::string text = "本季（" + Period(r) + "）勞保查詢系統共查詢 " + Number(r.total_queries) + " 筆，資料查詢者 " +
                     Number(static_cast<long>(r.by_querier.size())) + " 人；查調資料登記表登記 " + Number(regs) +
                     " 筆，系統查詢紀錄與登記相符 " + Number(matched) + " 筆（相符率 " +
                     Percent(matched, r.total_queries) + "）。經檢查發現異常 " + Number(r.total_findings) + " 件";
  text += sev.empty() ? "。" : "（" + sev + "）。";
  text += r.overdue.empty() ? "目前無逾期未提檢討報告之案件。"
                            : "逾期未提檢討報告 " + Number(static_cast<long>(r.overdue.size())) + " 件，詳第五點。";
  flow->Paragraph(text, layout::BodyStyle());
  flow->Space(4);
  const double w = flow->content_width();
  flow->AddTable(layout::InfoTable(
      {
          {"查詢總筆數", Number(r.total_queries) + " 筆"},
          {"登記簿登記筆數", Number(regs) + " 筆"},
          {"與登記相符筆數", Number(matched) + " 筆（" + Percent(matched, r.total_queries) + "）"},
          {"異常總件數", Number(r.total_findings) + " 件"},
          {"具查調權限人數", Number(static_cast<long>(r.permissions.size())) + " 人"},
          {"逾期未提檢討報告", Number(static_cast<long>(r.overdue.size())) + " 件"},
          {"隔離之輸入資料", r.rejected_rows_period >= 0
                                ? Number(r.rejected_rows_period) + " 列（本期各次執行累計；本次執行 " +
                                      Number(r.rejected_rows) + " 列，詳 rejects.csv）"
                                : Number(r.rejected_rows) + " 列（詳 rejects.csv）"},
      },
      w * 0.26, w * 0.74, 10));
}

void Permissions(render::Flow* flow, render::Document* doc, const ReviewReport& r) {
  const double w = flow->content_width();
  layout::TableBuilder t({w * 0.07, w * 0.15, w * 0.13, w * 0.25, w * 0.40}, {"序號", "帳號", "姓名", "單位", "可查調服務項目"},
                         {HAlign::kCenter, HAlign::kLeft, HAlign::kLeft, HAlign::kLeft, HAlign::kLeft});
  int n = 0;
  for (const auto& p : r.permissions) t.Row({std::to_string(++n), p.account, p.name, p.unit, p.items});
  if (r.permissions.empty()) t.SpanRow("期末無具查調權限之人員。");
  layout::HeadedTable(flow, doc, "二、查調權限（期末具查調權限人員及項目）", 0, t.table());
}

render::Table LabelCountTable(double w, const std::vector<LabelCount>& rows, const std::string& label, long total) {
  layout::TableBuilder t({w * 0.08, w * 0.56, w * 0.18, w * 0.18}, {"序號", label, "查詢筆數", "占比"},
                         {HAlign::kCenter, HAlign::kLeft, HAlign::kRight, HAlign::kRight});
  int n = 0;
  long sum = 0;
  for (const auto& r : rows) {
    t.Row({std::to_string(++n), r.label, Number(r.count), Percent(r.count, total)});
    sum += r.count;
  }
  if (rows.empty()) t.SpanRow("本期無查詢紀錄。");
  else t.TotalRow({"", "合計", Number(sum), Percent(sum, total)});
  return t.table();
}

void ChartBox(render::Flow* flow, render::Document* doc, const charts::BarChart& chart, double h) {
  flow->Space(6);
  layout::KeepTogether(flow, doc, h);
  render::Box b = flow->Reserve(h);
  charts::Draw(flow->canvas(), *doc, b, chart);
  flow->Space(4);
}

void Usage(render::Flow* flow, render::Document* doc, const ReportText& words, const ReviewReport& r) {
  const double w = flow->content_width();
  const render::Table units = LabelCountTable(w, r.by_unit, "單位", r.total_queries);
  layout::Heading(flow, doc, "三、查調統計", 0, 30 + layout::KeepHeight(doc, units));
  layout::HeadedTable(flow, doc, "（一）各單位查調筆數", 1, units);
  if (!r.per_month_unit.empty() && !r.month_labels.empty()) {
    charts::BarChart chart;
    chart.title = "各單位每月查詢筆數";
    chart.y_label = "查詢筆數（筆）";
    chart.unit = "筆";
    chart.categories = r.month_labels;
    for (size_t i = 0; i < r.per_month_unit.size(); ++i)
      chart.series.push_back({r.per_month_unit[i].unit, r.per_month_unit[i].per_month, charts::Palette(i)});
    ChartBox(flow, doc, chart, 92 * kMm);
  }

  layout::Heading(flow, doc, "（二）各資料查詢者查調筆數與登記簿比對", 1, 90);
  flow->Paragraph(words.comparison_note, layout::NoteStyle());
  layout::TableBuilder t({w * 0.13, w * 0.12, w * 0.21, w * 0.11, w * 0.11, w * 0.11, w * 0.10, w * 0.11},
                         {"帳號", "姓名", "單位", "系統筆數", "登記筆數", "相符筆數", "相符率", "異常件數"},
                         {HAlign::kLeft, HAlign::kLeft, HAlign::kLeft, HAlign::kRight, HAlign::kRight, HAlign::kRight,
                          HAlign::kRight, HAlign::kRight});
  long q = 0, g = 0, m = 0, f = 0;
  for (const auto& x : r.by_querier) {
    t.Row({x.account, x.name, x.unit, Number(x.queries), Number(x.registrations), Number(x.matched),
           Percent(x.matched, x.queries), Number(x.findings)});
    q += x.queries;
    g += x.registrations;
    m += x.matched;
    f += x.findings;
  }
  if (r.by_querier.empty()) t.SpanRow("本期無資料查詢者之查詢紀錄。");
  else t.TotalRow({"合計", "", "", Number(q), Number(g), Number(m), Percent(m, q), Number(f)});
  layout::AddTable(flow, doc, t.table());

  layout::HeadedTable(flow, doc, "（三）各查調服務項目查詢筆數", 1,
                      LabelCountTable(w, r.by_service, "查調服務項目", r.total_queries));
}

// Findings by querier and rule: a cross table over the rules that occur, in chunks of
// columns narrow enough to stay legible.
void CrossTable(render::Flow* flow, render::Document* doc, const std::string& heading, const ReviewReport& r) {
  std::vector<std::string> rules;
  std::set<std::string> seen;
  for (const auto& c : r.by_rule)
    if (c.count > 0 && seen.insert(c.rule_id).second) rules.push_back(c.rule_id);
  for (const auto& f : r.findings)
    if (seen.insert(f.rule_id).second) rules.push_back(f.rule_id);
  std::map<std::string, std::string> names;  // account -> "name／unit"
  for (const auto& q : r.by_querier) names[q.account] = q.name;
  std::vector<std::string> accounts;
  std::map<std::string, std::map<std::string, long>> counts;
  for (const auto& f : r.findings) {
    const std::string key = f.account.empty() ? std::string() : f.account;
    if (!counts.count(key)) accounts.push_back(key);
    counts[key][f.rule_id]++;
    if (!f.account.empty() && names[f.account].empty()) names[f.account] = f.querier;
  }
  if (accounts.empty()) {
    layout::Heading(flow, doc, heading, 1, 30);
    flow->Paragraph("本期無異常。", layout::BodyStyle());
    return;
  }
  std::sort(accounts.begin(), accounts.end(), [](const std::string& a, const std::string& b) {
    if (a.empty() != b.empty()) return b.empty();  // "not about one querier" last
    return a < b;
  });
  const double w = flow->content_width();
  const size_t per_table = 9;
  std::vector<render::Table> tables;
  for (size_t start = 0; start < rules.size(); start += per_table) {
    const size_t end = std::min(rules.size(), start + per_table);
    const bool last = end == rules.size();
    const double first_w = w * 0.26;
    const size_t ncols = end - start + (last ? 1 : 0);
    const double col_w = (w - first_w) / static_cast<double>(std::max<size_t>(ncols, 1));
    std::vector<double> widths{first_w};
    std::vector<std::string> heads{"資料查詢者"};
    std::vector<HAlign> aligns{HAlign::kLeft};
    for (size_t i = start; i < end; ++i) {
      widths.push_back(col_w);
      heads.push_back(rules[i]);
      aligns.push_back(HAlign::kRight);
    }
    if (last) {
      widths.push_back(col_w);
      heads.push_back("合計");
      aligns.push_back(HAlign::kRight);
    }
    layout::TableBuilder t(widths, heads, aligns);
    std::vector<long> col_sum(end - start, 0);
    long grand = 0;
    for (const auto& a : accounts) {
      std::vector<std::string> row{a.empty() ? "（非特定帳號）" : a + (names[a].empty() ? "" : " " + names[a])};
      long sum = 0;
      for (size_t i = start; i < end; ++i) {
        const long v = counts[a].count(rules[i]) ? counts[a][rules[i]] : 0;
        row.push_back(v ? Number(v) : "");
        col_sum[i - start] += v;
      }
      for (const auto& kv : counts[a]) sum += kv.second;
      grand += sum;
      if (last) row.push_back(Number(sum));
      t.Row(row);
    }
    std::vector<std::string> total{"合計"};
    for (long v : col_sum) total.push_back(Number(v));
    if (last) total.push_back(Number(grand));
    t.TotalRow(total);
    tables.push_back(t.table());
  }
  layout::Heading(flow, doc, heading, 1, layout::KeepHeight(doc, tables.front()));
  for (const auto& t : tables) {
    layout::AddTable(flow, doc, t);
    flow->Space(6);
  }
}

void Findings(render::Flow* flow, render::Document* doc, const ReviewReport& r) {
  const render::Table rules = layout::RuleCountTable(flow->content_width(), r.by_rule);
  layout::Heading(flow, doc, "四、異常統計", 0, 30 + layout::KeepHeight(doc, rules));
  layout::HeadedTable(flow, doc, "（一）各規則異常件數", 1, rules);
  if (!r.by_rule.empty()) {
    charts::BarChart chart;
    chart.title = "各規則異常件數";
    chart.y_label = "件數";
    chart.unit = "件";
    charts::Series s{"異常件數", {}, charts::Palette(0)};
    std::set<std::string> sev_seen;
    for (const auto& c : r.by_rule) {
      chart.categories.push_back(c.rule_id);
      s.values.push_back(c.count);
      chart.bar_colors.push_back(SeverityColor(c.severity));
      sev_seen.insert(c.severity);
    }
    chart.series.push_back(std::move(s));
    for (const char* sv : {"嚴重", "高", "中", "低", "資訊"})
      if (sev_seen.count(sv)) chart.legend.emplace_back(std::string("嚴重度：") + sv, SeverityColor(sv));
    ChartBox(flow, doc, chart, 78 * kMm);
  }
  CrossTable(flow, doc, "（二）各資料查詢者異常件數（依規則）", r);
  layout::AddFindingsSection(flow, doc, "（三）異常明細", r.findings, 2);
}

render::Table FollowUpTable(double w, const std::vector<FollowUpLine>& rows, const std::string& empty_text) {
  layout::TableBuilder t({w * 0.06, w * 0.07, w * 0.13, w * 0.40, w * 0.12, w * 0.12, w * 0.10},
                         {"序號", "規則", "帳號", "異常事項", "檢討報告\n期限", "辦理情形", "登錄者"},
                         {HAlign::kCenter, HAlign::kCenter, HAlign::kLeft, HAlign::kLeft, HAlign::kCenter,
                          HAlign::kCenter, HAlign::kLeft});
  int n = 0;
  for (const auto& f : rows) {
    std::string what = f.detail;
    if (!f.key.empty()) what += (what.empty() ? "" : "\n") + f.key;
    std::string state = f.state + (f.overdue ? "\n（逾期）" : "");
    t.Row({std::to_string(++n), f.rule_id, f.account, what, f.due, state, f.updated_by});
  }
  if (rows.empty()) t.SpanRow(empty_text);
  return t.table();
}

}  // namespace

Status WriteReviewReport(render::Engine& engine, const ReviewReport& report, const std::string& path,
                         render::PdfResult* result) {
  if (path.empty()) return Status::InvalidInput("review report: empty output path");
  ReportText words;
  LIAUDIT_RETURN_IF_ERROR(LoadReportText(engine.options().templates_dir + "/report_text.conf", &words));
  const std::string& title = words.review_title;
  render::DocInfo info;
  info.title = report.organisation + title;
  info.subject = title + " " + layout::RocQuarter(report.quarter);
  info.name = "review.pdf";
  std::unique_ptr<render::Document> doc = engine.NewDocument(info);
  const std::string generated = layout::RocDateTime(report.generated_at);
  layout::InstallDecorator(doc.get(), title + "　" + layout::RocQuarter(report.quarter),
                           report.organisation, generated.empty() ? "" : "產製時間：" + generated, 2);

  // The Bureau's copy must never show a full ID: the model promises masked IDs, and this
  // safety net masks any that still pass the ID check (a caller bug), with a warning.
  ReviewReport masked_copy;
  const ReviewReport* rep = &report;
  long unmasked = 0;
  for (const auto& f : report.findings) unmasked += IsValidId(f.subject_id);
  if (unmasked > 0) {
    masked_copy = report;
    for (auto& f : masked_copy.findings)
      if (IsValidId(f.subject_id)) f.subject_id = MaskId(f.subject_id);
    rep = &masked_copy;
  }

  render::Flow flow(doc.get(), layout::ReportMargins());
  Cover(&flow, doc.get(), words, report);
  Summary(&flow, doc.get(), report);
  Permissions(&flow, doc.get(), report);
  Usage(&flow, doc.get(), words, report);
  Findings(&flow, doc.get(), *rep);

  layout::Heading(&flow, doc.get(), "五、追蹤改正情形", 0, 60);
  flow.Paragraph(words.followup_note, layout::NoteStyle());
  const double w = flow.content_width();
  layout::HeadedTable(&flow, doc.get(), "（一）改正追蹤", 1, FollowUpTable(w, report.followups, "本期無追蹤中之案件。"));
  layout::HeadedTable(&flow, doc.get(), "（二）逾期未提檢討報告", 1,
                      FollowUpTable(w, report.overdue, "目前無逾期未提檢討報告之案件。"));

  layout::HeadedTable(&flow, doc.get(), "六、未執行之檢查", 0, layout::SkippedChecksTable(w, report.skipped_checks));

  flow.Space(6 * kMm);
  layout::AddStamp(&flow, doc.get(), report.stamp, words.stamp_heading, words.stamp_title);

  render::PdfResult local;
  if (!result) result = &local;
  Status st = doc->Finish(path, result);
  if (unmasked > 0)
    result->warnings.push_back(info.name + ": " + std::to_string(unmasked) +
                               " subject IDs arrived unmasked and were masked with the default pattern");
  return st;
}

}  // namespace liaudit::reports
