// Workbook tests: every workbook is read back with openpyxl (tests/xlsx/readback.py),
// so they check what a user opening the file gets, not what we meant to write.
#include "xlsx/workbook.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "core/datetime.h"
#include "core/text.h"

namespace liaudit::xlsx {
namespace {

using nlohmann::json;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "xlsx_test_XXXXXX";
    char* p = mkdtemp(&tmpl[0]);
    EXPECT_NE(p, nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Runs readback.py on `path` and parses its JSON.
json ReadBack(const std::string& path, int max_rows = 50) {
  std::string cmd = "/usr/bin/python3 '" LIAUDIT_SOURCE_DIR "/tests/xlsx/readback.py' '" + path + "' " +
                    std::to_string(max_rows);
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) {
    ADD_FAILURE() << "cannot run " << cmd;
    return json();
  }
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  EXPECT_EQ(rc, 0) << cmd;
  json j = json::parse(out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << out.substr(0, 500);
  return j;
}

const Date kDay = DateFromCivil(2026, 11, 25);
const LocalTime kTime = StartOf(kDay) + 13 * 3600 + 5 * 60 + 9;

SheetSpec QuerySpec(const std::string& name) {
  SheetSpec s;
  s.name = name;
  s.title = "勞保查詢紀錄（測試）";
  s.columns = {{"帳號", ColType::kText},
               {"查詢時間", ColType::kDateTime},
               {"查詢日期", ColType::kDate},
               {"筆數", ColType::kInteger},
               {"比率", ColType::kNumber},
               {"說明", ColType::kText}};
  return s;
}

Status WriteQueries(const std::string& path, bool constant_memory, int rows) {
  WorkbookOptions o;
  o.constant_memory = constant_memory;
  o.created = StartOf(DateFromCivil(2026, 1, 2)) + 3600;  // 2026-01-02 01:00 Taipei
  std::unique_ptr<Workbook> wb;
  LIAUDIT_RETURN_IF_ERROR(Workbook::Create(path, o, &wb));
  LIAUDIT_RETURN_IF_ERROR(wb->AddSheet(QuerySpec("查詢")));
  for (int i = 0; i < rows; ++i) {
    LIAUDIT_RETURN_IF_ERROR(wb->AppendRow({"user" + std::to_string(i), Cell::OfTime(kTime + i), Cell::OfDate(kDay + i),
                                           i * 1000, 0.5 + i, "社會局社會救助科查詢低收入戶資格"}));
  }
  SheetSpec summary;
  summary.name = "摘要";
  summary.title = "摘要";
  summary.columns = {{"規則"}, {"件數", ColType::kInteger}};
  LIAUDIT_RETURN_IF_ERROR(wb->AddSheet(summary));
  LIAUDIT_RETURN_IF_ERROR(wb->AppendRow({"R01", 3}));
  return wb->Close();
}

class WorkbookModeTest : public ::testing::TestWithParam<bool> {};

TEST_P(WorkbookModeTest, ReadsBackWithRealCellsAndLayout) {
  TempDir dir;
  const std::string path = dir.File("q.xlsx");
  ASSERT_TRUE(WriteQueries(path, GetParam(), 3).ok());
  json j = ReadBack(path);
  ASSERT_EQ(j["sheets"].size(), 2u);
  const json& s = j["sheets"][0];
  EXPECT_EQ(s["name"], "查詢");
  EXPECT_EQ(j["sheets"][1]["name"], "摘要");
  EXPECT_EQ(s["max_row"], 2 + 3);

  // Title row: bold Traditional Chinese title in A1.
  EXPECT_EQ(s["rows"][0][0]["v"], "勞保查詢紀錄（測試）");
  EXPECT_TRUE(s["rows"][0][0]["bold"]);
  // Header row: bold, filled, bordered.
  const json& header = s["rows"][1];
  std::vector<std::string> names;
  for (const json& c : header) {
    names.push_back(c["v"]);
    EXPECT_TRUE(c["bold"]);
    EXPECT_TRUE(c["border"]);
    EXPECT_FALSE(c["fill"].is_null());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"帳號", "查詢時間", "查詢日期", "筆數", "比率", "說明"}));

