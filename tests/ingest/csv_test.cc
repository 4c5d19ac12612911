#include "ingest/csv.h"

#include <gtest/gtest.h>

namespace liaudit::ingest {
namespace {

using Fields = std::vector<std::string>;

struct CsvCase {
  const char* name;
  std::string text;
  std::vector<Fields> records;  // expected fields of each record ({"#ERR"} = malformed)
  std::vector<long> lines;      // expected start line of each record
};

Fields F(std::initializer_list<const char*> l) { return Fields(l.begin(), l.end()); }
const Fields kErr = {"#ERR"};

TEST(CsvTest, DialectTable) {
  const CsvCase cases[] = {
      {"lf", "a,b\nc,d\n", {F({"a", "b"}), F({"c", "d"})}, {1, 2}},
      {"crlf", "a,b\r\nc,d\r\n", {F({"a", "b"}), F({"c", "d"})}, {1, 2}},
      {"no final newline", "a,b\nc,d", {F({"a", "b"}), F({"c", "d"})}, {1, 2}},
      {"empty last line", "a\n\n", {F({"a"}), F({""})}, {1, 2}},
      {"quoted comma", "\"a,b\",c\n", {F({"a,b", "c"})}, {1}},
      {"doubled quotes", "\"say \"\"hi\"\"\",x\n", {F({"say \"hi\"", "x"})}, {1}},
      {"only doubled quote", "\"\"\"\"\n", {F({"\""})}, {1}},
      {"empty quoted", "\"\",\"\"\n", {F({"", ""})}, {1}},
      {"lf inside quotes", "\"a\nb\",c\nd,e\n", {F({"a\nb", "c"}), F({"d", "e"})}, {1, 3}},
      {"crlf inside quotes", "\"a\r\nb\",c\r\nd,e\r\n", {F({"a\r\nb", "c"}), F({"d", "e"})}, {1, 3}},
      {"trailing empty field", "a,b,\n", {F({"a", "b", ""})}, {1}},
      {"lone cr ends a record", "a\rb,c\n", {F({"a"}), F({"b", "c"})}, {1, 2}},
      {"cr only (CSV Macintosh)", "a,b\rc,d\re,f\r", {F({"a", "b"}), F({"c", "d"}), F({"e", "f"})}, {1, 2, 3}},
      {"cr only, no final break", "a,b\rc,d", {F({"a", "b"}), F({"c", "d"})}, {1, 2}},
      {"mixed endings", "a\r\nb\rc\nd\r\ne", {F({"a"}), F({"b"}), F({"c"}), F({"d"}), F({"e"})}, {1, 2, 3, 4, 5}},
      {"cr cr is an empty line", "a\r\rb\r", {F({"a"}), F({""}), F({"b"})}, {1, 2, 3}},
      {"cr inside quotes is data", "\"a\rb\",c\rd,e\r", {F({"a\rb", "c"}), F({"d", "e"})}, {1, 3}},
      {"cr after closing quote", "\"a\"\r\"b\",c\r\n\"d\"\rx", {F({"a"}), F({"b", "c"}), F({"d"}), F({"x"})}, {1, 2, 3, 4}},
      {"quote in unquoted field, cr", "ab\"c,d\re,f\r", {kErr, F({"e", "f"})}, {1, 2}},
      {"text after closing quote, cr", "\"ab\"c,d\r\ne,f\r", {kErr, F({"e", "f"})}, {1, 2}},
      {"unterminated quote resyncs, cr", "a,\"b\rc,d\re,f\r", {kErr, F({"c", "d"}), F({"e", "f"})}, {1, 2, 3}},
      {"quote closes at eof", "a,\"b\"", {F({"a", "b"})}, {1}},
      {"spaces kept (trimmed later)", " a , b \n", {F({" a ", " b "})}, {1}},
      {"cjk", "王小明,\"陳,大文\"\n", {F({"王小明", "陳,大文"})}, {1}},
      {"quote in unquoted field", "ab\"c,d\ne,f\n", {kErr, F({"e", "f"})}, {1, 2}},
      {"text after closing quote", "\"ab\"c,d\ne,f\n", {kErr, F({"e", "f"})}, {1, 2}},
      {"unterminated quote resyncs", "a,\"b\nc,d\ne,f\n", {kErr, F({"c", "d"}), F({"e", "f"})}, {1, 2, 3}},
      {"nul byte", std::string("a,b\0c\nd\n", 8), {kErr, F({"d"})}, {1, 2}},
  };
  for (const auto& c : cases) {
    // Every chunk size must give the same records (boundaries inside quotes, CRLF, "").
    for (size_t chunk : {size_t(1), size_t(2), size_t(3), size_t(7), SIZE_MAX}) {
      SCOPED_TRACE(std::string(c.name) + " chunk=" + std::to_string(chunk));
      auto recs = ReadAllCsv(c.text, chunk);
      ASSERT_EQ(recs.size(), c.records.size());
      for (size_t i = 0; i < recs.size(); ++i) {
        if (c.records[i] == kErr) {
          EXPECT_FALSE(recs[i].error.empty());
        } else {
          EXPECT_TRUE(recs[i].error.empty()) << recs[i].error;
          EXPECT_EQ(recs[i].fields, c.records[i]);
        }
        EXPECT_EQ(recs[i].line, c.lines[i]);
      }
    }
  }
}

TEST(CsvTest, RawKeepsTheOriginalTextWithoutLineBreak) {
  auto recs = ReadAllCsv("\"a\"\"b\",\"x\ny\",z\r\nnext\n");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].raw, "\"a\"\"b\",\"x\ny\",z");
  EXPECT_EQ(recs[1].raw, "next");
}

