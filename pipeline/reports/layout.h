// Shared layout of the two audit reports (internal to the reports stage): page set-up,
// text styles, the running header/footer, info and data tables, the findings table,
// the skipped-checks list and the signature stamp box. Everything is drawn with the
// render engine's Flow/Table/Canvas; no PoDoFo here.
#pragma once
#include <string>
#include <vector>

#include "render/pdf.h"
#include "reports/reports.h"

namespace liaudit::reports::layout {

// Page margins of both reports (A4 portrait); the top leaves room for the running header.
render::Margins ReportMargins();

// Text styles: title on the cover, section heading (level 0), sub-heading (level 1),
// body paragraph, small note, table header cell, table body cell.
render::TextStyle TitleStyle(double size);
render::TextStyle HeadingStyle();
render::TextStyle SubHeadingStyle();
render::TextStyle BodyStyle();
render::TextStyle NoteStyle();
render::TextStyle HeaderCellStyle();
render::TextStyle BodyCellStyle(render::HAlign align = render::HAlign::kLeft);

// "1,234" (thousands separators), "85.3%" (one decimal; "—" when the base is 0).
std::string Number(long v);
std::string Percent(long part, long whole);
// "2026Q3" -> "115年第3季"; anything ParseQuarter rejects is returned unchanged.
std::string RocQuarter(const std::string& quarter);
// "115年11月25日 02:00" (generation time); "" for kNoTime.
std::string RocDateTime(LocalTime t);

// Running header (short title left, organisation right, rule) and footer
// ("第 X 頁，共 Y 頁" centred, generation note left): the header from page first_page
// (1-based) on, the footer on every page.
void InstallDecorator(render::Document* doc, const std::string& short_title, const std::string& organisation,
                      const std::string& footer_note, int first_page);

// A table builder: fixed widths, one repeated header row, body rows of plain strings.
class TableBuilder {
 public:
  // widths in points; aligns per column (default left).
  TableBuilder(std::vector<double> widths, std::vector<std::string> headers,
               std::vector<render::HAlign> aligns = {});
  void Row(std::vector<std::string> cells);
  // A shaded row (totals).
  void TotalRow(std::vector<std::string> cells);
  // Prints the most recent row in grey (e.g. rules with no finding).
  void MuteLastRow();
  // A row whose single cell spans every column (e.g. "無資料").
  void SpanRow(const std::string& text, render::HAlign align = render::HAlign::kCenter);
  bool empty() const { return table_.rows.empty(); }
  const render::Table& table() const { return table_; }

 private:
  render::Table table_;
  std::vector<render::HAlign> aligns_;
};

// Two-column label/value table (cover information, summary figures).
render::Table InfoTable(const std::vector<std::pair<std::string, std::string>>& rows, double label_width,
                        double value_width, double size);

// The section `section` (a heading at bookmark_level - 1), then the findings with their
// evidence: one table per rule (in the order the findings come, which callers sort by rule),
// each under a heading "R01 未登記查調（嚴重度：高，12 件）" at `bookmark_level`; headers
// repeat across pages; a rule's heading stays with its first rows. "本期無異常。" when empty.
void AddFindingsSection(render::Flow* flow, render::Document* doc, const std::string& section,
                        const std::vector<FindingLine>& findings, int bookmark_level);

// Starts a new page unless `needed` points fit above the bottom margin (keeps a heading
// with the first rows of its table).
void KeepTogether(render::Flow* flow, render::Document* doc, double needed);

// Adds `table` to the flow, keeping it on one page when it fits on a page (new page first
// if it does not fit in the space left), and otherwise keeping its header with at least the
// first rows, so a header never stands alone at the bottom of a page.
// keep_whole = false keeps only the header with the first rows (long finding lists, where
// moving a whole short table would leave half-empty pages).
void AddTable(render::Flow* flow, render::Document* doc, const render::Table& table, bool keep_whole = true);

// Height of the header plus the first `rows` body rows of `table` (all rows when rows < 0),
// as the engine lays them out (text wrapped in its cell width, min_height respected).
double TableHeight(render::Document* doc, const render::Table& table, int rows);
// The height AddTable keeps together: the whole table if it is short, else header + 2 rows.
double KeepHeight(render::Document* doc, const render::Table& table, bool keep_whole = true);

// A heading (bookmarked) that is kept with the next `with_next` points.
void Heading(render::Flow* flow, render::Document* doc, const std::string& text, int level, double with_next);

// Counts-by-rule table (規則、名稱、嚴重度、件數) with a total row, `width` points wide.
render::Table RuleCountTable(double width, const std::vector<RuleCount>& counts);

// What the reader must know before reading the figures (e.g. the day's platform export has
// not arrived), one row each under the header 注意事項.
render::Table NoticeTable(double width, const std::vector<std::string>& notices);

// The skipped checks as a numbered list; a one-row "本次各項檢查均已執行。" table when empty.
render::Table SkippedChecksTable(double width, const std::vector<std::string>& skipped);

// A level-`level` heading kept on the same page as the part of `table` that AddTable keeps
// together with it, then the table.
void HeadedTable(render::Flow* flow, render::Document* doc, const std::string& heading, int level,
                 const render::Table& table, bool keep_whole = true);

// The signature stamp: a bordered box with the stamp lines, right-aligned at the end of
// the flow (so on the last page), registered with MarkStamp(). Nothing when !stamp.draw.
void AddStamp(render::Flow* flow, render::Document* doc, const Stamp& stamp, const std::string& heading,
              const std::string& title);

}  // namespace liaudit::reports::layout
