// Names of the files a job makes from input values: 附表1-<表單編號>.pdf,
// 附表2-<unit>.pdf, 附表3-<申請單編號>.pdf, 附表4-<account>.pdf.
//
// A value from a register can be anything: 300 bytes of unit name, '/', "..", control
// characters, two units that differ only in case. A name made here is safe on the file
// systems a job folder is copied to (ext4, NTFS and SMB shares, FAT on a USB stick):
//  - '/', '\', ':', '*', '?', '"', '<', '>', '|', control characters and bytes that are not
//    UTF-8 become '_'; trailing dots and spaces become '_' (Windows drops them);
//  - the whole name is at most kMaxFileNameBytes bytes (the limit is 255 bytes on ext4,
//    whatever the characters), cut at a character boundary, never inside one;
//  - a value that had to be changed or shortened gets "-" and the first 8 hex digits of its
//    SHA-256, so two long names with the same beginning stay apart and the file still
//    shows the value it belongs to;
//  - the name is unique in its folder as FileNameKey compares names: without case (ASCII,
//    Latin-1, Latin Extended-A and the Extended-B digraphs Ǆ ǅ ǆ, Greek with tonos and final
//    sigma, Cyrillic, Armenian), without zero-width characters (科<ZWSP>科 is 科科), full-width letters and digits as the ASCII ones (ＡＢＣ科 is
//    ABC科 is abc科), and one text in NFC or NFD the same (é and e + U+0301, a Hangul
//    syllable and its jamo), so names a case-insensitive or normalisation-insensitive file
//    system (NTFS, SMB shares, APFS) takes for one do not overwrite each other: the later one
//    gets the hash suffix. Limit: no Unicode library is linked (ICU is not a dependency), so
//    normalisation is covered for Latin letters with one accent (U+00C0-U+017F), combining
//    marks and Hangul only; CJK compatibility ideographs (U+F900-U+FAFF), which NFC maps to
//    unified ones, and compositions of other scripts are compared as they are. Accented and
//    plain letters compare alike too (é and e): a false match only costs a hash suffix.
// The full value stays inside the document and in the manifest (renamed()).
#pragma once
#include <cstddef>
#include <map>
#include <set>
#include <string>

namespace liaudit::jobs {

constexpr size_t kMaxFileNameBytes = 200;

// The key under which FileNamer compares file names (see above); exposed for tests.
std::string FileNameKey(const std::string& name);

class FileNamer {
 public:
  // prefix and extension are the program's own ("附表2-", ".pdf"); value comes from input
  // ("" names itself "_").
  std::string Name(const std::string& prefix, const std::string& value, const std::string& extension);
  // File name -> the value it stands for, for every name that is not prefix + value + extension.
  const std::map<std::string, std::string>& renamed() const { return renamed_; }

 private:
  std::set<std::string> taken_;  // FileNameKey of the names handed out
  std::map<std::string, std::string> renamed_;
};

}  // namespace liaudit::jobs