TEST(CsvTest, MalformedRecordsNameTheColumn) {
  auto recs = ReadAllCsv("a,b\"c\n");
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].error_column, 2);
  EXPECT_NE(recs[0].error.find("quote"), std::string::npos);
  auto nul = ReadAllCsv(std::string("x,y,\"z\0\"\n", 9));
  ASSERT_EQ(nul.size(), 1u);
  EXPECT_EQ(nul[0].error_column, 3);
  EXPECT_NE(nul[0].error.find("NUL"), std::string::npos);
}

TEST(CsvTest, MillionCharacterField) {
  std::string big(1000000, 'x');
  std::string text = "h1,h2\n" + big + ",\"" + big + "\"\nlast,row\n";
  for (size_t chunk : {size_t(4096), size_t(1) << 20}) {
    auto recs = ReadAllCsv(text, chunk);
    ASSERT_EQ(recs.size(), 3u);
    EXPECT_TRUE(recs[1].error.empty());
    ASSERT_EQ(recs[1].fields.size(), 2u);
    EXPECT_EQ(recs[1].fields[0].size(), 1000000u);
    EXPECT_EQ(recs[1].fields[1], big);
    EXPECT_EQ(recs[2].line, 3);
  }
}

TEST(CsvTest, OverlongRecordIsQuarantinedAndReadingGoesOn) {
  CsvOptions opt;
  opt.max_record_bytes = 1000;
  opt.chunk_bytes = 64;
  // An unbalanced quote followed by much text: only its first line is rejected.
  std::string text = "a,\"b\n";
  for (int i = 0; i < 100; ++i) text += "row" + std::to_string(i) + ",v\n";
  auto recs = ReadAllCsv(text, 64, opt);
  ASSERT_EQ(recs.size(), 101u);
  EXPECT_FALSE(recs[0].error.empty());
  EXPECT_EQ(recs[1].fields, F({"row0", "v"}));
  EXPECT_EQ(recs[1].line, 2);
  EXPECT_EQ(recs[100].line, 101);
  // The same with CR-only line endings (and a CRLF split across chunks after a long line).
  std::string crtext = "a,\"b\r";
  for (int i = 0; i < 100; ++i) crtext += "row" + std::to_string(i) + ",v\r";
  auto crrecs = ReadAllCsv(crtext, 64, opt);
  ASSERT_EQ(crrecs.size(), 101u);
  EXPECT_FALSE(crrecs[0].error.empty());
  EXPECT_EQ(crrecs[1].fields, F({"row0", "v"}));
  EXPECT_EQ(crrecs[100].line, 101);
  for (size_t len : {size_t(5000), size_t(5000 - 1), size_t(64 * 80 - 1), size_t(64 * 80)}) {
    for (const char* brk : {"\r", "\r\n", "\n"}) {
      SCOPED_TRACE(std::to_string(len) + " " + (brk[0] == '\n' ? "LF" : brk[1] ? "CRLF" : "CR"));
      auto r = ReadAllCsv(std::string(len, 'y') + brk + "ok,1" + brk + "z", 64, opt);
      ASSERT_EQ(r.size(), 3u);
      EXPECT_EQ(r[1].fields, F({"ok", "1"}));
      EXPECT_EQ(r[1].line, 2);
      EXPECT_EQ(r[2].line, 3);
    }
  }
  // One physical line longer than the limit: skipped, its start kept, next line read.
  std::string longline = std::string(5000, 'y') + "\nok,1\n";
  auto r2 = ReadAllCsv(longline, 64, opt);
  ASSERT_EQ(r2.size(), 2u);
  EXPECT_NE(r2[0].error.find("longer than"), std::string::npos);
  EXPECT_LE(r2[0].raw.size(), 4096u);
  EXPECT_EQ(r2[1].fields, F({"ok", "1"}));
  EXPECT_EQ(r2[1].line, 2);
  // The kept start of an overlong line of CJK text is cut on a character boundary.
  std::string cjk;
  while (cjk.size() < 5000) cjk += "中";
  auto r3 = ReadAllCsv(cjk + "\nok,1\n", 64, opt);
  ASSERT_EQ(r3.size(), 2u);
  EXPECT_EQ(r3[0].raw.size() % 3, 0u);
  EXPECT_EQ(r3[0].raw.substr(0, 3), "中");
}

TEST(CsvTest, GarbageNeverCrashes) {
  // Deterministic pseudo-random bytes biased to CSV specials.
  uint32_t x = 12345;
  const char alphabet[] = {'a', ',', '"', '\n', '\r', '\0', 'b', ' '};
  for (int round = 0; round < 200; ++round) {
    std::string s;
    for (int i = 0; i < 300; ++i) {
      x = x * 1103515245u + 12345u;
      s.push_back(alphabet[(x >> 16) % sizeof alphabet]);
    }
    CsvOptions opt;
    opt.max_record_bytes = 64;
    auto recs = ReadAllCsv(s, 5, opt);
    long prev = 0;
    for (const auto& r : recs) {
      EXPECT_GT(r.line, prev);
      prev = r.line;
    }
  }
}

}  // namespace
}  // namespace liaudit::ingest
