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
//  - the name is unique in its folder compared without ASCII case, so names that differ only
//    in case do not overwrite each other on a case-insensitive file system (the later one
//    gets the hash suffix).
// The full value stays inside the document and in the manifest (renamed()).
#pragma once
#include <cstddef>
#include <map>
#include <set>
#include <string>

namespace liaudit::jobs {

constexpr size_t kMaxFileNameBytes = 200;

class FileNamer {
 public:
  // prefix and extension are the program's own ("附表2-", ".pdf"); value comes from input
  // ("" names itself "_").
  std::string Name(const std::string& prefix, const std::string& value, const std::string& extension);
  // File name -> the value it stands for, for every name that is not prefix + value + extension.
  const std::map<std::string, std::string>& renamed() const { return renamed_; }

 private:
  std::set<std::string> taken_;  // ASCII-lower-cased names handed out
  std::map<std::string, std::string> renamed_;
};

}  // namespace liaudit::jobs
