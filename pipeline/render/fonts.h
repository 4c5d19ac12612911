// Internal to render/: the configured font chain, glyph lookup, and per-document
// subsetting/embedding of the used glyphs (hb-subset). Not a public header.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"

struct hb_blob_t;
struct hb_face_t;
struct hb_font_t;

namespace liaudit::render {

// One loaded face. Glyph advances are in 1/1000 em (PDF glyph space).
struct Face {
  std::string name;   // from fonts.conf, e.g. "TW-Kai"
  std::string path;
  unsigned index = 0;
  bool cff = false;   // CFF outlines (CIDFontType0C) instead of glyf (TrueType)
  unsigned upem = 1000;
  std::string ps_name;  // PostScript name, sanitised for /BaseFont
  double ascent = 880, descent = -120;  // 1/1000 em
  double bbox[4] = {0, -120, 1000, 880};
  hb_blob_t* blob = nullptr;
  hb_face_t* face = nullptr;
  hb_font_t* font = nullptr;
  ~Face();
};

// Parses the font configuration and opens the faces. warnings receives faces that
// could not be found. Errors: unreadable/invalid config (file:line), no face loaded.
Status LoadFontChain(const std::string& config_path, std::vector<std::unique_ptr<Face>>* faces,
                     std::vector<std::string>* warnings);

// A glyph as the document will draw it.
struct Glyph {
  int face = -1;        // index into the chain; -1 = no face has the character
  uint32_t gid = 0;     // original glyph id (written as the CID)
  double advance = 0;   // 1/1000 em
};

// Per-document font use: which glyphs of which face, and the character each stands for.
class FontUse {
 public:
  explicit FontUse(const std::vector<std::unique_ptr<Face>>* faces) : faces_(faces) {}
  // Looks a code point up in the chain (cached). Does not mark the glyph used.
  const Glyph& Lookup(char32_t cp);
  // Marks a glyph used (so it is embedded) and remembers its Unicode value.
  void Use(const Glyph& g, char32_t cp);
  bool face_used(int face) const;
  // Builds the subset font program of `face` (original glyph ids kept) and its
  // /W array text, ToUnicode CMap and a deterministic 6-letter subset tag.
  struct Embedded {
    std::string program;    // the subset font file (TrueType or bare CFF table)
    std::vector<std::pair<uint32_t, int>> widths;  // (gid, advance in 1/1000 em), by gid
    std::string to_unicode; // CMap stream text
    std::string tag;        // "ABCDEF"
  };
  Status Embed(int face, Embedded* out) const;
  const std::vector<std::unique_ptr<Face>>& faces() const { return *faces_; }

 private:
  const std::vector<std::unique_ptr<Face>>* faces_;
  std::vector<Glyph> bmp_;  // cache for U+0000..U+FFFF, lazily filled
  std::vector<uint8_t> bmp_known_;
  std::unordered_map<char32_t, Glyph> astral_;
  // per face: gid -> code point
  std::vector<std::unordered_map<uint32_t, char32_t>> used_;
};

}  // namespace liaudit::render
