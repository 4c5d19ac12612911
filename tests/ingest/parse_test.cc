#include "ingest/parse.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>

#include "core/datetime.h"
#include "core/text.h"
#include "test_util.h"

namespace liaudit::ingest {
namespace {

using testing::CollectSink;
using testing::DataPath;
using testing::TempFile;

TEST(ParseTest, PlatformUtf8Crlf) {
  CollectSink sink;
  SourceInfo info;
  const std::string path = DataPath("platform_utf8.csv");
  ASSERT_TRUE(ParseFile(path, InputKind::kPlatform, &sink, &info).ok());
  EXPECT_EQ(info.encoding, "UTF-8");
  EXPECT_EQ(info.rows_read, 2);
  EXPECT_EQ(info.rows_taken, 2);
  EXPECT_EQ(info.rows_rejected, 0);
  EXPECT_EQ(info.rows_blank, 0);
  std::string sha;
  ASSERT_TRUE(Sha256File(path, &sha).ok());
  EXPECT_EQ(info.sha256, sha);
  EXPECT_EQ(sha.size(), 64u);
  ASSERT_EQ(sink.platform.size(), 2u);
  EXPECT_EQ(sink.platform[0].account, "ksw0231");
  EXPECT_EQ(sink.platform[0].result, QueryResult::kSuccess);
  EXPECT_EQ(sink.platform[1].querier_name, "陳,大文");
  EXPECT_EQ(sink.platform[1].service_code, "B0201");
  EXPECT_EQ(sink.platform[1].result, QueryResult::kNoData);
  EXPECT_EQ(FormatIsoTime(sink.platform[1].query_time), "2026-11-25 09:05:00");
  EXPECT_EQ(sink.rows[1].line, 3);
  EXPECT_EQ(sink.rows[1].raw,
            "GSP1151125000002,115/11/25 09:05,397050000E,ksw0231,\"陳,大文\",b0201,A123456788,查無資料,10.0.0.1,");
}

TEST(ParseTest, Sha256OfKnownBytes) {
  TempFile f("abc.txt", "abc");
  std::string sha;
  ASSERT_TRUE(Sha256File(f.path(), &sha).ok());
  EXPECT_EQ(sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_FALSE(Sha256File("/nonexistent/x.csv", &sha).ok());
}

TEST(ParseTest, AliasesAnyOrderBomFullWidthExtraColumnKeptInRaw) {
  CollectSink sink;
  SourceInfo info;
  ASSERT_TRUE(ParseFile(DataPath("platform_alias_bom.csv"), InputKind::kPlatform, &sink, &info).ok());
  EXPECT_EQ(info.encoding, "UTF-8-BOM");
  ASSERT_EQ(sink.platform.size(), 1u);
  const PlatformQuery& q = sink.platform[0];
  EXPECT_EQ(q.subject_id, "A123456789");
  EXPECT_EQ(q.service_code, "C0101");
  EXPECT_EQ(q.account, "ksw0231");
  EXPECT_EQ(q.txn_id, "GSP1");
  EXPECT_EQ(FormatIsoTime(q.query_time), "2026-11-25 10:00:00");
  EXPECT_NE(sink.rows[0].raw.find("note here"), std::string::npos);  // the extra column survives in raw
}

TEST(ParseTest, Cp950CalendarFile) {
  CollectSink sink;
  SourceInfo info;
  ASSERT_TRUE(ParseFile(DataPath("calendar_cp950.csv"), InputKind::kCalendar, &sink, &info).ok());
  EXPECT_EQ(info.encoding, "CP950");
  ASSERT_EQ(sink.calendar.size(), 4u);
  EXPECT_FALSE(sink.calendar[0].workday);
  EXPECT_EQ(sink.calendar[0].note, "開國紀念日");
  EXPECT_TRUE(sink.calendar[3].workday);
  EXPECT_EQ(sink.calendar[3].note, "補行上班");
  EXPECT_EQ(FormatIsoDate(sink.calendar[3].date), "2026-02-14");
  EXPECT_EQ(sink.rows[0].raw, "20260101,四,2,開國紀念日");
}

TEST(ParseTest, Cp950WithEudcAndLargerThanOneChunk) {
  // 60,000 rows of Big5 (> 1 MiB) with a 造字 (FA40 -> U+E000) in the name.
  std::string bytes = "\xA9\x6D\xA6\x57,E\xAC\x46\xA9\xB2\xB1\x62\xB8\xB9,\xB3\xE6\xA6\xEC,\xAA\xAC\xBA\x41\r\n";
  // 姓名,E政府帳號,單位,狀態 in CP950
  for (int i = 0; i < 60000; ++i) bytes += "\xA4\xFD\xFA\x40,k" + std::to_string(i) + ",\xAC\xEC,\xA6\x62\xC2\xBE\r\n";
  TempFile f("staff.csv", bytes);
  CollectSink sink;
  SourceInfo info;
  Status s = ParseFile(f.path(), InputKind::kStaff, &sink, &info);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(info.encoding, "CP950");
  ASSERT_EQ(sink.staff.size(), 60000u);
  EXPECT_EQ(sink.staff[59999].name, "王\xEE\x80\x80");
  EXPECT_EQ(sink.staff[59999].account, "k59999");
  EXPECT_EQ(sink.staff[59999].unit, "科");
  EXPECT_EQ(sink.rows[59999].line, 60001);
}

TEST(ParseTest, ExtBAndPuaRoundTripInUtf8) {
  const std::string name = "\xF0\xA0\x80\x80\xF0\xAA\x9A\xB2\xEE\x80\x80\xF3\xB0\x80\x80";  // U+20000 U+2A6B2 U+E000 U+F0000
  TempFile f("p.csv", "交易序號,查詢時間,查詢者帳號,查詢者姓名,服務代碼,被查詢人統號\nT1,2026-11-25 09:00,a," + name +
                          ",C0101,A1\n");
  CollectSink sink;
  ASSERT_TRUE(ParseFile(f.path(), InputKind::kPlatform, &sink, nullptr).ok());
  ASSERT_EQ(sink.platform.size(), 1u);
  EXPECT_EQ(sink.platform[0].querier_name, name);
}

TEST(ParseTest, InvalidDateInsideRowIsRejectNamingLineAndColumn) {
  TempFile f("perm.csv",
             "表單編號,申請日期,申請單位,姓名,身分證字號,E政府帳號,申請事項,查調服務項目,審核結果,生效日期\n"
             "F1,115/01/02,科,王,A1,k,新增權限,C0101,准予申請,115/01/05\n"
             "F2,115/02/30,科,王,A1,k,新增權限,C0101,准予申請,115/03/01\n"
             "F3,115/01/02,科,王,A1,k,新增權限,\"C0101\nB0201\",准予申請,2026-13-01\n"
             "F4,115/01/02,科,王,A1,k,新增權限,C0101,准予申請,115/01/06\n");
  CollectSink sink;
  SourceInfo info;
  ASSERT_TRUE(ParseFile(f.path(), InputKind::kPermissions, &sink, &info).ok());
  EXPECT_EQ(info.rows_read, 4);
  EXPECT_EQ(info.rows_taken, 2);
  EXPECT_EQ(info.rows_rejected, 2);
  ASSERT_EQ(sink.rejects.size(), 2u);
  EXPECT_EQ(sink.rejects[0].file, f.path());
  EXPECT_EQ(sink.rejects[0].line, 3);
  EXPECT_EQ(sink.rejects[0].column, 2);
  EXPECT_NE(sink.rejects[0].reason.find("申請日期 (applied_on)"), std::string::npos);
  EXPECT_EQ(sink.rejects[0].raw, "F2,115/02/30,科,王,A1,k,新增權限,C0101,准予申請,115/03/01");
  EXPECT_EQ(sink.rejects[1].line, 4);
  EXPECT_EQ(sink.rejects[1].column, 10);
  ASSERT_EQ(sink.permissions.size(), 2u);
  EXPECT_EQ(sink.permissions[1].form_no, "F4");
  EXPECT_EQ(sink.rows[1].line, 6);  // the record before spans lines 4-5
}

TEST(ParseTest, MissingRequiredColumnRejectsWholeFile) {
  TempFile f("p.csv", "交易序號,查詢時間,服務代碼,被查詢人統號\nT1,2026-11-25 09:00,C0101,A1\n");
  CollectSink sink;
  SourceInfo info;
  Status s = ParseFile(f.path(), InputKind::kPlatform, &sink, &info);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(f.path()), std::string::npos);
  EXPECT_NE(s.message().find("查詢者帳號 (account)"), std::string::npos) << s.message();
  EXPECT_TRUE(sink.rows.empty());
  EXPECT_TRUE(sink.rejects.empty());
  EXPECT_EQ(info.sha256.size(), 64u);  // still known for the log
}

// Regression (issue 15): a header of one field with a single semicolon in it (a two-column
// calendar saved on a PC whose list separator is ';') got no hint, only "missing required
// column"; "1 semicolons" read oddly.
TEST(ParseTest, SeparatorHintsForOneFieldHeaders) {
  struct Case {
    InputKind kind;
    const char* text;
    const char* hint;  // "" = no separator hint
  } cases[] = {
      {InputKind::kCalendar, "西元日期;是否放假\n20260701;0\n", "has no commas but 1 semicolon: the file is semicolon-separated"},
      {InputKind::kCalendar, "西元日期\t是否放假\n20260701\t0\n", "has no commas but 1 tab: the file is tab-separated"},
      {InputKind::kPlatform, "交易序號;查詢時間;查詢者帳號;服務代碼;被查詢人統號\n", "has no commas but 4 semicolons"},
      {InputKind::kPlatform, "交易序號,查詢時間;查詢者帳號;服務代碼;被查詢人統號\n",
       "has only one comma but 3 semicolons: the file is semicolon-separated"},
      {InputKind::kPlatform, "交易序號,查詢時間;查詢者帳號\n", ""},  // one of each: no guess
      {InputKind::kCalendar, "西元日期\n20260701\n", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    CollectSink sink;
    Status s = ParseBuffer(c.text, "cal.csv", c.kind, &sink, nullptr);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find("missing required column"), std::string::npos) << s.message();
    if (*c.hint) {
      EXPECT_NE(s.message().find(c.hint), std::string::npos) << s.message();
    } else {
      EXPECT_EQ(s.message().find("-separated"), std::string::npos) << s.message();
    }
    EXPECT_TRUE(sink.rejects.empty());
  }
}

// Regression (issue 15 review): a semicolon (or tab) file whose header cells are all quoted
// is a malformed header with no fields: it was said to have "only one comma".
TEST(ParseTest, SeparatorHintsForQuotedHeaders) {
  struct Case {
    const char* text;
    const char* hint;
  } cases[] = {
      {"\"交易序號\";\"查詢時間\";\"查詢者帳號\";\"服務代碼\";\"被查詢人統號\"\n", "has no commas but 4 semicolons"},
      {"\"交易序號\"\t\"查詢時間\"\t\"查詢者帳號\"\t\"服務代碼\"\t\"被查詢人統號\"\n", "has no commas but 4 tabs"},
      {"\"交易序號,x\";\"查詢時間\";\"查詢者帳號\"\n", "has no commas but 2 semicolons"},  // a comma inside quotes
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    CollectSink sink;
    Status s = ParseBuffer(c.text, "semi.csv", InputKind::kPlatform, &sink, nullptr);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find(c.hint), std::string::npos) << s.message();
    EXPECT_EQ(s.message().find("one comma"), std::string::npos) << s.message();
  }
  // ASCII in UTF-32 without a byte-order mark is valid UTF-8 with NULs: named UTF-32.
  std::string u32;
  for (char ch : std::string("account,query_time\n1,2\n")) u32 += std::string(1, ch) + std::string(3, '\0');
  CollectSink sink;
  Status s = ParseBuffer(u32, "u32.csv", InputKind::kPlatform, &sink, nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("UTF-32"), std::string::npos) << s.message();
}

TEST(ParseTest, HeaderAliasesOfFileReadsTheHeaderOnly) {
  const std::string path = ::testing::TempDir() + "/aliases_platform.csv";
  {
    std::ofstream out(path, std::ios::binary);
    out << "\xEF\xBB\xBF交易序號,查詢時間,查詢者E政府帳號,服務代碼,被查詢人身分證號\r\n";
    for (int i = 0; i < 5000; ++i) out << "GSP" << i << ",2026-07-01 09:00,ksw0001,C0101,A123456789\r\n";
  }
  EXPECT_EQ(HeaderAliasesOfFile(path, InputKind::kPlatform),
            (std::vector<std::string>{"查詢者E政府帳號 → 查詢者帳號", "被查詢人身分證號 → 被查詢人統號"}));
  EXPECT_TRUE(HeaderAliasesOfFile(path + ".missing", InputKind::kPlatform).empty());
  EXPECT_TRUE(HeaderAliasesOfFile(path, InputKind::kCalendar).empty());  // does not map
  std::remove(path.c_str());
}

TEST(ParseTest, SinkErrorAborts) {
  CollectSink sink;
  sink.fail_after = 1;
  Status s = ParseFile(DataPath("platform_utf8.csv"), InputKind::kPlatform, &sink, nullptr);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "sink full");
}

