#include "forms/forms.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "render/form_template.h"
#include "test_util.h"

namespace liaudit::forms {
namespace {

using liaudit::testing::AllFontsEmbeddedSubset;
using liaudit::testing::ExpectMatchesGolden;
using liaudit::testing::NoSpace;
using liaudit::testing::PageCount;
using liaudit::testing::QpdfCheck;
using liaudit::testing::TextOf;

std::string OutDir() {
  static std::string dir = [] {
    const char* keep = std::getenv("LIAUDIT_FORMS_OUT");  // keep the PDFs for a look
    if (keep && *keep) return std::string(keep);
    char tmpl[] = "/tmp/forms_test.XXXXXX";
    return std::string(mkdtemp(tmpl));
  }();
  return dir;
}

render::Engine& TheEngine() {
  static std::unique_ptr<render::Engine> e = [] {
    render::RenderOptions o;
    o.fonts_config = std::string(LIAUDIT_SOURCE_DIR) + "/fonts/fonts.conf";
    o.templates_dir = std::string(LIAUDIT_SOURCE_DIR) + "/templates";
    o.creation_time = 1795000000;
    std::unique_ptr<render::Engine> x;
    Status st = render::Engine::Create(o, &x);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return x;
  }();
  return *e;
}

// The checks every document gets: qpdf clean, fonts embedded+subset, page count.
void CheckPdf(const std::string& path, const render::PdfResult& r, int pages) {
  std::string out;
  EXPECT_EQ(QpdfCheck(path, &out), 0) << out;
  std::string fonts;
  EXPECT_TRUE(AllFontsEmbeddedSubset(path, &fonts)) << fonts;
  EXPECT_EQ(PageCount(path), pages);
  EXPECT_EQ(r.pages, pages);
}

// One page's pdftotext output without white space.
std::string PageText(const std::string& pdf, int page) {
  const std::string p = std::to_string(page);
  return liaudit::testing::NoSpace(
      liaudit::testing::Run("pdftotext -enc UTF-8 -f " + p + " -l " + p + " '" + pdf + "' - 2>/dev/null"));
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = 0; (p = text.find(what, p)) != std::string::npos; p += what.size()) ++n;
  return n;
}

void ExpectText(const std::string& text, const std::string& want) {
  EXPECT_NE(text.find(NoSpace(want)), std::string::npos) << "missing: " << want << "\nin: " << text;
}

PermissionRecord SamplePermission() {
  PermissionRecord p;
  p.form_no = "P1150001";
  p.applied_on = DateFromCivil(2026, 11, 25);
  p.unit = "社會救助科";
  p.title = "科員";
  p.name = "林𠮟明";  // U+20B9F, CJK Ext-B
  p.national_id = "A123456789";
  p.phone = "07-3373000";
  p.email = "lin@kcg.gov.tw";
  p.account = "ksw0231";
  p.action = PermissionAction::kGrant;
  p.reason = "辦理低收入戶及中低收入戶資格審核，依社會救助法第五條之三查調工作收入。";
  p.items = {"C0101", "B0301", "其他:就業保險給付"};
  p.decision = Decision::kApproved;
  p.effective_on = DateFromCivil(2026, 12, 1);
  p.manager = "張資訊";
  p.unit_head = "陳科長";
  p.manager_head = "黃主任";
  return p;
}

TEST(FormsTest, Form1HasFieldsChecksAndExtB) {
  const std::string path = OutDir() + "/form1-P1150001.pdf";
  render::PdfResult r;
  Status st = WriteForm1(TheEngine(), FormOptions(), SamplePermission(), path, &r);
  ASSERT_TRUE(st.ok()) << st.ToString();
  CheckPdf(path, r, 1);
  std::string t = TextOf(path);
  ExpectText(t, "資料查詢者權限申請表");
  ExpectText(t, "高雄市政府社會局應用勞動部勞工保險局資訊中介服務系統");
  ExpectText(t, "申請日期：115年11月25日");
  ExpectText(t, "林𠮟明");
  ExpectText(t, "A123456789");
  ExpectText(t, "☑新增權限");
  ExpectText(t, "☐註銷權限");
  ExpectText(t, "☑C0101被保險人投保資料");
  ExpectText(t, "☐B0101給付簡要資料");
  ExpectText(t, "☑B0301失業給付資格");
  ExpectText(t, "☑其他：就業保險給付");
  ExpectText(t, "☑准予申請（生效日期：115年12月1日）");
  ExpectText(t, "☐不同意，原因，");  // the seed's wording (was 原因：)
  ExpectText(t, "*本申請表請填寫核章後，送本局秘書室資訊小組（07-3343259）開通系統使用權限。");
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_TRUE(r.has_stamp);
  EXPECT_LT(r.bytes, 150u * 1024u);
  ExpectMatchesGolden(path, "form1");
}

// A refusal reason far too long for its cell is shortened itself: the form's own wording
// around it (the 其他 check box, the manager's name) stays on the page.
TEST(FormsTest, Form1LongFieldIsCutNotTheFormsWording) {
  const std::string path = OutDir() + "/form1-long-reason.pdf";
  PermissionRecord p = SamplePermission();
  p.decision = Decision::kRejected;
  p.reject_reason.clear();
  for (int i = 0; i < 30; ++i) p.reject_reason += "申請事由與業務無關，";  // 300 characters
  render::PdfResult r;
  ASSERT_TRUE(WriteForm1(TheEngine(), FormOptions(), p, path, &r).ok());
  CheckPdf(path, r, 1);
  std::string t = TextOf(path);
  ExpectText(t, "☑不同意，原因，申請事由與業務無關");
  ExpectText(t, "☐其他：");
  ExpectText(t, "張資訊");
  ExpectText(t, "…");
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("a field of 300 characters does not fit its box"), std::string::npos) << r.warnings[0];
}