  // Data: real cells.
  const json& r0 = s["rows"][2];
  EXPECT_EQ(r0[0]["t"], "str");
  EXPECT_EQ(r0[0]["v"], "user0");
  EXPECT_EQ(r0[1]["t"], "datetime");
  EXPECT_EQ(r0[1]["v"], "2026-11-25 13:05:09");
  EXPECT_EQ(r0[1]["fmt"], "[$-404]e/mm/dd hh:mm:ss");
  EXPECT_EQ(r0[2]["t"], "datetime");
  EXPECT_EQ(r0[2]["v"], "2026-11-25 00:00:00");
  EXPECT_EQ(r0[2]["fmt"], "[$-404]e/mm/dd");
  EXPECT_EQ(s["rows"][4][3]["t"], "int");
  EXPECT_EQ(s["rows"][4][3]["v"], 2000);
  EXPECT_EQ(s["rows"][4][4]["t"], "float");
  EXPECT_DOUBLE_EQ(s["rows"][4][4]["v"].get<double>(), 2.5);
  EXPECT_EQ(s["rows"][4][1]["v"], "2026-11-25 13:05:11");
  EXPECT_EQ(s["rows"][4][2]["v"], "2026-11-27 00:00:00");

  // Layout and print set-up.
  EXPECT_EQ(s["freeze_panes"], "A3");
  EXPECT_EQ(s["auto_filter"], "A2:F5");
  EXPECT_EQ(s["print_title_rows"], "$1:$2");
  EXPECT_EQ(s["paper_size"], 9);  // A4
  EXPECT_TRUE(s["fit_to_page"]);
  // fitToWidth is left out of the XML when it is 1, its default.
  EXPECT_TRUE(s["fit_to_width"].is_null() || s["fit_to_width"] == 1);
  EXPECT_EQ(s["fit_to_height"], 0);
  EXPECT_NE(s["footer"].get<std::string>().find("&P"), std::string::npos);
  EXPECT_EQ(s["orientation"], "portrait");
  EXPECT_EQ(s["number_as_text_ignored"], json::array({"A3:F5"}));

  // Widths: the CJK note column (16 CJK = 32 units) is wider than the account column.
  const json& w = s["widths"];
  EXPECT_GT(w[5].get<double>(), 32);
  EXPECT_LT(w[0].get<double>(), 15);
  EXPECT_GE(w[1].get<double>(), 18);  // 115/11/25 13:05:09

  // Second sheet is independent.
  const json& s2 = j["sheets"][1];
  EXPECT_EQ(s2["auto_filter"], "A2:B3");
  EXPECT_EQ(s2["rows"][2][1]["v"], 3);

  // Document properties.
  EXPECT_EQ(j["properties"]["creator"], "高雄市政府社會局");
  EXPECT_EQ(j["properties"]["title"], "勞保查詢紀錄（測試）");
  EXPECT_EQ(j["properties"]["created"], "2026-01-01 17:00:00");  // stored in UTC
}

INSTANTIATE_TEST_SUITE_P(Modes, WorkbookModeTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& i) {
                           return i.param ? std::string("ConstantMemory") : std::string("InMemory");
                         });

TEST(WorkbookTest, RareCharactersRoundTrip) {
  TempDir dir;
  const std::string path = dir.File("rare.xlsx");
  // U+2000B and U+210C1 (Ext-B), U+E000 (private use, as household registers use),
  // a tab and a newline.
  const std::string rare = "林\xF0\xA0\x80\x8B\xF0\xA1\x83\x81\xEE\x80\x80 a\tb\nc";
  std::unique_ptr<Workbook> wb;
  ASSERT_TRUE(Workbook::Create(path, true, &wb).ok());
  SheetSpec s;
  s.name = "姓名";
  s.columns = {{"姓名"}, {"壞位元組"}};
  ASSERT_TRUE(wb->AddSheet(s).ok());
  ASSERT_TRUE(wb->AppendRow({rare, std::string("ab\xFF" "cd")}).ok());
  ASSERT_TRUE(wb->Close().ok());
  json j = ReadBack(path);
  EXPECT_EQ(j["sheets"][0]["rows"][2][0]["v"], rare);
  EXPECT_EQ(j["sheets"][0]["rows"][2][1]["v"], "ab\xEF\xBF\xBD" "cd");  // invalid byte -> U+FFFD
  EXPECT_TRUE(j["sheets"][0]["rows"][2][0]["wrap"]);  // a value with a line break wraps
  EXPECT_FALSE(j["sheets"][0]["rows"][2][1]["wrap"]);
  // No title given: row 1 is empty.
  EXPECT_TRUE(j["sheets"][0]["rows"][0][0]["v"].is_null());
}

