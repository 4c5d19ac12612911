// Finding the signatures of a signed PDF in its bytes (shared by verify and extend).
#pragma once
#include <string>
#include <vector>

namespace liaudit::sign {

struct SigSpot {
  long long range[4] = {0, 0, 0, 0};  // /ByteRange
  std::string dict;                   // text of the signature dictionary's object
  std::string contents;               // the /Contents string's bytes (DER plus zero padding)
  bool doc_timestamp = false;         // /Type /DocTimeStamp or /SubFilter /ETSI.RFC3161
  std::string problem;                // why it could not be read; empty when it could
};

// Every signature dictionary (every /ByteRange), in file order.
std::vector<SigSpot> FindSignatures(const std::string& pdf);

// The /VRI key of a signature or document timestamp: the upper-case hex SHA-1 of its
// /Contents bytes (padding included), as Adobe and ETSI EN 319 142-1 key them.
std::string VriKey(const std::string& contents);

// PoDoFo's text for an error code (PdfError::GetError()); never null: PoDoFo returns
// no message for some codes.
std::string PdfErrorText(int code);

// The value of a /Name key (`key` includes the slash), or "".
std::string PdfNameAfter(const std::string& dict, const std::string& key);

}  // namespace liaudit::sign
