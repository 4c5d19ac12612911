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

}  // namespace
}  // namespace liaudit
