// Internal to render/: the parts of PDF/A-1b (ISO 19005-1, level B) the engine adds to a
// document: the XMP metadata packet that mirrors the info dictionary, the sRGB ICC profile
// of the OutputIntent, and the CIDSet of a subset CID font. See docs/pdf.md. Not a public
// header.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/datetime.h"
#include "core/status.h"

namespace liaudit::render {

// Where the sRGB profile is looked for when render.icc_profile is empty, in this order:
// icc-profiles-free's, then colord's (both Debian packages; scripts/setup.sh installs the
// first).
extern const char* const kIccProfileCandidates[];

// Reads the ICC profile at `path` (empty = the first of kIccProfileCandidates that exists)
// into *bytes and checks that it is an RGB display profile of version 2 (PDF/A-1 is based
// on PDF 1.4, which knows ICC version 2 only); *used_path receives the file read.
Status LoadIccProfile(const std::string& path, std::string* bytes, std::string* used_path);

// The document's metadata as both the info dictionary and the XMP packet carry it (UTF-8).
struct XmpFields {
  std::string title, author, subject, creator_tool, producer;
  LocalTime created = kNoTime, modified = kNoTime;  // Taipei local time (+08:00)
};

// The XMP packet (xpacket wrapper, UTF-8, no encoding/bytes attributes) declaring
// pdfaid:part 1 and pdfaid:conformance B, with dc:title, dc:creator, dc:description,
// xmp:CreateDate/ModifyDate/MetadataDate (ISO 8601, +08:00), xmp:CreatorTool, pdf:Producer.
std::string XmpPacket(const XmpFields& f);

// "2026-09-30T18:05:00+08:00".
std::string Iso8601(LocalTime t);

// The /CIDSet stream bytes: one bit per CID from 0 to the highest in `cids` (CID 0, .notdef,
// always set), most significant bit first.
std::string CidSet(const std::vector<std::pair<uint32_t, int>>& widths);

}  // namespace liaudit::render
