// The two audit reports as users get them: valid PDF, embedded subset fonts, the text
// (sections, counts, an Ext-B name), pages that grow with the findings, bookmarks,
// vector charts that actually paint, and the signature stamp on the last page.
#include "reports/reports.h"

#include <sys/stat.h>

#include <algorithm>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "../render/test_util.h"
#include "pdf_tools.h"
#include "sample_models.h"

namespace liaudit::reports {
namespace {

using testdata::SampleExceptions;
using testdata::SampleReview;
namespace tt = testtools;

const char* const kExtB = "𠮟";  // U+20B9F, in the sample querier 陳𠮟宏

std::string NoSpace(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != ' ') out += c;
  return out;
}

class ReportsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    render::RenderOptions opts;
    opts.creation_time = StartOf(DateFromCivil(2026, 11, 26)) + 2 * 3600;
    ASSERT_TRUE(render::Engine::Create(opts, &engine_).ok());
    mkdir(OutDir().c_str(), 0755);
  }
  static void TearDownTestSuite() { engine_.reset(); }
  // Kept after the run so the pages can be looked at (pdftoppm).
  static std::string OutDir() { return "reports_test_out"; }
  static std::string Out(const std::string& name) { return OutDir() + "/" + name; }

  static void ExpectCleanPdf(const std::string& path) {
    std::string out;
    EXPECT_EQ(tt::QpdfCheck(path, &out), 0) << out;
    EXPECT_TRUE(tt::AllFontsEmbeddedSubset(path, &out)) << out;
  }

  static std::unique_ptr<render::Engine> engine_;
};
std::unique_ptr<render::Engine> ReportsTest::engine_;

TEST_F(ReportsTest, ExceptionsReportGivesBackSectionsCountsAndExtBName) {
  ExceptionsReport rep = SampleExceptions(40);
  render::PdfResult res;
  const std::string path = Out("exceptions.pdf");
  ASSERT_TRUE(WriteExceptionsReport(*engine_, rep, path, &res).ok());
  ExpectCleanPdf(path);
  EXPECT_EQ(tt::Pages(path), res.pages);
  EXPECT_TRUE(res.warnings.empty()) << res.warnings.front();

  const std::string text = tt::Text(path);
  for (const char* s : {"勞保查詢系統每日異常報告", "高雄市政府社會局", "115年11月25日（星期三）", "115年11月26日02:05",
                        "一、各規則異常件數", "二、異常明細", "三、未執行之檢查", "1,284筆", "40件",
                        "R11疑似帳號共用：平臺紀錄未提供來源IP欄位", "數位簽章"})
    EXPECT_NE(text.find(s), std::string::npos) << s;
  EXPECT_NE(text.find(kExtB), std::string::npos);
  // Each finding's evidence and transaction number are printed.
  for (const auto& f : rep.findings) {
    if (!f.txn_id.empty()) {
      EXPECT_NE(text.find(f.txn_id), std::string::npos) << f.txn_id;
    }
    EXPECT_NE(text.find(NoSpace(f.evidence.front())), std::string::npos) << f.evidence.front();
  }
  // The count of every rule appears in the counts table row "R01未登記查調高N".
  for (const auto& c : rep.counts)
    EXPECT_NE(text.find(c.rule_id + c.rule_name + c.severity + std::to_string(c.count)), std::string::npos)
        << c.rule_id;
  EXPECT_NE(text.find("第1頁，共" + std::to_string(res.pages) + "頁"), std::string::npos);
}

