// The wording of the two reports that the bureau may adjust without recompiling, read from
// <templates_dir>/report_text.conf (docs/reports.md). A missing file means the built-in
// defaults below; a bad line is an error naming file, line and column.
#pragma once
#include <string>

#include "core/status.h"

namespace liaudit::reports {

struct ReportText {
  std::string exceptions_title = "勞保查詢系統每日異常報告";
  std::string exceptions_note =
      "說明：本報告依「高雄市政府社會局應用勞動部勞工保險局資訊作業管理要點」，由系統比對勞保查詢系統"
      "使用紀錄與查調資料登記表（附表2）、查調資料申請表（附表3）及權限申請表（附表1）後自動產製，"
      "供權限管理者逐筆查核；異常件之資料查詢者應依第八點立即改正，並於十日內提具檢討報告。";
  std::string review_title = "勞保查詢系統使用紀錄檢查結果報告";
  std::string review_basis =
      "高雄市政府社會局應用勞動部勞工保險局資訊作業管理要點第七點：每三個月檢查勞保查詢系統之使用紀錄，"
      "並將檢查結果送市府勞工局備查。";
  std::string review_privacy_note =
      "本報告所載身分證統一編號均已遮蔽；內容涉及個人資料，僅供備查之用，請依個人資料保護法妥善保管，"
      "不得影印、複製或傳送予無關人員。";
  std::string comparison_note =
      "「系統筆數」為勞保查詢系統之查詢紀錄，「登記筆數」為查調資料登記表（附表2）之登記筆數，"
      "「相符筆數」為有相符登記之查詢紀錄。";
  std::string followup_note = "依要點第八點，資料查詢者違反規定者應立即改正，並於十日內提具檢討報告。";
  // Titles of the workbooks beside the reports (the exceptions workbook is titled
  // exceptions_title) and of the audit's evidence workbook.
  std::string review_workbook_title = "勞保查詢系統使用紀錄檢查結果";
  std::string evidence_workbook_title = "勞保查詢系統稽核證據";
  std::string stamp_heading = "權限管理者簽章";
  std::string stamp_title = "數位簽章";
};

// Reads `path` over the defaults already in *text. Format: `key = "value"` lines, '#'
// comments, \n \" \\ escapes in values; keys are the field names above.
Status LoadReportText(const std::string& path, ReportText* text);

}  // namespace liaudit::reports
