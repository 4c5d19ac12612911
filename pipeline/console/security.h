// The console's security pieces, kept apart from the server so that unit tests reach them:
// passwords (Argon2id), random tokens, sessions with idle timeout and CSRF tokens, login
// throttling, role checks, HTML escaping and the download path check.
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/status.h"

namespace liaudit::console {

constexpr size_t kMinPasswordLength = 12;  // characters (UTF-8 code points)

// Argon2id encoded hash ($argon2id$v=19$m=...,t=...,p=...$salt$hash), fresh 16-byte salt.
Status HashPassword(const std::string& password, std::string* encoded);
// True only when `encoded` is a valid Argon2id hash of `password`.
bool VerifyPassword(const std::string& password, const std::string& encoded);
// Usage error unless the password is long enough.
Status CheckPasswordRules(const std::string& password);

// `bytes` random bytes (OpenSSL RAND_bytes) as lower-case hex; empty if RAND_bytes fails.
std::string RandomHex(size_t bytes);

bool IsRole(const std::string& role);  // admin | manager | auditor | ethics
// What a role may do (docs/console.md "Roles").
enum class Action {
  kRead,            // jobs, findings, follow-ups, documents, verify: every role
  kChangeFollowUp,  // manager
  kRunAudit,        // manager, auditor
  kReadAccessLog,   // admin, ethics
  kManageUsers,     // admin
};
bool RoleAllows(const std::string& role, Action a);

using Clock = std::chrono::steady_clock;

struct Session {
  std::string id, user, role, csrf;
  Clock::time_point last_seen;
  int64_t logged_in = 0;  // NowLocal() at login: an account changed after it (passwd, disable) ends the session
};

// Sessions in memory: 256-bit ids, each with its own 256-bit CSRF token, forgotten after
// `idle` without a request (and when the server stops: a restart logs everyone out).
class SessionTable {
 public:
  explicit SessionTable(std::chrono::seconds idle) : idle_(idle) {}
  Session Create(const std::string& user, const std::string& role, Clock::time_point now = Clock::now());
  // The live session with this id (its idle clock restarted), or nothing.
  std::optional<Session> Touch(const std::string& id, Clock::time_point now = Clock::now());
  void Remove(const std::string& id);
  void RemoveUser(const std::string& user);
  size_t size();

 private:
  std::chrono::seconds idle_;
  std::mutex mu_;
  std::map<std::string, Session> sessions_;
};

// Login throttling: after `max_failures` failed logins for one account name (existing or
// not) or from one client address within `window`, further attempts for it are refused
// for `lockout` without looking at the password.
class LoginThrottle {
 public:
  LoginThrottle(int max_failures, std::chrono::seconds window, std::chrono::seconds lockout)
      : max_(max_failures), window_(window), lockout_(lockout) {}
  bool Locked(const std::string& user, const std::string& client, Clock::time_point now = Clock::now());
  void Failed(const std::string& user, const std::string& client, Clock::time_point now = Clock::now());
  void Succeeded(const std::string& user);

 private:
  struct Count {
    int failures = 0;
    Clock::time_point first, locked_until;
  };
  bool LockedKey(const std::string& key, Clock::time_point now);
  void FailKey(const std::string& key, Clock::time_point now);
  int max_;
  std::chrono::seconds window_, lockout_;
  std::mutex mu_;
  std::map<std::string, Count> counts_;
};

// & < > " ' as entities: text from input files never becomes markup.
std::string HtmlEscape(const std::string& s);

// The real path of `relative` inside `root` (both resolved through symlinks), or an error
// when it is absolute, holds a `..` component, does not exist, is not a regular file, or
// resolves outside root (a symlink out).
Status SafePathInside(const std::string& root, const std::string& relative, std::string* resolved);

}  // namespace liaudit::console
