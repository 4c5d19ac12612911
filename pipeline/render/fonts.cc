#include "render/fonts.h"

#include <fontconfig/fontconfig.h>
#include <hb-ot.h>
#include <hb-subset.h>
#include <hb.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/stat.h>

#include "core/text.h"

namespace liaudit::render {
namespace {

bool FileExists(const std::string& p) {
  struct stat st;
  return !p.empty() && stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// Splits `name key=value key="a b"` into words, honouring double quotes.
bool SplitWords(const std::string& line, std::vector<std::string>* out) {
  std::string cur;
  bool in_q = false, have = false;
  for (char c : line) {
    if (c == '"') { in_q = !in_q; have = true; continue; }
    if (!in_q && (c == ' ' || c == '\t' || c == '\r')) {
      if (have) out->push_back(cur);
      cur.clear();
      have = false;
      continue;
    }
    cur += c;
    have = true;
  }
  if (have) out->push_back(cur);
  return !in_q;
}

// fontconfig lookup of a family; only an exact family match counts (fontconfig always
// returns *some* font, which would silently change the look of the documents).
bool FindWithFontconfig(const std::string& family, std::string* path, unsigned* index) {
  if (family.empty()) return false;
  FcPattern* pat = FcPatternCreate();
  FcPatternAddString(pat, FC_FAMILY, reinterpret_cast<const FcChar8*>(family.c_str()));
  FcConfigSubstitute(nullptr, pat, FcMatchPattern);
  FcDefaultSubstitute(pat);
  FcResult res;
  FcPattern* m = FcFontMatch(nullptr, pat, &res);
  bool ok = false;
  if (m) {
    FcChar8* fam = nullptr;
    for (int i = 0; FcPatternGetString(m, FC_FAMILY, i, &fam) == FcResultMatch; ++i) {
      if (AsciiLower(reinterpret_cast<const char*>(fam)) == AsciiLower(family)) ok = true;
    }
    FcChar8* file = nullptr;
    int idx = 0;
    if (ok && FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch) {
      *path = reinterpret_cast<const char*>(file);
      if (FcPatternGetInteger(m, FC_INDEX, 0, &idx) == FcResultMatch) *index = static_cast<unsigned>(idx);
    } else {
      ok = false;
    }
    FcPatternDestroy(m);
  }
  FcPatternDestroy(pat);
  return ok;
}

int16_t ReadI16(const char* p) {
  return static_cast<int16_t>((static_cast<uint8_t>(p[0]) << 8) | static_cast<uint8_t>(p[1]));
}

Status OpenFace(Face* f) {
  f->blob = hb_blob_create_from_file_or_fail(f->path.c_str());
  if (!f->blob) return Status::IoError("cannot read font file " + f->path);
  if (f->index >= hb_face_count(f->blob)) {
    return Status::InvalidInput("font " + f->path + " has no face " + std::to_string(f->index));
  }
  f->face = hb_face_create(f->blob, f->index);
  f->upem = hb_face_get_upem(f->face);
  if (f->upem == 0) return Status::InvalidInput("font " + f->path + " has no units per em");
  f->font = hb_font_create(f->face);
  int upem = static_cast<int>(f->upem);
  hb_font_set_scale(f->font, upem, upem);
  hb_blob_t* cff = hb_face_reference_table(f->face, HB_TAG('C', 'F', 'F', ' '));
  f->cff = hb_blob_get_length(cff) > 0;
  hb_blob_destroy(cff);
  if (!f->cff) {
    hb_blob_t* glyf = hb_face_reference_table(f->face, HB_TAG('g', 'l', 'y', 'f'));
    bool has_glyf = hb_blob_get_length(glyf) > 0;
    hb_blob_destroy(glyf);
    if (!has_glyf) return Status::InvalidInput("font " + f->path + " has neither glyf nor CFF outlines");
  }
  const double k = 1000.0 / f->upem;
  hb_position_t v = 0;
  if (hb_ot_metrics_get_position(f->font, HB_OT_METRICS_TAG_HORIZONTAL_ASCENDER, &v)) f->ascent = v * k;
  if (hb_ot_metrics_get_position(f->font, HB_OT_METRICS_TAG_HORIZONTAL_DESCENDER, &v)) f->descent = v * k;
  hb_blob_t* head = hb_face_reference_table(f->face, HB_TAG('h', 'e', 'a', 'd'));
  unsigned len = 0;
  const char* d = hb_blob_get_data(head, &len);
  if (len >= 44) {
    for (int i = 0; i < 4; ++i) f->bbox[i] = ReadI16(d + 36 + 2 * i) * k;
  }
  hb_blob_destroy(head);
  char buf[128];
  unsigned n = sizeof(buf);
  if (hb_ot_name_get_utf8(f->face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &n, buf) > 0) {
    f->ps_name.assign(buf, n);
  }
  std::string clean;
  for (char c : f->ps_name.empty() ? f->name : f->ps_name) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') clean += c;
  }
  f->ps_name = clean.empty() ? "Font" : clean;
  return Status::OK();
}

}  // namespace

Face::~Face() {
  if (font) hb_font_destroy(font);
  if (face) hb_face_destroy(face);
  if (blob) hb_blob_destroy(blob);
}

Status LoadFontChain(const std::string& config_path, std::vector<std::unique_ptr<Face>>* faces,
                     std::vector<std::string>* warnings) {
  std::ifstream in(config_path);
  if (!in) return Status::IoError("cannot open font configuration " + config_path);
  std::string line;
  long lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    std::string_view t = Trim(line);
    if (t.empty() || t[0] == '#') continue;
    std::vector<std::string> w;
    if (!SplitWords(std::string(t), &w)) return Status::AtInput(config_path, lineno, 0, "unbalanced quote");
    if (w[0] != "face" || w.size() < 2) {
      return Status::AtInput(config_path, lineno, 1, "expected 'face NAME [file=PATH] [index=N] [family=NAME]'");
    }
    auto f = std::make_unique<Face>();
    f->name = w[1];
    std::string file, family;
    long index = -1;
    for (size_t i = 2; i < w.size(); ++i) {
      size_t eq = w[i].find('=');
      std::string k = w[i].substr(0, eq), v = eq == std::string::npos ? "" : w[i].substr(eq + 1);
      if (k == "file") file = v;
      else if (k == "family") family = v;
      else if (k == "index") {
        char* end = nullptr;
        index = std::strtol(v.c_str(), &end, 10);
        if (v.empty() || *end || index < 0) return Status::AtInput(config_path, lineno, 0, "bad index '" + v + "'");
      } else {
        return Status::AtInput(config_path, lineno, 0, "unknown key '" + k + "' (file, index, family)");
      }
    }
    // A relative file= is relative to the configuration's folder, not to the current one,
    // so a font chain shipped beside its fonts works wherever it is installed.
    if (!file.empty() && file[0] != '/') {
      size_t slash = config_path.rfind('/');
      if (slash != std::string::npos) file = config_path.substr(0, slash + 1) + file;
    }
    unsigned fc_index = 0;
    if (FileExists(file)) {
      f->path = file;
      f->index = index < 0 ? 0 : static_cast<unsigned>(index);
    } else if (FindWithFontconfig(family, &f->path, &fc_index)) {
      f->index = index < 0 ? fc_index : static_cast<unsigned>(index);
    } else {
      warnings->push_back("font " + f->name + " not found (" + (file.empty() ? family : file) + "), skipped");
      continue;
    }
    Status st = OpenFace(f.get());
    if (!st.ok()) {
      warnings->push_back("font " + f->name + ": " + st.message() + ", skipped");
      continue;
    }
    faces->push_back(std::move(f));
  }
  if (faces->empty()) return Status::NotFound("no usable font in " + config_path);
  return Status::OK();
}