TEST_F(ReportsTest, ManyFindingsMakeManyPagesWithRepeatedHeaders) {
  render::PdfResult small, big;
  ASSERT_TRUE(WriteExceptionsReport(*engine_, SampleExceptions(20), Out("exceptions-20.pdf"), &small).ok());
  ASSERT_TRUE(WriteExceptionsReport(*engine_, SampleExceptions(3000), Out("exceptions-3000.pdf"), &big).ok());
  ExpectCleanPdf(Out("exceptions-3000.pdf"));
  EXPECT_GT(big.pages, small.pages + 100) << small.pages << " vs " << big.pages;
  EXPECT_EQ(tt::Pages(Out("exceptions-3000.pdf")), big.pages);
  // The findings table header is repeated on the pages it continues to.
  const auto pages = tt::PageTexts(Out("exceptions-3000.pdf"));
  ASSERT_EQ(static_cast<int>(pages.size()), big.pages);
  int with_header = 0;
  for (int p = 1; p < big.pages - 1; ++p) with_header += pages[p].find("異常說明及證據") != std::string::npos;
  EXPECT_GE(with_header, big.pages - 3);
  const std::string& last_page = pages.back();
  EXPECT_NE(last_page.find("第" + std::to_string(big.pages) + "頁，共" + std::to_string(big.pages) + "頁"),
            std::string::npos);
}

TEST_F(ReportsTest, LongTextWrapsAndStaysComplete) {
  ExceptionsReport rep = SampleExceptions(3);
  std::string longer;
  for (int i = 0; i < 30; ++i) longer += "查調事由未載明法令依據且未釋明業務關聯性";
  longer += "（結尾標記ＸＹＺ）";
  rep.findings[0].detail = longer;
  // A long path without spaces must break inside the cell rather than run over the grid.
  rep.findings[0].evidence.push_back("平臺紀錄 input/platform/2026/11/25/export_gsp_lab_insurance_query_log_kaohsiung_social_affairs_bureau_full_day_batch_000123.csv 第 12 行");
  const std::string path = Out("exceptions-long.pdf");
  render::PdfResult res;
  ASSERT_TRUE(WriteExceptionsReport(*engine_, rep, path, &res).ok());
  const std::string text = tt::Text(path);
  EXPECT_NE(text.find("（結尾標記ＸＹＺ）"), std::string::npos);
  EXPECT_NE(text.find(longer.substr(0, 60 * 3)), std::string::npos);
  EXPECT_NE(text.find(NoSpace(rep.findings[0].evidence.back())), std::string::npos);
}

TEST_F(ReportsTest, ReviewReportHasCoverSectionsAndComparison) {
  ReviewReport rep = SampleReview(120);
  render::PdfResult res;
  const std::string path = Out("review.pdf");
  ASSERT_TRUE(WriteReviewReport(*engine_, rep, path, &res).ok());
  ExpectCleanPdf(path);
  EXPECT_EQ(tt::Pages(path), res.pages);

  const std::string cover = tt::Text(path, 1);
  for (const char* s : {"勞保查詢系統使用紀錄檢查結果報告", "115年第3季", "115年7月1日至115年9月30日", "高雄市政府勞工局",
                        "管理要點第七點", "115年10月3日09:30"})
    EXPECT_NE(cover.find(s), std::string::npos) << s;

  const std::string text = tt::Text(path);
  for (const char* s : {"一、檢查結果摘要", "二、查調權限", "三、查調統計", "（一）各單位查調筆數",
                        "（二）各資料查詢者查調筆數與登記簿比對", "（三）各查調服務項目查詢筆數", "四、異常統計",
                        "（二）各資料查詢者異常件數（依規則）", "（三）異常明細", "五、追蹤改正情形", "（二）逾期未提檢討報告",
                        "六、未執行之檢查", "各單位每月查詢筆數", "系統筆數登記筆數相符筆數", "逾期"})
    EXPECT_NE(text.find(s), std::string::npos) << s;
  EXPECT_NE(text.find(kExtB), std::string::npos);
  EXPECT_NE(text.find("共查詢" + std::to_string(rep.total_queries / 1000) + ","), std::string::npos);
  // The registration comparison of every querier: 系統筆數, 登記筆數, 相符筆數.
  for (const auto& q : rep.by_querier)
    EXPECT_NE(text.find(q.account + q.name + q.unit + std::to_string(q.queries) + std::to_string(q.registrations) +
                        std::to_string(q.matched)),
              std::string::npos)
        << q.account;
  // IDs arrive masked and stay masked.
  EXPECT_NE(text.find("****"), std::string::npos);
  EXPECT_NE(text.find("第2頁，共" + std::to_string(res.pages) + "頁"), std::string::npos);

  // Bookmarks per section, sub-sections below them.
  const auto outlines = tt::Outlines(path);
  const std::string all = [&] {
    std::string s;
    for (const auto& t : outlines) s += t + "|";
    return s;
  }();
  for (const char* s : {"封面|", "一、檢查結果摘要|", "二、查調權限（期末具查調權限人員及項目）|", "四、異常統計|",
                        "（一）各規則異常件數|", "六、未執行之檢查|", "簽章|"})
    EXPECT_NE(all.find(s), std::string::npos) << s << " in " << all;
}

