#include "render/pdf.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <regex>

#include "render/fonts.h"
#include "render/pdfa.h"
#include "test_util.h"

namespace liaudit::render {
namespace {

using liaudit::testing::AllFontsEmbeddedSubset;
using liaudit::testing::NoSpace;
using liaudit::testing::PageCount;
using liaudit::testing::QpdfCheck;
using liaudit::testing::TextOf;

std::string TmpDir() {
  static std::string dir = [] {
    char tmpl[] = "/tmp/render_test.XXXXXX";
    return std::string(mkdtemp(tmpl));
  }();
  return dir;
}

RenderOptions Opts() {
  RenderOptions o;
  o.fonts_config = std::string(LIAUDIT_SOURCE_DIR) + "/fonts/fonts.conf";
  o.templates_dir = std::string(LIAUDIT_SOURCE_DIR) + "/templates";
  o.creation_time = 1795000000;
  return o;
}

Engine& TheEngine() {
  static std::unique_ptr<Engine> e = [] {
    std::unique_ptr<Engine> x;
    Status st = Engine::Create(Opts(), &x);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return x;
  }();
  return *e;
}

std::string Slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void MakeSample(const std::string& path, PdfResult* result) {
  auto doc = TheEngine().NewDocument({"測試文件", "", "sample.pdf"});
  doc->SetPageDecorator([](Canvas& c, int page, int pages) {
    TextStyle st;
    st.size = 9;
    st.align = HAlign::kCenter;
    c.Text(Box{0, kA4Height - 40, kA4Width, 20},
           "第 " + std::to_string(page) + " 頁，共 " + std::to_string(pages) + " 頁", st);
  });
  Flow flow(doc.get());
  TextStyle h;
  h.size = 16;
  h.align = HAlign::kCenter;
  flow.Heading("勞保查詢系統使用紀錄檢查結果報告", h, 0);
  TextStyle p;
  flow.Paragraph("申請人王小明，姓名含罕用字𠮟與私用字\xEE\x80\x80，核對☐未勾選☑已勾選。", p);
  Table t;
  t.col_widths = {60, 120, 120, 200};
  TableRow hr;
  for (const char* s : {"編號", "姓名", "身分證字號", "查調事由"}) {
    Cell c;
    c.text = s;
    c.style.align = HAlign::kCenter;
    c.filled = true;
    hr.cells.push_back(c);
  }
  t.header.push_back(hr);
  for (int i = 1; i <= 60; ++i) {
    TableRow r;
    r.min_height = 18;
    for (std::string s : {std::to_string(i), std::string("陳大文"), std::string("A123456789"),
                          std::string(i % 7 == 0 ? "依社會救助法第五條辦理低收入戶資格審查，需查調投保薪資以核算家庭總收入。" : "社會救助法")}) {
      Cell c;
      c.text = s;
      r.cells.push_back(c);
    }
    t.rows.push_back(r);
  }
  flow.Heading("一、明細", p, 1);
  flow.AddTable(t);
  Box chart = flow.Reserve(120);
  Canvas& c = flow.canvas();
  c.StrokeRect(chart);
  c.MoveTo(chart.x, chart.y + chart.h);
  c.LineTo(chart.x + 100, chart.y + 20);
  c.LineTo(chart.x + 200, chart.y + 80);
  c.Stroke(LineStyle{1.5, Color{0.8, 0.1, 0.1}, 0});
  c.FillRect(Box{chart.x + 250, chart.y + 40, 30, 80}, Color{0.2, 0.4, 0.8});
  c.MarkStamp(Box{400, 700, 120, 60});
  Status st = doc->Finish(path, result);
  ASSERT_TRUE(st.ok()) << st.ToString();
}

TEST(RenderTest, SampleDocumentIsCleanAndExtractable) {
  std::string path = TmpDir() + "/sample.pdf";
  PdfResult r;
  MakeSample(path, &r);
  std::string out;
  EXPECT_EQ(QpdfCheck(path, &out), 0) << out;
  std::string fonts;
  EXPECT_TRUE(AllFontsEmbeddedSubset(path, &fonts)) << fonts;
  std::string text = TextOf(path);
  EXPECT_NE(text.find(NoSpace("勞保查詢系統使用紀錄檢查結果報告")), std::string::npos) << text;
  EXPECT_NE(text.find("𠮟"), std::string::npos) << text;
  EXPECT_NE(text.find("私用字\xEE\x80\x80，"), std::string::npos) << text;
  EXPECT_NE(text.find("☐未勾選☑已勾選"), std::string::npos) << text;
  EXPECT_NE(text.find("第1頁，共3頁"), std::string::npos) << text;
  EXPECT_EQ(r.pages, PageCount(path));
  EXPECT_GE(r.pages, 2);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("U+E000"), std::string::npos);
  EXPECT_NE(r.warnings[0].find("sample.pdf"), std::string::npos);
  EXPECT_TRUE(r.has_stamp);
  std::string info = liaudit::testing::Run("pdfinfo '" + path + "'");
  EXPECT_NE(info.find("PDF version:     1.4")  /* PDF/A-1 is PDF 1.4 */, std::string::npos) << info;
  EXPECT_NE(info.find("高雄市政府社會局"), std::string::npos) << info;
}

// PDF/A-1b (render.pdfa = 1b, the default): what the validator looks for, checked here on
// the bytes and with qpdf; the e2e tests run Apache PDFBox Preflight on signed documents.
TEST(RenderTest, PdfA1bHasXmpOutputIntentCidSetAndCleanSyntax) {
  const std::string path = TmpDir() + "/pdfa.pdf";
  PdfResult r;
  MakeSample(path, &r);
  const std::string pdf = Slurp(path);
  EXPECT_EQ(pdf.compare(0, 8, "%PDF-1.4"), 0);
  // Clean syntax: "N G obj" then an end of line, never "N 0 obj<<".
  EXPECT_FALSE(std::regex_search(pdf, std::regex("\\d+ \\d+ obj[^\\r\\n]")));
  EXPECT_NE(pdf.find("/ID"), std::string::npos);
  const std::string meta = liaudit::testing::Run("pdfinfo -meta '" + path + "'");
  EXPECT_NE(meta.find("<pdfaid:part>1</pdfaid:part>"), std::string::npos) << meta;
  EXPECT_NE(meta.find("<pdfaid:conformance>B</pdfaid:conformance>"), std::string::npos);
  EXPECT_NE(meta.find(">測試文件</rdf:li>"), std::string::npos);
  EXPECT_NE(meta.find("<rdf:li>高雄市政府社會局</rdf:li>"), std::string::npos);
  const std::string created = Iso8601(1795000000);
  EXPECT_EQ(created.substr(19), "+08:00");
  EXPECT_NE(meta.find("<xmp:CreateDate>" + created + "</xmp:CreateDate>"), std::string::npos);
  // The info dictionary says the same time.
  EXPECT_NE(liaudit::testing::Run("pdfinfo -isodates '" + path + "'").find(created.substr(0, 22)), std::string::npos);
  const std::string qdf = TmpDir() + "/pdfa-qdf.pdf";
  liaudit::testing::Run("qpdf --qdf --stream-data=uncompress '" + path + "' '" + qdf + "'");
  const std::string q = Slurp(qdf);
  EXPECT_NE(q.find("/S /GTS_PDFA1"), std::string::npos);
  EXPECT_NE(q.find("/DestOutputProfile"), std::string::npos);
  auto count = [&](const std::string& what) {
    size_t n = 0;
    for (size_t at = q.find(what); at != std::string::npos; at = q.find(what, at + 1)) ++n;
    return n;
  };
  EXPECT_GT(count("/Type /FontDescriptor"), 0u);
  EXPECT_EQ(count("/CIDSet"), count("/Type /FontDescriptor"));
  EXPECT_EQ(count("/SMask"), 0u);
  EXPECT_EQ(QpdfCheck(path), 0);
}

TEST(RenderTest, PdfAOffWritesPlainPdf17) {
  RenderOptions o = Opts();
  o.pdfa = RenderOptions::PdfA::kOff;
  o.icc_profile = "/nonexistent.icc";  // not read when off
  std::unique_ptr<Engine> e;
  Status st = Engine::Create(o, &e);
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto doc = e->NewDocument({"測試文件", "", "off.pdf"});
  doc->NewPage().TextAt(72, 72, "測試", 12);
  const std::string path = TmpDir() + "/off.pdf";
  ASSERT_TRUE(doc->Finish(path, nullptr).ok());
  const std::string pdf = Slurp(path);
  EXPECT_EQ(pdf.compare(0, 8, "%PDF-1.7"), 0);
  EXPECT_EQ(pdf.find("/OutputIntents"), std::string::npos);
  EXPECT_EQ(pdf.find("/Metadata"), std::string::npos);
}

TEST(RenderTest, PdfASettingAndIccProfileErrors) {
  RenderOptions::PdfA v = RenderOptions::PdfA::kOff;
  EXPECT_TRUE(ParsePdfA("1B", &v));
  EXPECT_EQ(v, RenderOptions::PdfA::kA1b);
  EXPECT_TRUE(ParsePdfA("off", &v));
  EXPECT_EQ(v, RenderOptions::PdfA::kOff);
  EXPECT_FALSE(ParsePdfA("2u", &v));
  RenderOptions o = Opts();
  o.icc_profile = TmpDir() + "/missing.icc";
  std::unique_ptr<Engine> e;
  Status st = Engine::Create(o, &e);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("missing.icc"), std::string::npos) << st.ToString();
  o.icc_profile = std::string(LIAUDIT_SOURCE_DIR) + "/fonts/fonts.conf";  // not a profile
  st = Engine::Create(o, &e);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("is not an ICC profile"), std::string::npos) << st.ToString();
}