// A signed form says so in the cell its signature widget covers; an unsigned one does not.
TEST(FormsTest, SignedFormsShowTheSignatureNote) {
  FormOptions o;
  o.signed_note = "已數位簽章（115/11/27 10:30）";
  const std::string signed_path = OutDir() + "/form1-signed.pdf";
  render::PdfResult r;
  ASSERT_TRUE(WriteForm1(TheEngine(), o, SamplePermission(), signed_path, &r).ok());
  std::string t = TextOf(signed_path);
  ExpectText(t, "黃主任");
  ExpectText(t, "已數位簽章（115/11/27 10:30）");
  EXPECT_LT(t.find(NoSpace("黃主任")), t.find(NoSpace("已數位簽章")));  // under the head's name
  const std::string blank = OutDir() + "/form1-unsigned.pdf";
  ASSERT_TRUE(WriteForm1(TheEngine(), FormOptions(), SamplePermission(), blank, &r).ok());
  EXPECT_EQ(TextOf(blank).find(NoSpace("已數位簽章")), std::string::npos);
  Form4Data d;
  d.period_from = DateFromCivil(2026, 7, 1);
  d.period_to = DateFromCivil(2026, 9, 30);
  d.audit_date = DateFromCivil(2026, 10, 15);
  d.querier = "林小明";
  const std::string f4 = OutDir() + "/form4-signed.pdf";
  ASSERT_TRUE(WriteForm4(TheEngine(), o, d, f4, &r).ok());
  ExpectText(TextOf(f4), "已數位簽章（115/11/27 10:30）");
}

TEST(FormsTest, Form1MasksIdsWhenAsked) {
  const std::string path = OutDir() + "/form1-masked.pdf";
  FormOptions o;
  o.id_mask = "XXXXXX****";
  render::PdfResult r;
  ASSERT_TRUE(WriteForm1(TheEngine(), o, SamplePermission(), path, &r).ok());
  std::string t = TextOf(path);
  ExpectText(t, "A12345****");
  EXPECT_EQ(t.find("A123456789"), std::string::npos);
}

std::vector<RegistrationRecord> Registrations(int n) {
  std::vector<RegistrationRecord> v;
  for (int i = 1; i <= n; ++i) {
    RegistrationRecord r;
    r.reg_no = "R" + std::to_string(1150000 + i);
    r.applied_on = DateFromCivil(2026, 7, 1) + i;
    r.subject_name = i == 7 ? "王\xEE\x80\x80華" : (i == 3 ? "陳𠀋文" : "李大同");  // PUA U+E000; Ext-B U+2000B
    r.subject_id = "B2" + std::to_string(10000000 + i);
    r.items = {"C0101", "B0201"};
    r.reason = "依社會救助法第四條辦理低收入戶資格審查，查調家庭成員投保資料。";
    r.requester = "周承辦";
    r.account = "ksw0231";
    r.querier_name = "林小明";
    r.unit = "社會救助科";
    r.unit_head = "陳科長";
    r.approved_at = StartOf(r.applied_on) + 9 * 3600;
    v.push_back(r);
  }
  return v;
}

