#include "core/sheet.h"

#include <algorithm>
#include <cmath>

#include "core/text.h"

namespace liaudit::sheet {
namespace {

constexpr char kTruncatedMarker[] = "…（已截斷）";
constexpr int64_t kTruncatedMarkerUnits = 6;

constexpr double kMinWidth = 6;
constexpr double kMaxWidth = 60;
constexpr double kPadding = 2;
constexpr int kHeaderExtra = 3;  // bold header plus the autofilter drop-down button
constexpr double kPortraitMaxTotal = 100;
constexpr int kDateWidth = 9;       // 115/11/25
constexpr int kDateTimeWidth = 18;  // 115/11/25 13:05:09
constexpr int kNumberWidth = 11;    // "General" shows at most ~11 characters

// True when `s` needs rewriting before it can go into XML: invalid UTF-8, or the
// non-characters U+FFFE / U+FFFF, which XML 1.0 forbids. Pure ASCII is the fast path.
bool NeedsRepair(std::string_view s) {
  bool ascii = true;
  for (unsigned char c : s) {
    if (c >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return false;
  if (FindInvalidUtf8(s) != std::string_view::npos) return true;
  for (size_t i = 0; i + 2 < s.size(); ++i) {
    if (static_cast<unsigned char>(s[i]) == 0xEF && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
        (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xBE)
      return true;
  }
  return false;
}

// Replaces each invalid byte and U+FFFE/U+FFFF with U+FFFD.
std::string Repair(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  size_t i = 0;
  while (i < s.size()) {
    size_t bad = FindInvalidUtf8(s.substr(i));
    std::string_view good = s.substr(i, bad == std::string_view::npos ? s.size() - i : bad);
    for (size_t k = 0; k < good.size();) {
      unsigned char c = static_cast<unsigned char>(good[k]);
      size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      if (len == 3 && c == 0xEF && static_cast<unsigned char>(good[k + 1]) == 0xBF &&
          (static_cast<unsigned char>(good[k + 2]) & 0xFE) == 0xBE) {
        AppendUtf8(&out, 0xFFFD);
      } else {
        out.append(good.data() + k, len);
      }
      k += len;
    }
    if (bad == std::string_view::npos) break;
    AppendUtf8(&out, 0xFFFD);
    i += bad + 1;
  }
  return out;
}

// Digits (and sign) of an integer shown with format "0".
int IntegerWidth(int64_t v) {
  int w = v < 0 ? 2 : 1;
  uint64_t u = v < 0 ? static_cast<uint64_t>(-(v + 1)) + 1 : static_cast<uint64_t>(v);
  while (u >= 10) {
    u /= 10;
    ++w;
  }
  return w;
}

// Excel's rules for a tab name (see SheetSpec::name), before de-duplication.
std::string CleanSheetName(const std::string& wanted) {
  std::string s = NeedsRepair(wanted) ? Repair(wanted) : wanted;
  for (char& c : s) {
    if (c == '[' || c == ']' || c == ':' || c == '*' || c == '?' || c == '/' || c == '\\') c = '_';
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  std::string_view v = Trim(s);
  while (!v.empty() && v.front() == '\'') v.remove_prefix(1);
  while (!v.empty() && v.back() == '\'') v.remove_suffix(1);
  std::string out(v.substr(0, PrefixWithUnits(v, kMaxSheetNameUnits)));
  while (!out.empty() && out.back() == '\'') out.pop_back();
  if (out.empty()) out = "Sheet";
  return out;
}

}  // namespace

int64_t Utf16Units(std::string_view s) {
  int64_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;  // a lead byte starts a character
    if (c >= 0xF0) ++n;           // 4-byte sequences are surrogate pairs
  }
  return n;
}

size_t PrefixWithUnits(std::string_view s, int64_t units) {
  int64_t n = 0;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    int64_t u = len == 4 ? 2 : 1;
    if (n + u > units) break;
    n += u;
    i += len;
  }
  return i;
}

const std::string& CellText(const std::string& text, std::string* scratch) {
  const std::string* t = &text;
  if (NeedsRepair(text)) {
    *scratch = Repair(text);
    t = scratch;
  }
  // UTF-16 units never exceed bytes, so only long strings need counting.
  if (static_cast<int64_t>(t->size()) > kMaxCellUnits && Utf16Units(*t) > kMaxCellUnits) {
    std::string cut = t->substr(0, PrefixWithUnits(*t, kMaxCellUnits - kTruncatedMarkerUnits));
    cut += kTruncatedMarker;
    *scratch = std::move(cut);
    t = scratch;
  }
  return *t;
}

std::string SheetNamer::Unique(const std::string& wanted) {
  std::string base = CleanSheetName(wanted);
  std::string candidate = base;
  auto used = [this](const std::string& name) {
    return std::find(used_.begin(), used_.end(), AsciiLower(name)) != used_.end();
  };
  for (int n = 2; used(candidate); ++n) {
    std::string suffix = " (" + std::to_string(n) + ")";
    std::string_view b(base);
    candidate =
        std::string(b.substr(0, PrefixWithUnits(b, static_cast<int64_t>(kMaxSheetNameUnits - suffix.size())))) +
        suffix;
  }
  used_.push_back(AsciiLower(candidate));
  return candidate;
}

WidthFit::WidthFit(const std::vector<Column>& columns) : columns_(&columns), fit_(columns.size(), 0) {
  for (size_t c = 0; c < columns.size(); ++c) {
    if (columns[c].width > 0) continue;
    int w = 0;
    switch (columns[c].type) {
      case ColType::kDate: w = kDateWidth; break;
      case ColType::kDateTime: w = kDateTimeWidth; break;
      default: break;
    }
    fit_[c] = std::max(w, DisplayWidth(columns[c].header) + kHeaderExtra);
  }
}

void WidthFit::FitText(size_t c, const std::string& text) {
  int& fit = fit_[c];
  // Display width never exceeds bytes: measure only text that could widen the column.
  if (fit > 0 && fit < kMaxWidth && static_cast<int64_t>(text.size()) > fit) fit = std::max(fit, DisplayWidth(text));
}

void WidthFit::FitInteger(size_t c, int64_t v) {
  if (fit_[c] > 0) fit_[c] = std::max(fit_[c], IntegerWidth(v));
}

void WidthFit::FitNumber(size_t c, double v) {
  if (fit_[c] <= 0) return;
  int w = std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e10 ? IntegerWidth(static_cast<int64_t>(v))
                                                                        : kNumberWidth;
  fit_[c] = std::max(fit_[c], w);
}

void WidthFit::FitDate(size_t c) {
  if (fit_[c] > 0) fit_[c] = std::max(fit_[c], kDateWidth);
}

void WidthFit::FitDateTime(size_t c) {
  if (fit_[c] > 0) fit_[c] = std::max(fit_[c], kDateTimeWidth);
}

double WidthFit::Width(size_t c) const {
  double w = (*columns_)[c].width;
  if (w <= 0) w = std::clamp(fit_[c] + kPadding, kMinWidth, kMaxWidth);
  return w;
}

bool WidthFit::Landscape(bool asked) const {
  double total = 0;
  for (size_t c = 0; c < fit_.size(); ++c) total += Width(c);
  return asked || total > kPortraitMaxTotal;
}

Fanout::Fanout(std::vector<std::unique_ptr<Writer>> writers) : writers_(std::move(writers)) {}

Status Fanout::AddSheet(const SheetSpec& spec) {
  for (auto& w : writers_) LIAUDIT_RETURN_IF_ERROR(w->AddSheet(spec));
  return Status::OK();
}

Status Fanout::AppendRow(const Cell* cells, size_t n) {
  for (auto& w : writers_) LIAUDIT_RETURN_IF_ERROR(w->AppendRow(cells, n));
  return Status::OK();
}

Status Fanout::Close() {
  Status first = Status::OK();
  for (auto& w : writers_) {
    Status st = w->Close();
    if (first.ok() && !st.ok()) first = st;
  }
  return first;
}

const std::string& Fanout::sheet_name() const { return writers_.front()->sheet_name(); }
int64_t Fanout::sheet_rows() const { return writers_.front()->sheet_rows(); }

Status WriteBook(const Book& book, Writer* w) {
  for (const Sheet& sh : book.sheets) {
    LIAUDIT_RETURN_IF_ERROR(w->AddSheet(sh.spec));
    for (const auto& row : sh.rows) LIAUDIT_RETURN_IF_ERROR(w->AppendRow(row));
    if (sh.more) {
      LIAUDIT_RETURN_IF_ERROR(sh.more([w](const Cell* cells, size_t n) { return w->AppendRow(cells, n); }));
    }
  }
  return Status::OK();
}

}  // namespace liaudit::sheet