TEST(RenderTest, CidSetHasOneBitPerCidFromTheTop) {
  // CIDs 0 (.notdef, always), 3 and 9: 1001 0000, 0100 0000.
  EXPECT_EQ(CidSet({{3, 500}, {9, 1000}}), std::string("\x90\x40", 2));
  EXPECT_EQ(CidSet({}), std::string("\x80", 1));
}

TEST(RenderTest, FixedCreationTimeGivesIdenticalBytes) {
  PdfResult r1, r2;
  MakeSample(TmpDir() + "/a.pdf", &r1);
  MakeSample(TmpDir() + "/b.pdf", &r2);
  EXPECT_EQ(Slurp(TmpDir() + "/a.pdf"), Slurp(TmpDir() + "/b.pdf"));
}

// Characters TW-Kai lacks come from the next faces: Noto Sans CJK TC is a CFF collection
// (CIDFontType0C), DejaVu Sans has symbols. The golden image catches wrong glyph ids.
TEST(RenderTest, FallbackFacesDrawTheRightGlyphs) {
  std::string path = TmpDir() + "/fallback.pdf";
  auto doc = TheEngine().NewDocument({"字型測試", "", "fallback.pdf"});
  Canvas& c = doc->NewPage();
  TextStyle st;
  st.size = 28;
  c.Text(Box{50, 50, 500, 60}, "가나다 ㄱㄴ ① ✓ → € ★ 中文 𠮟", st);
  c.Text(Box{50, 120, 500, 60}, "한국어 테스트 ～ ㈱", st);
  PdfResult r;
  ASSERT_TRUE(doc->Finish(path, &r).ok());
  EXPECT_TRUE(r.warnings.empty());
  std::string fonts;
  EXPECT_TRUE(AllFontsEmbeddedSubset(path, &fonts)) << fonts;
  EXPECT_NE(fonts.find("CID Type 0C"), std::string::npos) << fonts;
  EXPECT_NE(fonts.find("CID TrueType"), std::string::npos) << fonts;
  std::string out;
  EXPECT_EQ(QpdfCheck(path, &out), 0) << out;
  EXPECT_NE(TextOf(path).find("가나다ㄱㄴ①✓→€★中文𠮟한국어테스트～㈱"), std::string::npos) << TextOf(path);
  liaudit::testing::ExpectMatchesGolden(path, "fallback");
}