// Tagged PDF: the form's title is the H1; its grid is a Table in the form's own reading
// order (left to right, top to bottom), the printed labels TH, the filled-in values TD; the
// page number footer of a multi-page form is an artifact.
TEST(FormsTest, Form1StructureTreeReadsLabelThenValue) {
  const std::string path = OutDir() + "/form1-tagged.pdf";
  render::PdfResult r;
  ASSERT_TRUE(WriteForm1(TheEngine(), FormOptions(), SamplePermission(), path, &r).ok());
  const auto nodes = liaudit::testing::StructTree(path);
  ASSERT_FALSE(nodes.empty());
  EXPECT_EQ(nodes[0].type, "Document");
  using liaudit::testing::TextsOf;
  EXPECT_EQ(TextsOf(nodes, "H1"),
            std::vector<std::string>{"高雄市政府社會局應用勞動部勞工保險局資訊中介服務系統資料查詢者權限申請表"});
  EXPECT_EQ(TextsOf(nodes, "Table").size(), 1u);
  // The first row: 申請單位 | 社會救助科 | 職稱及姓名 | 科員 林𠮟明.
  std::vector<std::pair<std::string, std::string>> cells;
  for (const auto& n : nodes)
    if ((n.type == "TH" || n.type == "TD") && cells.size() < 8) cells.emplace_back(n.type, n.text);
  const std::vector<std::pair<std::string, std::string>> want = {
      {"TH", "申請單位"}, {"TD", "社會救助科"},      {"TH", "職稱及姓名"}, {"TD", "科員　林𠮟明"},
      {"TH", "申請事項"}, {"TD", "☑ 新增權限　　☐ 註銷權限　　☐ 異動查調項目　　☐ 職務異動"},
      {"TH", "申請事由"}, {"TD", "辦理低收入戶及中低收入戶資格審核，依社會救助法第五條之三查調工作收入。"}};
  EXPECT_EQ(cells, want);
  const auto td = TextsOf(nodes, "TD");
  EXPECT_NE(std::find(td.begin(), td.end(), "A123456789"), td.end());
  // The note under the grid is a paragraph after the table.
  EXPECT_EQ(nodes.back().type, "P");
  EXPECT_EQ(nodes.back().text, "*本申請表請填寫核章後，送本局秘書室資訊小組（07-3343259）開通系統使用權限。");
  EXPECT_LT(r.bytes, 200u * 1024u);

  // 附表2 over three pages is one register: one Table whose rows go on over the pages (the
  // grid's two header rows, then lines 1-30 in order: 25 filled, 5 blank with only their
  // pre-printed number), its header labels TH once; the header, the title, the unit line and
  // the approval line repeated on pages 2 and 3 are artifacts, as is the page number.
  const std::string p2 = OutDir() + "/form2-tagged.pdf";
  ASSERT_TRUE(WriteForm2(TheEngine(), FormOptions(), "社會救助科", DateFromCivil(2026, 7, 1), DateFromCivil(2026, 9, 30),
                         Registrations(25), p2, &r)
                  .ok());
  ASSERT_EQ(r.pages, 3);
  const auto n2 = liaudit::testing::StructTree(p2);
  EXPECT_EQ(TextsOf(n2, "Table").size(), 1u);
  EXPECT_EQ(TextsOf(n2, "H1").size(), 1u);
  const auto th2 = TextsOf(n2, "TH");
  EXPECT_EQ(th2, (std::vector<std::string>{"編號", "申請日期", "查調資料內容", "查調事由", "需要資料者", "資料查詢者",
                                           "單位主管核章", "姓名", "身分證字號", "查調項目"}));
  // The first cell of every row, in reading order: the rows of all three pages, each TR
  // with nine cells (an empty cell of a blank line is an empty TD).
  std::vector<std::string> first_cells;
  size_t trs = 0;
  for (size_t i = 0; i < n2.size(); ++i) {
    if (n2[i].type != "TR") continue;
    ++trs;
    size_t row_cells = 0;
    for (size_t k = i + 1; k < n2.size() && n2[k].depth > n2[i].depth; ++k) row_cells += n2[k].depth == n2[i].depth + 1;
    if (trs > 2) {
      EXPECT_EQ(row_cells, 9u) << "row " << trs;
      first_cells.push_back(n2[i + 1].text);
    }
  }
  EXPECT_EQ(trs, 32u);
  std::vector<std::string> want_rows;
  for (int i = 1; i <= 30; ++i) {
    char reg[16];
    std::snprintf(reg, sizeof reg, "R115%04d", i);
    want_rows.push_back(std::to_string((i - 1) % 10 + 1) + (i <= 25 ? reg : ""));
  }
  EXPECT_EQ(first_cells, want_rows);
  // After the Table, the approval line once; the Document holds nothing else.
  std::vector<std::string> top;
  for (const auto& n : n2)
    if (n.depth == 1) top.push_back(n.type);
  EXPECT_EQ(top, (std::vector<std::string>{"P", "H1", "P", "Table", "P"}));
  EXPECT_EQ(n2.back().text, "　單位主管核章：");
  for (const auto& n : n2) EXPECT_EQ(n.text.find("頁，共"), std::string::npos) << n.text;
  // The repeated parts are still on every page, for the eye.
  for (int page = 1; page <= 3; ++page) {
    const std::string t = NoSpace(PageText(p2, page));
    EXPECT_NE(t.find("身分證字號"), std::string::npos) << page;
    EXPECT_NE(t.find("查調資料登記表"), std::string::npos) << page;
  }
  EXPECT_NE(TextOf(p2).find("第3頁，共3頁"), std::string::npos);
}

