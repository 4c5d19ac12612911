#include "jobs/csv_out.h"

#include <gtest/gtest.h>

namespace liaudit::jobs {
namespace {

TEST(CsvFieldTest, PlainAndQuoted) {
  EXPECT_EQ(CsvField("ksw0231"), "ksw0231");
  EXPECT_EQ(CsvField("社會救助科"), "社會救助科");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField(""), "");
}

// OWASP "CSV injection": every leading character a spreadsheet reads as a formula.
TEST(CsvFieldTest, FormulaInjectionIsNeutralised) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"=1+1", "\"'=1+1\""},
      {"+cmd|' /c calc'!A0", "\"'+cmd|' /c calc'!A0\""},
      {"-2+3", "\"'-2+3\""},
      {"@SUM(A1:A2)", "\"'@SUM(A1:A2)\""},
      {"\t=1", "\"'\t=1\""},
      {"\r=1", "\"'\r=1\""},
      {"=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
      {"=1,2", "\"'=1,2\""},
      {"\"=1+1\"", "\"'\"\"=1+1\"\"\""},
      {" =1+1", "\"' =1+1\""},
      {" \" @x", "\"' \"\" @x\""},
  };
  for (const Case& c : cases) {
    EXPECT_TRUE(StartsLikeFormula(c.in)) << c.in;
    EXPECT_EQ(CsvField(c.in), c.out) << c.in;
  }
  // Not at the start: left alone.
  EXPECT_FALSE(StartsLikeFormula("a=1"));
  EXPECT_EQ(CsvField("a=1"), "a=1");
  EXPECT_EQ(CsvField("115/07/01 - 查無資料"), "115/07/01 - 查無資料");
}

TEST(CsvOutTest, FindingsAndRejectsNeutraliseInputText) {
  Finding f;
  f.rule_id = "R01";
  f.account = "=1+1";
  f.detail = "@cmd";
  f.key = "R01|-TX1";  // keys hold input values too
  std::string csv = FindingsCsv({f}, "");
  EXPECT_NE(csv.find(",\"'=1+1\","), std::string::npos) << csv;
  EXPECT_NE(csv.find(",\"'@cmd\",R01|-TX1\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",detail,key\r\n"), std::string::npos) << csv;

  Reject r;
  r.file = "-x.csv";
  r.line = 3;
  r.column = 1;
  r.reason = "+bad";
  r.raw = "=1+1,2";
  csv = RejectsCsv({r});
  EXPECT_NE(csv.find("\r\n\"'-x.csv\",3,1,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",\"'+bad\",\"'=1+1,2\"\r\n"), std::string::npos) << csv;
}

}  // namespace
}  // namespace liaudit::jobs

namespace liaudit::jobs {
namespace {

// Regression (issue 15): `followup list` printed accounts and keys from input as they were:
// "=1+1" became a formula when the listing was pasted into a spreadsheet, and a CR, LF or
// tab inside a value started a line or a field of its own.
TEST(ListFieldTest, FollowupListingFieldsAreNeutralised) {
  EXPECT_EQ(ListField("ksw0231"), "ksw0231");
  EXPECT_EQ(ListField("R01|GSP1150701000001"), "R01|GSP1150701000001");
  EXPECT_EQ(ListField("=1+1"), "'=1+1");
  EXPECT_EQ(ListField("+cmd|' /c calc'!A0"), "'+cmd|' /c calc'!A0");
  EXPECT_EQ(ListField("-2+3"), "'-2+3");
  EXPECT_EQ(ListField("@SUM(1,2)"), "'@SUM(1,2)");
  EXPECT_EQ(ListField("\t=1+1"), "\\t=1+1");  // no tab of its own: the field cannot shift
  EXPECT_EQ(ListField("\r\nR01|x"), "\\r\\nR01|x");
  EXPECT_EQ(ListField("ksw\n0001\x1B[2J"), "ksw\\n0001\\x1B[2J");
  EXPECT_EQ(ListField("R10|A123456789"), "R10|A12345****");
  // Spreadsheets strip a field's quotes: "=1+1" is a formula when pasted or opened as TSV.
  EXPECT_EQ(ListField("\"=1+1\""), "'\"=1+1\"");
  EXPECT_EQ(ListField("\"abc"), "'\"abc");
  EXPECT_EQ(ListField(" =1+1"), "' =1+1");
  EXPECT_EQ(ListField(" \"\"-2"), "' \"\"-2");
  EXPECT_EQ(ListField("a\"=1"), "a\"=1");
  for (const char* v : {"=1+1", "\"=1+1\"", " @x", "a\tb", "a\nb", "a\rb", "\x1B", "\x7F"}) {
    const std::string f = ListField(v);
    EXPECT_EQ(f.find_first_of("\t\r\n\x1B\x7F"), std::string::npos) << v;
    EXPECT_FALSE(StartsLikeFormula(f)) << v;
  }
}

}  // namespace
}  // namespace liaudit::jobs