const Glyph& FontUse::Lookup(char32_t cp) {
  if (cp < 0x10000) {
    if (bmp_.empty()) {
      bmp_.resize(0x10000);
      bmp_known_.assign(0x10000, 0);
    }
    if (bmp_known_[cp]) return bmp_[cp];
  } else {
    auto it = astral_.find(cp);
    if (it != astral_.end()) return it->second;
  }
  Glyph g;
  g.advance = 1000;
  const auto& fs = *faces_;
  for (size_t i = 0; i < fs.size(); ++i) {
    hb_codepoint_t gid = 0;
    if (hb_font_get_nominal_glyph(fs[i]->font, cp, &gid) && gid != 0) {
      g.face = static_cast<int>(i);
      g.gid = gid;
      g.advance = hb_font_get_glyph_h_advance(fs[i]->font, gid) * 1000.0 / fs[i]->upem;
      break;
    }
  }
  if (cp < 0x10000) {
    bmp_[cp] = g;
    bmp_known_[cp] = 1;
    return bmp_[cp];
  }
  return astral_.emplace(cp, g).first->second;
}

void FontUse::Use(const Glyph& g, char32_t cp) {
  if (g.face < 0) return;
  if (used_.size() < faces_->size()) used_.resize(faces_->size());
  used_[static_cast<size_t>(g.face)].emplace(g.gid, cp);
}

bool FontUse::face_used(int face) const {
  return static_cast<size_t>(face) < used_.size() && !used_[static_cast<size_t>(face)].empty();
}

