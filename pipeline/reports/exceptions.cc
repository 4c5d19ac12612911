// 勞保查詢系統每日異常報告: the nightly exception report for the permission manager.
#include <string>

#include "reports/layout.h"
#include "reports/report_text.h"
#include "reports/reports.h"

namespace liaudit::reports {

using render::kMm;

namespace {

std::string DayWithWeekday(Date d) {
  static const char* const kDays[] = {"日", "一", "二", "三", "四", "五", "六"};
  if (d == kNoDate) return "（未指定）";
  return FormatRocDate(d) + "（星期" + kDays[Weekday(d)] + "）";
}

}  // namespace

Status WriteExceptionsReport(render::Engine& engine, const ExceptionsReport& report, const std::string& path,
                             render::PdfResult* result) {
  if (path.empty()) return Status::InvalidInput("exceptions report: empty output path");
  ReportText words;
  LIAUDIT_RETURN_IF_ERROR(LoadReportText(engine.options().templates_dir + "/report_text.conf", &words));
  const std::string& title = words.exceptions_title;
  render::DocInfo info;
  info.title = report.organisation + title;
  info.subject = report.day == kNoDate ? title : title + " " + FormatRocDate(report.day);
  info.name = "exceptions.pdf";
  std::unique_ptr<render::Document> doc = engine.NewDocument(info);
  const std::string generated = layout::RocDateTime(report.generated_at);
  layout::InstallDecorator(doc.get(), title + "　" + (report.day == kNoDate ? "" : FormatRocDate(report.day)),
                           report.organisation, generated.empty() ? "" : "產製時間：" + generated, 2);

  render::Flow flow(doc.get(), layout::ReportMargins());
  const double w = flow.content_width();

  // Title block on the first page.
  flow.canvas();
  doc->AddBookmark("報告資訊", 0, flow.y(), 0);
  flow.Paragraph(report.organisation, layout::TitleStyle(13));
  flow.Space(2);
  render::TextStyle title_style = layout::TitleStyle(20);
  title_style.role = render::Role::kH1;
  flow.Paragraph(title, title_style);
  flow.Space(12);
  long total = 0;
  for (const auto& c : report.counts) total += c.count;
  if (report.counts.empty()) total = static_cast<long>(report.findings.size());
  flow.AddTable(layout::InfoTable(
      {
          {"檢查日期", DayWithWeekday(report.day)},
          {"製表單位", report.organisation},
          {"產製時間", generated.empty() ? "—" : generated},
          {"檢查查詢筆數", layout::Number(report.queries_checked) + " 筆"},
          {"異常件數", layout::Number(total) + " 件"},
          {"隔離之輸入資料", layout::Number(report.rejected_rows) + " 列（詳 rejects.csv）"},
      },
      w * 0.24, w * 0.76, 10.5));
  if (!report.notices.empty()) {
    flow.Space(6);
    flow.AddTable(layout::NoticeTable(w, report.notices));
  }
  flow.Space(4);
  flow.Paragraph(words.exceptions_note, layout::NoteStyle());

  layout::HeadedTable(&flow, doc.get(), "一、各規則異常件數", 0, layout::RuleCountTable(w, report.counts));

  layout::AddFindingsSection(&flow, doc.get(), "二、異常明細", report.findings, 1);

  layout::HeadedTable(&flow, doc.get(), "三、未執行之檢查", 0, layout::SkippedChecksTable(w, report.skipped_checks));

  flow.Space(6 * kMm);
  layout::AddStamp(&flow, doc.get(), report.stamp, words.stamp_heading, words.stamp_title);

  render::PdfResult local;
  return doc->Finish(path, result ? result : &local);
}

}  // namespace liaudit::reports
