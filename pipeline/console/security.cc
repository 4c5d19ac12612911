#include "console/security.h"

#include <argon2.h>
#include <openssl/rand.h>

#include <filesystem>
#include <vector>

#include "core/digest.h"
#include "core/datetime.h"

namespace fs = std::filesystem;

namespace liaudit::console {
namespace {
// Argon2id parameters: 64 MiB, 3 passes, 1 lane (about 0.1-0.2 s on the bureau's servers).
constexpr uint32_t kTimeCost = 3, kMemoryKiB = 64 * 1024, kLanes = 1, kHashLen = 32, kSaltLen = 16;
}  // namespace

std::string RandomHex(size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1) return "";
  return LowerHex(buf.data(), buf.size());
}

Status CheckPasswordRules(const std::string& password) {
  size_t chars = 0;
  for (unsigned char c : password) chars += (c & 0xC0) != 0x80;
  if (chars < kMinPasswordLength)
    return Status::Usage("the password must have at least " + std::to_string(kMinPasswordLength) + " characters");
  return Status::OK();
}

Status HashPassword(const std::string& password, std::string* encoded) {
  unsigned char salt[kSaltLen];
  if (RAND_bytes(salt, sizeof salt) != 1) return Status::Internal("no random bytes for a password salt");
  std::vector<char> out(argon2_encodedlen(kTimeCost, kMemoryKiB, kLanes, kSaltLen, kHashLen, Argon2_id));
  int rc = argon2id_hash_encoded(kTimeCost, kMemoryKiB, kLanes, password.data(), password.size(), salt, sizeof salt,
                                 kHashLen, out.data(), out.size());
  if (rc != ARGON2_OK) return Status::Internal(std::string("Argon2id: ") + argon2_error_message(rc));
  *encoded = out.data();
  return Status::OK();
}

bool VerifyPassword(const std::string& password, const std::string& encoded) {
  if (encoded.rfind("$argon2id$", 0) != 0) return false;
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

bool IsRole(const std::string& r) { return r == "admin" || r == "manager" || r == "auditor" || r == "ethics"; }

bool RoleAllows(const std::string& role, Action a) {
  if (!IsRole(role)) return false;
  switch (a) {
    case Action::kRead: return true;
    case Action::kChangeFollowUp: return role == "manager";
    case Action::kRunAudit: return role == "manager" || role == "auditor";
    case Action::kReadAccessLog: return role == "admin" || role == "ethics";
    case Action::kManageUsers: return role == "admin";
  }
  return false;
}

Session SessionTable::Create(const std::string& user, const std::string& role, Clock::time_point now) {
  Session s{RandomHex(32), user, role, RandomHex(32), now, NowLocal()};
  std::lock_guard<std::mutex> g(mu_);
  for (auto it = sessions_.begin(); it != sessions_.end();) {  // forget the expired ones
    if (now - it->second.last_seen > idle_) it = sessions_.erase(it);
    else ++it;
  }
  sessions_[s.id] = s;
  return s;
}

std::optional<Session> SessionTable::Touch(const std::string& id, Clock::time_point now) {
  if (id.size() != 64) return std::nullopt;
  std::lock_guard<std::mutex> g(mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  if (now - it->second.last_seen > idle_) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_seen = now;
  return it->second;
}

void SessionTable::Remove(const std::string& id) {
  std::lock_guard<std::mutex> g(mu_);
  sessions_.erase(id);
}

void SessionTable::RemoveUser(const std::string& user) {
  std::lock_guard<std::mutex> g(mu_);
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (it->second.user == user) it = sessions_.erase(it);
    else ++it;
  }
}

size_t SessionTable::size() {
  std::lock_guard<std::mutex> g(mu_);
  return sessions_.size();
}

bool LoginThrottle::LockedKey(const std::string& key, Clock::time_point now) {
  auto it = counts_.find(key);
  return it != counts_.end() && it->second.locked_until > now;
}

void LoginThrottle::FailKey(const std::string& key, Clock::time_point now) {
  Count& c = counts_[key];
  if (c.failures == 0 || now - c.first > window_) {
    c.failures = 0;
    c.first = now;
  }
  if (++c.failures >= max_) {
    c.locked_until = now + lockout_;
    c.failures = 0;
  }
}

bool LoginThrottle::Locked(const std::string& user, const std::string& client, Clock::time_point now) {
  std::lock_guard<std::mutex> g(mu_);
  return LockedKey("u:" + user, now) || LockedKey("c:" + client, now);
}

void LoginThrottle::Failed(const std::string& user, const std::string& client, Clock::time_point now) {
  std::lock_guard<std::mutex> g(mu_);
  FailKey("u:" + user, now);
  // A client may mistype several names; it is locked only after twice as many failures.
  Count& c = counts_["c:" + client];
  if (c.failures == 0 || now - c.first > window_) {
    c.failures = 0;
    c.first = now;
  }
  if (++c.failures >= 2 * max_) {
    c.locked_until = now + lockout_;
    c.failures = 0;
  }
}

void LoginThrottle::Succeeded(const std::string& user) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = counts_.find("u:" + user);
  if (it != counts_.end() && it->second.locked_until <= Clock::now()) counts_.erase(it);
}

std::string HtmlEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

Status SafePathInside(const std::string& root, const std::string& relative, std::string* resolved) {
  if (relative.empty()) return Status::Usage("no file named");
  fs::path rel(relative);
  if (rel.is_absolute() || relative.find('\0') != std::string::npos)
    return Status::Usage("a document is named relative to the output folder");
  for (const auto& part : rel)
    if (part == "..") return Status::Usage("a document path may not hold '..'");
  std::error_code ec;
  fs::path real_root = fs::canonical(root, ec);
  if (ec) return Status::NotFound("the output folder does not exist");
  fs::path real = fs::canonical(real_root / rel, ec);
  if (ec) return Status::NotFound("no such document");
  auto r = real_root.begin();
  auto p = real.begin();
  for (; r != real_root.end(); ++r, ++p)
    if (p == real.end() || *p != *r) return Status::Usage("the document is outside the output folder");
  if (!fs::is_regular_file(real, ec)) return Status::NotFound("no such document");
  *resolved = real.string();
  return Status::OK();
}

}  // namespace liaudit::console
