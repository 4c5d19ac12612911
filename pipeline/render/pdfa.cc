#include "render/pdfa.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sys/stat.h>

namespace liaudit::render {

const char* const kIccProfileCandidates[] = {
    "/usr/share/color/icc/sRGB.icc",         // icc-profiles-free
    "/usr/share/color/icc/colord/sRGB.icc",  // colord-data
    nullptr,
};

Status LoadIccProfile(const std::string& path, std::string* bytes, std::string* used_path) {
  std::string p = path;
  if (p.empty()) {
    for (const char* const* c = kIccProfileCandidates; *c != nullptr; ++c) {
      struct stat st;
      if (stat(*c, &st) == 0) {
        p = *c;
        break;
      }
    }
    if (p.empty()) {
      return Status::NotFound(
          "render.pdfa = 1b needs an sRGB ICC profile: none at /usr/share/color/icc/sRGB.icc "
          "(Debian package icc-profiles-free) or /usr/share/color/icc/colord/sRGB.icc (colord); "
          "install one, set render.icc_profile, or set render.pdfa = off");
    }
  }
  std::ifstream in(p, std::ios::binary);
  if (!in) return Status::NotFound("render.icc_profile: cannot read " + p);
  bytes->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  // ICC header: size (0..3), version (8), device class (12..15), colour space (16..19),
  // signature 'acsp' (36..39).
  const std::string& b = *bytes;
  if (b.size() < 128 || b.compare(36, 4, "acsp") != 0) {
    return Status::InvalidInput("render.icc_profile: " + p + " is not an ICC profile");
  }
  if (b.compare(16, 4, "RGB ") != 0) {
    return Status::InvalidInput("render.icc_profile: " + p + " is not an RGB profile (PDF/A needs sRGB)");
  }
  if (static_cast<unsigned char>(b[8]) > 2) {
    return Status::InvalidInput("render.icc_profile: " + p + " is an ICC version " +
                                std::to_string(static_cast<unsigned char>(b[8])) +
                                " profile; PDF/A-1 needs version 2");
  }
  *used_path = p;
  return Status::OK();
}

std::string Iso8601(LocalTime t) {
  Civil c = CivilFromDate(DateOf(t));
  int s = SecondOfDay(t);
  char b[40];
  std::snprintf(b, sizeof b, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", c.year, c.month, c.day, s / 3600, (s / 60) % 60,
                s % 60);
  return b;
}

namespace {

std::string XmlText(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default:
        // Control characters are not allowed in XML 1.0 (nor meaningful in a title).
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') o += ' ';
        else o += c;
    }
  }
  return o;
}

}  // namespace

std::string XmpPacket(const XmpFields& f) {
  std::string x;
  x += "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n";
  x += "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n";
  x += "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n";
  x += "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
       "<pdfaid:part>1</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n</rdf:Description>\n";
  x += "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n";
  x += "<dc:format>application/pdf</dc:format>\n";
  x += "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" + XmlText(f.title) + "</rdf:li></rdf:Alt></dc:title>\n";
  if (!f.author.empty()) x += "<dc:creator><rdf:Seq><rdf:li>" + XmlText(f.author) + "</rdf:li></rdf:Seq></dc:creator>\n";
  if (!f.subject.empty()) {
    x += "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">" + XmlText(f.subject) +
         "</rdf:li></rdf:Alt></dc:description>\n";
  }
  x += "</rdf:Description>\n";
  x += "<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n";
  x += "<xmp:CreateDate>" + Iso8601(f.created) + "</xmp:CreateDate>\n";
  x += "<xmp:ModifyDate>" + Iso8601(f.modified) + "</xmp:ModifyDate>\n";
  x += "<xmp:MetadataDate>" + Iso8601(f.modified) + "</xmp:MetadataDate>\n";
  x += "<xmp:CreatorTool>" + XmlText(f.creator_tool) + "</xmp:CreatorTool>\n";
  x += "</rdf:Description>\n";
  x += "<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n";
  x += "<pdf:Producer>" + XmlText(f.producer) + "</pdf:Producer>\n";
  x += "</rdf:Description>\n";
  x += "</rdf:RDF>\n</x:xmpmeta>\n";
  // Room for an editor to update the packet in place, as XMP recommends.
  for (int i = 0; i < 8; ++i) x += std::string(64, ' ') + "\n";
  x += "<?xpacket end=\"w\"?>";
  return x;
}

std::string CidSet(const std::vector<std::pair<uint32_t, int>>& widths) {
  uint32_t max_cid = 0;
  for (const auto& w : widths) max_cid = std::max(max_cid, w.first);
  std::string bits(max_cid / 8 + 1, '\0');
  auto set = [&](uint32_t cid) { bits[cid / 8] = static_cast<char>(bits[cid / 8] | (0x80 >> (cid % 8))); };
  set(0);
  for (const auto& w : widths) set(w.first);
  return bits;
}

}  // namespace liaudit::render