TEST(FormsTest, Form2With25LinesIsThreePagesWithHeadersAndBoxForPua) {
  const std::string path = OutDir() + "/form2-社會救助科.pdf";
  render::PdfResult r;
  Status st = WriteForm2(TheEngine(), FormOptions(), "社會救助科", DateFromCivil(2026, 7, 1),
                         DateFromCivil(2026, 9, 30), Registrations(25), path, &r);
  ASSERT_TRUE(st.ok()) << st.ToString();
  CheckPdf(path, r, 3);
  std::string t = TextOf(path);
  // The header is on every page.
  size_t n = 0;
  for (size_t p = 0; (p = t.find("單位主管核章", p)) != std::string::npos; ++p) ++n;
  EXPECT_GE(n, 3u);
  ExpectText(t, "第3頁，共3頁");
  ExpectText(t, "R1150025");
  ExpectText(t, "陳𠀋文");
  ExpectText(t, "王\xEE\x80\x80華");  // the box extracts as its code point
  ExpectText(t, "115/07/02");
  ExpectText(t, "期間：115年7月1日至115年9月30日");
  // 編號 1..10 on every page as on the seed, the registration number under it.
  const std::string p2 = PageText(path, 2), p3 = PageText(path, 3);
  ExpectText(p2, "1R1150011");
  ExpectText(p2, "10R1150020");
  EXPECT_EQ(p2.find("11R1150011"), std::string::npos) << p2;
  ExpectText(p3, "5R1150025");
  ExpectText(p3, "678910單位主管核章：");  // the empty lines keep their numbers
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("U+E000"), std::string::npos) << r.warnings[0];
  EXPECT_NE(r.warnings[0].find("form2-"), std::string::npos) << r.warnings[0];
  ExpectMatchesGolden(path, "form2");
}

std::vector<RequestRow> Request(int subjects) {
  std::vector<RequestRow> v;
  for (int i = 1; i <= subjects; ++i) {
    RequestRow r;
    r.request_no = "Q1150042";
    r.unit = "鳳山區公所";
    r.applied_on = DateFromCivil(2026, 8, 3);
    r.applicant = "吳社工";
    r.title = "社會工作員";
    r.phone = "07-7422111";
    r.fax = "07-7422119";
    r.reason = "依老人福利法第十二條辦理中低收入老人生活津貼審核。";
    r.count = subjects;
    r.subject_name = "受查人" + std::to_string(i);
    r.subject_id = "E1" + std::to_string(20000000 + i);
    r.review = "符合規定，同意協助查調。";
    r.decision = "受理";
    v.push_back(r);
  }
  return v;
}

TEST(FormsTest, Form3FitsOnOnePageWithFewSubjects) {
  const std::string path = OutDir() + "/form3-small.pdf";
  render::PdfResult r;
  ASSERT_TRUE(WriteForm3(TheEngine(), FormOptions(), Request(3), path, &r).ok());
  CheckPdf(path, r, 1);
  std::string t = TextOf(path);
  ExpectText(t, "查調資料申請表");
  ExpectText(t, "鳳山區公所");
  ExpectText(t, "姓名：受查人3");
  ExpectText(t, "E120000003");
  ExpectText(t, "審核結果：受理");
  ExpectText(t, "說明：申請人應表明相關法令依據");
}

