#include "sign/sign.h"

namespace liaudit::sign {
struct Signer::Impl {};
Signer::Signer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Signer::~Signer() = default;
Status Signer::Load(const SignerConfig&, std::unique_ptr<Signer>*) { return Status::Internal("signing: not implemented yet"); }
std::string Signer::SubjectCommonName() const { return {}; }
LocalTime Signer::NotBefore() const { return kNoTime; }
LocalTime Signer::NotAfter() const { return kNoTime; }
bool Signer::cades() const { return true; }
Status Signer::SignDetached(const std::string&, LocalTime, std::string*) const { return Status::Internal("signing: not implemented yet"); }
size_t Signer::MaxSignatureBytes() const { return 0; }
Status SignPdfFile(const Signer&, const std::string&, const SignRequest&) { return Status::Internal("signing: not implemented yet"); }
}  // namespace liaudit::sign
