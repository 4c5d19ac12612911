#include "render/pdf.h"

#include <podofo/podofo.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

#include "core/text.h"
#include "render/fonts.h"
#include "render/pdfa.h"

namespace liaudit::render {

using namespace PoDoFo;

// ---------------------------------------------------------------- engine

struct Engine::Impl {
  RenderOptions opts;
  std::vector<std::unique_ptr<Face>> faces;
  std::vector<std::string> load_warnings;
  std::string icc_deflated;  // the OutputIntent's ICC profile, deflated once (PDF/A only)
};

bool ParsePdfA(const std::string& text, RenderOptions::PdfA* out) {
  std::string t;
  for (char c : text) t += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (t == "1b" || t == "pdf/a-1b" || t == "a-1b") {
    *out = RenderOptions::PdfA::kA1b;
    return true;
  }
  if (t == "off" || t == "no" || t == "none") {
    *out = RenderOptions::PdfA::kOff;
    return true;
  }
  return false;
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;
const RenderOptions& Engine::options() const { return impl_->opts; }

std::vector<std::string> Engine::FaceNames() const {
  std::vector<std::string> v;
  for (auto& f : impl_->faces) v.push_back(f->name);
  return v;
}

namespace {
std::string Deflate(const std::string& in, int level);
}  // namespace

Status Engine::Create(const RenderOptions& opts, std::unique_ptr<Engine>* out) {
  // PoDoFo's debug output goes to stderr and costs time on big documents.
  PdfError::EnableDebug(false);
  PdfError::EnableLogging(false);
  auto impl = std::make_unique<Impl>();
  impl->opts = opts;
#ifdef LIAUDIT_SOURCE_ROOT
  const std::string root = LIAUDIT_SOURCE_ROOT;
#else
  const std::string root = ".";
#endif
  if (impl->opts.fonts_config.empty()) impl->opts.fonts_config = root + "/fonts/fonts.conf";
  if (impl->opts.templates_dir.empty()) impl->opts.templates_dir = root + "/templates";
  if (impl->opts.compression < 1 || impl->opts.compression > 9) impl->opts.compression = 6;
  LIAUDIT_RETURN_IF_ERROR(LoadFontChain(impl->opts.fonts_config, &impl->faces, &impl->load_warnings));
  if (impl->opts.pdfa != RenderOptions::PdfA::kOff) {
    std::string used, icc;
    LIAUDIT_RETURN_IF_ERROR(LoadIccProfile(impl->opts.icc_profile, &icc, &used));
    impl->opts.icc_profile = used;
    impl->icc_deflated = Deflate(icc, 9);
  }
  out->reset(new Engine(std::move(impl)));
  return Status::OK();
}

// ---------------------------------------------------------------- document

namespace {

// Fast, locale-independent number formatting for content streams (2 decimals, trimmed).
void Num(std::string* s, double v) {
  long long n = std::llround(v * 100.0);
  if (n < 0) {
    *s += '-';
    n = -n;
  }
  long long ip = n / 100, fp = n % 100;
  char b[32];
  int len = 0;
  char t[24];
  int tl = 0;
  do {
    t[tl++] = static_cast<char>('0' + ip % 10);
    ip /= 10;
  } while (ip);
  while (tl) b[len++] = t[--tl];
  if (fp) {
    b[len++] = '.';
    b[len++] = static_cast<char>('0' + fp / 10);
    if (fp % 10) b[len++] = static_cast<char>('0' + fp % 10);
  }
  s->append(b, static_cast<size_t>(len));
}

void Nums(std::string* s, std::initializer_list<double> v) {
  for (double d : v) {
    Num(s, d);
    *s += ' ';
  }
}

bool IsBlack(const Color& c) { return c.r == 0 && c.g == 0 && c.b == 0; }

void SetFill(std::string* s, const Color& c) {
  if (c.r == c.g && c.g == c.b) {
    Nums(s, {c.r});
    *s += "g\n";
  } else {
    Nums(s, {c.r, c.g, c.b});
    *s += "rg\n";
  }
}
void SetStroke(std::string* s, const LineStyle& ls) {
  Nums(s, {ls.width});
  *s += "w\n";
  if (!IsBlack(ls.color)) {
    if (ls.color.r == ls.color.g && ls.color.g == ls.color.b) {
      Nums(s, {ls.color.r});
      *s += "G\n";
    } else {
      Nums(s, {ls.color.r, ls.color.g, ls.color.b});
      *s += "RG\n";
    }
  }
  if (ls.dash > 0) {
    *s += "[";
    Nums(s, {ls.dash});
    *s += "] 0 d\n";
  }
}

// Closing punctuation never starts a line; opening punctuation never ends one.
bool IsClosing(char32_t c) {
  static const std::u32string k = U"，。、；：！？）」』】〕》〉…,.;:!?)]}%·～";
  return k.find(c) != std::u32string::npos;
}
bool IsOpening(char32_t c) {
  static const std::u32string k = U"（「『【〔《〈([{";
  return k.find(c) != std::u32string::npos;
}
bool IsWide(char32_t c) { return c >= 0x2E80; }

std::string PdfDateString(LocalTime t) {
  Date d = DateOf(t);
  Civil c = CivilFromDate(d);
  int s = SecondOfDay(t);
  char b[64];
  std::snprintf(b, sizeof b, "D:%04d%02d%02d%02d%02d%02d+08'00'", c.year, c.month, c.day, s / 3600,
                (s / 60) % 60, s % 60);
  return b;
}

std::string Deflate(const std::string& in, int level) {
  uLongf cap = compressBound(static_cast<uLong>(in.size()));
  std::string out(cap, '\0');
  compress2(reinterpret_cast<Bytef*>(&out[0]), &cap, reinterpret_cast<const Bytef*>(in.data()),
            static_cast<uLong>(in.size()), level);
  out.resize(cap);
  return out;
}

}  // namespace

struct Bookmark {
  std::string title;
  int page;
  double y;
  int level;
};

// Structure types (standard ones of PDF 1.4, so no /RoleMap). kNonStruct groups the
// children of an element that has more than an array may hold (PDF/A-1: 8,191 entries);
// readers treat its children as its parent's.
enum class SType : uint8_t { kDocument, kP, kH1, kH2, kH3, kH4, kTH, kTD, kTable, kTR, kSect, kFigure, kNonStruct };
const char* const kSTypeName[] = {"Document", "P",  "H1", "H2",   "H3",     "H4",       "TH",
                                  "TD",       "Table", "TR", "Sect", "Figure", "NonStruct"};
inline const char* Name(SType t) { return kSTypeName[static_cast<size_t>(t)]; }

// One element of the structure tree, 20 bytes: a 10,000-page 附表2 has over a million. A
// leaf (P, H1, TH, TD, Figure) owns at most one marked-content sequence (page + MCID); a
// grouping element (Document, Table, TR, Sect) has child elements: those whose parent it is,
// in the order they were made (elements are only ever appended, so that is the drawing order
// = reading order), found at Finish. Index 0 is the Document element.
struct StructElem {
  SType type = SType::kP;
  int32_t parent = -1;
  int32_t page = -1, mcid = -1;
  int32_t alt = -1;  // index into Document::Impl::alts
};

struct Document::Impl {
  Engine* engine = nullptr;
  bool tagged = false;
  std::vector<StructElem> elems;
  std::vector<std::string> alts;
  std::vector<int> open_groups;            // innermost last; [0] = the Document element
  std::vector<std::vector<int>> page_mcids;  // per page: the element of each MCID
  // A new leaf element under the innermost open group, owning MCID n of `page` (or nothing
  // when page < 0); returns n, or -1.
  int AddLeaf(SType type, int page, int alt = -1) {
    StructElem e;
    e.type = type;
    e.parent = open_groups.back();
    e.alt = alt;
    int mcid = -1;
    if (page >= 0) {
      auto& v = page_mcids[static_cast<size_t>(page)];
      mcid = static_cast<int>(v.size());
      v.push_back(static_cast<int>(elems.size()));
      e.page = page;
      e.mcid = mcid;
    }
    elems.push_back(e);
    return mcid;
  }
  DocInfo info;
  FontUse fonts;
  std::vector<std::unique_ptr<Canvas>> pages;
  std::vector<std::string> sealed;  // deflated content of pages[i] once sealed; empty = not yet
  std::vector<std::unique_ptr<Template>> templates;
  std::function<void(Canvas&, int, int)> decorator;
  std::vector<Bookmark> bookmarks;
  std::set<char32_t> missing;
  std::vector<std::string> warnings;
  bool has_stamp = false;
  int stamp_page = 0;
  Box stamp;
  bool finished = false;
  explicit Impl(Engine* e) : engine(e), fonts(&e->impl_->faces) {}
};

std::unique_ptr<Document> Engine::NewDocument(const DocInfo& info) {
  auto impl = std::make_unique<Document::Impl>(this);
  impl->info = info;
  if (impl->info.name.empty()) impl->info.name = info.title;
  impl->tagged = impl_->opts.tagged;
  if (impl->tagged) {
    impl->elems.emplace_back();
    impl->elems.back().type = SType::kDocument;
    impl->open_groups.push_back(0);
  }
  return std::unique_ptr<Document>(new Document(std::move(impl)));
}

Document::Document(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Document::~Document() = default;
const DocInfo& Document::info() const { return impl_->info; }

Canvas& Document::NewPage() {
  auto& I = *impl_;
  // Pages two behind the newest are sealed (deflated) to bound memory on 10,000-page
  // documents; later drawing on them still works (it goes into an extra content stream).
  if (I.pages.size() >= 2) {
    size_t k = I.pages.size() - 2;
    if (I.sealed[k].empty()) {
      I.sealed[k] = Deflate(I.pages[k]->content_, I.engine->impl_->opts.compression);
      std::string().swap(I.pages[k]->content_);
    }
  }
  I.pages.emplace_back(new Canvas(this, I.info.page_width, I.info.page_height));
  I.pages.back()->page_index_ = static_cast<int>(I.pages.size()) - 1;
  I.sealed.emplace_back();
  if (I.tagged) I.page_mcids.emplace_back();
  return *I.pages.back();
}

int Document::page_count() const { return static_cast<int>(impl_->pages.size()); }
Canvas& Document::page(int index) { return *impl_->pages.at(static_cast<size_t>(index)); }

Template& Document::NewTemplate() {
  auto& I = *impl_;
  I.templates.emplace_back(
      new Template(this, I.info.page_width, I.info.page_height, static_cast<int>(I.templates.size())));
  return *I.templates.back();
}

void Document::SetPageDecorator(std::function<void(Canvas&, int, int)> f) { impl_->decorator = std::move(f); }

void Document::AddBookmark(const std::string& title, int page_index, double y, int level) {
  impl_->bookmarks.push_back({title, page_index, y, std::max(0, level)});
}

// ---------------------------------------------------------------- text layout

namespace {

struct ShapedChar {
  char32_t cp;
  const Glyph* g;
};

struct LineSpan {
  size_t begin, end;  // [begin, end) into the shaped chars
  double width;       // 1/1000 em units
};

void Shape(FontUse* fonts, std::string_view utf8, std::vector<ShapedChar>* out) {
  out->clear();
  size_t i = 0;
  while (i < utf8.size()) {
    char32_t cp = NextCodePoint(utf8, &i);
    if (cp == '\r' || cp == '\t') cp = ' ';
    if (cp == '\n') {
      out->push_back({cp, nullptr});
      continue;
    }
    if (cp < 0x20) continue;
    out->push_back({cp, &fonts->Lookup(cp)});
  }
}

double Advance(const ShapedChar& c) { return c.g ? c.g->advance : 0; }

// The glyph of *cp, or of `fallback` (and *cp becomes it) when no face has *cp.
const Glyph* GlyphOr(FontUse* fonts, char32_t* cp, char32_t fallback) {
  const Glyph* g = &fonts->Lookup(*cp);
  if (g->face >= 0) return g;
  *cp = fallback;
  return &fonts->Lookup(fallback);
}

// Breaks shaped text into lines no wider than max_w (1/1000 em units); max_w <= 0: no wrap.
// A closing mark may end a line up to `hang` past max_w (into the box's inner margin, never
// past its border), as in print; beyond that the character before it goes along with it.
void BreakLines(const std::vector<ShapedChar>& s, double max_w, std::vector<LineSpan>* lines, double hang = 0) {
  lines->clear();
  size_t start = 0, last_break = std::string::npos;
  double w = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i].cp == '\n') {
      lines->push_back({start, i, w});
      start = i + 1;
      w = 0;
      last_break = std::string::npos;
      continue;
    }
    double a = Advance(s[i]);
    if (max_w > 0 && w + a > max_w && w + a <= max_w + hang && IsClosing(s[i].cp)) {
      w += a;  // hangs into the inner margin
      last_break = i + 1;
      continue;
    }
    size_t brk = i;
    if (max_w > 0 && w + a > max_w && i > start) {
      // Prefer the last break opportunity for Latin words; CJK may break anywhere.
      if (!IsWide(s[i].cp) && s[i].cp != ' ' && last_break != std::string::npos && last_break > start) brk = last_break;
      // Closing punctuation never starts a line: the character before it goes to the next
      // line with it (a mark hanging past the box would cross a table's border). Only a
      // line of nothing but that character and its marks lets them hang.
      while (brk > start + 1 && IsClosing(s[brk].cp)) --brk;
    }
    if (max_w > 0 && w + a > max_w && i > start && !IsClosing(s[brk].cp)) {
      // Keep an opening bracket with what follows it.
      if (brk > start + 1 && IsOpening(s[brk - 1].cp)) --brk;
      double lw = 0;
      for (size_t k = start; k < brk; ++k) lw += Advance(s[k]);
      lines->push_back({start, brk, lw});
      start = brk;
      while (start < s.size() && s[start].cp == ' ') ++start;
      w = 0;
      for (size_t k = start; k < i; ++k) w += Advance(s[k]);
      last_break = std::string::npos;
      if (start > i) {
        i = start - 1;
        continue;
      }
    }
    w += a;
    if (s[i].cp == ' ' || IsWide(s[i].cp)) last_break = i + 1;
  }
  lines->push_back({start, s.size(), w});
  // Trailing spaces do not count for alignment.
  for (auto& l : *lines) {
    while (l.end > l.begin && s[l.end - 1].cp == ' ') {
      --l.end;
      l.width -= Advance(s[l.end]);
    }
  }
}

// A box's inner margins and inner size for `st` (the inner size at least 1 pt).
struct Inner {
  double py, aw, ah;
};
Inner InnerOf(const Box& box, const TextStyle& st) {
  const double py = st.padding_y < 0 ? st.padding : st.padding_y;
  return {py, std::max(1.0, box.w - 2 * st.padding), std::max(1.0, box.h - 2 * py)};
}

// The size Canvas::Text draws `s` at in a box of inner size in.aw x in.ah: st.size, or
// smaller (down to st.min_size) until the lines fit. *lines are broken at that size; *fits
// says whether they fit: no taller than the box, no line wider (a wrapped line may be wider
// by a closing mark hanging into the inner margin).
double FitText(const std::vector<ShapedChar>& s, const TextStyle& st, const Inner& in, std::vector<LineSpan>* lines,
               bool* fits) {
  double size = st.size;
  for (;;) {
    BreakLines(s, st.wrap ? in.aw * 1000.0 / size : 0, lines, st.padding * 1000.0 / size);
    const double need_h = static_cast<double>(lines->size()) * size * st.leading;
    double max_w = 0;
    for (auto& l : *lines) max_w = std::max(max_w, l.width * size / 1000.0);
    *fits = need_h <= in.ah + 0.01 && max_w <= in.aw + (st.wrap ? st.padding : 0) + 0.01;
    if (*fits || !st.shrink_to_fit || size <= st.min_size) return size;
    if (!st.wrap && max_w > in.aw) {
      size = std::max(st.min_size, std::min(size - 0.25, size * in.aw / max_w));
    } else {
      size = std::max(st.min_size, size - 0.5);
    }
  }
}

}  // namespace