// Text that does not fit its box even at the smallest size is cut visibly ("…" on the last
// line that fits, and on a line too wide for a box that does not wrap), never silently: the
// page, the text layer and the warnings agree.
TEST(RenderTest, TextTooLongForItsBoxIsCutVisibly) {
  std::string path = TmpDir() + "/cut.pdf";
  auto doc = TheEngine().NewDocument({"cut", "", "cut.pdf"});
  Canvas& c = doc->NewPage();
  TextStyle st;
  st.size = 10;
  st.min_size = 8;
  st.leading = 1.2;
  st.padding = 0;
  std::string reason;
  for (int i = 1; i <= 40; ++i) reason += "依社會救助法第" + std::to_string(i) + "條審核。";
  reason += "結尾";
  c.Text(Box{50, 50, 120, 40}, reason, st);  // four lines at 8 pt fit; the text needs many more
  TextStyle one = st;
  one.wrap = false;
  c.Text(Box{50, 120, 60, 12}, "A123456789B123456789C123456789", one);
  c.Text(Box{50, 150, 300, 40}, "短文字", st);  // fits: untouched
  PdfResult r;
  ASSERT_TRUE(doc->Finish(path, &r).ok());
  std::string text = TextOf(path);
  EXPECT_NE(text.find("依社會救助法第1條審核。"), std::string::npos) << text;
  EXPECT_EQ(text.find("結尾"), std::string::npos) << text;  // cut: not on the page, not in the text
  EXPECT_NE(text.find("…"), std::string::npos) << text;
  EXPECT_EQ(text.find("C123456789"), std::string::npos) << text;
  EXPECT_NE(text.find("A1234"), std::string::npos) << text;
  EXPECT_NE(text.find("短文字"), std::string::npos) << text;
  ASSERT_EQ(r.warnings.size(), 2u);
  for (const auto& w : r.warnings) {
    EXPECT_NE(w.find("cut.pdf: a text of"), std::string::npos) << w;
    EXPECT_NE(w.find("does not fit its box even at 8.0 pt; cut visibly"), std::string::npos) << w;
  }
  std::string out;
  EXPECT_EQ(QpdfCheck(path, &out), 0) << out;
}