TEST(ParseTest, KindForPath) {
  EXPECT_EQ(KindForPath("/in", "/in/platform/20261125.csv"), InputKind::kPlatform);
  EXPECT_EQ(KindForPath("/in/", "/in/platform/X.CSV"), InputKind::kPlatform);
  EXPECT_EQ(KindForPath("/in", "/in/registers/permissions.csv"), InputKind::kPermissions);
  EXPECT_EQ(KindForPath("/in", "/in/registers/registrations.csv"), InputKind::kRegistrations);
  EXPECT_EQ(KindForPath("/in", "/in/registers/requests.csv"), InputKind::kRequests);
  EXPECT_EQ(KindForPath("/in", "/in/registers/staff.csv"), InputKind::kStaff);
  EXPECT_EQ(KindForPath("/in", "/in/calendar/115年.csv"), InputKind::kCalendar);
  EXPECT_EQ(KindForPath("in", "in/./platform/a.csv"), InputKind::kPlatform);
  EXPECT_FALSE(KindForPath("/in", "/in/registers/other.csv"));
  EXPECT_FALSE(KindForPath("/in", "/in/platform/a.txt"));
  EXPECT_FALSE(KindForPath("/in", "/in/platform/sub/a.csv"));
  EXPECT_FALSE(KindForPath("/in", "/elsewhere/platform/a.csv"));
  EXPECT_FALSE(KindForPath("/in", "/in/platform.csv"));
}

