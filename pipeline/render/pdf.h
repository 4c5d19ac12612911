// The Traditional Chinese PDF engine: document model -> PDF 1.7 bytes.
//
// Units: PDF points (1/72 inch; kMm points per millimetre). Coordinates are measured from
// the TOP-LEFT corner of the page, y growing downwards (the engine flips them for PDF).
// Text is UTF-8. Fonts come from the configured chain (fonts/fonts.conf): the first face
// that has a character draws it; a character no face has is drawn as a visible box and
// reported in PdfResult::warnings (never an error). Fonts are embedded as subset
// Type0/Identity-H CID fonts with /W and a ToUnicode CMap, so pdftotext gives the text back.
//
// Typical use (reports):
//   std::unique_ptr<Engine> engine;  Engine::Create(opts, &engine);       // once per job
//   auto doc = engine->NewDocument({"勞保查詢系統每日異常報告"});
//   doc->SetPageDecorator([](Canvas& c, int page, int pages) { ...第 page 頁，共 pages 頁... });
//   Flow flow(doc.get(), Margins{});       // or doc->NewPage() and draw yourself
//   flow.Heading("一、摘要", style, /*bookmark_level=*/0); flow.Paragraph(text, style);
//   flow.AddTable(table); Box chart = flow.Reserve(200); flow.canvas().Line(...);
//   PdfResult r; doc->Finish("out/exceptions.pdf", &r);
// No PoDoFo type crosses this header.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/datetime.h"
#include "core/status.h"

namespace liaudit::render {

constexpr double kMm = 72.0 / 25.4;
constexpr double kA4Width = 595.2756;   // 210 mm
constexpr double kA4Height = 841.8898;  // 297 mm

struct RenderOptions {
  // Font chain configuration (see docs/pdf.md). Empty = "<source>/fonts/fonts.conf".
  std::string fonts_config;
  // Folder of the *.tpl form layouts. Empty = "<source>/templates".
  std::string templates_dir;
  // Document info /Author of every PDF.
  std::string author = "高雄市政府社會局";
  // /CreationDate and the seed of the fixed /ID. kNoTime = now (NowLocal(), which honours
  // SetFixedClock). Same inputs + same creation_time = byte-identical PDF.
  LocalTime creation_time = kNoTime;
  // Flate level of page content (1 fastest .. 9 smallest).
  int compression = 6;
  // render.pdfa: kA1b = PDF/A-1b (ISO 19005-1 level B: PDF 1.4 syntax written cleanly, XMP
  // metadata mirroring the info dictionary, an sRGB OutputIntent, /CIDSet on every font;
  // docs/pdf.md); kOff = plain PDF 1.7 without those.
  enum class PdfA { kOff, kA1b };
  PdfA pdfa = PdfA::kA1b;
  // render.icc_profile: the sRGB ICC (version 2) profile of the PDF/A OutputIntent. Empty =
  // /usr/share/color/icc/sRGB.icc (icc-profiles-free), else .../colord/sRGB.icc (colord).
  std::string icc_profile;
  // render.tagged: a structure tree (Tagged PDF: /MarkInfo, /StructTreeRoot, marked content;
  // docs/pdf.md "The structure tree"). false = untagged, as before issue 12.
  bool tagged = true;
};

// "1b" / "off" (case-insensitive) for render.pdfa; false for anything else.
bool ParsePdfA(const std::string& text, RenderOptions::PdfA* out);

struct PdfResult {
  int pages = 0;
  // Recoverable problems, English, e.g.
  // "form1-F001.pdf: no font has U+E000 '' (drawn as a box)".
  std::vector<std::string> warnings;
  // Where the approval signature widget should go (the first MarkStamp() of the document):
  // page is 1-based; x, y are PDF points from the page's BOTTOM-left corner (PDF space).
  bool has_stamp = false;
  int stamp_page = 0;
  double stamp_x = 0, stamp_y = 0, stamp_w = 0, stamp_h = 0;
  uint64_t bytes = 0;  // size of the written file
};

// What a drawn text is in the structure tree (Tagged PDF). kArtifact: not content (page
// headers, footers, page numbers, the stamp); it is marked as such and left out of the tree.
// Table cells get kTH/kTD from the table; text inside a figure or an artifact section is part
// of that and gets no element of its own.
enum class Role : uint8_t { kP, kH1, kH2, kH3, kH4, kTH, kTD, kArtifact };

enum class HAlign { kLeft, kCenter, kRight, kDistribute /* spread characters over the width, for labels */ };
enum class VAlign { kTop, kMiddle, kBottom };

struct Color {
  double r = 0, g = 0, b = 0;  // 0..1
  static Color Gray(double v) { return Color{v, v, v}; }
};

struct TextStyle {
  double size = 12;             // points
  HAlign align = HAlign::kLeft;
  VAlign valign = VAlign::kMiddle;
  bool wrap = true;             // break at the box width: CJK anywhere (not before closing
                                // punctuation), Latin words at spaces; '\n' always breaks
  bool shrink_to_fit = true;    // reduce the size (down to min_size) until the text fits the box
  double min_size = 6;
  double leading = 1.25;        // line height = size * leading
  double padding = 3;           // inner margin on every side of a box, points
  double padding_y = -1;        // top/bottom inner margin; < 0 = same as padding
  Color color;
  bool bold = false;            // simulated (fill+stroke) bold
  Role role = Role::kP;         // its element in the structure tree (tagged documents)
};

// A rectangle in page coordinates (top-left origin, points).
struct Box {
  double x = 0, y = 0, w = 0, h = 0;
};

struct LineStyle {
  double width = 0.75;
  Color color;
  double dash = 0;  // > 0: dash length (points), same gap
};

class Document;
class Template;

// A drawing surface: a page or a Template. Owned by its Document; valid until Finish().
class Canvas {
 public:
  virtual ~Canvas() = default;
  double width() const { return w_; }
  double height() const { return h_; }

