#include "render/form_template.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/text.h"

namespace liaudit::render {
namespace {

struct Token {
  std::string text;
  bool quoted = false;
  long col = 0;  // 1-based
};

// Words separated by blanks; "..." strings with \n, \" and \\ escapes; # starts a comment
// outside quotes.
Status Tokenize(const std::string& file, long line, const std::string& s, std::vector<Token>* out) {
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
      continue;
    }
    if (c == '#') break;
    Token t;
    t.col = static_cast<long>(i) + 1;
    if (c == '"') {
      t.quoted = true;
      ++i;
      bool closed = false;
      while (i < s.size()) {
        char d = s[i++];
        if (d == '"') {
          closed = true;
          break;
        }
        if (d == '\\' && i < s.size()) {
          char e = s[i++];
          if (e == 'n') t.text += '\n';
          else if (e == '"' || e == '\\') t.text += e;
          else return Status::AtInput(file, line, static_cast<long>(i) - 1, std::string("unknown escape \\") + e);
        } else {
          t.text += d;
        }
      }
      if (!closed) return Status::AtInput(file, line, t.col, "unterminated string");
    } else {
      while (i < s.size() && s[i] != ' ' && s[i] != '\t' && s[i] != '\r') t.text += s[i++];
    }
    out->push_back(t);
  }
  return Status::OK();
}

bool ParseNum(const std::string& s, double* v) {
  if (s.empty()) return false;
  char* end = nullptr;
  *v = std::strtod(s.c_str(), &end);
  return *end == 0 && std::isfinite(*v);  // "nan"/"inf" would poison the layout
}

// Counts (span, rows, repeat) above this are refused: they would overflow the int they are
// stored in, or expand into millions of rows (found by fuzzing, tests/fuzz/regressions).
constexpr double kMaxCount = 1000;

struct Parser {
  std::string file;
  long line = 0;
  FormTemplate* tpl = nullptr;
  TplPage* page = nullptr;
  double font_size = 12;
  // current grid
  int grid = -1;
  std::vector<std::vector<char>> occ;  // occupancy per row of the current grid
  size_t cur_row = 0, cur_col = 0;
  int repeat_left = 0;                  // cells of a repeated row are collected first
  int repeat_n = 0;
  double repeat_h = 0;
  std::vector<TplItem> repeat_cells;

  Status Err(long col, const std::string& msg) { return Status::AtInput(file, line, col, msg); }