TEST(WorkbookTest, OverlongTextIsCutWithMarker) {
  TempDir dir;
  const std::string path = dir.File("long.xlsx");
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "\xF0\xA0\x80\x8B";  // Ext-B: 2 UTF-16 units each
  std::unique_ptr<Workbook> wb;
  ASSERT_TRUE(Workbook::Create(path, false, &wb).ok());
  SheetSpec s;
  s.name = "長";
  s.columns = {{"內容"}};
  ASSERT_TRUE(wb->AddSheet(s).ok());
  ASSERT_TRUE(wb->AppendRow({text}).ok());
  ASSERT_TRUE(wb->AppendRow({std::string(40000, 'x')}).ok());
  ASSERT_TRUE(wb->Close().ok());
  json j = ReadBack(path);
  for (int r = 2; r <= 3; ++r) {
    std::string got = j["sheets"][0]["rows"][r][0]["v"];
    std::vector<char32_t> cps = ToCodePoints(got);
    size_t units = 0;
    for (char32_t cp : cps) units += cp >= 0x10000 ? 2 : 1;
    EXPECT_LE(units, 32767u);
    EXPECT_GT(units, 32700u);
    EXPECT_NE(got.find("（已截斷）"), std::string::npos);
  }
  // Column width capped.
  EXPECT_LE(j["sheets"][0]["widths"][0].get<double>(), 61);
}

TEST(WorkbookTest, SheetNamesAreSanitisedAndUnique) {
  TempDir dir;
  const std::string path = dir.File("names.xlsx");
  std::unique_ptr<Workbook> wb;
  ASSERT_TRUE(Workbook::Create(path, false, &wb).ok());
  const std::vector<std::string> wanted = {
      "a/b:c*d?[e]\\f", "Data", "data", "", "'quoted'",
      "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五",  // 35 characters
      "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五"};
  std::vector<std::string> used;
  for (const std::string& n : wanted) {
    SheetSpec s;
    s.name = n;
    s.columns = {{"x"}};
    ASSERT_TRUE(wb->AddSheet(s).ok()) << n;
    used.push_back(wb->sheet_name());
  }
  ASSERT_TRUE(wb->Close().ok());
  json j = ReadBack(path);
  std::vector<std::string> got;
  for (const json& s : j["sheets"]) got.push_back(s["name"]);
  EXPECT_EQ(got, used);
  EXPECT_EQ(got[0], "a_b_c_d__e__f");
  EXPECT_EQ(got[1], "Data");
  EXPECT_EQ(got[2], "data (2)");
  EXPECT_EQ(got[3], "Sheet");
  EXPECT_EQ(got[4], "quoted");
  EXPECT_EQ(ToCodePoints(got[5]).size(), 31u);
  EXPECT_EQ(ToCodePoints(got[6]).size(), 31u);
  EXPECT_NE(got[5], got[6]);
  EXPECT_NE(got[6].find(" (2)"), std::string::npos);
}