// Regression: a private-use (造字) character no face has is drawn as a box, and pdftotext
// must still give back that code point, or "蕭惠<U+E2D4>" reads as "蕭惠", another person.
// Plain, bold, coloured and TextAt text; BMP PUA and a plane-16 one (surrogates; TW-Kai Plus
// has glyphs in plane 15).
TEST(RenderTest, PuaCharacterDrawnAsBoxExtractsAsItself) {
  std::string path = TmpDir() + "/pua.pdf";
  auto doc = TheEngine().NewDocument({"造字", "", "pua.pdf"});
  Canvas& c = doc->NewPage();
  TextStyle st;
  c.Text(Box{50, 50, 300, 20}, "姓名：蕭惠\uE2D4，身分證字號A123456789", st);
  TextStyle bold = st;
  bold.bold = true;
  bold.color = Color{0.8, 0.1, 0.1};
  c.Text(Box{50, 80, 300, 20}, "林\uF8A1\uE2D4美", bold);
  c.TextAt(50, 130, "\U00100ABC陳", 12);
  PdfResult r;
  ASSERT_TRUE(doc->Finish(path, &r).ok());
  std::string text = TextOf(path);
  EXPECT_NE(text.find("姓名：蕭惠\uE2D4，身分證字號A123456789"), std::string::npos) << text;
  EXPECT_NE(text.find("林\uF8A1\uE2D4美"), std::string::npos) << text;
  EXPECT_NE(text.find("\U00100ABC陳"), std::string::npos) << text;
  ASSERT_EQ(r.warnings.size(), 3u);
  EXPECT_NE(r.warnings[0].find("pua.pdf: no font has U+E2D4"), std::string::npos) << r.warnings[0];
  EXPECT_NE(r.warnings[0].find("(drawn as a box)"), std::string::npos) << r.warnings[0];
  EXPECT_NE(r.warnings[1].find("U+F8A1"), std::string::npos) << r.warnings[1];
  EXPECT_NE(r.warnings[2].find("U+100ABC"), std::string::npos) << r.warnings[2];
  std::string out;
  EXPECT_EQ(QpdfCheck(path, &out), 0) << out;
  std::string fonts;
  EXPECT_TRUE(AllFontsEmbeddedSubset(path, &fonts)) << fonts;
  // The box is still drawn: one stroked rectangle per missing character.
  std::string content = liaudit::testing::Run("qpdf --qdf --object-streams=disable '" + path + "' -");
  size_t boxes = 0;
  for (size_t p = content.find("re S Q"); p != std::string::npos; p = content.find("re S Q", p + 1)) ++boxes;
  EXPECT_EQ(boxes, 4u);
}

