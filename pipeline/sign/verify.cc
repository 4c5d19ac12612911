#include "sign/verify.h"

namespace liaudit::sign {
Status VerifyPdf(const std::string&, const VerifyOptions&, PdfVerdict*) { return Status::Internal("verify: not implemented yet"); }
Status VerifyFolder(const std::string&, const VerifyOptions&, FolderVerdict*) { return Status::Internal("verify: not implemented yet"); }
int PrintVerdicts(const FolderVerdict&, bool, std::ostream&) { return 1; }
}  // namespace liaudit::sign