  // Text laid out in `box` (padding applied inside). Returns the height actually used
  // (including padding); text that does not fit after shrinking is clipped to the box.
  double Text(const Box& box, std::string_view utf8, const TextStyle& style);
  // Text() that keeps what it draws in *cache (empty at first) and, called again with the
  // same cache, draws those operators again without laying the text out: for text that is
  // the same in the same box on many pages of one document (a form's labels, tagged).
  void CachedText(const Box& box, std::string_view utf8, const TextStyle& style, std::string* cache);
  // One line at a baseline point, no wrapping. Returns the advance width.
  double TextAt(double x, double baseline_y, std::string_view utf8, double size,
                const Color& color = {});

  void Line(double x1, double y1, double x2, double y2, const LineStyle& ls = {});
  void StrokeRect(const Box& b, const LineStyle& ls = {});
  void FillRect(const Box& b, const Color& fill);
  // Arbitrary vector paths (charts): build with MoveTo/LineTo/CurveTo/Close, then
  // Stroke/Fill/FillStroke, which end the path.
  void MoveTo(double x, double y);
  void LineTo(double x, double y);
  void CurveTo(double x1, double y1, double x2, double y2, double x3, double y3);
  void ClosePath();
  void Stroke(const LineStyle& ls = {});
  void Fill(const Color& c);
  void FillStroke(const Color& fill, const LineStyle& ls = {});
  // A check box glyph ☐ (unchecked) or ☑ (checked), `size` points, baseline at y.
  double CheckBox(double x, double baseline_y, bool checked, double size = 12);
  // Draws a Template (Form XObject) at the page origin (templates are page-sized).
  void Use(const Template& t);

  // Where the signature/seal widget should go; the first call in a document wins.
  void MarkStamp(const Box& b);