  // Applies key=value options shared by text blocks and cells.
  Status Options(const std::vector<Token>& t, size_t from, TplItem* it, bool cell) {
    bool text_seen = false;
    for (size_t i = from; i < t.size(); ++i) {
      if (t[i].quoted) {
        if (text_seen) return Err(t[i].col, "only one text string per line");
        it->text = t[i].text;
        text_seen = true;
        continue;
      }
      const std::string& w = t[i].text;
      size_t eq = w.find('=');
      std::string k = w.substr(0, eq), v = eq == std::string::npos ? "" : w.substr(eq + 1);
      double num = 0;
      auto need_num = [&](double lo) -> Status {
        if (!ParseNum(v, &num) || num < lo) return Err(t[i].col, "bad number for " + k + ": '" + v + "'");
        return Status::OK();
      };
      if (k == "h") {
        LIAUDIT_RETURN_IF_ERROR(need_num(0));
        it->h = num;
      } else if (k == "size") {
        LIAUDIT_RETURN_IF_ERROR(need_num(1));
        it->style.size = num;
      } else if (k == "min") {
        LIAUDIT_RETURN_IF_ERROR(need_num(1));
        it->style.min_size = num;
      } else if (k == "leading") {
        LIAUDIT_RETURN_IF_ERROR(need_num(0.5));
        it->style.leading = num;
      } else if (k == "pad") {
        LIAUDIT_RETURN_IF_ERROR(need_num(0));
        it->style.padding = num * kMm;
      } else if (k == "align") {
        if (v == "left") it->style.align = HAlign::kLeft;
        else if (v == "center") it->style.align = HAlign::kCenter;
        else if (v == "right") it->style.align = HAlign::kRight;
        else if (v == "distribute") {
          // Spread labels fill one line: shrink rather than wrap.
          it->style.align = HAlign::kDistribute;
          it->style.wrap = false;
        }
        else return Err(t[i].col, "align must be left, center, right or distribute, not '" + v + "'");
      } else if (k == "valign") {
        if (v == "top") it->style.valign = VAlign::kTop;
        else if (v == "middle") it->style.valign = VAlign::kMiddle;
        else if (v == "bottom") it->style.valign = VAlign::kBottom;
        else return Err(t[i].col, "valign must be top, middle or bottom, not '" + v + "'");
      } else if (k == "bold" && v.empty()) {
        it->style.bold = true;
      } else if (k == "nowrap" && v.empty()) {
        it->style.wrap = false;
      } else if (cell && k == "span") {
        LIAUDIT_RETURN_IF_ERROR(need_num(1));
        if (num > kMaxCount) return Err(t[i].col, "span must be at most 1000");
        it->span = static_cast<int>(num);
      } else if (cell && k == "rows") {
        LIAUDIT_RETURN_IF_ERROR(need_num(1));
        if (num > kMaxCount) return Err(t[i].col, "rows must be at most 1000");
        it->rows = static_cast<int>(num);
      } else if (cell && k == "fill" && v.empty()) {
        it->fill = true;
      } else if (k == "stamp" && v.empty()) {
        it->stamp = true;
      } else if (cell && k == "noborder" && v.empty()) {
        it->border = false;
      } else if (k == "tag") {
        if (v == "h1") it->style.role = Role::kH1;
        else if (v == "h2") it->style.role = Role::kH2;
        else if (v == "p") it->style.role = Role::kP;
        else if (v == "th") it->style.role = Role::kTH;
        else if (v == "td") it->style.role = Role::kTD;
        else if (v == "artifact") it->style.role = Role::kArtifact;
        else return Err(t[i].col, "tag must be h1, h2, p, th, td or artifact, not '" + v + "'");
        it->role_given = true;
      } else {
        return Err(t[i].col, "unknown option '" + w + "'");
      }
    }
    return Status::OK();
  }

  Status NeedPage(long col) {
    if (!page) return Err(col, "'page NAME' must come first");
    return Status::OK();
  }

  // Places a cell in the current grid (occupancy as in HTML tables).
  Status PlaceCell(TplItem it, long col) {
    TplGrid& g = page->grids[static_cast<size_t>(grid)];
    const size_t ncols = g.cols.size();
    while (cur_col < ncols && occ[cur_row][cur_col]) ++cur_col;
    if (cur_col >= ncols) return Err(col, "more cells than columns in this row");
    size_t cs = static_cast<size_t>(it.span), rs = static_cast<size_t>(it.rows);
    if (cur_col + cs > ncols) return Err(col, "span=" + std::to_string(cs) + " goes past the last column");
    while (occ.size() < cur_row + rs) occ.emplace_back(ncols, 0);
    for (size_t r = cur_row; r < cur_row + rs; ++r)
      for (size_t c = cur_col; c < cur_col + cs; ++c) occ[r][c] = 1;
    it.row = cur_row;
    it.col = cur_col;
    it.grid = grid;
    cur_col += cs;
    page->items.push_back(it);
    return Status::OK();
  }

  Status StartRow(double h, long col) {
    if (grid < 0) return Err(col, "'row' needs a 'columns' line before it");
    TplGrid& g = page->grids[static_cast<size_t>(grid)];
    if (!g.row_h.empty()) cur_row++;
    g.row_h.push_back(h);
    cur_col = 0;
    const size_t ncols = g.cols.size();
    while (occ.size() <= cur_row) occ.emplace_back(ncols, 0);
    return Status::OK();
  }

