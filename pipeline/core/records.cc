#include "core/records.h"

namespace liaudit {

const char* InputKindName(InputKind k) {
  switch (k) {
    case InputKind::kPlatform: return "platform";
    case InputKind::kPermissions: return "permissions";
    case InputKind::kRegistrations: return "registrations";
    case InputKind::kRequests: return "requests";
    case InputKind::kStaff: return "staff";
    case InputKind::kCalendar: return "calendar";
  }
  return "?";
}

}  // namespace liaudit
