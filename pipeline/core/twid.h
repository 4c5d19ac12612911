// Taiwan ID numbers (inputs.md, "ID numbers"): 國民身分證統一編號, new (2021) and
// old-style 統一證號. Validation only flags; IDs are never "corrected".
#pragma once
#include <string>
#include <string_view>

namespace liaudit {

enum class IdKind { kInvalid, kNationalId, kNewResidentId, kOldResidentId };

// The ID must already be normalised (half-width, upper-case).
IdKind ClassifyId(std::string_view id);
inline bool IsValidId(std::string_view id) { return ClassifyId(id) != IdKind::kInvalid; }

// Masks an ID with a pattern of 'X' (keep the character at that position) and '*'
// (replace it by '*'). The default "XXXXXX****" masks the last four: A12345****.
// A shorter value (an invalid ID as the platform logged it) meets the pattern aligned
// with its END, so it still loses its last four. A longer value (two IDs in one cell, an
// ID with junk around it) meets it aligned with its START and is masked past the
// pattern's end, so no whole ID shows. An empty pattern masks nothing.
std::string MaskId(std::string_view id, std::string_view pattern = "XXXXXX****");

// Masks, with MaskId(token, pattern), every token of `text` that looks like an ID — a
// letter, a digit or A-D, eight digits (either case, half- or full-width), not glued to a
// letter or digit before it nor to a digit after it (a 交易序號 GSP1150728000696 is not
// one) — wherever it stands: for a raw input row whose columns may be shifted, so no known
// column can be trusted to hold the IDs. Checksums are not required: a mistyped ID is still
// someone's. An empty pattern masks nothing.
std::string MaskIdsInText(std::string_view text, std::string_view pattern = "XXXXXX****");

// For a line of the log or the terminal that may quote input text (a reject's reason, an
// error naming a value): MaskIdsInText with the default pattern (A12345****), except that an
// ID-shaped run glued to letters or digits before it is masked too (IDA123456789,
// 9B123456789: a shifted or mistyped cell), and that a run of 40 or more lower-case
// hexadecimal digits (a SHA-256 the line names, as the chain head's line in liaudit.log does)
// is left as it is. Both ignore zero-width characters (U+200B-U+200D, U+2060, U+FEFF, U+00AD)
// inside an ID: "A\u200b123456789" is masked.
std::string MaskIdsForLog(std::string_view text);

// For logs: never a full ID. Shows the first two characters, masks the rest.
std::string LogSafeId(std::string_view id);

}  // namespace liaudit