TEST(FormsTest, Form3ContinuesOnAttachedList) {
  const std::string path = OutDir() + "/form3-Q1150042.pdf";
  render::PdfResult r;
  ASSERT_TRUE(WriteForm3(TheEngine(), FormOptions(), Request(30), path, &r).ok());
  CheckPdf(path, r, 3);  // form + 25 + 5 on the list
  std::string t = TextOf(path);
  ExpectText(t, "查調名單");
  ExpectText(t, "受查人30");
  ExpectText(t, "詳附件查調名單");
  std::string outline = liaudit::testing::Run("qpdf --json --json-key=outlines '" + path + "'");
  EXPECT_NE(outline.find("查調名單"), std::string::npos) << outline;
  ExpectMatchesGolden(path, "form3");
  // Tagged: the list over two pages is one Table after the form's (its header TH once, the
  // 30 names in order); its heading and header line are artifacts on the second page.
  const auto nodes = liaudit::testing::StructTree(path);
  using liaudit::testing::TextsOf;
  EXPECT_EQ(TextsOf(nodes, "Table").size(), 2u);
  EXPECT_EQ(TextsOf(nodes, "H2"), std::vector<std::string>{"查調資料申請表　查調名單"});
  const auto th = TextsOf(nodes, "TH");
  EXPECT_EQ(std::count(th.begin(), th.end(), "身分證字號"), 1) << th.size();
  std::vector<std::string> names;
  for (const auto& td : TextsOf(nodes, "TD"))
    if (td.rfind("受查人", 0) == 0) names.push_back(td);
  ASSERT_EQ(names.size(), 30u);
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(names[i], "受查人" + std::to_string(i + 1));
}

TEST(FormsTest, Form4) {
  Form4Data d;
  d.period_from = DateFromCivil(2026, 7, 1);
  d.period_to = DateFromCivil(2026, 9, 30);
  d.audit_date = DateFromCivil(2026, 10, 15);
  d.documents_deadline = DateFromCivil(2026, 10, 25);
  d.review_due = DateFromCivil(2026, 10, 25);
  d.querier = "林小明";
  d.querier_account = "ksw0231";
  d.querier_unit = "社會救助科";
  d.audit_unit = "秘書室資訊小組";
  d.audit_unit_phone = "07-3343259";
  d.auditor = "張資訊";
  d.cases = 12;
  d.opinion = "R05 查調項目逾越核准範圍 2 件；R09 非上班時間查詢 1 件。";
  const std::string path = OutDir() + "/form4-ksw0231.pdf";
  render::PdfResult r;
  ASSERT_TRUE(WriteForm4(TheEngine(), FormOptions(), d, path, &r).ok());
  CheckPdf(path, r, 1);
  std::string t = TextOf(path);
  ExpectText(t, "稽核紀錄表");
  ExpectText(t, "115年7月1日～115年9月30日");
  ExpectText(t, "稽核案件數：計12件");
  ExpectText(t, "林小明（ksw0231，社會救助科）");
  ExpectText(t, "請立即改正，並於115年10月25日前提具相關檢討報告（要點第八點）。");
  EXPECT_EQ(Count(t, "檢討報告"), 1u) << t;
  ExpectText(t, "1.本稽核紀錄表對資料查詢者不定期稽核。");
  EXPECT_TRUE(r.has_stamp);
  ExpectMatchesGolden(path, "form4");
}

// Regression: the quarterly job wrote the review-report sentence into the opinion and the
// form added its own, so 附表4 asked for the report twice. The form owns the sentence.
TEST(FormsTest, Form4OpinionAsksForTheReviewReportOnce) {
  Form4Data d;
  d.opinion = "經查核本期間之查調紀錄，發現下列情事：\nR01 未登記查調（高）2 件";
  EXPECT_EQ(Form4Opinion(d), d.opinion);
  d.review_due = DateFromCivil(2026, 12, 7);
  EXPECT_EQ(Form4Opinion(d), d.opinion + "\n請立即改正，並於115年12月7日前提具相關檢討報告（要點第八點）。");
  d.opinion.clear();
  EXPECT_EQ(Form4Opinion(d), "請立即改正，並於115年12月7日前提具相關檢討報告（要點第八點）。");
}

