#include "core/finding.h"

namespace liaudit {

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kInfo: return "info";
    case Severity::kLow: return "low";
    case Severity::kMedium: return "medium";
    case Severity::kHigh: return "high";
    case Severity::kCritical: return "critical";
  }
  return "?";
}

const char* SeverityNameZh(Severity s) {
  switch (s) {
    case Severity::kInfo: return "資訊";
    case Severity::kLow: return "低";
    case Severity::kMedium: return "中";
    case Severity::kHigh: return "高";
    case Severity::kCritical: return "嚴重";
  }
  return "?";
}

}  // namespace liaudit