double Document::TextWidth(std::string_view utf8, double size) {
  std::vector<ShapedChar> s;
  Shape(&impl_->fonts, utf8, &s);
  double w = 0, best = 0;
  for (auto& c : s) {
    if (c.cp == '\n') {
      best = std::max(best, w);
      w = 0;
    } else {
      w += Advance(c);
    }
  }
  return std::max(best, w) * size / 1000.0;
}

double Document::TextHeight(std::string_view utf8, double width, const TextStyle& st) {
  std::vector<ShapedChar> s;
  Shape(&impl_->fonts, utf8, &s);
  std::vector<LineSpan> lines;
  double avail = width - 2 * st.padding;
  BreakLines(s, st.wrap ? std::max(1.0, avail) * 1000.0 / st.size : 0, &lines, st.padding * 1000.0 / st.size);
  return static_cast<double>(lines.size()) * st.size * st.leading + 2 * (st.padding_y < 0 ? st.padding : st.padding_y);
}

bool Document::TextFits(const Box& box, std::string_view utf8, const TextStyle& st) {
  std::vector<ShapedChar> s;
  Shape(&impl_->fonts, utf8, &s);
  std::vector<LineSpan> lines;
  bool fits = false;
  FitText(s, st, InnerOf(box, st), &lines, &fits);
  return fits;
}

void Document::AddWarning(std::string warning) { impl_->warnings.push_back(std::move(warning)); }

// ---------------------------------------------------------------- structure tree

namespace {
SType RoleType(Role r) {
  switch (r) {
    case Role::kH1: return SType::kH1;
    case Role::kH2: return SType::kH2;
    case Role::kH3: return SType::kH3;
    case Role::kH4: return SType::kH4;
    case Role::kTH: return SType::kTH;
    case Role::kTD: return SType::kTD;
    default: return SType::kP;
  }
}
}  // namespace

bool Document::tagged() const { return impl_->tagged; }

int Document::BeginGroup(Group g) {
  auto& I = *impl_;
  if (!I.tagged) return -1;
  I.AddLeaf(g == Group::kTable ? SType::kTable : g == Group::kTR ? SType::kTR : SType::kSect, -1);
  I.open_groups.push_back(static_cast<int>(I.elems.size()) - 1);
  return I.open_groups.back();
}

void Document::ContinueGroup(int id) {
  auto& I = *impl_;
  if (!I.tagged || id <= 0 || static_cast<size_t>(id) >= I.elems.size()) return;
  I.open_groups.push_back(id);
}

void Document::EndGroup() {
  auto& I = *impl_;
  if (I.tagged && I.open_groups.size() > 1) I.open_groups.pop_back();
}

void Document::AddEmptyElement(Role role) {
  auto& I = *impl_;
  if (I.tagged && role != Role::kArtifact) I.AddLeaf(RoleType(role), -1);
}

bool Canvas::OpenMarked(Role role) {
  Document::Impl* I = doc_->impl_.get();
  if (!I->tagged || is_template_ || artifact_depth_ > 0 || figure_depth_ > 0) return false;
  if (role == Role::kArtifact) {
    content_ += "/Artifact BMC\n";
    return true;
  }
  const SType type = RoleType(role);
  const int mcid = I->AddLeaf(type, page_index_);
  content_ += '/';
  content_ += Name(type);
  content_ += " <</MCID ";
  content_ += std::to_string(mcid);
  content_ += ">> BDC\n";
  return true;
}

