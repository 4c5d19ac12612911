#include "core/twid.h"

#include <gtest/gtest.h>

namespace liaudit {
namespace {

struct IdCase {
  const char* id;
  IdKind kind;
};

TEST(TwId, ChecksumTable) {
  const IdCase cases[] = {
      {"A123456789", IdKind::kNationalId},    {"A800000014", IdKind::kNewResidentId},
      {"AC01234567", IdKind::kOldResidentId}, {"AA00000009", IdKind::kOldResidentId},
      {"A123456788", IdKind::kInvalid},       {"A800000015", IdKind::kInvalid},
      {"A323456789", IdKind::kInvalid},       {"a123456789", IdKind::kInvalid},
      {"A12345678", IdKind::kInvalid},        {"A1234567890", IdKind::kInvalid},
      {"", IdKind::kInvalid},                 {"1123456789", IdKind::kInvalid},
      {"AE01234567", IdKind::kInvalid},
  };
  for (const auto& c : cases) EXPECT_EQ(ClassifyId(c.id), c.kind) << c.id;
}

TEST(TwId, Masking) {
  EXPECT_EQ(MaskId("A123456789"), "A12345****");
  EXPECT_EQ(MaskId("A123456789", "XXX*******"), "A12*******");
  EXPECT_EQ(MaskId("A123456789", ""), "A123456789");
  // Longer than the pattern: aligned with the start and masked past it, so no whole ID shows.
  EXPECT_EQ(MaskId("A1234567890123"), "A12345********");
  EXPECT_EQ(MaskId("D100000001 E100000009"), "D10000***************");
  EXPECT_EQ(MaskId("D100000001E100000009", "XXX*******"), "D10*****************");
  EXPECT_EQ(MaskId("T27419123"), "T2741****");
  EXPECT_EQ(MaskId("AB1"), "***");
  EXPECT_EQ(LogSafeId("A123456789"), "A1********");
  EXPECT_EQ(LogSafeId("A12"), "A1*");
  EXPECT_EQ(MaskId("王小明", "X**"), "王**");
  EXPECT_EQ(MaskId("王小明", "XX*"), "王小*");
}

// Issue 17: a rejected raw row keeps its IDs wherever the columns put them.
TEST(TwId, MaskIdsInText) {
  EXPECT_EQ(MaskIdsInText("GSP1150728000696,2026-07-28 09:01:02,ksw0231,C0101,A123456789,1"),
            "GSP1150728000696,2026-07-28 09:01:02,ksw0231,C0101,A12345****,1");
  // Shifted columns, lower case, full-width, resident IDs, a bad checksum, two in one cell.
  EXPECT_EQ(MaskIdsInText("x,a123456789,\"AC01234567\",Ａ１２３４５６７８９,A123456788;B223456781"),
            "x,a12345****,\"AC0123****\",Ａ１２３４５****,A12345****;B22345****");
  EXPECT_EQ(MaskIdsInText("統號 F131104093 格式錯誤", "XXX*******"), "統號 F13******* 格式錯誤");
  // Not IDs: part of a longer number or code, too short, no letter first.
  EXPECT_EQ(MaskIdsInText("A1234567890,XA123456789,A12345678,1123456789"),
            "A1234567890,XA123456789,A12345678,1123456789");
  EXPECT_EQ(MaskIdsInText("A123456789", ""), "A123456789");
  EXPECT_EQ(MaskIdsInText(""), "");
}

// Regression (issue 15): a reject's reason quoting a shifted value printed the whole ID to
// liaudit.log and the terminal. The log's masking keeps the digests the log itself names.
TEST(TwId, MaskIdsForLog) {
  EXPECT_EQ(MaskIdsForLog("rejected registrations.csv:3:2: 申請日期 (applied_on): \"E200000018\" is not a valid date"),
            "rejected registrations.csv:3:2: 申請日期 (applied_on): \"E20000****\" is not a valid date");
  const std::string digest = "a123456789" + std::string(54, 'c');  // a SHA-256 that begins like an ID
  EXPECT_EQ(MaskIdsForLog("chain head: job 3 (nightly) manifest " + digest + ", follow-up log 0 entries -"),
            "chain head: job 3 (nightly) manifest " + digest + ", follow-up log 0 entries -");
  EXPECT_EQ(MaskIdsInText(digest), "a12345****" + std::string(54, 'c'));  // the general one masks it
  // Short hexadecimal runs and upper-case IDs beside a digest are still masked.
  EXPECT_EQ(MaskIdsForLog("a123456789cc A123456789 " + digest.substr(0, 30)),
            "a12345****cc A12345**** a12345****" + std::string(20, 'c'));
  EXPECT_EQ(MaskIdsForLog("ksw0231 Ａ１２３４５６７８９"), "ksw0231 Ａ１２３４５****");
}

// Regression (issue 15 review): IDs glued to letters or digits, or split by a zero-width
// space, reached the terminal and job.log whole.
TEST(TwId, MaskIdsForLogGluedAndZeroWidth) {
  EXPECT_EQ(MaskIdsForLog("\"IDA200006014\" is not a valid date"), "\"IDA20000****\" is not a valid date");
  EXPECT_EQ(MaskIdsForLog("\"9B200006024\""), "\"9B20000****\"");
  EXPECT_EQ(MaskIdsForLog("xAC01234567,ksw0001A123456789"), "xAC0123****,ksw0001A12345****");
  // A zero-width space (or joiner, BOM, soft hyphen) inside the ID: masked with it.
  EXPECT_EQ(MaskIdsForLog("\"C\u200b200006034\""), "\"C\u200b2000*****\"");
  EXPECT_EQ(MaskIdsForLog("A12345\u2060678\u200d9"), "A12345******");
  EXPECT_EQ(MaskIdsForLog("\u200bA123456789"), "\u200bA12345****");
  // Still not IDs: a 交易序號, a longer number, too short.
  EXPECT_EQ(MaskIdsForLog("GSP1150728000696 A1234567890 XE12345678"), "GSP1150728000696 A1234567890 XE12345678");
  // SHA-256 digests are kept whole wherever they stand, also glued to a letter before.
  const std::string digest = "1234567890abcdef" + std::string(48, 'e');
  const std::string d2 = "b123456789" + std::string(54, '0');
  EXPECT_EQ(MaskIdsForLog("sha256:" + digest + " x" + d2), "sha256:" + digest + " x" + d2);
  // The text masker (rejects.csv) keeps its rule: glued is part of a longer token; a
  // zero-width character before is no glue, one inside is skipped.
  EXPECT_EQ(MaskIdsInText("XA123456789"), "XA123456789");
  EXPECT_EQ(MaskIdsInText("X\u200bA123456789"), "X\u200bA12345****");
  EXPECT_EQ(MaskIdsInText("C\u200b200006034"), "C\u200b2000*****");
}

}  // namespace
}  // namespace liaudit
