// Secrets for signing (a PKCS#12 password, a token PIN, a TSA's credentials): read
// from an owner-only file or an environment variable, wiped when released.
#pragma once
#include <string>

#include "core/status.h"

namespace liaudit::sign {

// Wipes its copy before the memory is released.
struct Secret {
  std::string value;
  Secret() = default;
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  ~Secret();
};

// From `file` when set (refused when its group or others may read it; trailing CR/LF
// stripped), else from the environment variable `env`. `what` names the secret in
// messages ("the PIN of token DEMO"); the secret itself is never part of a message.
Status ReadSecret(const std::string& file, const std::string& env, const std::string& what, Secret* out);

// A whole file that must be readable by its owner only (e.g. the TSA's user:password).
Status ReadOwnerOnlyFile(const std::string& file, const std::string& what, Secret* out);

}  // namespace liaudit::sign
