// Internal: permission replay (inputs.md §2) as a per-account timeline, shared by
// the public PermissionItemsAt and the rule engine.
#pragma once
#include <cstdint>
#include <vector>

#include "core/dataset.h"

namespace liaudit::rules::internal {

// The state after applying one approved row: valid from `from` (00:00 local) on.
struct PermState {
  Date from = kNoDate;
  std::vector<Sym> items;  // sorted, unique
  Sym unit = kNoSym;
  uint32_t row = 0;        // index into ds.permissions of the row that made this state
};

// Replays `rows` (indices into ds.permissions of one account's approved rows with an
// effective date) in 生效日期 order, ties by 表單編號. Several rows on one day give
// several states; StateAt takes the last.
std::vector<PermState> BuildTimeline(const Dataset& ds, std::vector<uint32_t> rows);
// The state in force on day d, nullptr before the first row takes effect.
const PermState* StateAt(const std::vector<PermState>& timeline, Date d);

// Approved rows with an effective date, grouped by account Sym (index = Sym).
std::vector<std::vector<uint32_t>> ApprovedRowsByAccount(const Dataset& ds);

}  // namespace liaudit::rules::internal