TEST_F(ReportsTest, ReviewChartsArePaintedAsVectorBars) {
  ReviewReport rep = SampleReview(60);
  const std::string path = Out("review-charts.pdf");
  render::PdfResult res;
  ASSERT_TRUE(WriteReviewReport(*engine_, rep, path, &res).ok());
  int unit_chart = 0, rule_chart = 0;
  const auto pages = tt::PageTexts(path);
  for (int p = 1; p <= static_cast<int>(pages.size()); ++p) {
    const std::string& t = pages[p - 1];
    if (!unit_chart && t.find("各單位每月查詢筆數") != std::string::npos) unit_chart = p;
    if (!rule_chart && t.find("嚴重度：高") != std::string::npos) rule_chart = p;
  }
  ASSERT_GT(unit_chart, 0);
  ASSERT_GT(rule_chart, 0);
  // Month labels and the legend (unit names) are on the chart page.
  const std::string t = tt::Text(path, unit_chart);
  for (const char* s : {"7月", "8月", "9月", "查詢筆數（筆）", "婦女及兒少福利科"}) EXPECT_NE(t.find(s), std::string::npos) << s;
  // The first unit's bars (palette colour 0, rgb 41/84/140) and the 高 severity bars
  // (rgb 217/84/46) cover real areas of the rendered pages.
  EXPECT_GT(tt::CountPixels(path, unit_chart, 50, 41, 84, 140, 12), 150);
  EXPECT_GT(tt::CountPixels(path, rule_chart, 50, 217, 84, 46, 12), 60);
  // A page without a chart has none of that colour.
  EXPECT_LT(tt::CountPixels(path, 1, 50, 41, 84, 140, 12), 5);
}

TEST_F(ReportsTest, StampIsOnTheLastPageInsideThePage) {
  for (int which = 0; which < 2; ++which) {
    render::PdfResult res;
    const std::string path = Out(which ? "review-stamp.pdf" : "exceptions-stamp.pdf");
    ASSERT_TRUE((which ? WriteReviewReport(*engine_, SampleReview(300), path, &res)
                       : WriteExceptionsReport(*engine_, SampleExceptions(60), path, &res))
                    .ok());
    ASSERT_TRUE(res.has_stamp);
    EXPECT_EQ(res.stamp_page, res.pages);
    EXPECT_GT(res.stamp_w, 60 * render::kMm);
    EXPECT_GT(res.stamp_h, 20 * render::kMm);
    EXPECT_GE(res.stamp_x, 0);
    EXPECT_GE(res.stamp_y, 15 * render::kMm);  // above the footer
    EXPECT_LE(res.stamp_x + res.stamp_w, render::kA4Width);
    EXPECT_LE(res.stamp_y + res.stamp_h, render::kA4Height - 20 * render::kMm);
    const std::string last = tt::Text(path, res.pages);
    EXPECT_NE(last.find("數位簽章"), std::string::npos);
    EXPECT_NE(last.find("示範憑證"), std::string::npos);
  }
}