TEST(RenderTest, WrapsCjkAndKeepsClosingPunctuation) {
  std::string path = TmpDir() + "/wrap.pdf";
  auto doc = TheEngine().NewDocument({"換行", "", "wrap.pdf"});
  TextStyle st;
  st.size = 12;
  st.padding = 0;
  // 10 ideographs of 12pt fit a 120pt box; the 11th char is a comma that must not start a
  // line, nor hang past the box: "十" goes to line 2 with it.
  double h1 = doc->TextHeight("一二三四五六七八九十", 120.5, st);
  double h2 = doc->TextHeight("一二三四五六七八九十，十一", 120.5, st);
  EXPECT_DOUBLE_EQ(h1, 12 * st.leading);
  EXPECT_DOUBLE_EQ(h2, 2 * 12 * st.leading);
  EXPECT_NEAR(doc->TextWidth("一二三", 10), 30, 0.5);
  Canvas& c = doc->NewPage();
  c.Text(Box{50, 50, 120.5, 60}, "一二三四五六七八九十，十一", st);
  c.Text(Box{50, 150, 120.5, 60}, "一二三四五六七八九十）。十一", st);  // two marks: both go along
  c.Text(Box{50, 250, 12.5, 60}, "一，", st);  // a line of one character: its mark has nowhere else to go
  PdfResult r;
  ASSERT_TRUE(doc->Finish(path, &r).ok());
  std::string raw = liaudit::testing::Run("pdftotext -enc UTF-8 '" + path + "' -");
  EXPECT_NE(raw.find("一二三四五六七八九\n十，十一"), std::string::npos) << raw;
  EXPECT_NE(raw.find("一二三四五六七八九\n十）。十一"), std::string::npos) << raw;
  EXPECT_NE(raw.find("一，"), std::string::npos) << raw;
  // Nothing is drawn right of the boxes (x > 170.5 pt): the marks no longer hang.
  std::string bbox = liaudit::testing::Run("pdftotext -bbox '" + path + "' -");
  for (size_t p = bbox.find("xMax=\""); p != std::string::npos; p = bbox.find("xMax=\"", p + 1))
    EXPECT_LE(std::stod(bbox.substr(p + 6)), 170.6) << bbox.substr(p, 80);
}

// A table that starts near the bottom of a page moves to the next page instead of
// leaving a lonely header; its header repeats on every page; growing rows fit their text.
TEST(RenderTest, TableStartsOnNextPageWhenNothingFits) {
  auto doc = TheEngine().NewDocument({"表格", "", "table.pdf"});
  Table t;
  t.col_widths = {100, 300};
  TableRow hr;
  hr.cells.resize(2);
  hr.cells[0].text = "欄一";
  hr.cells[1].text = "欄二";
  t.header.push_back(hr);
  for (int i = 0; i < 40; ++i) {
    TableRow r;
    r.min_height = 20;
    r.cells.resize(2);
    r.cells[0].text = "列" + std::to_string(i);
    r.cells[1].text = i == 5 ? std::string(200, 'x') : "內容";
    t.rows.push_back(r);
  }
  Flow flow(doc.get());
  flow.Space(kA4Height - Margins().top - Margins().bottom - 30);  // 30 pt left on page 1
  flow.AddTable(t);
  std::string path = TmpDir() + "/table.pdf";
  PdfResult r;
  ASSERT_TRUE(doc->Finish(path, &r).ok());
  EXPECT_EQ(r.pages, 3);
  std::string p1 = NoSpace(liaudit::testing::Run("pdftotext -f 1 -l 1 '" + path + "' -"));
  EXPECT_EQ(p1.find("欄一"), std::string::npos) << p1;
  std::string p3 = NoSpace(liaudit::testing::Run("pdftotext -f 3 -l 3 '" + path + "' -"));
  EXPECT_NE(p3.find("欄一欄二"), std::string::npos) << p3;
  EXPECT_NE(p3.find("列39"), std::string::npos) << p3;
}

