// Long-term validation material (PAdES B-LT): the certificates of the signer's and the
// TSA's chains and revocation data for each certificate that has an issuer: an OCSP
// response from the certificate's AIA responder, or a CRL from a local file
// (signing.crl_files, for a closed network) or from its CRL distribution point.
//
// Fetched once per job (the signer and the TSA are the same for every document) and
// checked before use: an OCSP response must be successful, signed by the issuer or a
// responder it authorised, current, and carry our nonce when the responder echoes
// one; a CRL must be signed by the issuer and current. A revoked certificate fails
// the job whatever the fallback setting says.
#pragma once
#include <openssl/x509.h>

#include <string>
#include <vector>

#include "core/status.h"
#include "sign/http.h"

namespace liaudit::sign {

struct LtvMaterial {
  std::vector<std::string> certs;   // DER, every certificate of the chains (and OCSP responders)
  std::vector<std::string> ocsps;   // DER OCSPResponse
  std::vector<std::string> crls;    // DER CertificateList
  std::vector<std::string> sources; // per checked certificate: "CN: OCSP http://..." / "CN: CRL file ..."
};

// `chains`: each a leaf first, then its issuers (not necessarily all). `anchors`: PEM
// files whose certificates are trusted for OCSP responses (the self-signed roots among
// the chains are trusted too). Status kUnavailable-like IoError when some certificate's
// revocation status cannot be had; InvalidInput when a certificate is revoked.
Status CollectLtv(const std::vector<std::vector<X509*>>& chains, const std::vector<std::string>& anchor_files,
                  const std::vector<std::string>& crl_files, HttpClient* http, LtvMaterial* out);

}  // namespace liaudit::sign