// The malformed corpus: each file gives a clear message or quarantined rows, never a crash.
struct MalformedCase {
  const char* file;
  bool file_ok;           // whole file accepted (rows may still be rejected)
  const char* in_message; // when !file_ok
  long taken, rejected;
  std::vector<long> reject_lines;
  const char* in_first_reason;
};

TEST(ParseTest, MalformedCorpus) {
  const MalformedCase cases[] = {
      {"empty.csv", false, "empty file (0 bytes)", 0, 0, {}, ""},
      {"no_header_blank_lines.csv", false, "empty file: no header line", 0, 0, {}, ""},
      {"header_only.csv", true, "", 0, 0, {}, ""},
      {"binary_garbage.csv", false, "neither UTF-8 nor CP950 (Big5): first bad byte at offset 0 (0xFF)", 0, 0, {}, ""},
      {"wrong_column_count.csv", true, "", 2, 2, {2, 3}, "被查詢人統號 (subject_id): missing"},
      {"nul_bytes.csv", true, "", 1, 1, {2}, "NUL byte"},
      {"unterminated_quote.csv", true, "", 1, 1, {2}, "unterminated quoted field"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    CollectSink sink;
    SourceInfo info;
    const std::string path = DataPath(std::string("malformed/") + c.file);
    Status s = ParseFile(path, InputKind::kPlatform, &sink, &info);
    EXPECT_EQ(s.ok(), c.file_ok) << s.ToString();
    if (!c.file_ok) {
      EXPECT_NE(s.message().find(path), std::string::npos) << s.message();
      EXPECT_NE(s.message().find(c.in_message), std::string::npos) << s.message();
      EXPECT_TRUE(sink.rows.empty());
      EXPECT_TRUE(sink.rejects.empty());
      continue;
    }
    EXPECT_EQ(info.rows_taken, c.taken);
    EXPECT_EQ(info.rows_rejected, c.rejected);
    EXPECT_EQ(info.rows_read, c.taken + c.rejected);
    EXPECT_EQ(static_cast<long>(sink.rows.size()), c.taken);
    ASSERT_EQ(sink.rejects.size(), c.reject_lines.size());
    for (size_t i = 0; i < sink.rejects.size(); ++i) {
      EXPECT_EQ(sink.rejects[i].line, c.reject_lines[i]);
      EXPECT_EQ(sink.rejects[i].file, path);
      EXPECT_FALSE(sink.rejects[i].raw.empty());
    }
    if (!sink.rejects.empty()) {
      EXPECT_NE(sink.rejects[0].reason.find(c.in_first_reason), std::string::npos) << sink.rejects[0].reason;
    }
  }
}

TEST(ParseTest, MillionCharacterFieldInAFile) {
  const std::string name(1000000, 'N');
  TempFile f("big.csv", "交易序號,查詢時間,查詢者帳號,查詢者姓名,服務代碼,被查詢人統號\nT1,2026-11-25 09:00,a,\"" + name +
                            "\",C0101,A1\nT2,2026-11-25 09:00,a,x,C0101,A1\n");
  CollectSink sink;
  SourceInfo info;
  ASSERT_TRUE(ParseFile(f.path(), InputKind::kPlatform, &sink, &info).ok());
  ASSERT_EQ(sink.platform.size(), 2u);
  EXPECT_EQ(sink.platform[0].querier_name, name);
  EXPECT_EQ(sink.rows[1].line, 3);
}

TEST(ParseTest, NeitherEncodingNamesOffsetAndTouchesNoRow) {
  // Valid rows, then at byte offset N a stray 0xFF: the whole file is refused.
  std::string head = "交易序號,查詢時間,查詢者帳號,服務代碼,被查詢人統號\nT1,2026-11-25 09:00,a,C0101,A1\n";
  TempFile f("bad.csv", head + "T2,2026-11-25 09:00,a\xFF,C0101,A1\n");
  CollectSink sink;
  Status s = ParseFile(f.path(), InputKind::kPlatform, &sink, nullptr);
  ASSERT_FALSE(s.ok());
  const size_t offset = head.size() + std::string("T2,2026-11-25 09:00,a").size();
  EXPECT_NE(s.message().find("offset " + std::to_string(offset) + " (0xFF) as UTF-8"), std::string::npos)
      << s.message();
  EXPECT_TRUE(sink.rows.empty());
}

}  // namespace
}  // namespace liaudit::ingest