void Canvas::CloseMarked(bool opened) {
  if (opened) content_ += "EMC\n";
}

// A graphics object (line, rectangle, path) outside a figure is decoration: an artifact.
bool Canvas::OpenGraphic() { return OpenMarked(Role::kArtifact); }

void Canvas::BeginArtifact() {
  const bool opened = OpenMarked(Role::kArtifact);
  ++artifact_depth_;
  if (opened) artifact_opened_.push_back(artifact_depth_);
}

void Canvas::EndArtifact() {
  if (artifact_depth_ == 0) return;
  if (!artifact_opened_.empty() && artifact_opened_.back() == artifact_depth_) {
    content_ += "EMC\n";
    artifact_opened_.pop_back();
  }
  --artifact_depth_;
}

void Canvas::BeginFigure(const std::string& alt) {
  Document::Impl* I = doc_->impl_.get();
  if (I->tagged && !is_template_ && artifact_depth_ == 0 && figure_depth_ == 0) {
    I->alts.push_back(alt);
    const int mcid = I->AddLeaf(SType::kFigure, page_index_, static_cast<int>(I->alts.size()) - 1);
    content_ += "/Figure <</MCID ";
    content_ += std::to_string(mcid);
    content_ += ">> BDC\n";
    figure_opened_ = true;
  }
  ++figure_depth_;
}

void Canvas::EndFigure() {
  if (figure_depth_ == 0) return;
  if (--figure_depth_ == 0 && figure_opened_) {
    content_ += "EMC\n";
    figure_opened_ = false;
  }
}

// ---------------------------------------------------------------- canvas

namespace {

// Appends the low 16 bits of `u` as 4 hex digits (a 2-byte CID, a UTF-16 code unit).
void AppendHex4(std::string* out, uint32_t u) {
  static const char* hex = "0123456789ABCDEF";
  char h[4] = {hex[(u >> 12) & 15], hex[(u >> 8) & 15], hex[(u >> 4) & 15], hex[u & 15]};
  out->append(h, 4);
}

// Appends `cp` as UTF-16BE hex digits (a surrogate pair above the BMP).
void AppendUtf16Hex(std::string* out, char32_t cp) {
  if (cp > 0xFFFF) {
    uint32_t v = static_cast<uint32_t>(cp) - 0x10000;
    AppendHex4(out, 0xD800 + (v >> 10));
    AppendHex4(out, 0xDC00 + (v & 0x3FF));
  } else {
    AppendHex4(out, static_cast<uint32_t>(cp));
  }
}

// Emits one line of shaped text at (x, baseline) in PDF space; runs split by face.
// render_mode is the text rendering mode in force (0, or 2 for bold), restored after the
// invisible stand-in of a missing character.
void EmitLine(Document::Impl* I, std::string* out, const std::vector<ShapedChar>& s, size_t b, size_t e,
              double x, double y, double size, double char_spacing, int render_mode,
              const std::string& doc_name, std::vector<Box>* boxes) {
  if (b >= e) return;
  *out += "BT\n";
  if (char_spacing != 0) {
    Nums(out, {char_spacing});
    *out += "Tc\n";
  }
  int cur_face = -2;
  double pen = x;
  bool in_str = false;
  for (size_t i = b; i < e; ++i) {
    const ShapedChar& c = s[i];
    if (!c.g) continue;
    double adv = c.g->advance * size / 1000.0;
    if (c.g->face < 0) {
      if (in_str) {
        *out += "> Tj\n";
        in_str = false;
      }
      boxes->push_back(Box{pen + size * 0.1, y - size * 0.1, size * 0.8, size * 0.9});
      if (I->missing.insert(c.cp).second) {
        char cpb[16];
        std::snprintf(cpb, sizeof cpb, "U+%04X", static_cast<unsigned>(c.cp));
        std::string ch;
        AppendUtf8(&ch, c.cp);
        I->warnings.push_back(doc_name + ": no font has " + cpb + " '" + ch + "' (drawn as a box)");
      }
      // The box is a path, which text extraction never sees, so a name with a 造字 would
      // read back as a different name. The text layer gets an invisible ideographic space
      // (one em, where the box is) inside a /Span whose /ActualText is the character, so
      // pdftotext (poppler) gives back the code point itself; a reader that ignores
      // ActualText sees a space. ToUnicode cannot say it without one glyph per missing
      // character (docs/pdf.md).
      char32_t mark_cp = U'\u3000';
      const Glyph* mark = GlyphOr(&I->fonts, &mark_cp, U' ');
      if (mark->face >= 0) {
        I->fonts.Use(*mark, mark_cp);
        *out += "/Span <</ActualText <FEFF";
        AppendUtf16Hex(out, c.cp);
        *out += ">>> BDC 3 Tr /F";
        *out += std::to_string(mark->face);
        *out += ' ';
        Nums(out, {size});
        *out += "Tf 1 0 0 1 ";
        Nums(out, {pen, y});
        *out += "Tm <";
        AppendHex4(out, mark->gid);
        *out += "> Tj ";
        *out += std::to_string(render_mode);
        *out += " Tr EMC\n";
      }
      pen += adv + char_spacing;
      cur_face = -2;  // force a new positioning after the gap
      continue;
    }
    I->fonts.Use(*c.g, c.cp);
    if (c.g->face != cur_face) {
      if (in_str) *out += "> Tj\n";
      *out += "/F";
      *out += std::to_string(c.g->face);
      *out += ' ';
      Nums(out, {size});
      *out += "Tf 1 0 0 1 ";
      Nums(out, {pen, y});
      *out += "Tm <";
      in_str = true;
      cur_face = c.g->face;
    }
    AppendHex4(out, c.g->gid);
    pen += adv + char_spacing;
  }
  if (in_str) *out += "> Tj\n";
  if (char_spacing != 0) *out += "0 Tc\n";
  *out += "ET\n";
}

}  // namespace

double Canvas::Text(const Box& box, std::string_view utf8, const TextStyle& st) {
  Document::Impl* I = doc_->impl_.get();
  std::string& out = content_;
  std::vector<ShapedChar> s;
  Shape(&I->fonts, utf8, &s);
  if (s.empty()) return 0;
  const Inner in = InnerOf(box, st);
  const double py = in.py, aw = in.aw, ah = in.ah;
  std::vector<LineSpan> lines;
  bool fits = false;
  const double size = FitText(s, st, in, &lines, &fits);
  const double lh = size * st.leading;
  const bool marked = OpenMarked(st.role);
  // Text that does not fit even at the smallest size is cut visibly, never silently: the
  // lines that fit are drawn, the last of them (and any line too wide for the box) ending
  // in "…", and the document's warnings say so. What is cut is left out of the text layer
  // too, so a reader sees in pdftotext what the page shows.
  std::vector<std::vector<ShapedChar>> cut_lines(lines.size());
  {
    const size_t fit = std::max<size_t>(1, static_cast<size_t>((ah + 0.5) / lh));
    bool cut = false;
    if (lines.size() > fit) {
      lines.resize(fit);
      cut_lines.resize(fit);
      cut = true;
    }
    char32_t ell_cp = U'\u2026';
    const Glyph* ell = GlyphOr(&I->fonts, &ell_cp, U'.');
    const double ell_w = ell_cp == U'.' ? 3 * ell->advance : ell->advance;
    const double limit = aw * 1000.0 / size;
    for (size_t li = 0; li < lines.size(); ++li) {
      LineSpan& l = lines[li];
      const bool last_of_cut = cut && li + 1 == lines.size();
      // A wrapped line is only ever wider by a hanging closing mark (kept with its line, as
      // in print); a line that does not wrap loses what is wider than the box.
      if (!last_of_cut && (st.wrap || l.width * size / 1000.0 <= aw + 0.01)) continue;
      size_t end = l.end;
      double w = l.width;
      while (end > l.begin && w + ell_w > limit) w -= Advance(s[--end]);
      std::vector<ShapedChar>& v = cut_lines[li];
      v.assign(s.begin() + static_cast<std::ptrdiff_t>(l.begin), s.begin() + static_cast<std::ptrdiff_t>(end));
      for (int k = 0; k < (ell_cp == U'.' ? 3 : 1); ++k) v.push_back({ell_cp, ell});
      l.width = w + ell_w;
      cut = true;
    }
    if (cut) {
      char pt[16];
      std::snprintf(pt, sizeof pt, "%.1f", size);
      I->warnings.push_back(I->info.name + ": a text of " + std::to_string(s.size()) +
                            " characters does not fit its box even at " + pt + " pt; cut visibly with '…'");
    }
  }
  const double total_h = static_cast<double>(lines.size()) * lh;
  double top = box.y + py;
  if (st.valign == VAlign::kMiddle) top = box.y + (box.h - total_h) / 2;
  else if (st.valign == VAlign::kBottom) top = box.y + box.h - py - total_h;
  const bool clip = total_h > ah + 0.5;
  if (clip) {
    out += "q ";
    Nums(&out, {box.x, h_ - box.y - box.h, box.w, box.h});
    out += "re W n\n";
  }
  if (!IsBlack(st.color)) SetFill(&out, st.color);
  if (st.bold) {
    Nums(&out, {size * 0.03});
    out += "w 2 Tr\n";
  }
  std::vector<Box> boxes;
  for (size_t li = 0; li < lines.size(); ++li) {
    const LineSpan& l = lines[li];
    double w = l.width * size / 1000.0;
    double x = box.x + st.padding;
    double cs = 0;
    if (st.align == HAlign::kCenter) x = box.x + (box.w - w) / 2;
    else if (st.align == HAlign::kRight) x = box.x + box.w - st.padding - w;
    else if (st.align == HAlign::kDistribute && l.end - l.begin > 1 && w < aw) {
      cs = (aw - w) / static_cast<double>(l.end - l.begin - 1);
    }
    // CJK faces put ideographs between about -0.12 and 0.88 em: centre that in the line.
    double baseline = top + static_cast<double>(li) * lh + (lh - size) / 2 + size * 0.88;
    if (!cut_lines[li].empty()) {
      EmitLine(I, &out, cut_lines[li], 0, cut_lines[li].size(), x, h_ - baseline, size, cs, st.bold ? 2 : 0,
               I->info.name, &boxes);
      continue;
    }
    EmitLine(I, &out, s, l.begin, l.end, x, h_ - baseline, size, cs, st.bold ? 2 : 0, I->info.name, &boxes);
  }
  if (st.bold) out += "0 Tr\n";
  if (!IsBlack(st.color)) out += "0 g\n";
  for (auto& b : boxes) {
    out += "q 0.6 w ";
    Nums(&out, {b.x, b.y, b.w, b.h});
    out += "re S Q\n";
  }
  if (clip) out += "Q\n";
  CloseMarked(marked);
  return std::min(box.h, total_h + 2 * py);
}