  // Tagged PDF. Everything drawn between BeginArtifact() and EndArtifact() is an artifact
  // (/Artifact BMC … EMC): not in the structure tree, skipped by screen readers. Everything
  // drawn between BeginFigure(alt) and EndFigure() is one marked-content sequence of a Figure
  // element whose /Alt is `alt` (say what the picture shows: the numbers of a chart). Lines,
  // rectangles and paths drawn outside a figure are artifacts by themselves; text outside an
  // artifact or figure becomes an element of its TextStyle::role. Pairs nest; a template's
  // content is always an artifact. No effect on untagged documents.
  void BeginArtifact();
  void EndArtifact();
  void BeginFigure(const std::string& alt);
  void EndFigure();
  // Whether what is drawn now is an artifact (inside BeginArtifact, a template, the decorator).
  bool in_artifact() const { return artifact_depth_ > 0 || is_template_; }

  Document* document() const { return doc_; }

 protected:
  friend class Document;
  Canvas(Document* d, double w, double h) : doc_(d), w_(w), h_(h) {}
  Document* doc_;
  double w_, h_;
  std::string content_;  // PDF content operators (PDF space)
  std::string path_;     // path under construction (MoveTo..), painted by Stroke/Fill
  bool is_template_ = false;
  int page_index_ = -1;  // 0-based page, -1 for templates
  int artifact_depth_ = 0;  // > 0: inside BeginArtifact (or a template / the decorator)
  int figure_depth_ = 0;    // > 0: inside BeginFigure
  std::vector<int> artifact_opened_;  // depths whose BeginArtifact wrote /Artifact BMC
  bool figure_opened_ = false;        // the outermost BeginFigure wrote /Figure BDC
  // Tagged PDF helpers: open/close a marked-content sequence for text of `role`, or an
  // artifact wrapper around one graphics object. Return whether they wrote anything.
  bool OpenMarked(Role role);
  void CloseMarked(bool opened);
  bool OpenGraphic();
};

// Static page content drawn once and placed on many pages (e.g. a form's grid and labels).
class Template : public Canvas {
 public:
  int id() const { return id_; }

 private:
  friend class Document;
  Template(Document* d, double w, double h, int id) : Canvas(d, w, h), id_(id) { is_template_ = true; }
  int id_;
};

// A table: fixed column widths, rows that grow with their content, merged cells,
// header rows repeated on every page the table spans.
struct Cell {
  std::string text;         // UTF-8; may contain '\n'
  TextStyle style;
  int col_span = 1;
  int row_span = 1;         // row spans are kept on one page
  bool filled = false;      // paint `fill` behind the text
  Color fill = Color::Gray(0.92);
  bool stamp = false;       // MarkStamp() this cell
  bool header = false;      // a row header (label) in a body row: TH instead of TD
};
struct TableRow {
  std::vector<Cell> cells;  // left to right, skipping positions covered by spans from above
  double min_height = 0;    // points; the row grows when its text needs more
};
struct Table {
  std::vector<double> col_widths;   // points
  std::vector<TableRow> header;     // repeated at the top of every page
  std::vector<TableRow> rows;
  LineStyle grid{0.6, {}, 0};
  LineStyle frame{1.2, {}, 0};      // outer border
};

struct Margins {
  double top = 20 * kMm, right = 18 * kMm, bottom = 20 * kMm, left = 18 * kMm;
};

// Document info and page set-up.
struct DocInfo {
  std::string title;          // /Title (zh-TW)
  std::string subject;        // /Subject, optional
  std::string name;           // short name used in warnings, e.g. "form1-F001.pdf"; default title
  double page_width = kA4Width, page_height = kA4Height;
};

class Document {
 public:
  ~Document();
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  // Appends a page and returns its canvas (owned by the document).
  Canvas& NewPage();
  int page_count() const;
  Canvas& page(int index);  // 0-based
  // A page-sized static template (Form XObject).
  Template& NewTemplate();

  // Called for every page at Finish(), when the page count is known: headers, footers,
  // "第 X 頁，共 Y 頁". page is 1-based.
  void SetPageDecorator(std::function<void(Canvas&, int page, int pages)> f);