  // Emits the collected cells of a repeated row N times: {.field} -> {k.field}, {#} -> k.
  Status FlushRepeat() {
    if (repeat_n == 0) return Status::OK();
    int n = repeat_n;
    repeat_n = 0;
    for (int k = 1; k <= n; ++k) {
      LIAUDIT_RETURN_IF_ERROR(StartRow(repeat_h, 1));
      for (TplItem it : repeat_cells) {
        std::string s;
        const std::string ks = std::to_string(k);
        for (size_t i = 0; i < it.text.size(); ++i) {
          if (it.text.compare(i, 2, "{.") == 0) {
            s += "{" + ks + ".";
            ++i;
          } else if (it.text.compare(i, 3, "{#}") == 0) {
            s += ks;
            i += 2;
          } else {
            s += it.text[i];
          }
        }
        it.text = s;
        LIAUDIT_RETURN_IF_ERROR(PlaceCell(it, 1));
      }
    }
    page->repeat_lines = n;
    repeat_cells.clear();
    return Status::OK();
  }

  Status Line(const std::vector<Token>& t) {
    const std::string& kw = t[0].text;
    if (t[0].quoted) return Err(t[0].col, "a line must start with a keyword");
    if (kw != "cell") LIAUDIT_RETURN_IF_ERROR(FlushRepeat());
    if (kw == "set") {
      if (t.size() < 3) return Err(t[0].col, "expected 'set KEY VALUE'");
      std::string v;
      for (size_t i = 2; i < t.size(); ++i) v += (i > 2 ? " " : "") + t[i].text;
      tpl->settings[t[1].text] = v;
      if (t[1].text == "font_size" && !ParseNum(v, &font_size)) return Err(t[2].col, "bad font_size");
      return Status::OK();
    }
    if (kw == "page") {
      if (t.size() != 2) return Err(t[0].col, "expected 'page NAME'");
      if (tpl->pages.count(t[1].text)) return Err(t[1].col, "page '" + t[1].text + "' defined twice");
      page = &tpl->pages[t[1].text];
      page->name = t[1].text;
      grid = -1;
      return Status::OK();
    }
    LIAUDIT_RETURN_IF_ERROR(NeedPage(t[0].col));
    TplItem it;
    it.line = line;
    it.style.size = font_size;
    it.style.padding = 1.2 * kMm;
    it.style.padding_y = 1.0 * kMm;
    if (kw == "text" || kw == "note" || kw == "footer") {
      it.kind = kw == "note" ? TplItem::kNote : TplItem::kText;
      LIAUDIT_RETURN_IF_ERROR(Options(t, 1, &it, false));
      if (kw == "text" && it.h <= 0) return Err(t[0].col, "text needs h=MM");
      grid = -1;
      if (kw == "footer") {
        if (it.h <= 0) it.h = 8;
        page->footer = it;
        page->has_footer = true;
        return Status::OK();
      }
      page->items.push_back(it);
      return Status::OK();
    }
    if (kw == "space") {
      double v = 0;
      if (t.size() != 2 || !ParseNum(t[1].text, &v) || v < 0) return Err(t[0].col, "expected 'space MM'");
      it.kind = TplItem::kSpace;
      it.h = v;
      grid = -1;
      page->items.push_back(it);
      return Status::OK();
    }
    if (kw == "columns") {
      TplGrid g;
      for (size_t i = 1; i < t.size(); ++i) {
        double v = 0;
        if (t[i].text.rfind("line=", 0) == 0 && ParseNum(t[i].text.substr(5), &v)) {
          g.line_width = v;
          continue;
        }
        if (t[i].text.rfind("frame=", 0) == 0 && ParseNum(t[i].text.substr(6), &v)) {
          g.frame_width = v;
          continue;
        }
        if (!ParseNum(t[i].text, &v) || v <= 0) return Err(t[i].col, "bad column width '" + t[i].text + "'");
        g.cols.push_back(v);
      }
      if (g.cols.empty()) return Err(t[0].col, "columns needs at least one width (mm)");
      page->grids.push_back(g);
      grid = static_cast<int>(page->grids.size()) - 1;
      occ.clear();
      cur_row = cur_col = 0;
      it.kind = TplItem::kGrid;
      it.grid = grid;
      page->items.push_back(it);
      return Status::OK();
    }
    if (kw == "row") {
      double h = 0;
      int rep = 0;
      for (size_t i = 1; i < t.size(); ++i) {
        const std::string& w = t[i].text;
        double v = 0;
        if (w.rfind("h=", 0) == 0 && ParseNum(w.substr(2), &v) && v > 0) h = v;
        else if (w.rfind("repeat=", 0) == 0 && ParseNum(w.substr(7), &v) && v >= 1 && v <= kMaxCount)
          rep = static_cast<int>(v);
        else return Err(t[i].col, "expected h=MM or repeat=N (N at most 1000), not '" + w + "'");
      }
      if (h <= 0) return Err(t[0].col, "row needs h=MM");
      if (rep > 0) {
        if (grid < 0) return Err(t[0].col, "'row' needs a 'columns' line before it");
        repeat_n = rep;
        repeat_h = h;
        return Status::OK();
      }
      return StartRow(h, t[0].col);
    }
    if (kw == "cell") {
      it.kind = TplItem::kCell;
      LIAUDIT_RETURN_IF_ERROR(Options(t, 1, &it, true));
      // Labels (no fields) are centred unless told otherwise.
      bool has_align = false;
      for (auto& tok : t) has_align |= !tok.quoted && tok.text.rfind("align=", 0) == 0;
      if (!has_align) it.style.align = it.text.find('{') == std::string::npos ? HAlign::kCenter : HAlign::kLeft;
      if (repeat_n > 0) {
        repeat_cells.push_back(it);
        return Status::OK();
      }
      if (grid < 0 || page->grids[static_cast<size_t>(grid)].row_h.empty()) return Err(t[0].col, "'cell' outside a row");
      return PlaceCell(it, t[0].col);
    }
    return Err(t[0].col, "unknown keyword '" + kw + "' (set, page, text, note, space, columns, row, cell, footer)");
  }
};

}  // namespace

