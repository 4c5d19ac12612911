#include "reports/layout.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "core/datetime.h"

namespace liaudit::reports::layout {

using render::Box;
using render::Color;
using render::HAlign;
using render::kMm;
using render::TextStyle;
using render::VAlign;

namespace {

// Dark blue-grey for headings and rules: prints well in black and white and reads as
// "official" on screen without looking like a marketing document.
const Color kInk{0.10, 0.16, 0.28};
const Color kHeaderFill{0.86, 0.89, 0.93};
const Color kGroupFill{0.94, 0.95, 0.97};
const Color kStampRed{0.62, 0.08, 0.08};

double BottomLimit(const render::Document* doc) { return doc->info().page_height - ReportMargins().bottom; }

}  // namespace

render::Margins ReportMargins() {
  render::Margins m;
  m.top = 24 * kMm;     // running header sits in the top 20 mm
  m.bottom = 20 * kMm;  // footer in the bottom 14 mm
  m.left = 18 * kMm;
  m.right = 18 * kMm;
  return m;
}

TextStyle TitleStyle(double size) {
  TextStyle s;
  s.size = size;
  s.align = HAlign::kCenter;
  s.bold = true;
  s.shrink_to_fit = false;
  s.leading = 1.35;
  s.padding = 0;
  s.color = kInk;
  return s;
}

TextStyle HeadingStyle() {
  TextStyle s;
  s.size = 14;
  s.bold = true;
  s.shrink_to_fit = false;
  s.padding = 2;
  s.color = kInk;
  return s;
}

TextStyle SubHeadingStyle() {
  TextStyle s;
  s.size = 11.5;
  s.bold = true;
  s.shrink_to_fit = false;
  s.padding = 2;
  s.color = kInk;
  return s;
}

TextStyle BodyStyle() {
  TextStyle s;
  s.size = 10.5;
  s.shrink_to_fit = false;
  s.leading = 1.5;
  s.padding = 2;
  return s;
}

TextStyle NoteStyle() {
  TextStyle s = BodyStyle();
  s.size = 9;
  s.leading = 1.4;
  s.color = Color::Gray(0.25);
  return s;
}

TextStyle HeaderCellStyle() {
  TextStyle s;
  s.size = 9;
  s.align = HAlign::kCenter;
  s.bold = true;
  s.shrink_to_fit = false;
  s.padding = 3;
  s.leading = 1.25;
  return s;
}

TextStyle BodyCellStyle(HAlign align) {
  TextStyle s;
  s.size = 8.5;
  s.align = align;
  s.valign = VAlign::kTop;
  s.shrink_to_fit = false;  // rows grow instead: long sentences must stay readable
  s.padding = 3;
  s.leading = 1.3;
  return s;
}

std::string Number(long v) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  int n = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it, ++n) {
    if (n > 0 && n % 3 == 0) out.push_back(',');
    out.push_back(*it);
  }
  if (v < 0) out.push_back('-');
  std::reverse(out.begin(), out.end());
  return out;
}

