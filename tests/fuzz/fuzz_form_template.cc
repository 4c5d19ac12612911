// Fuzz target: the form template parser (render/form_template.h ParseFormTemplate) and
// field substitution. Oracles: a failure has a message naming the template; a parsed
// template's cells point into existing grids.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_util.h"
#include "render/form_template.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using liaudit::fuzz::Check;
  const std::string text(reinterpret_cast<const char*>(data), size);
  liaudit::render::FormTemplate tpl;
  const liaudit::Status st = liaudit::render::ParseFormTemplate("fuzz.tpl", text, &tpl);
  if (!st.ok()) {
    Check(st.message().find("fuzz.tpl") != std::string::npos, "a template error does not name the file");
  } else {
    for (const auto& [name, page] : tpl.pages) {
      for (const liaudit::render::TplItem& item : page.items) {
        if (item.kind == liaudit::render::TplItem::kGrid || item.kind == liaudit::render::TplItem::kCell) {
          Check(item.grid >= 0 && static_cast<size_t>(item.grid) < page.grids.size(), "item points past the grids");
          const liaudit::render::TplGrid& g = page.grids[static_cast<size_t>(item.grid)];
          if (item.kind == liaudit::render::TplItem::kCell) {
            Check(item.col < g.cols.size() && item.row < g.row_h.size(), "cell outside its grid");
          }
        }
        (void)liaudit::render::Substitute(item.text, {{"org", "測試"}, {"x", "{y}"}});
      }
    }
    (void)tpl.IntSetting("font_size", 12);
  }
  (void)liaudit::render::Substitute(text, {{"a", "b"}});
  return 0;
}