std::string FormTemplate::Setting(const std::string& key, const std::string& def) const {
  auto it = settings.find(key);
  return it == settings.end() ? def : it->second;
}

int FormTemplate::IntSetting(const std::string& key, int def) const {
  auto it = settings.find(key);
  if (it == settings.end()) return def;
  return std::atoi(it->second.c_str());
}

Status ParseFormTemplate(const std::string& name, const std::string& text, FormTemplate* out) {
  *out = FormTemplate();
  out->file = name;
  Parser p;
  p.file = name;
  p.tpl = out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    ++p.line;
    std::vector<Token> t;
    LIAUDIT_RETURN_IF_ERROR(Tokenize(name, p.line, line, &t));
    if (t.empty()) continue;
    LIAUDIT_RETURN_IF_ERROR(p.Line(t));
  }
  LIAUDIT_RETURN_IF_ERROR(p.FlushRepeat());
  if (out->pages.empty()) return Status::AtInput(name, p.line, 0, "template has no 'page'");
  // Cells spanning rows that do not exist.
  for (auto& [pname, pg] : out->pages) {
    for (auto& it : pg.items) {
      if (it.kind != TplItem::kCell) continue;
      const TplGrid& g = pg.grids[static_cast<size_t>(it.grid)];
      if (it.row + static_cast<size_t>(it.rows) > g.row_h.size()) {
        return Status::AtInput(name, it.line, 0, "rows=" + std::to_string(it.rows) + " goes past the last row");
      }
    }
  }
  return Status::OK();
}

Status LoadFormTemplate(const std::string& path, FormTemplate* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot open template " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  size_t bad = FindInvalidUtf8(text);
  if (bad != std::string::npos) return Status::AtInput(path, 0, 0, "not UTF-8 at byte " + std::to_string(bad));
  return ParseFormTemplate(path, text, out);
}