void Canvas::CachedText(const Box& box, std::string_view utf8, const TextStyle& st, std::string* cache) {
  if (!cache->empty()) {
    const bool marked = OpenMarked(st.role);
    content_ += *cache;
    CloseMarked(marked);
    return;
  }
  Document::Impl* I = doc_->impl_.get();
  // Text() wraps its operators in one marked-content line and "EMC\n" exactly when this holds
  // (OpenMarked); the cache keeps what is between, and a replay gets a new MCID.
  const bool marks = I->tagged && !is_template_ && artifact_depth_ == 0 && figure_depth_ == 0;
  const size_t start = content_.size();
  Text(box, utf8, st);
  if (content_.size() == start) return;
  size_t b = start, e = content_.size();
  if (marks) {
    b = content_.find('\n', start) + 1;
    e -= 4;
  }
  cache->assign(content_, b, e - b);
}

double Canvas::TextAt(double x, double baseline_y, std::string_view utf8, double size, const Color& color) {
  Document::Impl* I = doc_->impl_.get();
  std::vector<ShapedChar> s;
  Shape(&I->fonts, utf8, &s);
  double w = 0;
  for (auto& c : s) w += Advance(c);
  if (s.empty()) return 0;
  const bool marked = OpenMarked(Role::kP);
  if (!IsBlack(color)) SetFill(&content_, color);
  std::vector<Box> boxes;
  EmitLine(I, &content_, s, 0, s.size(), x, h_ - baseline_y, size, 0, 0, I->info.name, &boxes);
  if (!IsBlack(color)) content_ += "0 g\n";
  for (auto& b : boxes) {
    content_ += "q 0.6 w ";
    Nums(&content_, {b.x, b.y, b.w, b.h});
    content_ += "re S Q\n";
  }
  CloseMarked(marked);
  return w * size / 1000.0;
}

void Canvas::Line(double x1, double y1, double x2, double y2, const LineStyle& ls) {
  const bool marked = OpenGraphic();
  content_ += "q ";
  SetStroke(&content_, ls);
  Nums(&content_, {x1, h_ - y1});
  content_ += "m ";
  Nums(&content_, {x2, h_ - y2});
  content_ += "l S Q\n";
  CloseMarked(marked);
}

void Canvas::StrokeRect(const Box& b, const LineStyle& ls) {
  const bool marked = OpenGraphic();
  content_ += "q ";
  SetStroke(&content_, ls);
  Nums(&content_, {b.x, h_ - b.y - b.h, b.w, b.h});
  content_ += "re S Q\n";
  CloseMarked(marked);
}

void Canvas::FillRect(const Box& b, const Color& fill) {
  const bool marked = OpenGraphic();
  content_ += "q ";
  SetFill(&content_, fill);
  Nums(&content_, {b.x, h_ - b.y - b.h, b.w, b.h});
  content_ += "re f Q\n";
  CloseMarked(marked);
}

void Canvas::MoveTo(double x, double y) {
  Nums(&path_, {x, h_ - y});
  path_ += "m\n";
}
void Canvas::LineTo(double x, double y) {
  Nums(&path_, {x, h_ - y});
  path_ += "l\n";
}
void Canvas::CurveTo(double x1, double y1, double x2, double y2, double x3, double y3) {
  Nums(&path_, {x1, h_ - y1, x2, h_ - y2, x3, h_ - y3});
  path_ += "c\n";
}
void Canvas::ClosePath() { path_ += "h\n"; }

// State operators may not appear inside a path object, so the path is buffered and
// emitted after its state, inside q ... Q.
void Canvas::Stroke(const LineStyle& ls) {
  const bool marked = OpenGraphic();
  content_ += "q ";
  SetStroke(&content_, ls);
  content_ += path_;
  content_ += "S Q\n";
  path_.clear();
  CloseMarked(marked);
}
void Canvas::Fill(const Color& c) {
  const bool marked = OpenGraphic();
  content_ += "q ";
  SetFill(&content_, c);
  content_ += path_;
  content_ += "f Q\n";
  path_.clear();
  CloseMarked(marked);
}
void Canvas::FillStroke(const Color& fill, const LineStyle& ls) {
  const bool marked = OpenGraphic();
  content_ += "q ";
  SetFill(&content_, fill);
  SetStroke(&content_, ls);
  content_ += path_;
  content_ += "B Q\n";
  path_.clear();
  CloseMarked(marked);
}

double Canvas::CheckBox(double x, double baseline_y, bool checked, double size) {
  return TextAt(x, baseline_y, checked ? "☑" : "☐", size);
}

void Canvas::Use(const Template& t) {
  content_ += "/T";
  content_ += std::to_string(t.id());
  content_ += " Do\n";
}

void Canvas::MarkStamp(const Box& b) {
  Document::Impl* I = doc_->impl_.get();
  if (I->has_stamp || is_template_) return;
  I->has_stamp = true;
  I->stamp_page = page_index_;
  I->stamp = b;
}

// ---------------------------------------------------------------- tables

namespace {
struct Placed {
  const Cell* cell;
  size_t row, col;
};

// Resolves spans into (row, col) positions; rows are indices into `rows`.
std::vector<Placed> PlaceCells(const std::vector<const TableRow*>& rows, size_t ncols) {
  std::vector<Placed> out;
  std::vector<std::vector<char>> occ(rows.size(), std::vector<char>(ncols, 0));
  for (size_t r = 0; r < rows.size(); ++r) {
    size_t c = 0;
    for (const Cell& cell : rows[r]->cells) {
      while (c < ncols && occ[r][c]) ++c;
      if (c >= ncols) break;
      size_t cs = static_cast<size_t>(std::max(1, cell.col_span));
      size_t rs = static_cast<size_t>(std::max(1, cell.row_span));
      cs = std::min(cs, ncols - c);
      rs = std::min(rs, rows.size() - r);
      for (size_t i = r; i < r + rs; ++i)
        for (size_t j = c; j < c + cs; ++j) occ[i][j] = 1;
      out.push_back({&cell, r, c});
      c += cs;
    }
  }
  return out;
}

// Row heights that fit every cell's text (row spans grow their last row).
std::vector<double> RowHeights(Document* doc, const std::vector<const TableRow*>& rows,
                               const std::vector<Placed>& placed, const std::vector<double>& colx) {
  std::vector<double> h(rows.size());
  for (size_t r = 0; r < rows.size(); ++r) h[r] = std::max(rows[r]->min_height, 1.0);
  auto width = [&](const Placed& p) {
    size_t cs = static_cast<size_t>(std::max(1, p.cell->col_span));
    size_t e = std::min(colx.size() - 1, p.col + cs);
    return colx[e] - colx[p.col];
  };
  for (const Placed& p : placed) {
    if (p.cell->row_span > 1 || p.cell->text.empty()) continue;
    h[p.row] = std::max(h[p.row], doc->TextHeight(p.cell->text, width(p), p.cell->style));
  }
  for (const Placed& p : placed) {
    if (p.cell->row_span <= 1 || p.cell->text.empty()) continue;
    size_t e = std::min(rows.size(), p.row + static_cast<size_t>(p.cell->row_span));
    double have = 0;
    for (size_t r = p.row; r < e; ++r) have += h[r];
    double need = doc->TextHeight(p.cell->text, width(p), p.cell->style);
    if (need > have) h[e - 1] += need - have;
  }
  return h;
}

void DrawRows(Canvas* c, const Table& t, const std::vector<const TableRow*>& rows,
              const std::vector<Placed>& placed, const std::vector<double>& heights,
              const std::vector<double>& colx, size_t first, size_t last, double x, double top, bool header) {
  // Structure: one TR per row, a TH (header rows, row headers) or TD per cell, in the
  // order drawn; an empty cell gets an empty element so the columns line up. Repeated
  // header rows are drawn inside BeginArtifact, where none of this happens.
  Document* doc = c->document();
  const bool tag = doc->tagged() && !c->in_artifact();
  size_t tr = std::string::npos;
  std::vector<double> rowy(last - first + 1);
  rowy[0] = top;
  for (size_t r = first; r < last; ++r) rowy[r - first + 1] = rowy[r - first] + heights[r];
  for (const Placed& p : placed) {
    if (p.row < first || p.row >= last) continue;
    size_t cs = static_cast<size_t>(std::max(1, p.cell->col_span));
    size_t re = std::min(last, p.row + static_cast<size_t>(std::max(1, p.cell->row_span)));
    size_t ce = std::min(colx.size() - 1, p.col + cs);
    Box b{x + colx[p.col], rowy[p.row - first], colx[ce] - colx[p.col], rowy[re - first] - rowy[p.row - first]};
    if (tag && p.row != tr) {
      if (tr != std::string::npos) doc->EndGroup();
      doc->BeginGroup(Document::Group::kTR);
      tr = p.row;
    }
    const Role role = header || p.cell->header ? Role::kTH : Role::kTD;
    if (p.cell->filled) c->FillRect(b, p.cell->fill);
    if (!p.cell->text.empty()) {
      if (p.cell->style.role == role) {
        c->Text(b, p.cell->text, p.cell->style);
      } else {
        TextStyle st = p.cell->style;
        st.role = role;
        c->Text(b, p.cell->text, st);
      }
    } else if (tag) {
      doc->AddEmptyElement(role);
    }
    c->StrokeRect(b, t.grid);
    if (p.cell->stamp) c->MarkStamp(b);
  }
  if (tag && tr != std::string::npos) doc->EndGroup();
  c->StrokeRect(Box{x, top, colx.back(), rowy.back() - top}, t.frame);
  (void)rows;
}
}  // namespace

