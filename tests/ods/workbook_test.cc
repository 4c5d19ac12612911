// ODS workbook tests: every file is read back with odfpy (tests/ods/readback.py) and,
// where it matters, opened by LibreOffice Calc, so they check what a reader gets.
#include "ods/workbook.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "core/datetime.h"
#include "core/text.h"
#include "xlsx/workbook.h"

namespace liaudit::ods {
namespace {

using nlohmann::json;
using sheet::Cell;
using sheet::ColType;
using sheet::SheetSpec;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "ods_test_XXXXXX";
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
  // Names of the entries in the folder (temporary files included).
  std::vector<std::string> Entries() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(path_)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

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

json ReadBack(const std::string& path, int max_rows = 50) {
  std::string cmd = "/usr/bin/python3 '" LIAUDIT_SOURCE_DIR "/tests/ods/readback.py' '" + path + "' " +
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
  s.columns = {{"帳號", ColType::kText},       {"查詢時間", ColType::kDateTime}, {"查詢日期", ColType::kDate},
               {"筆數", ColType::kInteger},    {"比率", ColType::kNumber},       {"說明", ColType::kText}};
  return s;
}

// The same calls as tests/xlsx's WriteQueries, into any writer.
Status WriteQueries(sheet::Writer* wb, int rows) {
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

WorkbookOptions Fixed() {
  WorkbookOptions o;
  o.created = StartOf(DateFromCivil(2026, 1, 2)) + 3600;  // 2026-01-02 01:00 Taipei
  return o;
}

Status WriteQueries(const std::string& path, int rows) {
  std::unique_ptr<Workbook> wb;
  LIAUDIT_RETURN_IF_ERROR(Workbook::Create(path, Fixed(), &wb));
  return WriteQueries(wb.get(), rows);
}

TEST(OdsWorkbookTest, ReadsBackWithTypedCellsAndLayout) {
  TempDir dir;
  const std::string path = dir.File("q.ods");
  ASSERT_TRUE(WriteQueries(path, 3).ok());
  // Only the package is left: the row file was unlinked, libzip's temporary renamed.
  EXPECT_EQ(dir.Entries(), std::vector<std::string>{"q.ods"});
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  json j = ReadBack(path);

  // The package: mimetype first and stored, as ODF requires.
  EXPECT_EQ(j["first_part"], "mimetype");
  EXPECT_TRUE(j["first_part_stored"]);
  EXPECT_EQ(j["mimetype"], "application/vnd.oasis.opendocument.spreadsheet");

  ASSERT_EQ(j["sheets"].size(), 2u);
  const json& s = j["sheets"][0];
  EXPECT_EQ(s["name"], "查詢");
  EXPECT_EQ(j["sheets"][1]["name"], "摘要");
  EXPECT_EQ(s["max_row"], 2 + 3);
  EXPECT_EQ(s["rows"][0][0]["v"], "勞保查詢紀錄（測試）");
  EXPECT_EQ(s["rows"][0][0]["style"], "liaudit_title");
  std::vector<std::string> names;
  for (const json& c : s["rows"][1]) {
    names.push_back(c["v"]);
    EXPECT_EQ(c["style"], "liaudit_header");
  }
  EXPECT_EQ(names, (std::vector<std::string>{"帳號", "查詢時間", "查詢日期", "筆數", "比率", "說明"}));

  // Typed cells: string, date (ROC display), float.
  const json& r0 = s["rows"][2];
  EXPECT_EQ(r0[0]["t"], "string");
  EXPECT_EQ(r0[0]["v"], "user0");
  EXPECT_EQ(r0[1]["t"], "date");
  EXPECT_EQ(r0[1]["v"], "2026-11-25T13:05:09");
  EXPECT_EQ(r0[1]["style"], "roc-datetime");
  EXPECT_EQ(r0[1]["text"], "115/11/25 13:05:09");
  EXPECT_EQ(r0[2]["t"], "date");
  EXPECT_EQ(r0[2]["v"], "2026-11-25");
  EXPECT_EQ(r0[2]["style"], "roc-date");
  EXPECT_EQ(r0[2]["text"], "115/11/25");
  const json& r2 = s["rows"][4];
  EXPECT_EQ(r2[3]["t"], "float");
  EXPECT_EQ(r2[3]["v"], 2000);
  EXPECT_EQ(r2[3]["style"], "integer");
  EXPECT_EQ(r2[4]["t"], "float");
  EXPECT_DOUBLE_EQ(r2[4]["v"].get<double>(), 2.5);
  EXPECT_EQ(r2[1]["v"], "2026-11-25T13:05:11");
  EXPECT_EQ(r2[2]["v"], "2026-11-27");

  // Frozen below the header, header rows repeated on every printed page, print range and
  // autofilter over the sheet, A4 one page wide with a page-number footer.
  EXPECT_EQ(s["frozen"]["mode"], 2);
  EXPECT_EQ(s["frozen"]["row"], 2);
  EXPECT_EQ(s["header_rows"], 2);
  EXPECT_EQ(s["print_ranges"], "'查詢'.A1:'查詢'.F5");
  EXPECT_EQ(j["filters"][0], "'查詢'.A2:'查詢'.F5");
  EXPECT_EQ(j["filters"][1], "'摘要'.A2:'摘要'.B3");
  EXPECT_EQ(s["page"]["width"], "21cm");
  EXPECT_EQ(s["page"]["orientation"], "portrait");
  EXPECT_EQ(s["page"]["scale_to_x"], "1");
  EXPECT_EQ(s["page"]["scale_to_y"], "0");
  EXPECT_NE(s["page"]["footer"].get<std::string>().find("頁，共"), std::string::npos);

  // Widths (inches): the CJK note column is wider than the account column.
  const json& w = s["widths"];
  ASSERT_EQ(w.size(), 6u);
  EXPECT_GT(w[5].get<double>(), 3.0);
  EXPECT_LT(w[0].get<double>(), 1.5);
  EXPECT_GT(w[1].get<double>(), w[2].get<double>());

  EXPECT_EQ(j["properties"]["creator"], "高雄市政府社會局");
  EXPECT_EQ(j["properties"]["title"], "勞保查詢紀錄（測試）");
  EXPECT_EQ(j["properties"]["created"], "2026-01-01T17:00:00Z");  // UTC
  EXPECT_EQ(j["properties"]["language"], "zh-TW");
  EXPECT_EQ(j["sheets"][1]["rows"][2][1]["v"], 3);
}

TEST(OdsWorkbookTest, TextKeepsWhatTheInputHeld) {
  TempDir dir;
  const std::string path = dir.File("text.ods");
  // Ext-B characters, private use (household registers), a tab, runs of spaces, a line
  // break, markup that must stay text, an invalid byte and a control character.
  const std::string rare = "林\xF0\xA0\x80\x8B\xF0\xA1\x83\x81\xEE\x80\x80";
  std::unique_ptr<Workbook> wb;
  ASSERT_TRUE(Workbook::Create(path, Fixed(), &wb).ok());
  SheetSpec s;
  s.name = "姓名";
  s.columns = {{"姓名"}, {"事由"}, {"壞位元組"}};
  ASSERT_TRUE(wb->AddSheet(s).ok());
  ASSERT_TRUE(wb->AppendRow({rare, std::string("<script>alert(1)</script> &amp;\ta   b\n第二行"),
                             std::string("ab\xFF" "c\x01" "d")})
                  .ok());
  ASSERT_TRUE(wb->AppendRow({std::string("  lead"), std::string("=1+1"), std::string("@SUM(A1)")}).ok());
  ASSERT_TRUE(wb->Close().ok());
  json r = ReadBack(path)["sheets"][0]["rows"];
  EXPECT_TRUE(r[0].empty());  // no title: row 1 is empty
  EXPECT_EQ(r[2][0]["v"], rare);
  EXPECT_EQ(r[2][1]["v"], "<script>alert(1)</script> &amp;\ta   b\n第二行");
  EXPECT_EQ(r[2][2]["v"], "ab\xEF\xBF\xBD" "c\xEF\xBF\xBD" "d");
  EXPECT_EQ(r[3][0]["v"], "  lead");
  // A value that looks like a formula is a string cell (ODS formulas are an attribute
  // liaudit never writes), so no reader evaluates it.
  EXPECT_EQ(r[3][1]["t"], "string");
  EXPECT_EQ(r[3][1]["v"], "=1+1");
  EXPECT_TRUE(r[3][1]["formula"].is_null());
  EXPECT_EQ(r[3][2]["v"], "@SUM(A1)");
}

TEST(OdsWorkbookTest, OverlongTextIsCutWithMarker) {
  TempDir dir;
  const std::string path = dir.File("long.ods");
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "\xF0\xA0\x80\x8B";  // 2 UTF-16 units each
  std::unique_ptr<Workbook> wb;
  ASSERT_TRUE(Workbook::Create(path, Fixed(), &wb).ok());
  SheetSpec s;
  s.name = "長";
  s.columns = {{"內容"}};
  ASSERT_TRUE(wb->AddSheet(s).ok());
  ASSERT_TRUE(wb->AppendRow({text}).ok());
  ASSERT_TRUE(wb->Close().ok());
  std::string got = ReadBack(path)["sheets"][0]["rows"][2][0]["v"];
  size_t units = 0;
  for (char32_t cp : ToCodePoints(got)) units += cp >= 0x10000 ? 2 : 1;
  EXPECT_LE(units, 32767u);
  EXPECT_GT(units, 32700u);
  EXPECT_NE(got.find("（已截斷）"), std::string::npos);
}

TEST(OdsWorkbookTest, SheetNamesMatchTheXlsxTwin) {
  TempDir dir;
  const std::vector<std::string> wanted = {"a/b:c*d?[e]\\f", "Data", "data", "", "'quoted'", "it's",
                                           "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五"};
  std::unique_ptr<Workbook> wb;
  ASSERT_TRUE(Workbook::Create(dir.File("n.ods"), Fixed(), &wb).ok());
  std::unique_ptr<xlsx::Workbook> xb;
  ASSERT_TRUE(xlsx::Workbook::Create(dir.File("n.xlsx"), false, &xb).ok());
  std::vector<std::string> used;
  for (const std::string& n : wanted) {
    SheetSpec s;
    s.name = n;
    s.columns = {{"x"}};
    ASSERT_TRUE(wb->AddSheet(s).ok()) << n;
    ASSERT_TRUE(xb->AddSheet(s).ok()) << n;
    EXPECT_EQ(wb->sheet_name(), xb->sheet_name());
    used.push_back(wb->sheet_name());
  }
  ASSERT_TRUE(wb->Close().ok());
  ASSERT_TRUE(xb->Close().ok());
  json j = ReadBack(dir.File("n.ods"));
  std::vector<std::string> got;
  for (const json& s : j["sheets"]) got.push_back(s["name"]);
  EXPECT_EQ(got, used);
  EXPECT_EQ(got[2], "data (2)");
  // A quote in a sheet name is doubled inside range addresses.
  EXPECT_EQ(j["sheets"][5]["print_ranges"], "'it''s'.A1:'it''s'.A2");
}

TEST(OdsWorkbookTest, LandscapeWhenWideOrAsked) {
  TempDir dir;
  const std::string path = dir.File("wide.ods");
  std::unique_ptr<Workbook> wb;
  ASSERT_TRUE(Workbook::Create(path, Fixed(), &wb).ok());
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
  EXPECT_EQ(j["sheets"][0]["page"]["orientation"], "landscape");
  EXPECT_EQ(j["sheets"][0]["page"]["width"], "29.7cm");
  EXPECT_EQ(j["sheets"][1]["page"]["orientation"], "landscape");
  EXPECT_EQ(j["sheets"][2]["page"]["orientation"], "portrait");
  // A fixed width of 30 units is what LibreOffice shows for 30 in an XLSX (about 2.9 in).
  EXPECT_NEAR(j["sheets"][2]["widths"][0].get<double>(), 2.9, 0.1);
  EXPECT_EQ(j["filters"][2], "'窄'.A2:'窄'.B2");  // an empty sheet: the header only
}

TEST(OdsWorkbookTest, FailuresAreClearAndLeaveNothing) {
  TempDir dir;
  {
    const std::string path = dir.File("no/such/folder/x.ods");
    std::unique_ptr<Workbook> wb;
    Status st = Workbook::Create(path, Fixed(), &wb);
    EXPECT_EQ(st.code(), Status::Code::kIoError);
    EXPECT_NE(st.message().find(path), std::string::npos) << st.ToString();
    EXPECT_EQ(wb, nullptr);
  }
  {
    // Destroyed without Close: nothing written, no temporary left.
    std::unique_ptr<Workbook> wb;
    ASSERT_TRUE(Workbook::Create(dir.File("gone.ods"), Fixed(), &wb).ok());
    ASSERT_TRUE(wb->AddSheet(QuerySpec("q")).ok());
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(wb->AppendRow({"a", Cell::OfTime(kTime), Cell::OfDate(kDay), i}).ok());
  }
  EXPECT_TRUE(dir.Entries().empty());
  {
    // Misuse: rows before a sheet, a sheet without columns, too many cells, no sheets.
    std::unique_ptr<Workbook> wb;
    ASSERT_TRUE(Workbook::Create(dir.File("m.ods"), Fixed(), &wb).ok());
    EXPECT_FALSE(wb->AppendRow({"a"}).ok());
    EXPECT_EQ(wb->AddSheet(SheetSpec{}).code(), Status::Code::kInvalidInput);
    SheetSpec s;
    s.name = "x";
    s.columns = {{"a"}, {"b"}};
    ASSERT_TRUE(wb->AddSheet(s).ok());
    EXPECT_EQ(wb->AppendRow({1, 2, 3}).code(), Status::Code::kInvalidInput);
    EXPECT_TRUE(wb->AppendRow({1}).ok());
    EXPECT_EQ(wb->sheet_rows(), 1);
    ASSERT_TRUE(wb->Close().ok());
    EXPECT_EQ(wb->Close().code(), Status::Code::kInternal);
    std::unique_ptr<Workbook> empty;
    ASSERT_TRUE(Workbook::Create(dir.File("e.ods"), Fixed(), &empty).ok());
    EXPECT_EQ(empty->Close().code(), Status::Code::kInvalidInput);
    EXPECT_FALSE(Exists(dir.File("e.ods")));
  }
  {
    // The folder disappears before Close: an error naming the file, and no file.
    const std::string sub = dir.File("sub");
    ASSERT_EQ(mkdir(sub.c_str(), 0700), 0);
    std::unique_ptr<Workbook> wb;
    ASSERT_TRUE(Workbook::Create(sub + "/x.ods", Fixed(), &wb).ok());
    ASSERT_TRUE(wb->AddSheet(QuerySpec("q")).ok());
    ASSERT_TRUE(wb->AppendRow({"a", Cell::OfTime(kTime)}).ok());
    ASSERT_EQ(rmdir(sub.c_str()), 0);
    Status st = wb->Close();
    EXPECT_EQ(st.code(), Status::Code::kIoError) << st.ToString();
    EXPECT_NE(st.message().find(sub + "/x.ods"), std::string::npos) << st.ToString();
    EXPECT_FALSE(Exists(sub + "/x.ods"));
  }
  {
    // An existing file is kept until the new one is complete.
    const std::string path = dir.File("old.ods");
    { std::ofstream(path) << "old"; }
    std::unique_ptr<Workbook> wb;
    ASSERT_TRUE(Workbook::Create(path, Fixed(), &wb).ok());
    ASSERT_TRUE(wb->AddSheet(QuerySpec("q")).ok());
    EXPECT_EQ(ReadAll(path), "old");
    ASSERT_TRUE(wb->Close().ok());
    EXPECT_EQ(ReadAll(path).substr(0, 2), "PK");
  }
}

TEST(OdsWorkbookTest, OddValuesBecomeSensibleCells) {
  TempDir dir;
  const std::string path = dir.File("odd.ods");
  std::unique_ptr<Workbook> wb;
  ASSERT_TRUE(Workbook::Create(path, Fixed(), &wb).ok());
  SheetSpec s;
  s.name = "x";
  s.columns = {{"a"}, {"b"}, {"c"}, {"d"}, {"e"}, {"f"}, {"g"}};
  ASSERT_TRUE(wb->AddSheet(s).ok());
  ASSERT_TRUE(wb->AppendRow({Cell::OfDate(kNoDate), Cell::OfTime(kNoTime), std::nan(""),
                             Cell::OfDate(DateFromCivil(1899, 1, 1)), int64_t{123456789012345}, "", 1.0 / 3})
                  .ok());
  ASSERT_TRUE(wb->Close().ok());
  json r = ReadBack(path)["sheets"][0]["rows"][2];
  ASSERT_EQ(r.size(), 7u);
  EXPECT_EQ(r[0]["t"], "empty");
  EXPECT_EQ(r[1]["t"], "empty");
  EXPECT_EQ(r[2]["t"], "empty");
  EXPECT_EQ(r[3]["t"], "string");  // before the XLSX writer's calendar: text, as there
  EXPECT_EQ(r[3]["v"], "1899-01-01");
  EXPECT_EQ(r[4]["v"], 123456789012345);
  EXPECT_EQ(r[5]["t"], "empty");
  EXPECT_NEAR(r[6]["v"].get<double>(), 1.0 / 3, 1e-15);
}

TEST(OdsWorkbookTest, FixedCreationTimeGivesIdenticalFiles) {
  TempDir dir;
  ASSERT_TRUE(WriteQueries(dir.File("a.ods"), 50).ok());
  ASSERT_TRUE(WriteQueries(dir.File("b.ods"), 50).ok());
  std::string a = ReadAll(dir.File("a.ods"));
  EXPECT_GT(a.size(), 1000u);
  EXPECT_EQ(a, ReadAll(dir.File("b.ods")));
}

// The sheet limit is LibreOffice's and Excel's: rows go on in "<name> (2)" with the same
// title and header, as in the XLSX.
TEST(OdsWorkbookTest, FullSheetContinuesOnNextSheet) {
  TempDir dir;
  const std::string path = dir.File("big.ods");
  std::unique_ptr<Workbook> wb;
  ASSERT_TRUE(Workbook::Create(path, Fixed(), &wb).ok());
  SheetSpec s;
  s.name = "大";
  s.title = "大表";
  s.columns = {{"n", ColType::kInteger}};
  ASSERT_TRUE(wb->AddSheet(s).ok());
  const int64_t per_sheet = sheet::kMaxDataRows;
  for (int64_t i = 0; i < per_sheet - 1; ++i) ASSERT_TRUE(wb->AppendRow(nullptr, 0).ok());
  ASSERT_TRUE(wb->AppendRow({per_sheet}).ok());
  ASSERT_TRUE(wb->AppendRow({per_sheet + 1}).ok());
  ASSERT_TRUE(wb->AppendRow({per_sheet + 2}).ok());
  EXPECT_EQ(wb->sheet_name(), "大 (2)");
  EXPECT_EQ(wb->sheet_rows(), 2);
  ASSERT_TRUE(wb->Close().ok());
  json j = ReadBack(path, 5);
  ASSERT_EQ(j["sheets"].size(), 2u);
  EXPECT_EQ(j["sheets"][0]["max_row"], sheet::kMaxSheetRows);
  EXPECT_EQ(j["sheets"][0]["print_ranges"], "'大'.A1:'大'.A1048576");
  const json& s2 = j["sheets"][1];
  EXPECT_EQ(s2["name"], "大 (2)");
  EXPECT_EQ(s2["rows"][0][0]["v"], "大表");
  EXPECT_EQ(s2["rows"][1][0]["v"], "n");
  EXPECT_EQ(s2["rows"][2][0]["v"], per_sheet + 1);
  EXPECT_EQ(s2["max_row"], 4);
}

// What a user sees: LibreOffice Calc opens the .ods and its .xlsx twin, written by the
// same calls through one sheet::Fanout, and shows the same cells, dates in 民國 form
// (CSV export with "save cell contents as shown", every sheet).
TEST(OdsWorkbookTest, LibreOfficeShowsTheSameAsTheXlsxTwin) {
  if (!Exists("/usr/bin/soffice")) GTEST_SKIP() << "LibreOffice not installed (Debian libreoffice-calc-nogui)";
  TempDir dir;
  std::vector<std::unique_ptr<sheet::Writer>> writers;
  std::unique_ptr<Workbook> o;
  ASSERT_TRUE(Workbook::Create(dir.File("twin.ods"), Fixed(), &o).ok());
  xlsx::WorkbookOptions xo;
  xo.created = Fixed().created;
  std::unique_ptr<xlsx::Workbook> x;
  ASSERT_TRUE(xlsx::Workbook::Create(dir.File("twin.xlsx"), xo, &x).ok());
  writers.push_back(std::move(x));
  writers.push_back(std::move(o));
  sheet::Fanout both(std::move(writers));
  ASSERT_TRUE(WriteQueries(&both, 20).ok());
  EXPECT_TRUE(Exists(dir.File("twin.xlsx")));
  EXPECT_TRUE(Exists(dir.File("twin.ods")));

  // Both convert to twin-<sheet>.csv, so each goes to its own folder.
  for (const char* f : {"ods", "xlsx"}) {
    std::string cmd = "cd '" + dir.path() + "' && timeout 300 /usr/bin/soffice --headless -env:UserInstallation=file://" +
                      dir.path() + "/profile --convert-to "
                      "'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1' twin." + f +
                      " --outdir out-" + f + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  for (const char* sheet_name : {"查詢", "摘要"}) {
    std::string ods_csv = ReadAll(dir.path() + "/out-ods/twin-" + sheet_name + ".csv");
    std::string xlsx_csv = ReadAll(dir.path() + "/out-xlsx/twin-" + sheet_name + ".csv");
    ASSERT_FALSE(ods_csv.empty()) << sheet_name;
    EXPECT_EQ(ods_csv, xlsx_csv) << sheet_name;
  }
  std::string q = ReadAll(dir.path() + "/out-ods/twin-查詢.csv");
  EXPECT_NE(q.find("user0,115/11/25 13:05:09,115/11/25,0,0.5,社會局社會救助科查詢低收入戶資格"), std::string::npos) << q;
  EXPECT_NE(q.find("user19,115/11/25 13:05:28,115/12/14,19000,19.5,"), std::string::npos) << q;
}

}  // namespace
}  // namespace liaudit::ods
