#include "sign/token.h"

#include <dlfcn.h>
#include <libp11.h>
#include <openssl/err.h>
#include <p11-kit/pkcs11.h>

#include <cctype>
#include <cstring>
#include <utility>

#include "core/digest.h"
#include "sign/ssl_util.h"
#include "sign/secret.h"

namespace liaudit::sign {
namespace {

std::string Trimmed(const char* s) {
  std::string v = s == nullptr ? "" : s;
  while (!v.empty() && (v.back() == ' ' || v.back() == '\0')) v.pop_back();
  return v;
}

std::string LastError() {
  unsigned long e = ERR_peek_last_error();
  std::string why;
  if (e != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    why = buf;
  }
  ERR_clear_error();
  return why.empty() ? "no detail from the module" : why;
}

// Whether the private key with this CKA_ID has CKA_ALWAYS_AUTHENTICATE: asked of the
// module directly (libp11 does not say), in a session of our own on the same slot.
bool AlwaysAuthenticate(const std::string& module, unsigned long slot_id, const unsigned char* id, size_t id_len) {
  void* handle = dlopen(module.c_str(), RTLD_NOW | RTLD_NOLOAD);  // the copy libp11 loaded
  if (handle == nullptr) return false;
  bool result = false;
  auto get_list = reinterpret_cast<CK_RV (*)(CK_FUNCTION_LIST_PTR_PTR)>(dlsym(handle, "C_GetFunctionList"));
  CK_FUNCTION_LIST_PTR f = nullptr;
  CK_SESSION_HANDLE session = 0;
  if (get_list != nullptr && get_list(&f) == CKR_OK && f != nullptr &&
      f->C_OpenSession(slot_id, CKF_SERIAL_SESSION, nullptr, nullptr, &session) == CKR_OK) {
    CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
    CK_ATTRIBUTE find[] = {{CKA_CLASS, &cls, sizeof cls},
                           {CKA_ID, const_cast<unsigned char*>(id), static_cast<CK_ULONG>(id_len)}};
    CK_OBJECT_HANDLE obj = 0;
    CK_ULONG found = 0;
    if (f->C_FindObjectsInit(session, find, 2) == CKR_OK) {
      if (f->C_FindObjects(session, &obj, 1, &found) == CKR_OK && found == 1) {
        CK_BBOOL value = CK_FALSE;
        CK_ATTRIBUTE attr = {CKA_ALWAYS_AUTHENTICATE, &value, sizeof value};
        result = f->C_GetAttributeValue(session, obj, &attr, 1) == CKR_OK && value == CK_TRUE;
      }
      f->C_FindObjectsFinal(session);
    }
    f->C_CloseSession(session);
  }
  dlclose(handle);
  return result;
}

}  // namespace

struct TokenKey::Impl {
  TokenConfig config;
  PKCS11_CTX* ctx = nullptr;
  PKCS11_SLOT* slots = nullptr;
  unsigned int nslots = 0;
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  std::vector<X509*> others;
  std::string token_label, key_label;
  int logins = 0;