// Tagged PDF: the structure tree as poppler reads it. Title H1, sections H2, one Table for
// a table over several pages with its header cells as TH once (repeats are artifacts), the
// values as TD in reading order (an empty cell as an empty TD), a Figure with its /Alt, and
// none of the page numbers or running headers (artifacts).
TEST(RenderTest, StructureTreeHoldsHeadingsTablesAndFiguresInReadingOrder) {
  const std::string path = TmpDir() + "/tagged.pdf";
  auto doc = TheEngine().NewDocument({"結構測試", "", "tagged.pdf"});
  doc->SetPageDecorator([](Canvas& c, int page, int pages) {
    TextStyle st;
    st.size = 9;
    c.Text(Box{40, 20, 300, 20}, "頁首文字", st);
    c.Line(40, 42, 550, 42);
    c.Text(Box{0, kA4Height - 40, kA4Width, 20},
           "第 " + std::to_string(page) + " 頁，共 " + std::to_string(pages) + " 頁", st);
  });
  Flow flow(doc.get());
  TextStyle title;
  title.size = 18;
  title.role = Role::kH1;
  flow.Paragraph("結構測試報告", title);
  TextStyle body;
  flow.Heading("一、表格", body, 0);
  flow.Paragraph("說明文字。", body);
  Table t;
  t.col_widths = {120, 200};
  TableRow hr;
  for (const char* h : {"項目", "數值"}) {
    Cell c;
    c.text = h;
    hr.cells.push_back(c);
  }
  t.header.push_back(hr);
  std::vector<std::string> want_td;
  for (int i = 1; i <= 90; ++i) {
    TableRow r;
    r.min_height = 20;
    Cell a, b;
    a.text = "第" + std::to_string(i) + "項";
    b.text = i == 3 ? "" : std::to_string(i * 7);
    r.cells = {a, b};
    t.rows.push_back(r);
    want_td.push_back(a.text);
    want_td.push_back(b.text);
  }
  flow.AddTable(t);
  flow.Heading("二、圖", body, 0);
  Box fig = flow.Reserve(100);
  Canvas& c = flow.canvas();
  c.BeginFigure("長條圖：甲 3 件、乙 5 件");
  c.FillRect(Box{fig.x, fig.y + 40, 30, 60}, Color{0.2, 0.4, 0.8});
  c.Text(Box{fig.x, fig.y, 200, 20}, "圖內標籤", body);
  c.EndFigure();
  PdfResult res;
  ASSERT_TRUE(doc->Finish(path, &res).ok());
  ASSERT_GE(res.pages, 3);  // the table spans pages: its header is drawn on each
  EXPECT_NE(NoSpace(liaudit::testing::Run("pdftotext -f 3 -l 3 '" + path + "' - 2>/dev/null")).find("項目數值"),
            std::string::npos);
  EXPECT_EQ(QpdfCheck(path), 0);
  EXPECT_NE(liaudit::testing::Run("pdfinfo '" + path + "'").find("Tagged:          yes"), std::string::npos);

  const auto nodes = liaudit::testing::StructTree(path);
  ASSERT_FALSE(nodes.empty());
  EXPECT_EQ(nodes[0].type, "Document");
  using liaudit::testing::TextsOf;
  EXPECT_EQ(TextsOf(nodes, "H1"), std::vector<std::string>{"結構測試報告"});
  EXPECT_EQ(TextsOf(nodes, "H2"), (std::vector<std::string>{"一、表格", "二、圖"}));
  EXPECT_EQ(TextsOf(nodes, "P"), std::vector<std::string>{"說明文字。"});
  EXPECT_EQ(TextsOf(nodes, "Table").size(), 1u);
  EXPECT_EQ(TextsOf(nodes, "TR").size(), 91u);
  EXPECT_EQ(TextsOf(nodes, "TH"), (std::vector<std::string>{"項目", "數值"}));
  EXPECT_EQ(TextsOf(nodes, "TD"), want_td);
  EXPECT_EQ(TextsOf(nodes, "Figure"), std::vector<std::string>{"圖內標籤"});
  // Reading order: title, heading, paragraph, table, heading, figure.
  std::vector<std::string> top;
  for (const auto& n : nodes)
    if (n.depth == 1) top.push_back(n.type);
  EXPECT_EQ(top, (std::vector<std::string>{"H1", "H2", "P", "Table", "H2", "Figure"}));
  for (const auto& n : nodes) {
    EXPECT_EQ(n.text.find("頁，共"), std::string::npos) << n.type;
    EXPECT_EQ(n.text.find("頁首"), std::string::npos) << n.type;
  }
  EXPECT_NE(liaudit::testing::Run("qpdf --json --json-key=qpdf '" + path + "'").find("\"u:長條圖：甲 3 件、乙 5 件\""),
            std::string::npos);

  // render.tagged = false: no structure at all.
  RenderOptions o = Opts();
  o.tagged = false;
  std::unique_ptr<Engine> plain;
  ASSERT_TRUE(Engine::Create(o, &plain).ok());
  auto d2 = plain->NewDocument({"結構測試", "", "untagged.pdf"});
  Flow f2(d2.get());
  f2.Paragraph("結構測試報告", title);
  f2.AddTable(t);
  const std::string p2 = TmpDir() + "/untagged.pdf";
  ASSERT_TRUE(d2->Finish(p2, &res).ok());
  EXPECT_NE(liaudit::testing::Run("pdfinfo '" + p2 + "'").find("Tagged:          no"), std::string::npos);
  EXPECT_TRUE(liaudit::testing::StructTree(p2).empty());
  EXPECT_EQ(Slurp(p2).find("MCID"), std::string::npos);
}

