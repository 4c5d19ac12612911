// Header mapping (inputs.md §1-6): every input kind's columns, found by their Chinese
// canonical name or English alias, in any order.
//
// Header cells are compared without any space anywhere in them (ASCII spaces and line
// breaks, U+3000, no-break and zero-width spaces: core/text.h SpaceAt), full-width to
// half-width, and ASCII case folding, so "TXN_ID", "ｔｘｎ＿ｉｄ", " 交易序號 ", "E 政府帳號"
// and "主管核章\n時間" (a line break inside the cell) all match. A cell "canonical (alias)" (half- or full-width parentheses, as
// the program's own messages and templates write it) matches when either part does. A cell
// that is none of these is looked up in the table of known spellings
// (pipeline/ingest/header_aliases.tsv: 身份證字號 for 身分證字號, 帳號 for E政府帳號, ...);
// every cell matched that way is reported in HeaderMap::aliases.
// A missing kRequired column rejects the file; kConditional columns may be absent from the
// header (a row that needs one is then rejected, naming it); two header cells naming the
// same column reject the file (which one to believe would be a guess).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/records.h"
#include "core/status.h"

namespace liaudit::ingest {

enum class Need { kRequired, kConditional, kOptional };

struct ColumnSpec {
  const char* canonical;  // Chinese name, as in inputs.md
  const char* alias;      // English alias
  Need need;
};

// The columns of one kind, in inputs.md order. Field indexes below index this table.
const std::vector<ColumnSpec>& ColumnsFor(InputKind kind);

// "交易序號 (txn_id)" for messages.
std::string ColumnLabel(InputKind kind, int field);

// Field indexes per kind (positions in ColumnsFor(kind)).
namespace platform_col {
enum : int { kTxnId, kQueryTime, kAgencyCode, kAccount, kQuerierName, kServiceCode, kSubjectId, kResult,
             kSourceIp, kCertSerial, kCount };
}
namespace permission_col {
enum : int { kFormNo, kAppliedOn, kUnit, kTitle, kName, kNationalId, kPhone, kEmail, kAccount, kAction,
             kReason, kItems, kDecision, kEffectiveOn, kRejectReason, kManager, kUnitHead, kManagerHead, kCount };
}
namespace registration_col {
enum : int { kRegNo, kAppliedOn, kSubjectName, kSubjectId, kItems, kReason, kRequester, kAccount, kQuerierName,
             kUnit, kUnitHead, kApprovedAt, kRequestNo, kCount };
}
namespace request_col {
enum : int { kRequestNo, kUnit, kAppliedOn, kApplicant, kTitle, kPhone, kFax, kReason, kCount_, kSubjectName,
             kSubjectId, kReview, kDecision, kCount };
}
namespace staff_col {
enum : int { kName, kNationalId, kAccount, kUnit, kStatus, kChangedOn, kCount };
}
namespace calendar_col {
enum : int { kDate, kWeekday, kHoliday, kNote, kCount };
}

// Where each field of a kind sits in the file.
struct HeaderMap {
  InputKind kind = InputKind::kPlatform;
  std::vector<int> column_of;  // field index -> 0-based CSV column, -1 if absent
  int width = 0;               // number of header cells
  std::vector<std::string> unknown;  // header cells that name no column (kept in raw only)
  // Cells matched through another spelling, as "身份證字號 → 身分證字號" (the cell as the file
  // has it, trimmed, a line break inside shown as a space, then the canonical name), in
  // header order.
  std::vector<std::string> aliases;
};

// One line of the table of known spellings.
struct HeaderAlias {
  std::string kind;       // InputKindName(), or "*"
  std::string spelling;   // as files write it
  std::string canonical;  // the column it means
  int line = 0;           // in header_aliases.tsv
};
// The table, parsed once. A malformed line, a canonical name that no kind has, or a spelling
// that would mean two columns of one kind is reported by CheckHeaderAliases (a unit test
// runs it; a bad table never reaches a build that passes its tests).
const std::vector<HeaderAlias>& HeaderAliases();
Status CheckHeaderAliases();

// Maps a header record. Non-OK (InvalidInput, message without the file name) when a
// required column is missing (all missing ones are named) or a column appears twice.
Status MapHeader(InputKind kind, const std::vector<std::string_view>& cells, HeaderMap* map);

}  // namespace liaudit::ingest
