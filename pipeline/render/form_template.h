// Form layouts as data: templates/*.tpl (format: docs/templates.md), parsed at run time.
// A template has settings and named pages; a page is a vertical stack of blocks (text
// lines, spaces, notes, table grids with fixed row heights, merged cells and repeated
// lines). The static part of a page (grid, labels) is drawn once per document as a Form
// XObject; text with {fields} is drawn per page from a field map.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "render/pdf.h"

namespace liaudit::render {

using Fields = std::map<std::string, std::string>;  // field name -> UTF-8 value

// One block or cell of a page, before layout. Lengths in millimetres as written.
struct TplItem {
  enum Kind { kText, kSpace, kNote, kGrid, kCell } kind = kText;
  long line = 0;            // source line, for messages
  double h = 0;             // text/space/row height (mm); notes: 0 = measure
  std::string text;         // with {field} placeholders, '\n' line breaks
  TextStyle style;
  int span = 1, rows = 1;   // cells
  bool fill = false, stamp = false, border = true;
  bool role_given = false;  // tag= written: style.role is what it says (else: P for text,
                            // TH for a cell with a fixed label, TD for a cell with fields)
  size_t row = 0, col = 0;  // cells: position in their grid (after span resolution)
  int grid = -1;            // grids and cells: index into TplPage::grids
};

struct TplGrid {
  std::vector<double> cols;       // mm
  std::vector<double> row_h;      // mm, after repeat expansion
  double line_width = 0.6, frame_width = 1.2;
};

struct TplPage {
  std::string name;
  std::vector<TplItem> items;     // in order; a kGrid item places its grid, its cells follow
  std::vector<TplGrid> grids;
  int repeat_lines = 0;           // number of lines of the (last) repeated row, 0 = none
  TplItem footer;                 // kind kText with empty text = no footer
  bool has_footer = false;
};

struct FormTemplate {
  std::string file;
  std::map<std::string, std::string> settings;  // set KEY VALUE
  std::map<std::string, TplPage> pages;
  std::string Setting(const std::string& key, const std::string& def = "") const;
  int IntSetting(const std::string& key, int def) const;
};

// Parses a template file. Errors name file and line ("templates/form1.tpl:12:5: ...").
Status LoadFormTemplate(const std::string& path, FormTemplate* out);
// The same from text (for tests); `name` is used in messages.
Status ParseFormTemplate(const std::string& name, const std::string& text, FormTemplate* out);

// Replaces {name} by fields[name] (missing = empty); "{{" gives "{".
std::string Substitute(const std::string& text, const Fields& fields);

// Draws template pages into a document. The static layer of each template page is made
// into a Form XObject on first use and reused for every page of the document.
// Tagged: a register page (one with a `row repeat=`) drawn again continues the first one:
// each grid's rows go on as TRs of the same Table, and what only repeats — the rows of
// fixed labels (the grid's header), text outside the grids that reads as on the first page
// (form number, title, unit and period, the approval line) — is an artifact there.
class FormPainter {
 public:
  // `constant` holds fields that are the same on every page (organisation, unit, period):
  // text using only those goes into the static layer. Both pointers must outlive this.
  FormPainter(Document* doc, const FormTemplate* tpl, Fields constant = {});
  // Appends one page drawn from template page `page` with `fields`.
  Status AddPage(const std::string& page, const Fields& fields);

 private:
  struct Laid {
    Box box;
    const TplItem* item;
    Role role;  // in the structure tree (tagged documents)
    bool constant = false;  // the same on every page: drawn from `cache` after the first
    std::string cache;      // Canvas::CachedText
    std::string first;      // text outside a grid: what the first page drew (tagged)
  };
  struct PageState {
    Template* xobj = nullptr;
    std::vector<Laid> dynamic;
    Box stamp;
    int drawn = 0;                         // pages of the document drawn from it so far
    std::vector<int> tables;               // per grid: its Table element (tagged), -1 = none yet
    std::vector<std::vector<char>> label;  // per grid and row: only fixed text starts there
  };
  Status Layout(const TplPage& p, PageState* st);
  bool IsConstant(const std::string& text) const;
  Document* doc_;
  const FormTemplate* tpl_;
  Fields constant_;
  std::map<std::string, PageState> cache_;
  std::vector<const TplItem*> footers_;  // per page index, nullptr = none
};

}  // namespace liaudit::render