TEST(RenderTest, BadFontConfigNamesFileAndLine) {
  std::string conf = TmpDir() + "/bad.conf";
  FILE* f = fopen(conf.c_str(), "w");
  fputs("# comment\nfont TW-Kai file=/x.ttf\n", f);
  fclose(f);
  RenderOptions o = Opts();
  o.fonts_config = conf;
  std::unique_ptr<Engine> e;
  Status st = Engine::Create(o, &e);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("bad.conf:2:"), std::string::npos) << st.message();
  f = fopen(conf.c_str(), "w");
  fputs("face Missing file=/nonexistent.ttf family=\"No Such Family\"\n", f);
  fclose(f);
  st = Engine::Create(o, &e);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("no usable font"), std::string::npos) << st.message();
}

// A font chain installed with its fonts (share/liaudit/fonts/) must not depend on the
// current folder: a relative file= is relative to the configuration file.
TEST(RenderTest, RelativeFontFileIsRelativeToTheConfiguration) {
  std::string dir = TmpDir() + "/relative-fonts";
  mkdir(dir.c_str(), 0700);
  mkdir((dir + "/faces").c_str(), 0700);
  std::string target = dir + "/faces/dejavu.ttf";
  unlink(target.c_str());
  ASSERT_EQ(symlink("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", target.c_str()), 0);
  std::string conf = dir + "/fonts.conf";
  FILE* f = fopen(conf.c_str(), "w");
  fputs("face DejaVu file=faces/dejavu.ttf family=\"No Such Family\"\n", f);
  fclose(f);
  std::vector<std::unique_ptr<Face>> faces;
  std::vector<std::string> warnings;
  Status st = LoadFontChain(conf, &faces, &warnings);
  ASSERT_TRUE(st.ok()) << st.message();
  ASSERT_EQ(faces.size(), 1u);
  EXPECT_EQ(faces[0]->path, target);
  EXPECT_TRUE(warnings.empty());
}

}  // namespace
}  // namespace liaudit::render