TEST(WorkbookTest, LandscapeWhenWideOrAsked) {
  TempDir dir;
  const std::string path = dir.File("wide.xlsx");
  std::unique_ptr<Workbook> wb;
  ASSERT_TRUE(Workbook::Create(path, false, &wb).ok());
  SheetSpec wide;
  wide.name = "寬";
  for (int i = 0; i < 12; ++i) wide.columns.push_back({"欄位名稱" + std::to_string(i), ColType::kText});
  ASSERT_TRUE(wb->AddSheet(wide).ok());
  SheetSpec asked;
  asked.name = "指定";
  asked.columns = {{"a"}};
  asked.landscape = true;
  ASSERT_TRUE(wb->AddSheet(asked).ok());
  SheetSpec narrow;
  narrow.name = "窄";
  narrow.columns = {{"a", ColType::kText, 30}, {"b", ColType::kText, 30}};
  ASSERT_TRUE(wb->AddSheet(narrow).ok());
  ASSERT_TRUE(wb->Close().ok());
  json j = ReadBack(path);
  EXPECT_EQ(j["sheets"][0]["orientation"], "landscape");
  EXPECT_EQ(j["sheets"][1]["orientation"], "landscape");
  EXPECT_EQ(j["sheets"][2]["orientation"], "portrait");
  // Fixed widths are kept (openpyxl reports libxlsxwriter's padded value).
  EXPECT_NEAR(j["sheets"][2]["widths"][0].get<double>(), 30, 1);
  // Empty sheet: autofilter over the header only.
  EXPECT_EQ(j["sheets"][2]["auto_filter"], "A2:B2");
}

TEST(WorkbookTest, UnwritablePathFailsEarlyAndClearly) {
  TempDir dir;
  const std::string path = dir.File("no/such/folder/x.xlsx");
  std::unique_ptr<Workbook> wb;
  Status st = Workbook::Create(path, false, &wb);
  EXPECT_EQ(st.code(), Status::Code::kIoError);
  EXPECT_NE(st.message().find(path), std::string::npos) << st.ToString();
  EXPECT_EQ(wb, nullptr);
  EXPECT_FALSE(Exists(path));
}

TEST(WorkbookTest, FailureAtCloseLeavesNoFile) {
  TempDir dir;
  const std::string sub = dir.File("sub");
  ASSERT_EQ(mkdir(sub.c_str(), 0755), 0);
  const std::string path = sub + "/x.xlsx";
  std::unique_ptr<Workbook> wb;
  ASSERT_TRUE(Workbook::Create(path, true, &wb).ok());
  ASSERT_TRUE(wb->AddSheet(QuerySpec("q")).ok());
  ASSERT_TRUE(wb->AppendRow({"a", Cell::OfTime(kTime)}).ok());
  // The folder disappears before the file is written.
  ASSERT_EQ(rmdir(sub.c_str()), 0);
  Status st = wb->Close();
  EXPECT_EQ(st.code(), Status::Code::kIoError) << st.ToString();
  EXPECT_NE(st.message().find(path), std::string::npos) << st.ToString();
  EXPECT_FALSE(Exists(path));
  EXPECT_EQ(wb->Close().code(), Status::Code::kInternal);  // closing twice is a bug, not a crash
}

TEST(WorkbookTest, ExistingFileSurvivesCreateAndIsReplacedOnClose) {
  TempDir dir;
  const std::string path = dir.File("old.xlsx");
  { std::ofstream(path) << "old"; }
  std::unique_ptr<Workbook> wb;
  ASSERT_TRUE(Workbook::Create(path, false, &wb).ok());
  EXPECT_EQ(ReadAll(path), "old");
  SheetSpec s;
  s.name = "x";
  s.columns = {{"x"}};
  ASSERT_TRUE(wb->AddSheet(s).ok());
  ASSERT_TRUE(wb->Close().ok());
  EXPECT_EQ(ReadAll(path).substr(0, 2), "PK");
}

TEST(WorkbookTest, DestroyedWithoutCloseWritesNothing) {
  TempDir dir;
  for (bool cm : {false, true}) {
    const std::string path = dir.File(cm ? "cm.xlsx" : "mem.xlsx");
    {
      std::unique_ptr<Workbook> wb;
      ASSERT_TRUE(Workbook::Create(path, cm, &wb).ok());
      ASSERT_TRUE(wb->AddSheet(QuerySpec("q")).ok());
      for (int i = 0; i < 100; ++i) ASSERT_TRUE(wb->AppendRow({"a", Cell::OfTime(kTime), Cell::OfDate(kDay), i}).ok());
      ASSERT_TRUE(wb->AddSheet(QuerySpec("q2")).ok());
    }
    EXPECT_FALSE(Exists(path));
  }
}