std::string Substitute(const std::string& text, const Fields& fields) {
  std::string out;
  out.reserve(text.size() + 16);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{') {
      if (i + 1 < text.size() && text[i + 1] == '{') {
        out += '{';
        ++i;
        continue;
      }
      size_t e = text.find('}', i);
      if (e != std::string::npos) {
        auto it = fields.find(text.substr(i + 1, e - i - 1));
        if (it != fields.end()) out += it->second;
        i = e;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

// A cell's text with its fields filled; when the whole does not fit the cell even at its
// smallest size, the longest field is shortened (ending in "…") until it does, so that
// what the form itself prints around the fields (a label, a check box, a second line) is
// never what gets cut. Canvas::Text still cuts the end if nothing else helps.
static std::string FitFields(Document* doc, const Box& box, const std::string& text, const Fields& fields,
                      const TextStyle& st) {
  std::string whole = Substitute(text, fields);
  if (doc->TextFits(box, whole, st)) return whole;
  Fields f;  // the fields this text uses, in code points
  for (size_t i = text.find('{'); i != std::string::npos; i = text.find('{', i + 1)) {
    if (i + 1 < text.size() && text[i + 1] == '{') {
      ++i;
      continue;
    }
    const size_t e = text.find('}', i);
    if (e == std::string::npos) break;
    auto it = fields.find(text.substr(i + 1, e - i - 1));
    if (it != fields.end()) f.insert(*it);
  }
  std::vector<std::string> shortened;
  for (;;) {
    std::string longest;
    size_t longest_n = 1;
    for (const auto& [k, v] : f) {
      const size_t n = ToCodePoints(v).size();
      if (n > longest_n && std::find(shortened.begin(), shortened.end(), k) == shortened.end()) {
        longest = k;
        longest_n = n;
      }
    }
    if (longest.empty()) return Substitute(text, f);
    const std::vector<char32_t> cps = ToCodePoints(f[longest]);
    auto with = [&](size_t keep) {
      std::string v;
      for (size_t k = 0; k < keep; ++k) AppendUtf8(&v, cps[k]);
      v += "…";
      Fields g = f;
      g[longest] = v;
      return Substitute(text, g);
    };
    shortened.push_back(longest);
    size_t lo = 0, hi = cps.size() - 1;  // the largest count kept that fits, if any
    if (!doc->TextFits(box, with(0), st)) {
      f[longest] = "…";
      continue;  // this field alone cannot make room: shorten the next one too
    }
    while (lo < hi) {
      const size_t mid = (lo + hi + 1) / 2;
      if (doc->TextFits(box, with(mid), st)) lo = mid; else hi = mid - 1;
    }
    doc->AddWarning(doc->info().name + ": a field of " + std::to_string(cps.size()) +
                    " characters does not fit its box; its first " + std::to_string(lo) +
                    " are printed, ending in '…' (the workbook has it whole)");
    return with(lo);
  }
}

// ---------------------------------------------------------------- painting

FormPainter::FormPainter(Document* doc, const FormTemplate* tpl, Fields constant)
    : doc_(doc), tpl_(tpl), constant_(std::move(constant)) {
  // One decorator for the whole document: the footer of the template page each page used.
  doc_->SetPageDecorator([this](Canvas& c, int page, int pages) {
    size_t i = static_cast<size_t>(page - 1);
    if (i >= footers_.size() || !footers_[i]) return;
    const TplItem* f = footers_[i];
    Fields pf{{"page", std::to_string(page)}, {"pages", std::to_string(pages)}};
    double bottom_margin = tpl_->IntSetting("margin_bottom", 12) * kMm;
    double left = tpl_->IntSetting("margin_left", 18) * kMm;
    double right = tpl_->IntSetting("margin_right", 18) * kMm;
    Box b{left, c.height() - bottom_margin - f->h * kMm + 4 * kMm, c.width() - left - right, f->h * kMm};
    c.Text(b, Substitute(f->text, pf), f->style);
  });
}

// Text whose every {field} is a document constant goes into the static layer.
bool FormPainter::IsConstant(const std::string& text) const {
  size_t i = 0;
  while ((i = text.find('{', i)) != std::string::npos) {
    if (i + 1 < text.size() && text[i + 1] == '{') {
      i += 2;
      continue;
    }
    size_t e = text.find('}', i);
    if (e == std::string::npos) return true;
    if (!constant_.count(text.substr(i + 1, e - i - 1))) return false;
    i = e + 1;
  }
  return true;
}

Status FormPainter::Layout(const TplPage& p, PageState* st) {
  const double top = tpl_->IntSetting("margin_top", 15) * kMm;
  const double left = tpl_->IntSetting("margin_left", 18) * kMm;
  const double right = tpl_->IntSetting("margin_right", 18) * kMm;
  const double width = doc_->info().page_width - left - right;
  st->xobj = &doc_->NewTemplate();
  Template& x = *st->xobj;
  st->tables.assign(p.grids.size(), -1);
  st->label.resize(p.grids.size());
  for (size_t g = 0; g < p.grids.size(); ++g) st->label[g].assign(p.grids[g].row_h.size(), 0);
  for (const TplItem& it : p.items)  // a row is a label row when a cell starts there, all fixed
    if (it.kind == TplItem::kCell) st->label[static_cast<size_t>(it.grid)][it.row] = 1;
  for (const TplItem& it : p.items)
    if (it.kind == TplItem::kCell && !IsConstant(it.text)) st->label[static_cast<size_t>(it.grid)][it.row] = 0;
  double y = top;
  std::vector<double> grid_top(p.grids.size(), 0);
  std::vector<std::vector<double>> colx(p.grids.size()), rowy(p.grids.size());
  for (const TplItem& it : p.items) {
    switch (it.kind) {
      case TplItem::kSpace:
        y += it.h * kMm;
        break;
      case TplItem::kText:
      case TplItem::kNote: {
        double h = it.h * kMm;
        if (it.kind == TplItem::kNote && h <= 0) h = doc_->TextHeight(it.text, width, it.style);
        Box b{left, y, width, h};
        // Tagged: all text is page content (a template's content can only be an artifact),
        // drawn in the template's order, which is the reading order.
        if (IsConstant(it.text) && !doc_->tagged()) x.Text(b, Substitute(it.text, constant_), it.style);
        else st->dynamic.push_back({b, &it, it.style.role, IsConstant(it.text), {}, {}});
        if (it.stamp) st->stamp = b;
        y += h;
        break;
      }
      case TplItem::kGrid: {
        size_t g = static_cast<size_t>(it.grid);
        const TplGrid& grid = p.grids[g];
        double total = 0;
        for (double c : grid.cols) total += c;
        // Columns are scaled to the content width, so widths can be given as proportions.
        double k = width / (total * kMm);
        colx[g].push_back(left);
        for (double c : grid.cols) colx[g].push_back(colx[g].back() + c * kMm * k);
        rowy[g].push_back(y);
        for (double h : grid.row_h) rowy[g].push_back(rowy[g].back() + h * kMm);
        grid_top[g] = y;
        y = rowy[g].back();
        x.StrokeRect(Box{left, grid_top[g], width, y - grid_top[g]}, LineStyle{grid.frame_width, {}, 0});
        break;
      }
      case TplItem::kCell: {
        size_t g = static_cast<size_t>(it.grid);
        const auto& cx = colx[g];
        const auto& ry = rowy[g];
        Box b{cx[it.col], ry[it.row], cx[it.col + static_cast<size_t>(it.span)] - cx[it.col],
              ry[it.row + static_cast<size_t>(it.rows)] - ry[it.row]};
        if (it.fill) x.FillRect(b, Color::Gray(0.93));
        if (it.border) x.StrokeRect(b, LineStyle{p.grids[g].line_width, {}, 0});
        if (doc_->tagged()) {
          // A cell with a fixed label heads its row or column (TH); one with fields is data.
          Role role = it.text.find('{') == std::string::npos ? Role::kTH : Role::kTD;
          st->dynamic.push_back({b, &it, it.role_given ? it.style.role : role, IsConstant(it.text), {}, {}});
        } else if (IsConstant(it.text)) {
          if (!it.text.empty()) x.Text(b, Substitute(it.text, constant_), it.style);
        } else {
          st->dynamic.push_back({b, &it, it.style.role, false, {}, {}});
        }
        if (it.stamp) st->stamp = b;
        break;
      }
    }
  }
  return Status::OK();
}

Status FormPainter::AddPage(const std::string& page, const Fields& fields) {
  auto pit = tpl_->pages.find(page);
  if (pit == tpl_->pages.end()) {
    return Status::InvalidInput(tpl_->file + ": no page '" + page + "' in the template");
  }
  auto cit = cache_.find(page);
  if (cit == cache_.end()) {
    cit = cache_.emplace(page, PageState()).first;
    LIAUDIT_RETURN_IF_ERROR(Layout(pit->second, &cit->second));
  }
  PageState& ps = cit->second;
  Canvas& c = doc_->NewPage();
  c.Use(*ps.xobj);
  // A cell that mixes the document's constants with this page's fields sees both.
  Fields all = constant_;
  for (const auto& [k, v] : fields) all[k] = v;
  // Structure: each grid is a Table, each of its rows a TR (a cell spanning rows belongs to
  // its first), text outside grids P or its tag=. A register page drawn again continues the
  // first one's Tables; its label rows and repeated text are artifacts (see the header).
  const bool cont = doc_->tagged() && ps.drawn > 0 && pit->second.repeat_lines > 0;
  int grid = -1;
  size_t row = 0;
  bool in_tr = false;
  auto close_grid = [&] {
    if (in_tr) doc_->EndGroup();
    if (grid >= 0) doc_->EndGroup();
    grid = -1;
    in_tr = false;
  };
  for (Laid& l : ps.dynamic) {
    const TplItem& it = *l.item;
    Role role = l.role;
    if (it.kind == TplItem::kCell) {
      const size_t g = static_cast<size_t>(it.grid);
      if (it.grid != grid) {
        close_grid();
        if (ps.tables[g] >= 0 && cont) doc_->ContinueGroup(ps.tables[g]);
        else ps.tables[g] = doc_->BeginGroup(Document::Group::kTable);
        grid = it.grid;
      }
      if (cont && ps.label[g][it.row]) {  // the grid's header, repeated
        if (in_tr) doc_->EndGroup();
        in_tr = false;
        role = Role::kArtifact;
      } else if (!in_tr || it.row != row) {
        if (in_tr) doc_->EndGroup();
        doc_->BeginGroup(Document::Group::kTR);
        in_tr = true;
        row = it.row;
      }
    } else {
      close_grid();
    }
    if (l.constant && !l.cache.empty()) {  // a label, laid out on the first page
      TextStyle s = it.style;
      s.role = cont && it.kind != TplItem::kCell ? Role::kArtifact : role;
      c.CachedText(l.box, "", s, &l.cache);
      continue;
    }
    const std::string text = FitFields(doc_, l.box, it.text, all, it.style);
    if (doc_->tagged() && it.kind != TplItem::kCell) {
      if (ps.drawn == 0) l.first = text;
      else if (cont && text == l.first) role = Role::kArtifact;
    }
    if (text.empty()) {
      if (it.kind == TplItem::kCell) doc_->AddEmptyElement(role);
      continue;
    }
    TextStyle s = it.style;
    s.role = role;
    if (l.constant) c.CachedText(l.box, text, s, &l.cache);
    else c.Text(l.box, text, s);
  }
  close_grid();
  ++ps.drawn;
  if (ps.stamp.w > 0) c.MarkStamp(ps.stamp);
  footers_.push_back(pit->second.has_footer ? &pit->second.footer : nullptr);
  return Status::OK();
}

}  // namespace liaudit::render