TEST_F(ReportsTest, EmptyModelsGiveValidReportsWithoutStamp) {
  ExceptionsReport ex;
  ReviewReport rv;
  render::PdfResult a, b;
  ASSERT_TRUE(WriteExceptionsReport(*engine_, ex, Out("exceptions-empty.pdf"), &a).ok());
  ASSERT_TRUE(WriteReviewReport(*engine_, rv, Out("review-empty.pdf"), &b).ok());
  ExpectCleanPdf(Out("exceptions-empty.pdf"));
  ExpectCleanPdf(Out("review-empty.pdf"));
  EXPECT_FALSE(a.has_stamp);
  EXPECT_FALSE(b.has_stamp);
  EXPECT_EQ(a.pages, 1);
  EXPECT_NE(tt::Text(Out("exceptions-empty.pdf")).find("本期無異常。"), std::string::npos);
  const std::string t = tt::Text(Out("review-empty.pdf"));
  for (const char* s : {"期末無具查調權限之人員。", "本期無查詢紀錄。", "本期無異常。", "目前無逾期未提檢討報告之案件。",
                        "本次各項檢查均已執行。"})
    EXPECT_NE(t.find(s), std::string::npos) << s;
}

TEST_F(ReportsTest, PrivateUseCharacterGivesAWarningNotAFailure) {
  ExceptionsReport rep = SampleExceptions(3);
  rep.findings[0].querier = "林\xEE\x80\x80芬";  // U+E000: no configured font has it
  render::PdfResult res;
  ASSERT_TRUE(WriteExceptionsReport(*engine_, rep, Out("exceptions-pua.pdf"), &res).ok());
  ASSERT_FALSE(res.warnings.empty());
  EXPECT_NE(res.warnings[0].find("U+E000"), std::string::npos) << res.warnings[0];
  EXPECT_NE(res.warnings[0].find("exceptions.pdf"), std::string::npos) << res.warnings[0];
  std::string out;
  EXPECT_EQ(tt::QpdfCheck(Out("exceptions-pua.pdf"), &out), 0) << out;
}

TEST_F(ReportsTest, MismatchedChartSeriesDoNotCrash) {
  ReviewReport rep = SampleReview(5);
  rep.per_month_unit[0].per_month.resize(1);      // shorter than month_labels
  rep.per_month_unit[1].per_month.push_back(999);  // longer
  render::PdfResult res;
  EXPECT_TRUE(WriteReviewReport(*engine_, rep, Out("review-mismatch.pdf"), &res).ok());
  EXPECT_FALSE(WriteReviewReport(*engine_, rep, "", &res).ok());
}

TEST_F(ReportsTest, ReviewMasksAnIdThatArrivesUnmasked) {
  ReviewReport rep = SampleReview(4);
  rep.findings[0].subject_id = "A123456789";  // valid checksum: a caller forgot to mask
  render::PdfResult res;
  ASSERT_TRUE(WriteReviewReport(*engine_, rep, Out("review-unmasked.pdf"), &res).ok());
  const std::string text = tt::Text(Out("review-unmasked.pdf"));
  EXPECT_EQ(text.find("A123456789"), std::string::npos);
  EXPECT_NE(text.find("A12345****"), std::string::npos);
  ASSERT_EQ(res.warnings.size(), 1u);
  EXPECT_NE(res.warnings[0].find("unmasked"), std::string::npos);
}

TEST_F(ReportsTest, WordingComesFromTheTemplateFolder) {
  const std::string dir = Out("tpl");
  mkdir(dir.c_str(), 0755);
  {
    std::ofstream f(dir + "/report_text.conf");
    f << "# test\nreview_title = \"勞保查詢系統使用紀錄季檢查報告\"  # changed\nstamp_title = \"電子簽章\"\n";
  }
  render::RenderOptions opts;
  opts.templates_dir = dir;
  std::unique_ptr<render::Engine> engine;
  ASSERT_TRUE(render::Engine::Create(opts, &engine).ok());
  render::PdfResult res;
  ASSERT_TRUE(WriteReviewReport(*engine, SampleReview(3), Out("review-tpl.pdf"), &res).ok());
  const std::string text = tt::Text(Out("review-tpl.pdf"));
  EXPECT_NE(text.find("勞保查詢系統使用紀錄季檢查報告"), std::string::npos);
  EXPECT_NE(text.find("電子簽章"), std::string::npos);
  EXPECT_NE(text.find("權限管理者簽章"), std::string::npos);  // not overridden: built-in text

  {
    std::ofstream f(dir + "/report_text.conf");
    f << "review_title = \"ok\"\n\n  stamp_titel = \"x\"\n";
  }
  const Status st = WriteReviewReport(*engine, SampleReview(3), Out("review-bad.pdf"), &res);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.ToString().find("report_text.conf:3:3"), std::string::npos) << st.ToString();
  EXPECT_NE(st.ToString().find("stamp_titel"), std::string::npos) << st.ToString();
}