double Document::DrawTable(Canvas* c, const Table& table, double x, double top, double bottom,
                           const std::function<double(Canvas**)>& new_page) {
  if (table.col_widths.empty()) return top;
  std::vector<double> colx(1, 0);
  for (double w : table.col_widths) colx.push_back(colx.back() + w);
  const size_t ncols = table.col_widths.size();
  std::vector<const TableRow*> hrows, brows;
  for (auto& r : table.header) hrows.push_back(&r);
  for (auto& r : table.rows) brows.push_back(&r);
  auto hplaced = PlaceCells(hrows, ncols);
  auto bplaced = PlaceCells(brows, ncols);
  auto hh = RowHeights(this, hrows, hplaced, colx);
  auto bh = RowHeights(this, brows, bplaced, colx);
  double header_h = 0;
  for (double v : hh) header_h += v;
  // Row groups that a row span ties together stay on one page.
  std::vector<size_t> group_end(brows.size());
  for (size_t r = 0; r < brows.size(); ++r) group_end[r] = r + 1;
  for (const Placed& p : bplaced) {
    size_t e = std::min(brows.size(), p.row + static_cast<size_t>(std::max(1, p.cell->row_span)));
    for (size_t r = p.row; r < e; ++r) group_end[p.row] = std::max(group_end[p.row], e);
  }
  size_t r = 0;
  double y = top;
  bool fresh = false;  // true right after new_page(): there is no better place to go
  // One Table element however many pages the table spans; the header rows are its first
  // TRs where they are first drawn, artifacts where they repeat.
  BeginGroup(Group::kTable);
  bool header_drawn = false;
  for (;;) {
    // Header, then as many row groups as fit.
    const size_t start = r;
    double yy = y + header_h;
    size_t end = r;
    while (end < brows.size()) {
      size_t ge = end, g = group_end[end];
      while (ge < g) {
        g = std::max(g, group_end[ge]);
        ++ge;
      }
      double gh = 0;
      for (size_t k = end; k < ge; ++k) gh += bh[k];
      // A group taller than a fresh page is drawn anyway (and clipped by the page).
      // Without new_page everything goes on this canvas.
      if (new_page && yy + gh > bottom && (end > start || !fresh)) break;
      yy += gh;
      end = ge;
    }
    if (end == start && start < brows.size() && !fresh && new_page) {
      // Nothing fits below `top` on this page: start the table on the next one.
      y = new_page(&c);
      fresh = true;
      continue;
    }
    if (!hrows.empty()) {
      if (header_drawn) c->BeginArtifact();
      DrawRows(c, table, hrows, hplaced, hh, colx, 0, hrows.size(), x, y, true);
      if (header_drawn) c->EndArtifact();
      header_drawn = true;
    }
    if (end > start) DrawRows(c, table, brows, bplaced, bh, colx, start, end, x, y + header_h, false);
    r = end;
    y = yy;
    if (r >= brows.size() || !new_page) break;
    y = new_page(&c);
    fresh = true;
  }
  EndGroup();
  return y;
}

// ---------------------------------------------------------------- flow

Flow::Flow(Document* doc, const Margins& m) : doc_(doc), m_(m) {}

Canvas& Flow::canvas() {
  if (!cur_) NewPage();
  return *cur_;
}
double Flow::content_width() const { return doc_->info().page_width - m_.left - m_.right; }
void Flow::NewPage() {
  cur_ = &doc_->NewPage();
  y_ = m_.top;
}
void Flow::Space(double h) {
  canvas();
  y_ += h;
}
Box Flow::Reserve(double h) {
  canvas();
  if (y_ + h > doc_->info().page_height - m_.bottom && y_ > m_.top) NewPage();
  Box b{m_.left, y_, content_width(), h};
  y_ += h;
  return b;
}
void Flow::Paragraph(std::string_view utf8, const TextStyle& style) {
  canvas();
  double h = doc_->TextHeight(utf8, content_width(), style);
  Box b = Reserve(h);
  cur_->Text(b, utf8, style);
}
void Flow::Heading(std::string_view utf8, const TextStyle& style, int bookmark_level) {
  canvas();
  double h = doc_->TextHeight(utf8, content_width(), style);
  // Keep a heading with at least a few lines of what follows.
  if (y_ + h + 60 > doc_->info().page_height - m_.bottom && y_ > m_.top) NewPage();
  doc_->AddBookmark(std::string(utf8), doc_->page_count() - 1, y_, bookmark_level);
  if (style.role != Role::kP) {
    Paragraph(utf8, style);
    return;
  }
  // Outline level 0 is a section (H2: the title is the H1), deeper levels H3, H4.
  TextStyle st = style;
  st.role = bookmark_level <= 0 ? Role::kH2 : bookmark_level == 1 ? Role::kH3 : Role::kH4;
  Paragraph(utf8, st);
}
void Flow::AddTable(const Table& t) {
  canvas();
  double bottom = doc_->info().page_height - m_.bottom;
  y_ = doc_->DrawTable(cur_, t, m_.left, y_, bottom, [this](Canvas** c) {
    NewPage();
    *c = cur_;
    return y_;
  });
}

// ---------------------------------------------------------------- writing

namespace {

PdfObject* StreamObject(PdfVecObjects* objs, const std::string& deflated) {
  PdfObject* o = objs->CreateObject();
  PdfMemoryInputStream in(deflated.data(), static_cast<pdf_long>(deflated.size()));
  o->GetStream()->SetRawData(&in, static_cast<pdf_long>(deflated.size()));
  o->GetDictionary().AddKey(PdfName::KeyFilter, PdfName("FlateDecode"));
  return o;
}

PdfString Utf8String(const std::string& s) {
  return PdfString(reinterpret_cast<const pdf_utf8*>(s.c_str()));
}

PdfArray RectArray(double x, double y, double w, double h) {
  PdfArray a;
  a.push_back(PdfVariant(x));
  a.push_back(PdfVariant(y));
  a.push_back(PdfVariant(w));
  a.push_back(PdfVariant(h));
  return a;
}

// The structure tree: /StructTreeRoot → Document → the elements in reading order, each
// leaf's /K the MCID of its marked-content sequence on /Pg; the /ParentTree maps each page's
// /StructParents (its index) to the elements of its MCIDs; /MarkInfo says the file is tagged.
//
// PoDoFo keeps a PdfObject per indirect object (a few hundred bytes with its dictionary),
// and a 10,000-page 附表2 has over a million elements, so the elements are not PoDoFo
// objects. Plan() numbers them after PoDoFo's last object; the StructTreeRoot (a PoDoFo
// object) refers to those numbers; once PoDoFo has written the file, Append() writes the
// elements and the parent tree in front of PoDoFo's cross-reference table and extends that
// table and the trailer's /Size: still one classic xref section and no object streams, as
// PDF/A-1 wants. Nothing but the 20-byte elements is held while the file is written.
//
// PDF/A-1 (ISO 19005-1 6.1.12) allows at most 8,191 entries in an array: an element with
// more children (a register over more than 800 pages) gets them in NonStruct elements of
// up to 8,191 (which readers treat as the parent's own children), and a parent tree of more
// than 4,095 pages is a two-level number tree.
class StructWriter {
 public:
  static constexpr size_t kMaxArray = 8191;
  static constexpr size_t kPagesPerLeaf = 4095;  // /Nums: two entries per page

  StructWriter(const Document::Impl& I, size_t npages) : I_(I), npages_(npages) {}

  // Element e gets object number base + e; then the NonStruct wrappers, then the parent tree.
  Status Plan(uint32_t base) {
    base_ = base;
    const size_t n = I_.elems.size();
    first_.assign(n + 1, 0);
    for (size_t e = 1; e < n; ++e) ++first_[static_cast<size_t>(I_.elems[e].parent) + 1];
    for (size_t e = 0; e < n; ++e) first_[e + 1] += first_[e];
    kid_.resize(n > 0 ? n - 1 : 0);
    {
      std::vector<uint32_t> at(first_.begin(), first_.end() - 1);
      for (size_t e = 1; e < n; ++e) kid_[at[static_cast<size_t>(I_.elems[e].parent)]++] = static_cast<uint32_t>(e);
    }
    uint64_t wrappers = 0;
    for (size_t e = 0; e < n; ++e) {
      const size_t k = first_[e + 1] - first_[e];
      if (k <= kMaxArray) continue;
      const size_t m = (k + kMaxArray - 1) / kMaxArray;
      if (m > kMaxArray) return Status::Internal("structure element with " + std::to_string(k) + " children");
      wrap_first_[static_cast<uint32_t>(e)] = static_cast<uint32_t>(wrappers);
      wrappers += m;
    }
    leaves_ = npages_ <= kPagesPerLeaf ? 0 : (npages_ + kPagesPerLeaf - 1) / kPagesPerLeaf;
    const uint64_t count = n + wrappers + 1 + leaves_;
    if (base + count > 8388607) return Status::Internal("more indirect objects than PDF/A-1 allows");
    wrappers_ = static_cast<uint32_t>(wrappers);
    count_ = static_cast<uint32_t>(count);
    return Status::OK();
  }
  uint32_t document_elem() const { return base_; }
  uint32_t parent_tree() const { return base_ + static_cast<uint32_t>(I_.elems.size()) + wrappers_; }

