// 勞保查詢系統每日異常報告: the nightly exception report for the permission manager.
#include <string>

#include "reports/layout.h"
#include "reports/reports.h"

namespace liaudit::reports {

using render::kMm;

namespace {

const char* const kTitle = "勞保查詢系統每日異常報告";

std::string DayWithWeekday(Date d) {
  static const char* const kDays[] = {"日", "一", "二", "三", "四", "五", "六"};
  if (d == kNoDate) return "（未指定）";
  return FormatRocDate(d) + "（星期" + kDays[Weekday(d)] + "）";
}

}  // namespace

Status WriteExceptionsReport(render::Engine& engine, const ExceptionsReport& report, const std::string& path,
                             render::PdfResult* result) {
  if (path.empty()) return Status::InvalidInput("exceptions report: empty output path");
  render::DocInfo info;
  info.title = report.organisation + kTitle;
  info.subject = report.day == kNoDate ? std::string(kTitle) : std::string(kTitle) + " " + FormatRocDate(report.day);
  info.name = "exceptions.pdf";
  std::unique_ptr<render::Document> doc = engine.NewDocument(info);
  const std::string generated = layout::RocDateTime(report.generated_at);
  layout::InstallDecorator(doc.get(), std::string(kTitle) + "　" + (report.day == kNoDate ? "" : FormatRocDate(report.day)),
                           report.organisation, generated.empty() ? "" : "產製時間：" + generated, 2);

  render::Flow flow(doc.get(), layout::ReportMargins());
  const double w = flow.content_width();

  // Title block on the first page.
  flow.canvas();
  doc->AddBookmark("報告資訊", 0, flow.y(), 0);
  flow.Paragraph(report.organisation, layout::TitleStyle(13));
  flow.Space(2);
  flow.Paragraph(kTitle, layout::TitleStyle(20));
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
  flow.Space(4);
  flow.Paragraph(
      "說明：本報告依「高雄市政府社會局應用勞動部勞工保險局資訊作業管理要點」，由系統比對勞保查詢系統"
      "使用紀錄與查調資料登記表（附表2）、查調資料申請表（附表3）及權限申請表（附表1）後自動產製，"
      "供權限管理者逐筆查核；異常件之資料查詢者應依第八點立即改正，並於十日內提具檢討報告。",
      layout::NoteStyle());

  layout::HeadedTable(&flow, doc.get(), "一、各規則異常件數", 0, layout::RuleCountTable(w, report.counts));

  layout::AddFindingsSection(&flow, doc.get(), "二、異常明細", report.findings, 1);

  layout::HeadedTable(&flow, doc.get(), "三、未執行之檢查", 0, layout::SkippedChecksTable(w, report.skipped_checks));

  flow.Space(6 * kMm);
  layout::AddStamp(&flow, doc.get(), report.stamp);

  render::PdfResult local;
  return doc->Finish(path, result ? result : &local);
}

}  // namespace liaudit::reports