// Page images against reviewed goldens (tests/data/reports/golden/NAME-N.png, 50 dpi gray,
// compared by the render tests' compare_png.py), so a wrong glyph, a moved grid line or a
// broken chart fails even when the text extracts. LIAUDIT_UPDATE_GOLDEN=1 rewrites them.
void ExpectMatchesGolden(const std::string& pdf, const std::string& name) {
  const char* upd = std::getenv("LIAUDIT_UPDATE_GOLDEN");
  const std::string cmd = "/usr/bin/python3 '" + std::string(LIAUDIT_SOURCE_DIR) + "/tests/render/compare_png.py' '" +
                          pdf + "' '" + std::string(LIAUDIT_TEST_DATA) + "/reports/golden' " + name +
                          (upd && *upd == '1' ? " --update" : "") + " 2>&1";
  int rc = -1;
  const std::string out = tt::Run(cmd, &rc);
  EXPECT_EQ(rc, 0) << out;
}

TEST_F(ReportsTest, PagesMatchReviewedGoldenImages) {
  render::PdfResult a, b;
  ASSERT_TRUE(WriteExceptionsReport(*engine_, SampleExceptions(6), Out("golden-exceptions.pdf"), &a).ok());
  ASSERT_TRUE(WriteReviewReport(*engine_, SampleReview(10), Out("golden-review.pdf"), &b).ok());
  ExpectMatchesGolden(Out("golden-exceptions.pdf"), "exceptions");
  ExpectMatchesGolden(Out("golden-review.pdf"), "review");
}

// Tagged PDF, as poppler reads the structure tree: the title is the one H1, the sections
// H2 in order, a table's header cells TH and its values TD in reading order, each chart a
// Figure whose /Alt gives every value; page numbers, running headers and the stamp are
// artifacts, so none of them is in the tree.
TEST_F(ReportsTest, ReviewReportStructureTree) {
  const ReviewReport rep = SampleReview(10);
  render::PdfResult res;
  const std::string path = Out("review-tagged.pdf");
  ASSERT_TRUE(WriteReviewReport(*engine_, rep, path, &res).ok());
  ExpectCleanPdf(path);
  const auto nodes = liaudit::testing::StructTree(path);
  ASSERT_FALSE(nodes.empty());
  EXPECT_EQ(nodes[0].type, "Document");
  using liaudit::testing::TextsOf;
  EXPECT_EQ(TextsOf(nodes, "H1"), std::vector<std::string>{"勞保查詢系統使用紀錄檢查結果報告"});
  EXPECT_EQ(TextsOf(nodes, "H2"),
            (std::vector<std::string>{"一、檢查結果摘要", "二、查調權限（期末具查調權限人員及項目）", "三、查調統計",
                                      "四、異常統計", "五、追蹤改正情形", "六、未執行之檢查", "權限管理者簽章"}));
  // The permissions table follows its heading: header cells, then the first person's row.
  size_t i = 0;
  while (i < nodes.size() && nodes[i].text != "二、查調權限（期末具查調權限人員及項目）") ++i;
  ASSERT_LT(i + 1, nodes.size());
  EXPECT_EQ(nodes[i + 1].type, "Table");
  std::vector<std::string> th, td;
  for (size_t k = i + 2; k < nodes.size() && nodes[k].depth > nodes[i + 1].depth; ++k) {
    if (nodes[k].type == "TH") th.push_back(nodes[k].text);
    if (nodes[k].type == "TD" && td.size() < 5) td.push_back(nodes[k].text);
  }
  EXPECT_EQ(th, (std::vector<std::string>{"序號", "帳號", "姓名", "單位", "可查調服務項目"}));
  const PermissionLine& p0 = rep.permissions.front();
  EXPECT_EQ(td, (std::vector<std::string>{"1", p0.account, p0.name, p0.unit, p0.items}));
  EXPECT_EQ(TextsOf(nodes, "Figure").size(), 2u);
  std::string alt = "各規則異常件數";
  for (size_t k = 0; k < rep.by_rule.size(); ++k)
    alt += (k ? "、" : "：") + rep.by_rule[k].rule_id + " " + std::to_string(rep.by_rule[k].count) + " 件";
  const std::string js = tt::Run("qpdf --json --json-key=qpdf '" + path + "'");
  EXPECT_NE(js.find("\"/Alt\": \"u:" + alt + "\""), std::string::npos) << alt;
  EXPECT_NE(js.find("\"/Alt\": \"u:各單位每月查詢筆數："), std::string::npos);
  for (const auto& n : nodes) {
    EXPECT_EQ(n.text.find("頁，共"), std::string::npos) << n.type << " " << n.text;
    EXPECT_EQ(n.text.find("數位簽章"), std::string::npos) << n.type << " " << n.text;  // the stamp's title
    EXPECT_NE(n.text, "勞保查詢系統使用紀錄檢查結果報告　115年第3季");                 // running header
  }
  // The page numbers are still on the pages, for the eye.
  EXPECT_NE(tt::Text(path).find("第1頁，共" + std::to_string(res.pages) + "頁"), std::string::npos);
}

