#include "jobs/spreadsheets.h"

#include <vector>

#include "core/text.h"
#include "ods/workbook.h"
#include "xlsx/workbook.h"

namespace liaudit::jobs {

Status OpenSpreadsheets(const OutputOptions& out, const std::string& stem, const sheet::DocumentInfo& info, bool big,
                        std::unique_ptr<sheet::Writer>* wb) {
  std::vector<std::unique_ptr<sheet::Writer>> writers;
  if (out.xlsx) {
    xlsx::WorkbookOptions xo;
    static_cast<sheet::DocumentInfo&>(xo) = info;
    xo.constant_memory = big;
    std::unique_ptr<xlsx::Workbook> x;
    LIAUDIT_RETURN_IF_ERROR(xlsx::Workbook::Create(stem + ".xlsx", xo, &x));
    writers.push_back(std::move(x));
  }
  if (out.ods) {
    ods::WorkbookOptions oo;
    static_cast<sheet::DocumentInfo&>(oo) = info;
    std::unique_ptr<ods::Workbook> o;
    LIAUDIT_RETURN_IF_ERROR(ods::Workbook::Create(stem + ".ods", oo, &o));
    writers.push_back(std::move(o));
  }
  if (writers.empty()) return Status::Internal("output.spreadsheets chose no format");
  if (writers.size() == 1) {
    *wb = std::move(writers.front());
  } else {
    *wb = std::make_unique<sheet::Fanout>(std::move(writers));
  }
  return Status::OK();
}

Status WriteSpreadsheets(const OutputOptions& out, const std::string& stem, const sheet::Book& book) {
  std::unique_ptr<sheet::Writer> wb;
  LIAUDIT_RETURN_IF_ERROR(OpenSpreadsheets(out, stem, book.info, book.big, &wb));
  LIAUDIT_RETURN_IF_ERROR(sheet::WriteBook(book, wb.get()));
  return wb->Close();
}

bool ParseSpreadsheets(const std::string& text, OutputOptions* out) {
  bool xlsx = false, ods = false;
  for (const std::string& part : SplitList(text)) {
    std::string v = AsciiLower(part);
    if (v == "xlsx") xlsx = true;
    else if (v == "ods") ods = true;
    else return false;
  }
  if (!xlsx && !ods) return false;
  out->xlsx = xlsx;
  out->ods = ods;
  return true;
}

}  // namespace liaudit::jobs