  // An outline entry pointing at `y` (top-left coordinates) of page `page_index` (0-based).
  // level 0 = top level; a level-1 entry belongs to the preceding level-0 entry, etc.
  void AddBookmark(const std::string& title, int page_index, double y, int level = 0);

  // Text measurement with the document's fonts.
  double TextWidth(std::string_view utf8, double size);
  // Height a Text() call would use for `utf8` in a box `width` wide (no shrinking).
  double TextHeight(std::string_view utf8, double width, const TextStyle& style);
  // Whether Text() would draw `utf8` in `box` whole, at some size down to style.min_size
  // (style.size when it does not shrink), instead of cutting it.
  bool TextFits(const Box& box, std::string_view utf8, const TextStyle& style);
  // Adds a line to PdfResult::warnings.
  void AddWarning(std::string warning);

  // Structure tree (tagged documents): opens a grouping element (kTable, kTR, kSect) under
  // the innermost open one (the Document element at first); what is drawn until the matching
  // EndGroup() goes into it, in drawing order (= reading order). DrawTable opens its own
  // Table and TR elements. An empty cell gets an empty element (AddEmptyElement) so the
  // columns stay aligned. No effect on untagged documents. BeginGroup returns the element's
  // id (-1 untagged); ContinueGroup(id) makes that element the innermost open one again (it
  // stays where it is in the tree) and what is drawn until the matching EndGroup() follows
  // its earlier children: one Table for a register whose rows go on over pages, while what
  // was drawn in between (the text under the grid) stays after the Table.
  enum class Group : uint8_t { kTable, kTR, kSect };
  int BeginGroup(Group g);
  void ContinueGroup(int id);
  void EndGroup();
  void AddEmptyElement(Role role);
  bool tagged() const;

  // Draws `table` starting at `top` on canvas `c` (x = left edge). When a row does not fit
  // above `bottom`, calls new_page() for the next canvas and continues at its returned top,
  // repeating the header rows. Returns the y below the table on the last canvas used.
  double DrawTable(Canvas* c, const Table& table, double x, double top, double bottom,
                   const std::function<double(Canvas**)>& new_page);

  // Subsets and embeds the fonts, writes the PDF (1.7) to `path` and fills `result`.
  // The document cannot be used afterwards.
  Status Finish(const std::string& path, PdfResult* result);

  const DocInfo& info() const;

  struct Impl;  // implementation detail (render/pdf.cc)

 private:
  friend class Engine;
  friend class Canvas;
  explicit Document(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Flowing layout over pages with margins: paragraphs, headings with bookmarks, tables,
// reserved boxes for charts; starts a new page when the next item does not fit.
class Flow {
 public:
  Flow(Document* doc, const Margins& m = {});
  Canvas& canvas();                          // current page (starts one if none)
  double y() const { return y_; }            // current top position
  double content_width() const;
  void NewPage();
  void Space(double h);
  // Returns a box of height h at the current position (new page first if needed).
  Box Reserve(double h);
  void Paragraph(std::string_view utf8, const TextStyle& style);
  // A paragraph with an outline entry at `level`.
  void Heading(std::string_view utf8, const TextStyle& style, int bookmark_level = 0);
  void AddTable(const Table& t);

 private:
  Document* doc_;
  Margins m_;
  Canvas* cur_ = nullptr;
  double y_ = 0;
};

// Loads the fonts once; makes any number of documents (one at a time per thread).
class Engine {
 public:
  static Status Create(const RenderOptions& opts, std::unique_ptr<Engine>* out);
  ~Engine();
  std::unique_ptr<Document> NewDocument(const DocInfo& info);
  const RenderOptions& options() const;
  // Names of the configured faces in chain order ("TW-Kai", ...), for logs.
  std::vector<std::string> FaceNames() const;

 private:
  struct Impl;
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  friend class Document;
};

}  // namespace liaudit::render