// A findings table over many pages is one Table: its header cells are TH once, the headers
// repeated on later pages are artifacts.
TEST_F(ReportsTest, RepeatedTableHeadersAreArtifacts) {
  render::PdfResult res;
  const std::string path = Out("exceptions-tagged.pdf");
  ExceptionsReport rep = SampleExceptions(60);
  for (auto& f : rep.findings) {  // one rule: one findings table over several pages
    f.rule_id = rep.findings.front().rule_id;
    f.rule_name = rep.findings.front().rule_name;
    f.severity = rep.findings.front().severity;
  }
  ASSERT_TRUE(WriteExceptionsReport(*engine_, rep, path, &res).ok());
  const auto nodes = liaudit::testing::StructTree(path);
  using liaudit::testing::TextsOf;
  const auto rule_headings = TextsOf(nodes, "H3");  // one findings table per rule
  ASSERT_FALSE(rule_headings.empty());
  const auto th = TextsOf(nodes, "TH");
  EXPECT_EQ(std::count(th.begin(), th.end(), "異常說明及證據"), static_cast<long>(rule_headings.size()));
  int pages_with_header = 0;
  for (const auto& page : tt::PageTexts(path)) pages_with_header += page.find("異常說明及證據") != std::string::npos;
  EXPECT_EQ(rule_headings.size(), 1u);
  EXPECT_GE(pages_with_header, 3) << res.pages;
  EXPECT_EQ(TextsOf(nodes, "H1"), std::vector<std::string>{"勞保查詢系統每日異常報告"});
}

TEST_F(ReportsTest, SameModelAndClockGiveIdenticalBytes) {
  render::PdfResult r1, r2;
  ASSERT_TRUE(WriteReviewReport(*engine_, SampleReview(30), Out("review-a.pdf"), &r1).ok());
  ASSERT_TRUE(WriteReviewReport(*engine_, SampleReview(30), Out("review-b.pdf"), &r2).ok());
  std::ifstream fa(Out("review-a.pdf"), std::ios::binary), fb(Out("review-b.pdf"), std::ios::binary);
  const std::string a((std::istreambuf_iterator<char>(fa)), {}), b((std::istreambuf_iterator<char>(fb)), {});
  EXPECT_FALSE(a.empty());
  EXPECT_TRUE(a == b);
}

}  // namespace
}  // namespace liaudit::reports
