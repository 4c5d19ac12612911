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

const std::vector<ServiceItem>& ServiceItems() {
  static const std::vector<ServiceItem> kItems = {
      {"C0101", "被保險人投保資料"},         {"B0101", "給付簡要資料"},
      {"B0201", "給付明細資料"},             {"B0301", "失業給付資格"},
      {"P0301", "勞工提繳退休金異動資料"},   {"N0101", "國民年金給付資料"},
      {"T0101", "老年農民福利津貼發放查詢"}, {"B0401", "勞保年金給付資料查詢"},
      {"P0401", "勞退請領資料查詢"},
  };
  return kItems;
}

const char* ServiceNameZh(std::string_view code) {
  for (const ServiceItem& i : ServiceItems())
    if (code == i.code) return i.name_zh;
  return "";
}

std::string ServiceLabel(std::string_view code) {
  const char* name = ServiceNameZh(code);
  return *name ? std::string(code) + " " + name : std::string(code);
}

}  // namespace liaudit