namespace {
void AppendUtf16Hex(std::string* out, char32_t cp) {
  char b[16];
  if (cp >= 0x10000) {
    char32_t v = cp - 0x10000;
    std::snprintf(b, sizeof b, "%04X%04X", static_cast<unsigned>(0xD800 + (v >> 10)),
                  static_cast<unsigned>(0xDC00 + (v & 0x3FF)));
  } else {
    std::snprintf(b, sizeof b, "%04X", static_cast<unsigned>(cp));
  }
  *out += b;
}
}  // namespace

Status FontUse::Embed(int face_index, Embedded* out) const {
  const Face& f = *(*faces_)[static_cast<size_t>(face_index)];
  std::map<uint32_t, char32_t> used(used_[static_cast<size_t>(face_index)].begin(),
                                    used_[static_cast<size_t>(face_index)].end());
  hb_subset_input_t* in = hb_subset_input_create_or_fail();
  if (!in) return Status::Internal("hb_subset_input_create_or_fail failed");
  hb_set_t* gs = hb_subset_input_glyph_set(in);
  hb_set_add(gs, 0);
  for (auto& [gid, cp] : used) hb_set_add(gs, gid);
  hb_set_t* drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
  // Shaping is done before embedding, so layout tables are dead weight in the PDF.
  for (hb_tag_t t : {HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'), HB_TAG('G', 'D', 'E', 'F'),
                     HB_TAG('B', 'A', 'S', 'E'), HB_TAG('J', 'S', 'T', 'F'), HB_TAG('D', 'S', 'I', 'G'),
                     HB_TAG('v', 'h', 'e', 'a'), HB_TAG('v', 'm', 't', 'x'), HB_TAG('V', 'O', 'R', 'G'),
                     HB_TAG('k', 'e', 'r', 'n'), HB_TAG('h', 'd', 'm', 'x'), HB_TAG('L', 'T', 'S', 'H'),
                     HB_TAG('V', 'D', 'M', 'X')}) {
    hb_set_add(drop, t);
  }
  // Keep the original glyph ids: content streams are written with them as CIDs while
  // the document is still growing, long before the subset exists.
  hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_RETAIN_GIDS | HB_SUBSET_FLAGS_NO_HINTING);
  hb_subset_plan_t* plan = hb_subset_plan_create_or_fail(f.face, in);
  hb_subset_input_destroy(in);
  if (!plan) return Status::Internal("hb-subset plan failed for font " + f.name);
  hb_face_t* sub = hb_subset_plan_execute_or_fail(plan);
  hb_subset_plan_destroy(plan);
  if (!sub) return Status::Internal("hb-subset failed for font " + f.name);
  hb_blob_t* blob = f.cff ? hb_face_reference_table(sub, HB_TAG('C', 'F', 'F', ' ')) : hb_face_reference_blob(sub);
  unsigned len = 0;
  const char* data = hb_blob_get_data(blob, &len);
  out->program.assign(data, len);
  hb_blob_destroy(blob);
  hb_face_destroy(sub);
  if (out->program.empty()) return Status::Internal("hb-subset produced an empty font for " + f.name);

  // Deterministic tag from the glyph set (FNV-1a).
  uint64_t h = 1469598103934665603ull;
  for (auto& [gid, cp] : used) {
    h = (h ^ gid) * 1099511628211ull;
    h = (h ^ static_cast<uint64_t>(face_index)) * 1099511628211ull;
  }
  out->tag.clear();
  for (int i = 0; i < 6; ++i) {
    out->tag += static_cast<char>('A' + h % 26);
    h /= 26;
  }

  out->widths.clear();
  for (auto& [gid, cp] : used) {
    hb_position_t adv = hb_font_get_glyph_h_advance(f.font, gid);
    out->widths.emplace_back(gid, static_cast<int>(std::lround(adv * 1000.0 / f.upem)));
  }
  char b[64];
  std::string cm =
      "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
      "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
      "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
  std::vector<std::pair<uint32_t, char32_t>> v(used.begin(), used.end());
  for (size_t i = 0; i < v.size(); i += 100) {
    size_t n = std::min<size_t>(100, v.size() - i);
    cm += std::to_string(n) + " beginbfchar\n";
    for (size_t j = i; j < i + n; ++j) {
      std::snprintf(b, sizeof b, "<%04X> <", v[j].first);
      cm += b;
      AppendUtf16Hex(&cm, v[j].second);
      cm += ">\n";
    }
    cm += "endbfchar\n";
  }
  cm += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
  out->to_unicode = std::move(cm);
  return Status::OK();
}

}  // namespace liaudit::render