std::string Percent(long part, long whole) {
  if (whole <= 0) return "—";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

std::string RocQuarter(const std::string& quarter) {
  Date first = kNoDate, last = kNoDate;
  if (!ParseQuarter(quarter, &first, &last)) return quarter;
  Civil c = CivilFromDate(first);
  return std::to_string(c.year - 1911) + "年第" + std::to_string((c.month - 1) / 3 + 1) + "季";
}

std::string RocDateTime(LocalTime t) {
  if (t == kNoTime) return "";
  std::string clock = FormatClock(SecondOfDay(t));
  return FormatRocDate(DateOf(t)) + " " + clock.substr(0, 5);
}

void InstallDecorator(render::Document* doc, const std::string& short_title, const std::string& organisation,
                      const std::string& footer_note, int first_page) {
  const render::Margins m = ReportMargins();
  doc->SetPageDecorator([=](render::Canvas& c, int page, int pages) {
    const double w = c.width() - m.left - m.right;
    TextStyle s;
    s.size = 8;
    s.wrap = false;
    s.shrink_to_fit = true;
    s.padding = 0;
    s.color = Color::Gray(0.35);
    s.valign = VAlign::kBottom;
    if (page >= first_page) {  // the first page carries the full title instead
      c.Text(Box{m.left, 12 * kMm, w * 0.65, 6 * kMm}, short_title, s);
      s.align = HAlign::kRight;
      c.Text(Box{m.left + w * 0.65, 12 * kMm, w * 0.35, 6 * kMm}, organisation, s);
      c.Line(m.left, 18.8 * kMm, m.left + w, 18.8 * kMm, render::LineStyle{0.6, kInk, 0});
    }

    const double fy = c.height() - 14 * kMm;
    c.Line(m.left, fy, m.left + w, fy, render::LineStyle{0.4, Color::Gray(0.6), 0});
    s.valign = VAlign::kTop;
    s.align = HAlign::kLeft;
    c.Text(Box{m.left, fy + 1.5 * kMm, w * 0.4, 5 * kMm}, footer_note, s);
    s.align = HAlign::kCenter;
    s.size = 9;
    s.color = Color{};
    c.Text(Box{m.left + w * 0.3, fy + 1.5 * kMm, w * 0.4, 5 * kMm},
           "第 " + std::to_string(page) + " 頁，共 " + std::to_string(pages) + " 頁", s);
  });
}

TableBuilder::TableBuilder(std::vector<double> widths, std::vector<std::string> headers,
                           std::vector<HAlign> aligns)
    : aligns_(std::move(aligns)) {
  table_.col_widths = std::move(widths);
  aligns_.resize(table_.col_widths.size(), HAlign::kLeft);
  table_.grid = render::LineStyle{0.5, Color::Gray(0.35), 0};
  table_.frame = render::LineStyle{1.0, kInk, 0};
  render::TableRow head;
  head.min_height = 18;
  for (auto& h : headers) {
    render::Cell c;
    c.text = std::move(h);
    c.style = HeaderCellStyle();
    c.filled = true;
    c.fill = kHeaderFill;
    head.cells.push_back(std::move(c));
  }
  table_.header.push_back(std::move(head));
}

void TableBuilder::Row(std::vector<std::string> cells) {
  render::TableRow row;
  row.min_height = 15;
  cells.resize(table_.col_widths.size());
  for (size_t i = 0; i < cells.size(); ++i) {
    render::Cell c;
    c.text = std::move(cells[i]);
    c.style = BodyCellStyle(aligns_[i]);
    row.cells.push_back(std::move(c));
  }
  table_.rows.push_back(std::move(row));
}

void TableBuilder::TotalRow(std::vector<std::string> cells) {
  Row(std::move(cells));
  for (auto& c : table_.rows.back().cells) {
    c.filled = true;
    c.fill = kGroupFill;
    c.style.bold = true;
  }
}

void TableBuilder::MuteLastRow() {
  if (table_.rows.empty()) return;
  for (auto& c : table_.rows.back().cells) c.style.color = Color::Gray(0.55);
}

void TableBuilder::SpanRow(const std::string& text, HAlign align) {
  render::TableRow row;
  row.min_height = 15;
  render::Cell c;
  c.text = text;
  c.style = BodyCellStyle(align);
  c.col_span = static_cast<int>(table_.col_widths.size());
  row.cells.push_back(std::move(c));
  table_.rows.push_back(std::move(row));
}

render::Table InfoTable(const std::vector<std::pair<std::string, std::string>>& rows, double label_width,
                        double value_width, double size) {
  render::Table t;
  t.col_widths = {label_width, value_width};
  t.grid = render::LineStyle{0.5, Color::Gray(0.35), 0};
  t.frame = render::LineStyle{1.0, kInk, 0};
  for (const auto& [label, value] : rows) {
    render::TableRow r;
    r.min_height = size * 2.1;
    render::Cell l;
    l.text = label;
    l.style = HeaderCellStyle();
    l.style.size = size;
    l.style.align = HAlign::kDistribute;
    l.style.padding = size * 0.6;
    l.filled = true;
    l.fill = kHeaderFill;
    l.header = true;  // a row header: the label of the value beside it
    render::Cell v;
    v.text = value;
    v.style = BodyCellStyle();
    v.style.size = size;
    v.style.valign = VAlign::kMiddle;
    v.style.padding = size * 0.6;
    r.cells.push_back(std::move(l));
    r.cells.push_back(std::move(v));
    t.rows.push_back(std::move(r));
  }
  return t;
}

double TableHeight(render::Document* doc, const render::Table& table, int rows) {
  auto row_height = [&](const render::TableRow& r) {
    double h = r.min_height;
    size_t col = 0;
    for (const auto& c : r.cells) {
      double w = 0;
      for (int k = 0; k < std::max(1, c.col_span) && col < table.col_widths.size(); ++k) w += table.col_widths[col++];
      if (c.row_span <= 1 && !c.text.empty()) h = std::max(h, doc->TextHeight(c.text, w, c.style));
    }
    return h;
  };
  double total = 0;
  for (const auto& r : table.header) total += row_height(r);
  const size_t n = rows < 0 ? table.rows.size() : std::min(table.rows.size(), static_cast<size_t>(rows));
  for (size_t i = 0; i < n; ++i) total += row_height(table.rows[i]);
  return total;
}

double KeepHeight(render::Document* doc, const render::Table& table, bool keep_whole) {
  const render::Margins m = ReportMargins();
  const double page_room = doc->info().page_height - m.top - m.bottom;
  const double whole = TableHeight(doc, table, -1);
  return keep_whole && whole <= page_room * 0.6 ? whole : std::min(whole, TableHeight(doc, table, 2));
}

void AddTable(render::Flow* flow, render::Document* doc, const render::Table& table, bool keep_whole) {
  KeepTogether(flow, doc, KeepHeight(doc, table, keep_whole));
  flow->AddTable(table);
}

void HeadedTable(render::Flow* flow, render::Document* doc, const std::string& heading, int level,
                 const render::Table& table, bool keep_whole) {
  Heading(flow, doc, heading, level, KeepHeight(doc, table, keep_whole));
  AddTable(flow, doc, table, keep_whole);
}

void KeepTogether(render::Flow* flow, render::Document* doc, double needed) {
  flow->canvas();  // make sure a page exists so y() is meaningful
  if (flow->y() + needed > BottomLimit(doc)) flow->NewPage();
}

void Heading(render::Flow* flow, render::Document* doc, const std::string& text, int level, double with_next) {
  TextStyle s = level == 0 ? HeadingStyle() : SubHeadingStyle();
  flow->Space(level == 0 ? 8 : 5);
  KeepTogether(flow, doc, s.size * s.leading + 2 * s.padding + with_next);
  flow->Heading(text, s, level);
  flow->Space(level == 0 ? 3 : 2);
}

render::Table RuleCountTable(double w, const std::vector<RuleCount>& counts) {
  TableBuilder t({w * 0.12, w * 0.50, w * 0.16, w * 0.22}, {"規則", "檢查項目", "嚴重度", "件數"},
                 {HAlign::kCenter, HAlign::kLeft, HAlign::kCenter, HAlign::kRight});
  long total = 0;
  for (const auto& c : counts) {
    t.Row({c.rule_id, c.rule_name, c.severity, Number(c.count)});
    if (c.count == 0) t.MuteLastRow();  // the eye goes to the rules that found something
    total += c.count;
  }
  if (counts.empty()) t.SpanRow("本次未執行任何檢查規則。");
  else t.TotalRow({"合計", "", "", Number(total)});
  return t.table();
}

void AddFindingsSection(render::Flow* flow, render::Document* doc, const std::string& section,
                        const std::vector<FindingLine>& findings, int bookmark_level) {
  if (findings.empty()) {
    Heading(flow, doc, section, bookmark_level - 1, 30);
    flow->Paragraph("本期無異常。", BodyStyle());
    return;
  }
  std::vector<std::pair<std::string, render::Table>> groups;
  const double w = flow->content_width();
  const std::vector<double> widths = {w * 0.055, w * 0.165, w * 0.165, w * 0.19, w * 0.425};
  size_t i = 0;
  long seq = 0;
  while (i < findings.size()) {
    // One group per run of the same rule id.
    size_t j = i;
    while (j < findings.size() && findings[j].rule_id == findings[i].rule_id) ++j;
    const FindingLine& first = findings[i];
    std::string title = first.rule_id + " " + first.rule_name + "（";
    if (!first.severity.empty()) title += "嚴重度：" + first.severity + "，";
    title += Number(static_cast<long>(j - i)) + " 件）";

    TableBuilder t(widths, {"序號", "資料查詢者", "查調時間\n交易序號", "查調項目\n查調對象", "異常說明及證據"},
                   {HAlign::kCenter, HAlign::kLeft, HAlign::kLeft, HAlign::kLeft, HAlign::kLeft});
    for (size_t k = i; k < j; ++k) {
      const FindingLine& f = findings[k];
      auto join = [](std::initializer_list<const std::string*> parts) {
        std::string out;
        for (const std::string* p : parts) {
          if (p->empty()) continue;
          if (!out.empty()) out += "\n";
          out += *p;
        }
        return out.empty() ? std::string("—") : out;
      };
      std::string who_unit = f.querier;
      if (!f.unit.empty()) who_unit += (who_unit.empty() ? "" : "／") + f.unit;
      std::string detail = f.detail;
      if (!f.reg_no.empty()) detail += "\n登記簿編號：" + f.reg_no;
      if (!f.request_no.empty()) detail += "\n申請單編號：" + f.request_no;
      for (const auto& e : f.evidence) detail += "\n・" + e;
      if (detail.empty()) detail = "—";
      t.Row({std::to_string(++seq), join({&f.account, &who_unit}), join({&f.when, &f.txn_id}),
             join({&f.service, &f.subject_id}), detail});
    }
    groups.emplace_back(title, t.table());
    i = j;
  }
  // The section heading stays with the first rule's heading and rows.
  Heading(flow, doc, section, bookmark_level - 1, 36 + KeepHeight(doc, groups.front().second, false));
  for (const auto& [title, table] : groups) {
    HeadedTable(flow, doc, title, bookmark_level, table, /*keep_whole=*/false);
    flow->Space(4);
  }
}

render::Table NoticeTable(double w, const std::vector<std::string>& notices) {
  TableBuilder t({w}, {"注意事項"}, {HAlign::kLeft});
  for (const auto& s : notices) t.Row({s});
  return t.table();
}

render::Table SkippedChecksTable(double w, const std::vector<std::string>& skipped) {
  TableBuilder t({w * 0.08, w * 0.92}, {"項次", "未執行之檢查及原因"}, {HAlign::kCenter, HAlign::kLeft});
  int n = 0;
  for (const auto& s : skipped) t.Row({std::to_string(++n), s});
  if (skipped.empty()) t.SpanRow("本次各項檢查均已執行。", HAlign::kLeft);
  return t.table();
}

void AddStamp(render::Flow* flow, render::Document* doc, const Stamp& stamp, const std::string& heading,
              const std::string& title) {
  if (!stamp.draw) return;
  const double line_h = 10.5 * 1.45;
  const double title_h = 22;
  const double box_w = 92 * kMm;
  // Measure each line so long signer names wrap inside the box rather than overflow it.
  TextStyle ls;
  ls.size = 10;
  ls.leading = 1.45;
  ls.padding = 0;
  ls.shrink_to_fit = false;
  ls.valign = VAlign::kTop;
  double body_h = 0;
  for (const auto& l : stamp.lines) body_h += std::max(line_h, doc->TextHeight(l, box_w - 16, ls));
  const double box_h = std::max(28 * kMm, title_h + body_h + 14);
  const double heading_h = 26;

  KeepTogether(flow, doc, heading_h + box_h + 8);
  const int page_index = doc->page_count() - 1;
  Box area = flow->Reserve(heading_h + box_h + 8);
  render::Canvas& c = flow->canvas();
  doc->AddBookmark(heading, page_index, area.y, 0);

  TextStyle hs = SubHeadingStyle();
  hs.role = render::Role::kH2;  // a section of its own (outline level 0)
  c.Text(Box{area.x, area.y, area.w, heading_h}, heading, hs);

  // The stamp stands for the signature (the widget over it); it is not read as text.
  c.BeginArtifact();

  Box box{area.x + area.w - box_w, area.y + heading_h, box_w, box_h};
  c.FillRect(box, Color{1.0, 0.985, 0.975});
  c.StrokeRect(box, render::LineStyle{1.6, kStampRed, 0});
  c.StrokeRect(Box{box.x + 2.5, box.y + 2.5, box.w - 5, box.h - 5}, render::LineStyle{0.5, kStampRed, 0});
  TextStyle ts = TitleStyle(12);
  ts.color = kStampRed;
  ts.valign = VAlign::kMiddle;
  c.Text(Box{box.x, box.y + 4, box.w, title_h}, title, ts);
  c.Line(box.x + 8, box.y + 4 + title_h, box.x + box.w - 8, box.y + 4 + title_h,
         render::LineStyle{0.5, kStampRed, 0});
  double y = box.y + 8 + title_h;
  for (const auto& l : stamp.lines) {
    const double h = std::max(line_h, doc->TextHeight(l, box_w - 16, ls));
    c.Text(Box{box.x + 8, y, box_w - 16, h}, l, ls);
    y += h;
  }
  c.EndArtifact();
  c.MarkStamp(box);
}

}  // namespace liaudit::reports::layout