// Regression (issue 17): an audit of 115/12/20 asked for the review report 「於115年12月16日前」
// (the due date an earlier audit set), before its own date. A report an earlier audit asked
// for is worded as owed, with that date; a new one is never due before the audit date.
TEST(FormsTest, Form4OpinionNeverAsksForAReportBeforeTheAuditDate) {
  Form4Data d;
  d.audit_date = DateFromCivil(2026, 12, 20);
  d.owed_due = DateFromCivil(2026, 12, 16);
  EXPECT_EQ(Form4Opinion(d), "依前次稽核，應於115年12月16日前提具相關檢討報告（要點第八點），迄今尚未收到（已逾期），請儘速提具。");
  d.owed_due = DateFromCivil(2026, 12, 26);  // asked for by an audit a few days before: not late yet
  EXPECT_EQ(Form4Opinion(d), "依前次稽核，應於115年12月26日前提具相關檢討報告（要點第八點），尚未收到。");
  d.owed_due = DateFromCivil(2026, 12, 16);
  d.review_due = DateFromCivil(2026, 12, 30);
  EXPECT_EQ(Form4Opinion(d), "請立即改正，並於115年12月30日前提具相關檢討報告（要點第八點）；前次稽核要求之報告"
                             "（期限115年12月16日，已逾期）尚未收到，請一併提具。");
  // A review_due before the audit date (a caller's mistake) is not asked for anew either.
  d.owed_due = kNoDate;
  d.review_due = DateFromCivil(2026, 12, 16);
  EXPECT_EQ(Form4Opinion(d).find("請立即改正"), std::string::npos) << Form4Opinion(d);
  EXPECT_NE(Form4Opinion(d).find("依前次稽核，應於115年12月16日前提具"), std::string::npos) << Form4Opinion(d);
}

TEST(FormsTest, BlankForms) {
  std::vector<render::PdfResult> rs;
  Status st = WriteBlankForms(TheEngine(), FormOptions(), OutDir(), &rs);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(rs.size(), 4u);
  for (int i = 1; i <= 4; ++i) {
    std::string path = OutDir() + "/form" + std::to_string(i) + ".pdf";
    CheckPdf(path, rs[static_cast<size_t>(i - 1)], 1);
  }
  std::string t1 = TextOf(OutDir() + "/form1.pdf");
  ExpectText(t1, "☐新增權限☐註銷權限☐異動查調項目☐職務異動");
  ExpectText(t1, "☐P0401勞退請領資料查詢");
  EXPECT_EQ(t1.find("☑"), std::string::npos);
  ExpectText(t1, "☐不同意，原因，＿");
  const std::string t2 = TextOf(OutDir() + "/form2.pdf");
  ExpectText(t2, "查調資料內容");
  ExpectText(t2, "單位主管核章12345678910單位主管核章：");  // 編號 pre-printed as on the seed
  ExpectText(TextOf(OutDir() + "/form3.pdf"), "業務權責單位審核意見");
  ExpectText(TextOf(OutDir() + "/form4.pdf"), "稽核單位主管");
  ExpectMatchesGolden(OutDir() + "/form1.pdf", "blank-form1");
}

TEST(FormsTest, TemplateErrorsNameFileAndLine) {
  render::FormTemplate tpl;
  Status st = render::ParseFormTemplate("t.tpl", "page main\ncolumns 10 20\nrow h=5\n  cell span=3 \"x\"\n", &tpl);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("t.tpl:4:"), std::string::npos) << st.message();
  st = render::ParseFormTemplate("t.tpl", "page main\ntext size=12 \"no height\"\n", &tpl);
  EXPECT_NE(st.message().find("t.tpl:2:"), std::string::npos) << st.message();
  st = render::ParseFormTemplate("t.tpl", "page main\nbogus 1\n", &tpl);
  EXPECT_NE(st.message().find("t.tpl:2:1: unknown keyword"), std::string::npos) << st.message();
  st = render::ParseFormTemplate("t.tpl", "page main\ntext h=5 \"open\n", &tpl);
  EXPECT_NE(st.message().find("t.tpl:2:"), std::string::npos) << st.message();
  st = render::ParseFormTemplate("t.tpl", "page main\ntext h=5 tag=h9 \"x\"\n", &tpl);
  EXPECT_NE(st.message().find("t.tpl:2:10: tag must be h1, h2, p, th, td or artifact, not 'h9'"), std::string::npos)
      << st.message();
  ASSERT_TRUE(render::ParseFormTemplate("t.tpl", "page main\ntext h=5 tag=h1 \"x\"\n", &tpl).ok());
  const render::TplItem& it = tpl.pages.at("main").items.at(0);
  EXPECT_TRUE(it.role_given);
  EXPECT_EQ(it.style.role, render::Role::kH1);
}

}  // namespace
}  // namespace liaudit::forms