TEST(WorkbookTest, MisuseIsReported) {
  TempDir dir;
  std::unique_ptr<Workbook> wb;
  ASSERT_TRUE(Workbook::Create(dir.File("m.xlsx"), false, &wb).ok());
  EXPECT_EQ(wb->AppendRow({"a"}).code(), Status::Code::kInternal);  // no sheet yet
  EXPECT_EQ(wb->AddSheet(SheetSpec{}).code(), Status::Code::kInvalidInput);  // no columns
  SheetSpec s;
  s.name = "x";
  s.columns = {{"a"}, {"b"}};
  ASSERT_TRUE(wb->AddSheet(s).ok());
  Status st = wb->AppendRow({1, 2, 3});
  EXPECT_EQ(st.code(), Status::Code::kInvalidInput);
  EXPECT_NE(st.message().find("3 cells"), std::string::npos) << st.ToString();
  EXPECT_TRUE(wb->AppendRow({1}).ok());  // fewer cells is fine
  EXPECT_EQ(wb->sheet_rows(), 1);

  std::unique_ptr<Workbook> empty;
  ASSERT_TRUE(Workbook::Create(dir.File("e.xlsx"), false, &empty).ok());
  EXPECT_EQ(empty->Close().code(), Status::Code::kInvalidInput);
  EXPECT_FALSE(Exists(dir.File("e.xlsx")));
}

TEST(WorkbookTest, OddValuesBecomeSensibleCells) {
  TempDir dir;
  const std::string path = dir.File("odd.xlsx");
  std::unique_ptr<Workbook> wb;
  ASSERT_TRUE(Workbook::Create(path, false, &wb).ok());
  SheetSpec s;
  s.name = "x";
  s.columns = {{"a"}, {"b"}, {"c"}, {"d"}, {"e"}, {"f"}};
  ASSERT_TRUE(wb->AddSheet(s).ok());
  const double nan = std::nan("");
  ASSERT_TRUE(wb->AppendRow({Cell::OfDate(kNoDate), Cell::OfTime(kNoTime), nan, Cell::OfDate(DateFromCivil(1899, 1, 1)),
                             int64_t{123456789012345}, ""})
                  .ok());
  ASSERT_TRUE(wb->Close().ok());
  json r = ReadBack(path)["sheets"][0]["rows"][2];
  EXPECT_EQ(r[0]["t"], "none");
  EXPECT_EQ(r[1]["t"], "none");
  EXPECT_EQ(r[2]["t"], "none");
  EXPECT_EQ(r[3]["v"], "1899-01-01");  // before Excel's calendar: text
  EXPECT_EQ(r[4]["v"], 123456789012345);
  EXPECT_EQ(r[4]["fmt"], "0");
  EXPECT_EQ(r[5]["t"], "none");
}

TEST(WorkbookTest, FixedCreationTimeGivesIdenticalFiles) {
  TempDir dir;
  ASSERT_TRUE(WriteQueries(dir.File("a.xlsx"), true, 50).ok());
  ASSERT_TRUE(WriteQueries(dir.File("b.xlsx"), true, 50).ok());
  std::string a = ReadAll(dir.File("a.xlsx"));
  EXPECT_GT(a.size(), 1000u);
  EXPECT_EQ(a, ReadAll(dir.File("b.xlsx")));
}

TEST(WorkbookTest, FixedClockDrivesDefaultCreationTime) {
  TempDir dir;
  SetFixedClock(StartOf(DateFromCivil(2026, 3, 4)) + 8 * 3600);
  std::unique_ptr<Workbook> wb;
  ASSERT_TRUE(Workbook::Create(dir.File("c.xlsx"), false, &wb).ok());
  SetFixedClock(kNoTime);
  SheetSpec s;
  s.name = "x";
  s.columns = {{"a"}};
  ASSERT_TRUE(wb->AddSheet(s).ok());
  SetFixedClock(StartOf(DateFromCivil(2026, 3, 4)) + 8 * 3600);
  ASSERT_TRUE(wb->Close().ok());
  SetFixedClock(kNoTime);
  EXPECT_EQ(ReadBack(dir.File("c.xlsx"))["properties"]["created"], "2026-03-04 00:00:00");
}

