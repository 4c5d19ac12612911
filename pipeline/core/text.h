// UTF-8 text helpers. Everything inside liaudit is UTF-8.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace liaudit {

// White space as the bureau's files hold it: ASCII white space (line breaks included),
// U+3000 (ideographic space), U+00A0 (no-break space), U+2000-U+200A and U+202F, U+205F
// (other spaces), the zero-width U+200B-U+200D, U+2060 (word joiner) and U+FEFF (a stray
// byte-order mark). Each is invisible or looks like a plain space in a spreadsheet cell.
// The byte length of such a character at s[i] (0 if there is none).
size_t SpaceAt(std::string_view s, size_t i);
// The same for the character that ends at s[end) (0 if it is not one of them).
size_t SpaceBefore(std::string_view s, size_t end);
// Trims every SpaceAt character from both ends.
std::string_view Trim(std::string_view s);
// Removes every SpaceAt character, wherever it stands ("E 政府帳號" -> "E政府帳號").
std::string RemoveSpaces(std::string_view s);
// Full-width ASCII (U+FF01..U+FF5E) to half-width, U+3000 to ' '. Other characters kept.
std::string ToHalfWidth(std::string_view s);
std::string AsciiUpper(std::string_view s);
std::string AsciiLower(std::string_view s);
// Code/ID/account/date normalisation: trim, half-width, then trim again.
std::string NormalizeCode(std::string_view s);

// Writes an IPv6 address in its one canonical text form (RFC 5952: lower case, longest run
// of zero groups as "::"), and an IPv4-mapped one (::ffff:10.0.0.1) as the IPv4 address, so
// that one address written two ways compares equal. Anything else is left as it is.
void CanonicalIpInPlace(std::string* ip);

// Splits a list field on ';' '、' ',' '；' '，' and white space (every SpaceAt character);
// drops empty items.
std::vector<std::string> SplitList(std::string_view s);

// Text for one line of a log, the terminal or a tab-separated listing: each control character
// (U+0000-U+001F, U+007F, U+0080-U+009F) and line or paragraph separator (U+2028, U+2029) is
// written as an escape, \n \r \t, else \xHH (\u0085 for U+0085 and the like), and so is each
// byte that is not UTF-8: a value read from a file cannot start a line of its own, forge one
// (a "chain head:" line), split a field or send a terminal an escape sequence.
std::string EscapeControls(std::string_view s);

// Returns the byte offset of the first invalid UTF-8 sequence, or npos if valid.
// A truncated sequence at the end is invalid.
size_t FindInvalidUtf8(std::string_view s);

// Decodes one code point at s[*i], advancing *i. Assumes valid UTF-8.
char32_t NextCodePoint(std::string_view s, size_t* i);
void AppendUtf8(std::string* out, char32_t cp);
std::vector<char32_t> ToCodePoints(std::string_view s);

// Display width for fixed-width contexts (spreadsheet columns): CJK and other wide
// characters count 2, everything else 1.
int DisplayWidth(std::string_view s);

// Levenshtein distance in code points (insert, delete, substitute one): how far a name
// given on the command line is from a known one.
size_t EditDistance(std::string_view a, std::string_view b);

bool StartsWith(std::string_view s, std::string_view prefix);
bool Contains(std::string_view s, std::string_view needle);

}  // namespace liaudit