namespace liaudit::ingest {
namespace {

std::string ReadBytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// ParseBuffer (used by the fuzzer) must agree with ParseFile on every fixture.
TEST(ParseTest, BufferAndFileAgree) {
  const char* files[] = {"platform_utf8.csv", "platform_alias_bom.csv", "calendar_cp950.csv",
                         "malformed/empty.csv", "malformed/header_only.csv", "malformed/binary_garbage.csv",
                         "malformed/wrong_column_count.csv", "malformed/nul_bytes.csv",
                         "malformed/unterminated_quote.csv", "malformed/no_header_blank_lines.csv"};
  for (const char* name : files) {
    SCOPED_TRACE(name);
    const std::string path = testing::DataPath(name);
    const InputKind kind = Contains(name, "calendar") ? InputKind::kCalendar : InputKind::kPlatform;
    testing::CollectSink a, b;
    SourceInfo ia, ib;
    Status sa = ParseFile(path, kind, &a, &ia);
    Status sb = ParseBuffer(ReadBytes(path), path, kind, &b, &ib);
    EXPECT_EQ(sa.ToString(), sb.ToString());
    EXPECT_EQ(ia.sha256, ib.sha256);
    EXPECT_EQ(ia.encoding, ib.encoding);
    EXPECT_EQ(ia.rows_read, ib.rows_read);
    EXPECT_EQ(ia.rows_taken, ib.rows_taken);
    EXPECT_EQ(ia.rows_rejected, ib.rows_rejected);
    ASSERT_EQ(a.rows.size(), b.rows.size());
    for (size_t i = 0; i < a.rows.size(); ++i) EXPECT_EQ(a.rows[i].raw, b.rows[i].raw);
    ASSERT_EQ(a.rejects.size(), b.rejects.size());
    for (size_t i = 0; i < a.rejects.size(); ++i) EXPECT_EQ(a.rejects[i].reason, b.rejects[i].reason);
  }
}

}  // namespace
}  // namespace liaudit::ingest