// What a user sees: LibreOffice (when installed) renders the date cells in 民國 form.
// Its CSV export with "save cell contents as shown" gives the displayed text.
TEST(WorkbookTest, LibreOfficeShowsRocDates) {
  if (!Exists("/usr/bin/soffice")) GTEST_SKIP() << "LibreOffice not installed (Debian libreoffice-calc-nogui)";
  TempDir dir;
  const std::string path = dir.File("roc.xlsx");
  std::unique_ptr<Workbook> wb;
  ASSERT_TRUE(Workbook::Create(path, true, &wb).ok());
  SheetSpec s;
  s.name = "roc";
  s.title = "民國日期";
  s.columns = {{"日期", ColType::kDate}, {"時間", ColType::kDateTime}, {"筆數", ColType::kInteger}};
  ASSERT_TRUE(wb->AddSheet(s).ok());
  ASSERT_TRUE(wb->AppendRow({Cell::OfDate(kDay), Cell::OfTime(kTime), 12345}).ok());
  ASSERT_TRUE(wb->AppendRow({Cell::OfDate(DateFromCivil(2011, 1, 5)), Cell::OfTime(StartOf(DateFromCivil(2011, 1, 5))), 7}).ok());
  ASSERT_TRUE(wb->Close().ok());
  std::string cmd = "cd '" + dir.path() + "' && timeout 300 /usr/bin/soffice --headless -env:UserInstallation=file://" +
                    dir.path() + "/profile --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true' "
                    "roc.xlsx --outdir out >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::string csv = ReadAll(dir.path() + "/out/roc.csv");
  EXPECT_NE(csv.find("115/11/25,115/11/25 13:05:09,12345"), std::string::npos) << csv;
  EXPECT_NE(csv.find("100/01/05,100/01/05 00:00:00,7"), std::string::npos) << csv;
}

// Excel's row limit: rows go on in "<name> (2)" with the same title and header.
TEST(WorkbookTest, FullSheetContinuesOnNextSheet) {
  TempDir dir;
  const std::string path = dir.File("big.xlsx");
  std::unique_ptr<Workbook> wb;
  ASSERT_TRUE(Workbook::Create(path, true, &wb).ok());
  SheetSpec s;
  s.name = "大";
  s.title = "大表";
  s.columns = {{"n", ColType::kInteger}};
  ASSERT_TRUE(wb->AddSheet(s).ok());
  const int64_t per_sheet = 1048576 - 2;
  // Empty rows cost nothing to write; the last row of the sheet and two more carry values.
  for (int64_t i = 0; i < per_sheet - 1; ++i) ASSERT_TRUE(wb->AppendRow(nullptr, 0).ok());
  ASSERT_TRUE(wb->AppendRow({per_sheet}).ok());
  ASSERT_TRUE(wb->AppendRow({per_sheet + 1}).ok());
  ASSERT_TRUE(wb->AppendRow({per_sheet + 2}).ok());
  EXPECT_EQ(wb->sheet_name(), "大 (2)");
  EXPECT_EQ(wb->sheet_rows(), 2);
  ASSERT_TRUE(wb->Close().ok());
  json j = ReadBack(path, 5);
  ASSERT_EQ(j["sheets"].size(), 2u);
  EXPECT_EQ(j["sheets"][0]["max_row"], 1048576);
  EXPECT_EQ(j["sheets"][0]["auto_filter"], "A2:A1048576");
  const json& s2 = j["sheets"][1];
  EXPECT_EQ(s2["rows"][0][0]["v"], "大表");
  EXPECT_EQ(s2["rows"][1][0]["v"], "n");
  EXPECT_EQ(s2["rows"][2][0]["v"], per_sheet + 1);
  EXPECT_EQ(s2["max_row"], 4);
}

}  // namespace
}  // namespace liaudit::xlsx
