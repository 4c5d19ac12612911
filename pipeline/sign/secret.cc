#include "sign/secret.h"

#include <openssl/crypto.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace liaudit::sign {

Secret::~Secret() {
  if (!value.empty()) OPENSSL_cleanse(&value[0], value.size());
}

Status ReadOwnerOnlyFile(const std::string& file, const std::string& what, Secret* out) {
  struct stat st {};
  if (stat(file.c_str(), &st) != 0) {
    return Status::NotFound("signing: " + what + " file " + file + ": " + std::strerror(errno));
  }
  // A secret other people can read is not a secret: refuse rather than use it.
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status::InvalidInput("signing: " + what + " file " + file + " has mode " + mode +
                                "; it must be readable by its owner only (chmod 600)");
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream buf;
  if (!in || !(buf << in.rdbuf())) {
    if (st.st_size == 0 && in) {
      out->value.clear();
    } else {
      return Status::IoError("signing: cannot read " + what + " file " + file);
    }
  } else {
    out->value = buf.str();
  }
  while (!out->value.empty() && (out->value.back() == '\n' || out->value.back() == '\r')) out->value.pop_back();
  return Status::OK();
}

Status ReadSecret(const std::string& file, const std::string& env, const std::string& what, Secret* out) {
  if (!file.empty()) return ReadOwnerOnlyFile(file, what, out);
  if (env.empty()) {
    return Status::InvalidInput("signing: no source configured for " + what + " (a file or an environment variable)");
  }
  const char* v = std::getenv(env.c_str());
  if (v == nullptr) {
    return Status::InvalidInput("signing: " + what + " is expected in the environment variable " + env +
                                ", which is not set");
  }
  out->value = v;
  return Status::OK();
}

}  // namespace liaudit::sign