  // Writes the planned objects into `path` (PoDoFo's output) before its xref table.
  Status Append(const std::string& path, uint32_t root, const std::vector<PdfReference>& page_refs) {
    FILE* f = std::fopen(path.c_str(), "r+b");
    if (!f) return Status::IoError("cannot reopen " + path);
    Status st = AppendTo(f, path, root, page_refs);
    if (std::fclose(f) != 0 && st.ok()) st = Status::IoError("cannot write " + path);
    return st;
  }

 private:
  static void Ref(std::string* out, uint64_t num) {
    *out += std::to_string(num);
    *out += " 0 R";
  }
  // The object number an element's /P names: its parent, or the NonStruct holding it.
  uint64_t ParentNum(uint32_t e, uint32_t root) const {
    const StructElem& el = I_.elems[e];
    if (el.parent < 0) return root;
    const uint32_t p = static_cast<uint32_t>(el.parent);
    auto w = wrap_first_.find(p);
    if (w == wrap_first_.end()) return base_ + p;
    const auto b = kid_.begin() + first_[p], x = std::lower_bound(b, kid_.begin() + first_[p + 1], e);
    return base_ + I_.elems.size() + w->second + static_cast<uint64_t>(x - b) / kMaxArray;
  }
  void Kids(std::string* d, size_t from, size_t to) const {
    *d += "/K[";
    for (size_t k = from; k < to; ++k) {
      if (k > from) *d += ' ';
      Ref(d, base_ + kid_[k]);
    }
    *d += ']';
  }

  Status AppendTo(FILE* f, const std::string& path, uint32_t root, const std::vector<PdfReference>& page_refs) {
    // PoDoFo's tail: "xref\n" subsections "trailer\n<< … /Size N … >>\nstartxref\nX\n%%EOF\n".
    if (fseeko(f, 0, SEEK_END) != 0) return Status::IoError("cannot seek in " + path);
    const off_t size = ftello(f);
    const off_t look = std::min<off_t>(size, 64);
    std::string end(static_cast<size_t>(look), '\0');
    if (fseeko(f, size - look, SEEK_SET) != 0 || std::fread(&end[0], 1, end.size(), f) != end.size())
      return Status::IoError("cannot read " + path);
    // PoDoFo's buffered writes do not report a failure (full disk, file size limit): a file
    // cut short has no end to find.
    const Status cut = Status::IoError(path + ": the PDF was not completely written (" + std::to_string(size) +
                                       " bytes, no end-of-file marker): is the disk full or the file size limited?");
    const size_t sx = end.rfind("startxref");
    if (sx == std::string::npos || end.find("%%EOF", sx) == std::string::npos) return cut;
    const off_t xref = static_cast<off_t>(std::strtoull(end.c_str() + sx + 9, nullptr, 10));
    if (xref <= 0 || xref >= size) return cut;
    std::string tail(static_cast<size_t>(size - xref), '\0');
    if (fseeko(f, xref, SEEK_SET) != 0 || std::fread(&tail[0], 1, tail.size(), f) != tail.size())
      return Status::IoError("cannot read " + path);
    const size_t tr = tail.find("trailer");
    const size_t sz = tail.find("/Size ", tr);
    if (tail.compare(0, 5, "xref\n") != 0 || tr == std::string::npos || sz == std::string::npos)
      return Status::Internal(path + ": PoDoFo's output has no classic xref table");
    const size_t sz_end = tail.find_first_not_of("0123456789", sz + 6);
    if (std::strtoull(tail.c_str() + sz + 6, nullptr, 10) != base_)
      return Status::Internal(path + ": PoDoFo wrote objects past the structure tree's numbers");
    // The last subsection's header ("first count"), extended when our numbers follow it.
    size_t hdr = 5, last_hdr = 5;
    uint64_t last_first = 0, last_count = 0;
    while (hdr < tr) {
      char* e = nullptr;
      const uint64_t a = std::strtoull(tail.c_str() + hdr, &e, 10);
      const uint64_t c = std::strtoull(e, &e, 10);
      last_hdr = hdr;
      last_first = a;
      last_count = c;
      hdr = tail.find('\n', hdr) + 1 + c * 20;
    }
    if (hdr != tr) return Status::Internal(path + ": unexpected xref table in PoDoFo's output");

    if (fseeko(f, xref, SEEK_SET) != 0) return Status::IoError("cannot seek in " + path);
    std::vector<uint64_t> offsets;
    offsets.reserve(count_);
    uint64_t pos = static_cast<uint64_t>(xref);
    std::string buf, d;
    bool ok = true;
    auto flush = [&] {
      if (!buf.empty() && std::fwrite(buf.data(), 1, buf.size(), f) != buf.size()) ok = false;
      pos += buf.size();
      buf.clear();
    };
    auto object = [&](const std::string& body) {
      offsets.push_back(pos + buf.size());
      buf += std::to_string(base_ + offsets.size() - 1);
      buf += " 0 obj\n";
      buf += body;
      buf += "\nendobj\n";
      if (buf.size() > (1u << 20)) flush();
    };
    const size_t n = I_.elems.size();
    for (uint32_t e = 0; e < n; ++e) {
      const StructElem& el = I_.elems[e];
      d = "<</S/";
      d += Name(el.type);
      d += "/P ";
      Ref(&d, ParentNum(e, root));
      if (el.page >= 0) {
        d += "/Pg ";
        Ref(&d, page_refs[static_cast<size_t>(el.page)].ObjectNumber());
        d += "/K ";
        d += std::to_string(el.mcid);
      } else if (first_[e + 1] > first_[e]) {
        auto w = wrap_first_.find(e);
        if (w == wrap_first_.end()) {
          Kids(&d, first_[e], first_[e + 1]);
        } else {
          d += "/K[";
          const size_t m = (first_[e + 1] - first_[e] + kMaxArray - 1) / kMaxArray;
          for (size_t k = 0; k < m; ++k) {
            if (k) d += ' ';
            Ref(&d, base_ + n + w->second + k);
          }
          d += ']';
        }
      }
      if (el.alt >= 0) {  // a text string: UTF-16BE with its byte order mark
        d += "/Alt<FEFF";
        const std::string& alt = I_.alts[static_cast<size_t>(el.alt)];
        for (size_t i = 0; i < alt.size();) AppendUtf16Hex(&d, NextCodePoint(alt, &i));
        d += '>';
      }
      d += ">>";
      object(d);
    }
    for (const auto& [e, w] : wrap_first_) {  // in element order, as numbered
      const size_t from = first_[e], to = first_[e + 1];
      for (size_t k = from; k < to; k += kMaxArray) {
        d = "<</S/NonStruct/P ";
        Ref(&d, base_ + e);
        Kids(&d, k, std::min(to, k + kMaxArray));
        d += ">>";
        object(d);
      }
    }
    auto nums = [&](size_t from, size_t to) {
      d += "/Nums[";
      for (size_t p = from; p < to; ++p) {
        d += std::to_string(p);
        d += '[';
        if (p < I_.page_mcids.size()) {
          bool first = true;
          for (int e : I_.page_mcids[p]) {
            if (!first) d += ' ';
            first = false;
            Ref(&d, base_ + static_cast<uint64_t>(e));
          }
        }
        d += "]\n";
      }
      d += ']';
    };
    d = "<<";
    if (leaves_ == 0) {
      nums(0, npages_);
    } else {
      d += "/Kids[";
      for (size_t l = 0; l < leaves_; ++l) {
        if (l) d += ' ';
        Ref(&d, parent_tree() + 1 + l);
      }
      d += ']';
    }
    d += ">>";
    object(d);
    for (size_t l = 0; l < leaves_; ++l) {
      const size_t from = l * kPagesPerLeaf, to = std::min(npages_, from + kPagesPerLeaf);
      d = "<</Limits[" + std::to_string(from) + ' ' + std::to_string(to - 1) + ']';
      nums(from, to);
      d += ">>";
      object(d);
    }
    if (offsets.size() != count_) return Status::Internal("structure tree: object count differs from its plan");
    // The cross-reference table with our entries, the trailer with the new /Size.
    const uint64_t xref_at = pos + buf.size();
    buf += "xref\n";
    if (last_first + last_count == base_) {
      buf.append(tail, 5, last_hdr - 5);
      buf += std::to_string(last_first) + ' ' + std::to_string(last_count + count_) + '\n';
      buf.append(tail, tail.find('\n', last_hdr) + 1, tr - (tail.find('\n', last_hdr) + 1));
    } else {
      buf.append(tail, 5, tr - 5);
      buf += std::to_string(base_) + ' ' + std::to_string(count_) + '\n';
    }
    char line[24];
    for (uint64_t o : offsets) {
      std::snprintf(line, sizeof line, "%010llu 00000 n \n", static_cast<unsigned long long>(o));
      buf.append(line, 20);
      if (buf.size() > (1u << 20)) flush();
    }
    const size_t tend = tail.find("startxref", sz_end);
    buf.append(tail, tr, sz + 6 - tr);
    buf += std::to_string(base_ + count_);
    buf.append(tail, sz_end, tend - sz_end);
    buf += "startxref\n" + std::to_string(xref_at) + "\n%%EOF\n";
    flush();
    if (!ok || std::fflush(f) != 0)
      return Status::IoError("cannot write " + path + ": " + std::strerror(errno) + " (is the disk full or the file size limited?)");
    if (ftruncate(fileno(f), static_cast<off_t>(pos)) != 0) return Status::IoError("cannot truncate " + path);
    return Status::OK();
  }

