#include "jobs/file_names.h"

#include <gtest/gtest.h>

#include <set>

#include "core/text.h"

namespace liaudit::jobs {
namespace {

TEST(FileNamerTest, OrdinaryValuesKeepTheirName) {
  FileNamer n;
  EXPECT_EQ(n.Name("附表2-", "社會救助科", ".pdf"), "附表2-社會救助科.pdf");
  EXPECT_EQ(n.Name("附表4-", "ksw0231", ".pdf"), "附表4-ksw0231.pdf");
  EXPECT_TRUE(n.renamed().empty());
}

// Regression: a unit name of 300 bytes made the whole quarterly fail ("file was not found").
TEST(FileNamerTest, LongNamesAreBoundedInBytesAndStayApart) {
  FileNamer n;
  std::string long_unit;
  for (int i = 0; i < 100; ++i) long_unit += "救";  // 300 bytes
  std::string a = n.Name("附表2-", long_unit + "甲", ".pdf");
  std::string b = n.Name("附表2-", long_unit + "乙", ".pdf");
  EXPECT_LE(a.size(), kMaxFileNameBytes);
  EXPECT_LE(b.size(), kMaxFileNameBytes);
  EXPECT_NE(a, b);
  EXPECT_EQ(FindInvalidUtf8(a), std::string::npos) << "cut inside a character";
  EXPECT_TRUE(StartsWith(a, "附表2-救救救"));
  EXPECT_EQ(a.substr(a.size() - 4), ".pdf");
  EXPECT_EQ(n.renamed().at(a), long_unit + "甲");
  EXPECT_EQ(n.renamed().at(b), long_unit + "乙");
}

TEST(FileNamerTest, SeparatorsDotsAndControlsAreReplaced) {
  struct Case {
    const char* value;
    const char* clean_start;
  } cases[] = {
      {"社工/督導", "附表2-社工_督導-"}, {"..", "附表2-__-"},   {"../../etc", "附表2-.._.._etc-"},
      {"a\tb\nc", "附表2-a_b_c-"},       {"C:\\x", "附表2-C__x-"}, {"科 ", "附表2-科_-"},
      {"a\x7f", "附表2-a_-"},            {"bad\xff", "附表2-bad_-"}, {"x\u202Efdp.exe", "附表2-x_fdp.exe-"},
  };
  for (const Case& c : cases) {
    FileNamer n;
    std::string name = n.Name("附表2-", c.value, ".pdf");
    EXPECT_TRUE(StartsWith(name, c.clean_start)) << c.value << " -> " << name;
    EXPECT_EQ(name.find('/'), std::string::npos);
    EXPECT_EQ(FindInvalidUtf8(name), std::string::npos);
    EXPECT_EQ(n.renamed().at(name), c.value);
  }
}

TEST(FileNamerTest, NamesDifferingOnlyInCaseOrCleanedAlikeDoNotCollide) {
  FileNamer n;
  std::string a = n.Name("附表2-", "ABC科", ".pdf");
  std::string b = n.Name("附表2-", "abc科", ".pdf");
  std::string c = n.Name("附表2-", "A/B", ".pdf");
  std::string d = n.Name("附表2-", "A_B", ".pdf");
  std::string e = n.Name("附表2-", "A_B", ".pdf");  // the caller's own duplicate
  EXPECT_EQ(a, "附表2-ABC科.pdf");
  EXPECT_NE(AsciiLower(a), AsciiLower(b));
  EXPECT_NE(c, d);
  EXPECT_NE(d, e);
  EXPECT_EQ(n.renamed().at(b), "abc科");
}

// Regression (issue 15): only ASCII case was folded, so 附表2-ＡＢＣ科.pdf and 附表2-abc科.pdf, or a
// unit name typed on a Mac (NFD) and on Windows (NFC), could be one file on an SMB share or a
// Mac and overwrite each other.
TEST(FileNamerTest, FullWidthLettersAndNormalisationFormsDoNotCollide) {
  EXPECT_EQ(FileNameKey("ＡＢＣ科"), FileNameKey("abc科"));
  EXPECT_EQ(FileNameKey("ａｂｃ１"), FileNameKey("ABC1"));
  EXPECT_EQ(FileNameKey("Jos\xC3\xA9"), FileNameKey("Jose\xCC\x81"));        // é NFC, NFD
  EXPECT_EQ(FileNameKey("\xC3\x89" "cole"), FileNameKey("e\xCC\x81" "cole"));     // É, e + acute
  EXPECT_EQ(FileNameKey("\xC5\xA0koda"), FileNameKey("S\xCC\x8Ckoda"));     // Š, S + caron
  // Regression (issue 15 review): names NTFS/APFS fold alike but the key did not.
  EXPECT_EQ(FileNameKey("\u01C5科"), FileNameKey("\u01C4科"));  // ǅ Ǆ
  EXPECT_EQ(FileNameKey("\u01C6科"), FileNameKey("\u01C4科"));  // ǆ Ǆ
  EXPECT_NE(FileNameKey("\u01C4科"), FileNameKey("\u01C7科"));  // Ǆ Ǉ
  EXPECT_EQ(FileNameKey("\u03C2科"), FileNameKey("\u03A3科"));  // ς Σ
  EXPECT_EQ(FileNameKey("\u0386"), FileNameKey("\u03AC"));      // Ά ά
  EXPECT_EQ(FileNameKey("\u0141\u0110\u014A"), FileNameKey("\u0142\u0111\u014B"));  // Ł Đ Ŋ
  EXPECT_EQ(FileNameKey("\u0531"), FileNameKey("\u0561"));      // Armenian Ա ա
  EXPECT_EQ(FileNameKey("\u0130"), FileNameKey("i"));            // İ as before
  EXPECT_EQ(FileNameKey("科\u200b科"), FileNameKey("科科"));      // zero-width space
  EXPECT_EQ(FileNameKey("科\u00AD\uFEFF科"), FileNameKey("科科"));
  FileNamer namer;
  std::set<std::string> named;
  for (const char* unit : {"\u01C5科", "\u01C4科", "\u03C2科", "\u03A3科", "科\u200b科", "科科"})
    named.insert(FileNameKey(namer.Name("附表2-", unit, ".pdf")));
  EXPECT_EQ(named.size(), 6u);  // six files on NTFS/SMB too
  EXPECT_EQ(FileNameKey("\xED\x95\x9C"), FileNameKey("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB"));  // 한, its jamo
  EXPECT_EQ(FileNameKey("\xCE\x91\xD0\x96"), FileNameKey("\xCE\xB1\xD0\xB6"));  // Greek, Cyrillic capitals
  EXPECT_NE(FileNameKey("社會救助科"), FileNameKey("社會福利科"));
  EXPECT_EQ(FileNameKey("社會救助科"), "社會救助科");

  FileNamer n;
  const std::string names[] = {n.Name("附表2-", "abc科", ".pdf"), n.Name("附表2-", "ＡＢＣ科", ".pdf"),
                               n.Name("附表2-", "Ａｂｃ科", ".pdf"), n.Name("附表4-", "Jos\xC3\xA9", ".pdf"),
                               n.Name("附表4-", "Jose\xCC\x81", ".pdf"), n.Name("附表4-", "\xED\x95\x9C", ".pdf"),
                               n.Name("附表4-", "\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB", ".pdf")};
  std::set<std::string> keys;
  for (const std::string& name : names) keys.insert(FileNameKey(name));
  EXPECT_EQ(keys.size(), std::size(names));  // no two are one file where case and width do not count
  EXPECT_EQ(names[0], "附表2-abc科.pdf");
  EXPECT_TRUE(StartsWith(names[1], "附表2-ＡＢＣ科-")) << names[1];  // the later one carries the hash
  EXPECT_EQ(n.renamed().at(names[1]), "ＡＢＣ科");
  EXPECT_EQ(n.renamed().at(names[4]), "Jose\xCC\x81");
}

}  // namespace
}  // namespace liaudit::jobs