namespace liaudit::ingest {
namespace {

TEST(ParseTest, BlankLinesAndEmptyRecordsAreCountedNotRows) {
  testing::TempFile f("p.csv", "\r\n交易序號,查詢時間,查詢者帳號,服務代碼,被查詢人統號\r\n\r\n,,,,\r\nT1,2026-11-25 09:00,a,C0101,A1\r\n\r\n");
  testing::CollectSink sink;
  SourceInfo info;
  ASSERT_TRUE(ParseFile(f.path(), InputKind::kPlatform, &sink, &info).ok());
  EXPECT_EQ(info.rows_read, 1);
  EXPECT_EQ(info.rows_blank, 3);
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0].line, 5);
  EXPECT_EQ(info.header_raw, "交易序號,查詢時間,查詢者帳號,服務代碼,被查詢人統號");
}

}  // namespace
}  // namespace liaudit::ingest

namespace liaudit::ingest {
namespace {

// Inputs that would make a naive reader hold the whole file: one 20 MiB line, and 20 MiB of
// quote characters (one endless quoted field). Both end as one bounded reject per line.
TEST(ParseTest, PathologicalFilesStayBounded) {
  const std::string header = "交易序號,查詢時間,查詢者帳號,服務代碼,被查詢人統號\n";
  for (char fill : {'x', '"'}) {
    SCOPED_TRACE(fill);
    testing::TempFile f("patho.csv", header + std::string(20u << 20, fill) + "\nT1,2026-11-25 09:00,a,C0101,A1\n");
    testing::CollectSink sink;
    SourceInfo info;
    Status s = ParseFile(f.path(), InputKind::kPlatform, &sink, &info);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(info.rows_rejected, 1);
    ASSERT_EQ(sink.rejects.size(), 1u);
    EXPECT_EQ(sink.rejects[0].line, 2);
    EXPECT_LE(sink.rejects[0].raw.size(), 4096u) << sink.rejects[0].reason;
    EXPECT_NE(sink.rejects[0].reason.find("longer than"), std::string::npos) << sink.rejects[0].reason;
    ASSERT_EQ(sink.rows.size(), 1u);
    EXPECT_EQ(sink.rows[0].line, 3);
  }
}

}  // namespace
}  // namespace liaudit::ingest