  const Document::Impl& I_;
  size_t npages_;
  uint32_t base_ = 0, wrappers_ = 0, count_ = 0;
  size_t leaves_ = 0;
  std::vector<uint32_t> first_, kid_;       // children of element e: kid_[first_[e] .. first_[e+1])
  std::map<uint32_t, uint32_t> wrap_first_;  // element with too many children -> its first wrapper
};

// The StructTreeRoot and the catalog's keys, as PoDoFo objects; the rest is planned for
// StructWriter::Append. Called when every other object exists.
Status PrepareStructTree(PdfMemDocument* pdf, size_t npages, StructWriter* sw, uint32_t* root_num) {
  PdfVecObjects* objs = &pdf->GetObjects();
  PdfObject* root = objs->CreateObject("StructTreeRoot");
  uint32_t last = 0;
  for (const PdfObject* o : *objs) last = std::max<uint32_t>(last, o->Reference().ObjectNumber());
  LIAUDIT_RETURN_IF_ERROR(sw->Plan(last + 1));
  PdfDictionary& rd = root->GetDictionary();
  rd.AddKey("K", PdfReference(sw->document_elem(), 0));
  rd.AddKey("ParentTree", PdfReference(sw->parent_tree(), 0));
  rd.AddKey("ParentTreeNextKey", PdfVariant(static_cast<pdf_int64>(npages)));
  PdfDictionary& cat = pdf->GetCatalog()->GetDictionary();
  PdfDictionary mark;
  mark.AddKey("Marked", PdfVariant(true));
  cat.AddKey("MarkInfo", mark);
  cat.AddKey("StructTreeRoot", root->Reference());
  *root_num = root->Reference().ObjectNumber();
  return Status::OK();
}

}  // namespace

