// Helpers shared by the fuzz targets (tests/fuzz). Header-only; no GoogleTest.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/text.h"

namespace liaudit::fuzz {

// An oracle failed: print what and abort, so libFuzzer (or the replay runner) reports
// the input as a crash.
[[noreturn]] inline void Fail(const char* what) {
  std::fprintf(stderr, "fuzz oracle failed: %s\n", what);
  std::abort();
}
inline void Check(bool ok, const char* what) {
  if (!ok) Fail(what);
}
inline bool ValidUtf8(std::string_view s) { return FindInvalidUtf8(s) == std::string_view::npos; }

}  // namespace liaudit::fuzz
