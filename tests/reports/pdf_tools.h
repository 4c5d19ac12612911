// Runs the poppler/qpdf command-line tools on a PDF for the reports tests.
#pragma once
#include <string>
#include <vector>

namespace liaudit::reports::testtools {

// stdout of a shell command; *rc gets the exit status.
std::string Run(const std::string& cmd, int* rc = nullptr);
// pdftotext output (whole document, or page `page` 1-based) with all white space removed,
// including U+3000.
std::string Text(const std::string& pdf, int page = 0);
// The text of every page (pdftotext splits pages with form feeds), white space removed.
std::vector<std::string> PageTexts(const std::string& pdf);
int Pages(const std::string& pdf);
// qpdf --check exit status (0 clean).
int QpdfCheck(const std::string& pdf, std::string* out);
// Every font listed by pdffonts is embedded, subset (ABCDEF+ prefix) and has ToUnicode.
bool AllFontsEmbeddedSubset(const std::string& pdf, std::string* listing);
// Bookmark titles in document order (qpdf --json outlines), UTF-8.
std::vector<std::string> Outlines(const std::string& pdf);
// Pixels of page `page` rendered at `dpi` whose colour is within `tol` (0..255 per channel)
// of (r, g, b).
long CountPixels(const std::string& pdf, int page, int dpi, int r, int g, int b, int tol);

}  // namespace liaudit::reports::testtools