Status Document::Finish(const std::string& path, PdfResult* result) {
  auto& I = *impl_;
  if (I.finished) return Status::Internal("Document::Finish called twice");
  I.finished = true;
  if (I.pages.empty()) NewPage();
  const RenderOptions& opts = I.engine->impl_->opts;
  const int level = opts.compression;
  const int npages = static_cast<int>(I.pages.size());
  // Decorations go into their own stream per page, since sealed pages are already deflated.
  std::vector<std::string> deco(I.pages.size());
  if (I.decorator) {
    for (int i = 0; i < npages; ++i) {
      Canvas& c = *I.pages[static_cast<size_t>(i)];
      std::string saved;
      saved.swap(c.content_);
      // Headers, footers and page numbers are artifacts, not part of the text's flow (a
      // decorator that draws nothing on this page leaves no stream).
      ++c.artifact_depth_;
      I.decorator(c, i + 1, npages);
      --c.artifact_depth_;
      if (I.tagged && !c.content_.empty()) c.content_ = "/Artifact BMC\n" + c.content_ + "EMC\n";
      deco[static_cast<size_t>(i)].swap(c.content_);
      c.content_.swap(saved);
    }
  }
  try {
    const bool pdfa = opts.pdfa != RenderOptions::PdfA::kOff;
    PdfMemDocument pdf;
    // PDF/A-1 is based on PDF 1.4 and wants every object written as `N G obj` + EOL with
    // its dictionary on the next line (ISO 19005-1 6.1.8): PoDoFo's clean mode does that,
    // its compact mode (`N 0 obj<<`, the default) does not. PoDoFo writes a classic xref
    // table and no object streams either way.
    pdf.SetPdfVersion(pdfa ? ePdfVersion_1_4 : ePdfVersion_1_7);
    if (pdfa) pdf.SetWriteMode(ePdfWriteMode_Clean);
    PdfVecObjects* objs = &pdf.GetObjects();

    // Fonts: one Type0 font per used face.
    PdfObject* font_res = objs->CreateObject();
    for (size_t fi = 0; fi < I.engine->impl_->faces.size(); ++fi) {
      if (!I.fonts.face_used(static_cast<int>(fi))) continue;
      const Face& face = *I.engine->impl_->faces[fi];
      FontUse::Embedded em;
      LIAUDIT_RETURN_IF_ERROR(I.fonts.Embed(static_cast<int>(fi), &em));
      const std::string base = em.tag + "+" + face.ps_name;
      PdfObject* file = StreamObject(objs, Deflate(em.program, 6));
      if (face.cff) {
        file->GetDictionary().AddKey(PdfName::KeySubtype, PdfName("CIDFontType0C"));
      } else {
        file->GetDictionary().AddKey("Length1", PdfVariant(static_cast<pdf_int64>(em.program.size())));
      }
      PdfObject* desc = objs->CreateObject("FontDescriptor");
      PdfDictionary& dd = desc->GetDictionary();
      dd.AddKey("FontName", PdfName(base));
      dd.AddKey("Flags", PdfVariant(static_cast<pdf_int64>(4)));
      dd.AddKey("FontBBox", RectArray(std::floor(face.bbox[0]), std::floor(face.bbox[1]), std::ceil(face.bbox[2]),
                                      std::ceil(face.bbox[3])));
      dd.AddKey("ItalicAngle", PdfVariant(static_cast<pdf_int64>(0)));
      dd.AddKey("Ascent", PdfVariant(std::round(face.ascent)));
      dd.AddKey("Descent", PdfVariant(std::round(face.descent)));
      dd.AddKey("CapHeight", PdfVariant(std::round(face.ascent)));
      dd.AddKey("StemV", PdfVariant(static_cast<pdf_int64>(80)));
      dd.AddKey(face.cff ? "FontFile3" : "FontFile2", file->Reference());
      // PDF/A-1 (6.3.5): a subset CID font names the CIDs its program holds.
      if (pdfa) dd.AddKey("CIDSet", StreamObject(objs, Deflate(CidSet(em.widths), 9))->Reference());
      PdfObject* cid = objs->CreateObject("Font");
      PdfDictionary& cd = cid->GetDictionary();
      cd.AddKey(PdfName::KeySubtype, PdfName(face.cff ? "CIDFontType0" : "CIDFontType2"));
      cd.AddKey("BaseFont", PdfName(base));
      PdfDictionary si;
      si.AddKey("Registry", PdfString("Adobe"));
      si.AddKey("Ordering", PdfString("Identity"));
      si.AddKey("Supplement", PdfVariant(static_cast<pdf_int64>(0)));
      cd.AddKey("CIDSystemInfo", si);
      cd.AddKey("FontDescriptor", desc->Reference());
      cd.AddKey("DW", PdfVariant(static_cast<pdf_int64>(1000)));
      // /W as runs of consecutive CIDs: "c [w1 w2 ...]".
      PdfObject* w = objs->CreateObject(PdfArray());
      {
        PdfArray& wa = w->GetArray();
        size_t k = 0;
        while (k < em.widths.size()) {
          size_t e = k + 1;
          while (e < em.widths.size() && em.widths[e].first == em.widths[e - 1].first + 1) ++e;
          PdfArray run;
          for (size_t j = k; j < e; ++j) run.push_back(PdfVariant(static_cast<pdf_int64>(em.widths[j].second)));
          wa.push_back(PdfVariant(static_cast<pdf_int64>(em.widths[k].first)));
          wa.push_back(run);
          k = e;
        }
      }
      cd.AddKey("W", w->Reference());
      if (!face.cff) cd.AddKey("CIDToGIDMap", PdfName("Identity"));
      PdfObject* tu = StreamObject(objs, Deflate(em.to_unicode, 9));
      PdfObject* t0 = objs->CreateObject("Font");
      PdfDictionary& td = t0->GetDictionary();
      td.AddKey(PdfName::KeySubtype, PdfName("Type0"));
      td.AddKey("BaseFont", PdfName(base));
      td.AddKey("Encoding", PdfName("Identity-H"));
      PdfArray desc_arr;
      desc_arr.push_back(cid->Reference());
      td.AddKey("DescendantFonts", desc_arr);
      td.AddKey("ToUnicode", tu->Reference());
      font_res->GetDictionary().AddKey(PdfName("F" + std::to_string(fi)), t0->Reference());
    }

    // Templates (Form XObjects) share the font dictionary.
    PdfObject* xobj_res = objs->CreateObject();
    for (auto& t : I.templates) {
      // A template's content (a form's grid) is decoration on every page that uses it.
      if (I.tagged) t->content_ = "/Artifact BMC\n" + t->content_ + "EMC\n";
      PdfObject* x = StreamObject(objs, Deflate(t->content_, level));
      PdfDictionary& xd = x->GetDictionary();
      xd.AddKey(PdfName::KeyType, PdfName("XObject"));
      xd.AddKey(PdfName::KeySubtype, PdfName("Form"));
      xd.AddKey("BBox", RectArray(0, 0, t->width(), t->height()));
      PdfDictionary r;
      r.AddKey("Font", font_res->Reference());
      xd.AddKey("Resources", r);
      xobj_res->GetDictionary().AddKey(PdfName("T" + std::to_string(t->id())), x->Reference());
    }
    PdfObject* res = objs->CreateObject();
    res->GetDictionary().AddKey("Font", font_res->Reference());
    res->GetDictionary().AddKey("XObject", xobj_res->Reference());

    // The page tree: built by hand (PdfDocument::CreatePage is quadratic), two levels
    // of at most 64 kids so viewers find pages quickly.
    PdfObject* root = pdf.GetPagesTree()->GetObject();
    const size_t kFan = 64;
    std::vector<PdfObject*> parents;
    if (I.pages.size() <= kFan) {
      parents.push_back(root);
    } else {
      for (size_t i = 0; i < I.pages.size(); i += kFan) {
        PdfObject* n = objs->CreateObject("Pages");
        n->GetDictionary().AddKey("Parent", root->Reference());
        parents.push_back(n);
      }
    }
    std::vector<PdfArray> kids(parents.size());
    std::vector<PdfReference> page_refs;
    page_refs.reserve(I.pages.size());
    for (size_t i = 0; i < I.pages.size(); ++i) {
      Canvas& c = *I.pages[i];
      PdfArray contents;
      if (!I.sealed[i].empty()) contents.push_back(StreamObject(objs, I.sealed[i])->Reference());
      if (!c.content_.empty() || I.sealed[i].empty()) {
        contents.push_back(StreamObject(objs, Deflate(c.content_, level))->Reference());
      }
      std::string().swap(c.content_);
      std::string().swap(I.sealed[i]);
      if (!deco[i].empty()) contents.push_back(StreamObject(objs, Deflate(deco[i], level))->Reference());
      std::string().swap(deco[i]);
      PdfObject* p = objs->CreateObject("Page");
      PdfDictionary& pd = p->GetDictionary();
      size_t parent = parents.size() == 1 ? 0 : i / kFan;
      pd.AddKey("Parent", parents[parent]->Reference());
      if (contents.size() == 1) pd.AddKey("Contents", contents[0]);
      else pd.AddKey("Contents", contents);
      pd.AddKey("Resources", res->Reference());
      if (I.tagged) pd.AddKey("StructParents", PdfVariant(static_cast<pdf_int64>(i)));
      kids[parent].push_back(p->Reference());
      page_refs.push_back(p->Reference());
    }
    if (parents.size() == 1) {
      root->GetDictionary().AddKey("Kids", kids[0]);
    } else {
      PdfArray top;
      for (size_t k = 0; k < parents.size(); ++k) {
        parents[k]->GetDictionary().AddKey("Kids", kids[k]);
        parents[k]->GetDictionary().AddKey("Count", PdfVariant(static_cast<pdf_int64>(kids[k].size())));
        top.push_back(parents[k]->Reference());
      }
      root->GetDictionary().AddKey("Kids", top);
    }
    root->GetDictionary().AddKey("Count", PdfVariant(static_cast<pdf_int64>(I.pages.size())));
    root->GetDictionary().AddKey("MediaBox", RectArray(0, 0, I.info.page_width, I.info.page_height));

    // Catalog: language, outlines.
    PdfDictionary& cat = pdf.GetCatalog()->GetDictionary();
    cat.AddKey("Lang", PdfString("zh-TW"));
    PdfDictionary vp;
    vp.AddKey("DisplayDocTitle", PdfVariant(true));
    cat.AddKey("ViewerPreferences", vp);
    if (!I.bookmarks.empty()) {
      PdfObject* outlines = objs->CreateObject("Outlines");
      struct Node {
        PdfObject* obj;
        PdfObject* parent;
        std::vector<size_t> kids;
      };
      std::vector<Node> nodes;
      std::vector<size_t> top_level;
      std::vector<size_t> stack;  // index of the last node at each level
      for (const Bookmark& b : I.bookmarks) {
        int lvl = std::min<int>(b.level, static_cast<int>(stack.size()));
        stack.resize(static_cast<size_t>(lvl));
        PdfObject* o = objs->CreateObject();
        PdfObject* parent = lvl == 0 ? outlines : nodes[stack.back()].obj;
        nodes.push_back({o, parent, {}});
        size_t idx = nodes.size() - 1;
        if (lvl == 0) top_level.push_back(idx);
        else nodes[stack.back()].kids.push_back(idx);
        stack.push_back(idx);
        PdfDictionary& od = o->GetDictionary();
        od.AddKey("Title", Utf8String(b.title));
        od.AddKey("Parent", parent->Reference());
        PdfArray dest;
        int pg = std::clamp(b.page, 0, npages - 1);
        dest.push_back(page_refs[static_cast<size_t>(pg)]);
        dest.push_back(PdfName("XYZ"));
        dest.push_back(PdfVariant(0.0));
        dest.push_back(PdfVariant(I.info.page_height - b.y));
        dest.push_back(PdfVariant());
        od.AddKey("Dest", dest);
      }
      auto link = [&](PdfObject* parent, const std::vector<size_t>& kv) {
        if (kv.empty()) return;
        parent->GetDictionary().AddKey("First", nodes[kv.front()].obj->Reference());
        parent->GetDictionary().AddKey("Last", nodes[kv.back()].obj->Reference());
        parent->GetDictionary().AddKey("Count", PdfVariant(static_cast<pdf_int64>(kv.size())));
        for (size_t k = 0; k < kv.size(); ++k) {
          PdfDictionary& d = nodes[kv[k]].obj->GetDictionary();
          if (k > 0) d.AddKey("Prev", nodes[kv[k - 1]].obj->Reference());
          if (k + 1 < kv.size()) d.AddKey("Next", nodes[kv[k + 1]].obj->Reference());
        }
      };
      link(outlines, top_level);
      for (auto& n : nodes) link(n.obj, n.kids);
      cat.AddKey("Outlines", outlines->Reference());
      cat.AddKey("PageMode", PdfName("UseOutlines"));
    }

    // Document information; fixed dates make the bytes (and PoDoFo's /ID, an MD5 of
    // this dictionary) deterministic.
    LocalTime t = opts.creation_time == kNoTime ? NowLocal() : opts.creation_time;
    PdfDictionary& info = pdf.GetInfo()->GetObject()->GetDictionary();
    info.AddKey("Title", Utf8String(I.info.title));
    info.AddKey("Author", Utf8String(opts.author));
    if (!I.info.subject.empty()) info.AddKey("Subject", Utf8String(I.info.subject));
    info.AddKey("Creator", PdfString("liaudit"));
    info.AddKey("Producer", PdfString("liaudit (PoDoFo, HarfBuzz)"));
    info.AddKey("CreationDate", PdfString(PdfDateString(t)));
    info.AddKey("ModDate", PdfString(PdfDateString(t)));

    if (pdfa) {
      // The XMP packet says the same as the info dictionary (ISO 19005-1 6.7.3), unfiltered
      // so that tools that do not know PDF can still find it (6.7.2).
      XmpFields xf;
      xf.title = I.info.title;
      xf.author = opts.author;
      xf.subject = I.info.subject;
      xf.creator_tool = "liaudit";
      xf.producer = "liaudit (PoDoFo, HarfBuzz)";
      xf.created = xf.modified = t;
      const std::string xmp = XmpPacket(xf);
      PdfObject* meta = objs->CreateObject("Metadata");
      meta->GetDictionary().AddKey(PdfName::KeySubtype, PdfName("XML"));
      PdfMemoryInputStream xin(xmp.data(), static_cast<pdf_long>(xmp.size()));
      meta->GetStream()->SetRawData(&xin, static_cast<pdf_long>(xmp.size()));
      cat.AddKey("Metadata", meta->Reference());
      // Colours are DeviceRGB and DeviceGray: an sRGB OutputIntent gives them a meaning.
      PdfObject* profile = StreamObject(objs, I.engine->impl_->icc_deflated);
      profile->GetDictionary().AddKey("N", PdfVariant(static_cast<pdf_int64>(3)));
      PdfDictionary oi;
      oi.AddKey(PdfName::KeyType, PdfName("OutputIntent"));
      oi.AddKey("S", PdfName("GTS_PDFA1"));
      oi.AddKey("OutputConditionIdentifier", PdfString("sRGB IEC61966-2.1"));
      oi.AddKey("RegistryName", PdfString("http://www.color.org"));
      oi.AddKey("Info", PdfString("sRGB IEC61966-2.1"));
      oi.AddKey("DestOutputProfile", profile->Reference());
      PdfArray ois;
      ois.push_back(oi);
      cat.AddKey("OutputIntents", ois);
    }

    StructWriter sw(I, page_refs.size());
    uint32_t struct_root = 0;
    if (I.tagged) LIAUDIT_RETURN_IF_ERROR(PrepareStructTree(&pdf, page_refs.size(), &sw, &struct_root));
    std::string tmp = path + ".tmp";
    pdf.Write(tmp.c_str());
    if (I.tagged) {
      Status st = sw.Append(tmp, struct_root, page_refs);
      if (!st.ok()) {
        std::remove(tmp.c_str());
        return st;
      }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
      std::remove(tmp.c_str());
      return Status::IoError("cannot rename " + tmp + " to " + path);
    }
  } catch (const PdfError& e) {
    std::string where;
    if (!e.GetCallstack().empty()) {
      const PdfErrorInfo& info = e.GetCallstack().front();
      where = " (" + info.GetFilename() + ":" + std::to_string(info.GetLine()) + ")";
    }
    const char* msg = PdfError::ErrorMessage(e.GetError());
    return Status::IoError("writing " + path + ": PoDoFo error: " + (msg ? msg : "?") + where);
  }
  if (result) {
    *result = PdfResult();
    result->pages = npages;
    result->warnings = I.warnings;
    if (I.has_stamp) {
      result->has_stamp = true;
      result->stamp_page = I.stamp_page + 1;
      result->stamp_x = I.stamp.x;
      result->stamp_y = I.info.page_height - I.stamp.y - I.stamp.h;
      result->stamp_w = I.stamp.w;
      result->stamp_h = I.stamp.h;
    }
    struct stat st;
    if (stat(path.c_str(), &st) == 0) result->bytes = static_cast<uint64_t>(st.st_size);
  }
  return Status::OK();
}

}  // namespace liaudit::render