  void Release() {
    EVP_PKEY_free(key);
    key = nullptr;
    X509_free(cert);
    cert = nullptr;
    for (X509* c : others) X509_free(c);
    others.clear();
    if (slots != nullptr) PKCS11_release_all_slots(ctx, slots, nslots);
    slots = nullptr;
    nslots = 0;
  }
  ~Impl() {
    Release();
    if (ctx != nullptr) {
      PKCS11_CTX_unload(ctx);
      PKCS11_CTX_free(ctx);
    }
  }
  std::string Where() const { return "PKCS#11 module " + config.module; }
  Status Connect();
};

Status TokenKey::Impl::Connect() {
  Release();
  ERR_clear_error();
  if (PKCS11_enumerate_slots(ctx, &slots, &nslots) != 0) {
    slots = nullptr;
    return Status::IoError("signing: " + Where() + ": cannot list its slots (" + LastError() + ")");
  }
  PKCS11_SLOT* slot = nullptr;
  std::string seen;
  size_t with_token = 0;
  for (unsigned int i = 0; i < nslots; ++i) {
    PKCS11_TOKEN* t = slots[i].token;
    if (t == nullptr || !t->initialized) continue;
    ++with_token;
    std::string label = Trimmed(t->label);
    seen += (seen.empty() ? "" : ", ") + ("\"" + label + "\"");
    if (config.token.empty() ? with_token == 1 : label == config.token) {
      if (slot == nullptr) slot = &slots[i];
    }
  }
  if (config.token.empty() && with_token > 1) {
    return Status::InvalidInput("signing: " + Where() + " has " + std::to_string(with_token) + " tokens (" + seen +
                                "); choose one with signing.pkcs11_token");
  }
  if (slot == nullptr) {
    return Status::NotFound("signing: " + Where() + ": no token " +
                            (config.token.empty() ? std::string("present") : "labelled \"" + config.token + "\"") +
                            (seen.empty() ? " (no token is present: is the card inserted?)" : " (present: " + seen + ")"));
  }
  token_label = Trimmed(slot->token->label);
  const std::string what = "the PIN of token \"" + token_label + "\"";
  int logged_in = 0;
  if (PKCS11_is_logged_in(slot, 0, &logged_in) != 0) logged_in = 0;
  if (!logged_in && slot->token->loginRequired) {
    Secret pin;
    LIAUDIT_RETURN_IF_ERROR(ReadSecret(config.pin_file, config.pin_env, what, &pin));
    if (pin.value.empty()) {
      return Status::InvalidInput("signing: " + what + " is empty (" +
                                  (config.pin_file.empty() ? "environment variable " + config.pin_env
                                                           : "file " + config.pin_file) +
                                  "); nothing was signed");
    }
    if (PKCS11_login(slot, 0, pin.value.c_str()) != 0) {
      std::string why = LastError();
      return Status::InvalidInput("signing: login to token \"" + token_label + "\" failed: wrong PIN, or the PIN is "
                                  "locked (" + why + "); nothing was signed");
    }
    ++logins;
  }
  PKCS11_KEY* keys = nullptr;
  unsigned int nkeys = 0;
  if (PKCS11_enumerate_keys(slot->token, &keys, &nkeys) != 0) {
    return Status::IoError("signing: token \"" + token_label + "\": cannot list its keys (" + LastError() + ")");
  }
  PKCS11_KEY* chosen = nullptr;
  std::string key_names;
  const bool by_id = config.key.rfind("id:", 0) == 0;
  std::string want = by_id ? config.key.substr(3) : config.key;
  for (char& c : want)
    if (by_id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (unsigned int i = 0; i < nkeys; ++i) {
    std::string label = Trimmed(keys[i].label), id = LowerHex(keys[i].id, keys[i].id_len);
    key_names += (key_names.empty() ? "" : ", ") + ("\"" + label + "\" (id:" + id + ")");
    bool match = config.key.empty() ? nkeys == 1 : by_id ? id == want : label == want;
    if (match && chosen == nullptr) chosen = &keys[i];
  }
  if (chosen == nullptr) {
    return Status::NotFound("signing: token \"" + token_label + "\" has no private key " +
                            (config.key.empty() ? std::string("(signing.pkcs11_key is needed to choose one)")
                                                : "\"" + config.key + "\"") +
                            (key_names.empty() ? "; it holds no private key at all (is the PIN the user PIN?)"
                                               : "; it holds " + key_names));
  }
  key_label = Trimmed(chosen->label);
  if (AlwaysAuthenticate(config.module, PKCS11_get_slotid_from_slot(slot), chosen->id, chosen->id_len)) {
    return Status::InvalidInput("signing: key \"" + key_label + "\" on token \"" + token_label +
                                "\" has CKA_ALWAYS_AUTHENTICATE: the token asks for the PIN again at every "
                                "signature, which a batch job signing hundreds of documents cannot do; use a "
                                "signing key without that attribute (docs/signing.md)");
  }
  key = PKCS11_get_private_key(chosen);
  if (key == nullptr) {
    return Status::IoError("signing: cannot use key \"" + key_label + "\" on token \"" + token_label + "\" (" +
                           LastError() + ")");
  }
  PKCS11_CERT* certs = nullptr;
  unsigned int ncerts = 0;
  if (PKCS11_enumerate_certs(slot->token, &certs, &ncerts) != 0) ncerts = 0;
  PKCS11_CERT* mine = PKCS11_find_certificate(chosen);
  for (unsigned int i = 0; mine == nullptr && i < ncerts; ++i) {
    if (Trimmed(certs[i].label) == key_label && !key_label.empty()) mine = &certs[i];
  }
  if (mine == nullptr || mine->x509 == nullptr) {
    return Status::NotFound("signing: token \"" + token_label + "\" holds no certificate for key \"" + key_label +
                            "\" (same CKA_ID or label)");
  }
  cert = X509_dup(mine->x509);
  for (unsigned int i = 0; i < ncerts; ++i) {
    if (&certs[i] != mine && certs[i].x509 != nullptr) others.push_back(X509_dup(certs[i].x509));
  }
  if (X509_check_private_key(cert, key) != 1) {
    ERR_clear_error();
    return Status::InvalidInput("signing: the certificate stored with key \"" + key_label + "\" on token \"" +
                                token_label + "\" is not that key's certificate");
  }
  return Status::OK();
}

TokenKey::TokenKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TokenKey::~TokenKey() = default;

Status TokenKey::Open(const TokenConfig& config, std::unique_ptr<TokenKey>* out) {
  out->reset();
  if (config.module.empty()) return Status::InvalidInput("signing: no PKCS#11 module configured (signing.pkcs11_module)");
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  impl->ctx = PKCS11_CTX_new();
  if (impl->ctx == nullptr) return Status::Internal("signing: PKCS11_CTX_new failed");
  ERR_clear_error();
  if (PKCS11_CTX_load(impl->ctx, config.module.c_str()) != 0) {
    std::string why = LastError();
    PKCS11_CTX_free(impl->ctx);
    impl->ctx = nullptr;
    return Status::NotFound("signing: cannot load the PKCS#11 module " + config.module + " (" + why + ")");
  }
  LIAUDIT_RETURN_IF_ERROR(impl->Connect());
  out->reset(new TokenKey(std::move(impl)));
  return Status::OK();
}

Status TokenKey::Reopen() {
  // A module whose token went away may only see it again after a fresh C_Initialize:
  // release everything, then load the module again in a new context (a context that was
  // unloaded is not used again: libp11 keeps stale function pointers in it).
  impl_->Release();
  if (impl_->ctx != nullptr) {
    PKCS11_CTX_unload(impl_->ctx);
    PKCS11_CTX_free(impl_->ctx);
  }
  impl_->ctx = PKCS11_CTX_new();
  if (impl_->ctx == nullptr) return Status::Internal("signing: PKCS11_CTX_new failed");
  ERR_clear_error();
  if (PKCS11_CTX_load(impl_->ctx, impl_->config.module.c_str()) != 0) {
    std::string why = LastError();
    PKCS11_CTX_free(impl_->ctx);
    impl_->ctx = nullptr;  // ~Impl and the next Reopen skip it
    return Status::IoError("signing: cannot load the PKCS#11 module " + impl_->config.module + " again (" + why + ")");
  }
  return impl_->Connect();
}

EVP_PKEY* TokenKey::key() const { return impl_->key; }
X509* TokenKey::cert() const { return impl_->cert; }
const std::vector<X509*>& TokenKey::others() const { return impl_->others; }
int TokenKey::logins() const { return impl_->logins; }
std::string TokenKey::Describe() const {
  return "token \"" + impl_->token_label + "\" key \"" + impl_->key_label + "\" (" + impl_->Where() + ")";
}

}  // namespace liaudit::sign
