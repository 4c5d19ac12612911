// liaudit user add|passwd|disable|enable|list.
#include <termios.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "console/console.h"
#include "console/security.h"
#include "jobs/lock.h"
#include "jobs/log.h"
#include "store/store.h"

namespace fs = std::filesystem;

namespace liaudit::console {
namespace {

// One line from `in`, without echo when it is the terminal.
bool ReadSecretLine(std::istream& in, bool terminal, const char* prompt, std::string* out) {
  termios old{};
  bool echo_off = false;
  if (terminal) {
    std::cerr << prompt << std::flush;
    if (tcgetattr(0, &old) == 0) {
      termios t = old;
      t.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      echo_off = tcsetattr(0, TCSAFLUSH, &t) == 0;
    }
  }
  bool ok = static_cast<bool>(std::getline(in, *out));
  if (echo_off) {
    tcsetattr(0, TCSAFLUSH, &old);
    std::cerr << "\n";
  }
  if (!out->empty() && out->back() == '\r') out->pop_back();
  return ok;
}

Status ReadNewPassword(std::istream& in, bool terminal, std::string* password) {
  if (!ReadSecretLine(in, terminal, "New password (at least 12 characters): ", password))
    return Status::Usage("no password given (type it, or pipe it on stdin)");
  LIAUDIT_RETURN_IF_ERROR(CheckPasswordRules(*password));
  if (terminal) {
    std::string again;
    if (!ReadSecretLine(in, terminal, "Again: ", &again) || again != *password)
      return Status::Usage("the two passwords differ");
  }
  return Status::OK();
}

bool ValidName(const std::string& n) {
  if (n.empty() || n.size() > 64) return false;
  for (unsigned char c : n)
    if (!(std::isalnum(c) || c == '.' || c == '_' || c == '-' || c == '@')) return false;
  return true;
}

}  // namespace

Status RunUser(const jobs::JobOptions& opts, const UserParams& p, std::istream& in, std::ostream& out) {
  if (p.action != "list" && p.action != "add" && p.action != "passwd" && p.action != "disable" && p.action != "enable")
    return Status::Usage("user: ACTION is one of add, passwd, disable, enable, list");
  if (p.action != "list" && !ValidName(p.name))
    return Status::Usage("user " + p.action + ": give a NAME of letters, digits and . _ - @ (at most 64)");
  if (p.action == "add" && !IsRole(p.role))
    return Status::Usage("user add: --role is one of admin, manager, auditor, ethics");
  std::error_code ec;
  if (p.action != "add" && !fs::exists(opts.db_path, ec))
    return Status::NotFound(opts.db_path + ": no store yet (run a job or user add first)");
  if (p.action == "add") fs::create_directories(fs::path(opts.db_path).parent_path().empty() ? "." : fs::path(opts.db_path).parent_path(), ec);
  std::string password, hash;
  if (p.action == "add" || p.action == "passwd") {
    LIAUDIT_RETURN_IF_ERROR(ReadNewPassword(in, p.interactive, &password));
    LIAUDIT_RETURN_IF_ERROR(HashPassword(password, &hash));
  }
  jobs::StoreLock lock;
  LIAUDIT_RETURN_IF_ERROR(lock.Acquire(opts.db_path, "user " + p.action, opts.lock_wait_seconds));
  std::unique_ptr<store::Store> st;
  LIAUDIT_RETURN_IF_ERROR(store::Store::Open(opts.db_path, &st));
  if (p.action == "list") {
    std::vector<store::Store::User> users;
    LIAUDIT_RETURN_IF_ERROR(st->ListUsers(&users));
    for (const auto& u : users)
      out << u.name << "\t" << u.role << "\t" << (u.disabled ? "disabled" : "active") << "\tchanged "
          << FormatIsoTime(u.updated) << "\n";
    out << users.size() << " user(s)\n";
    return Status::OK();
  }
  store::Store::ConsoleLogEntry e;
  e.user = "(command line)";
  e.client = "local";
  e.target = p.name;
  if (p.action == "add") {
    store::Store::User u;
    u.name = p.name;
    u.role = p.role;
    u.password_hash = hash;
    LIAUDIT_RETURN_IF_ERROR(st->AddUser(u));
    e.action = "user_add";
    e.outcome = p.role;
    out << "user " << p.name << " added (" << p.role << ")\n";
  } else if (p.action == "passwd") {
    LIAUDIT_RETURN_IF_ERROR(st->SetUserPasswordHash(p.name, hash));
    e.action = "user_passwd";
    out << "user " << p.name << ": password changed\n";
  } else {
    LIAUDIT_RETURN_IF_ERROR(st->SetUserDisabled(p.name, p.action == "disable"));
    e.action = "user_" + p.action;
    out << "user " << p.name << ": " << p.action << "d\n";
  }
  return st->AppendConsoleLog(&e);
}

}  // namespace liaudit::console
