// The console's accounts and its access log (docs/store.md "users", "console_log").

#include <functional>

#include "core/digest.h"
#include "core/twid.h"
#include "store/store_impl.h"

namespace liaudit::store {

using internal::Stmt;
using internal::Transaction;

namespace {

// id, at, user, client, action, target, outcome, then the previous hash: '\x1f' between.
std::string EntryHash(int64_t id, int64_t at, const std::string& user, const std::string& client,
                      const std::string& action, const std::string& target, const std::string& outcome,
                      const std::string& prev) {
  const char sep = '\x1f';
  std::string text = std::to_string(id) + sep + std::to_string(at) + sep + user + sep + client + sep + action + sep +
                     target + sep + outcome + sep + prev;
  return Sha256Hex(text);
}

const char kUserColumns[] = "name, role, password_hash, disabled, created_at, updated_at";

void ReadUser(Stmt& s, Store::User* u) {
  u->name = s.Text(0);
  u->role = s.Text(1);
  u->password_hash = s.Text(2);
  u->disabled = s.Int(3) != 0;
  u->created = s.Int(4);
  u->updated = s.Int(5);
}

}  // namespace

Status Store::AddUser(const User& u) {
  bool found = false;
  User old;
  LIAUDIT_RETURN_IF_ERROR(FindUser(u.name, &old, &found));
  if (found) return Status::Conflict("user " + u.name + " exists already (use user passwd to change the password)");
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(impl_->db,
                                    "INSERT INTO users(name, role, password_hash, disabled, created_at, updated_at)"
                                    " VALUES(?,?,?,?,?,?)"));
  const LocalTime now = NowLocal();
  s.Bind(1, std::string_view(u.name));
  s.Bind(2, std::string_view(u.role));
  s.Bind(3, std::string_view(u.password_hash));
  s.Bind(4, u.disabled ? 1 : 0);
  s.Bind(5, static_cast<int64_t>(now));
  s.Bind(6, static_cast<int64_t>(now));
  return s.Run();
}

Status Store::FindUser(const std::string& name, User* out, bool* found) {
  *found = false;
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(impl_->db, (std::string("SELECT ") + kUserColumns + " FROM users WHERE name = ?").c_str()));
  s.Bind(1, std::string_view(name));
  bool row = false;
  LIAUDIT_RETURN_IF_ERROR(s.Step(&row));
  if (row) {
    ReadUser(s, out);
    *found = true;
  }
  s.Reset();
  return Status::OK();
}

namespace {
Status UpdateUser(sqlite3* db, const std::string& name, const char* sql, const std::function<void(Stmt&)>& bind) {
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(db, sql));
  bind(s);
  LIAUDIT_RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(db) == 0) return Status::NotFound("no user " + name);
  return Status::OK();
}
}  // namespace

Status Store::SetUserPasswordHash(const std::string& name, const std::string& hash) {
  return UpdateUser(impl_->db, name, "UPDATE users SET password_hash = ?, updated_at = ? WHERE name = ?", [&](Stmt& s) {
    s.Bind(1, std::string_view(hash));
    s.Bind(2, static_cast<int64_t>(NowLocal()));
    s.Bind(3, std::string_view(name));
  });
}

Status Store::SetUserDisabled(const std::string& name, bool disabled) {
  return UpdateUser(impl_->db, name, "UPDATE users SET disabled = ?, updated_at = ? WHERE name = ?", [&](Stmt& s) {
    s.Bind(1, disabled ? 1 : 0);
    s.Bind(2, static_cast<int64_t>(NowLocal()));
    s.Bind(3, std::string_view(name));
  });
}

Status Store::ListUsers(std::vector<User>* out) {
  out->clear();
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(impl_->db, (std::string("SELECT ") + kUserColumns + " FROM users ORDER BY name").c_str()));
  LIAUDIT_FOR_EACH_ROW(s) {
    User u;
    ReadUser(s, &u);
    out->push_back(std::move(u));
  }
  return Status::OK();
}

Status Store::AppendConsoleLog(ConsoleLogEntry* e) {
  if (e->at == kNoTime) e->at = NowLocal();
  e->user = MaskIdsInText(e->user);
  e->client = MaskIdsInText(e->client);
  e->target = MaskIdsInText(e->target);
  e->outcome = MaskIdsInText(e->outcome);
  Transaction tx(impl_->db);
  LIAUDIT_RETURN_IF_ERROR(tx.Begin());
  Stmt last;
  LIAUDIT_RETURN_IF_ERROR(last.Prepare(impl_->db, "SELECT sha256 FROM console_log ORDER BY id DESC LIMIT 1"));
  bool row = false;
  LIAUDIT_RETURN_IF_ERROR(last.Step(&row));
  std::string prev = row ? last.Text(0) : std::string();
  last.Reset();
  Stmt ins;
  LIAUDIT_RETURN_IF_ERROR(ins.Prepare(impl_->db,
                                      "INSERT INTO console_log(at, user, client, action, target, outcome) VALUES(?,?,?,?,?,?)"));
  ins.Bind(1, static_cast<int64_t>(e->at));
  ins.Bind(2, std::string_view(e->user));
  ins.Bind(3, std::string_view(e->client));
  ins.Bind(4, std::string_view(e->action));
  ins.Bind(5, std::string_view(e->target));
  ins.Bind(6, std::string_view(e->outcome));
  LIAUDIT_RETURN_IF_ERROR(ins.Run());
  e->id = sqlite3_last_insert_rowid(impl_->db);
  e->sha256 = EntryHash(e->id, e->at, e->user, e->client, e->action, e->target, e->outcome, prev);
  Stmt seal;
  LIAUDIT_RETURN_IF_ERROR(seal.Prepare(impl_->db, "UPDATE console_log SET prev_sha256 = ?, sha256 = ? WHERE id = ?"));
  seal.Bind(1, std::string_view(prev));
  seal.Bind(2, std::string_view(e->sha256));
  seal.Bind(3, e->id);
  LIAUDIT_RETURN_IF_ERROR(seal.Run());
  return tx.Commit();
}

Status Store::ListConsoleLog(long limit, std::vector<ConsoleLogEntry>* out) {
  out->clear();
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(impl_->db,
                                    "SELECT id, at, user, client, action, target, outcome, sha256 FROM console_log"
                                    " ORDER BY id DESC LIMIT ?"));
  s.Bind(1, static_cast<int64_t>(limit > 0 ? limit : -1));
  LIAUDIT_FOR_EACH_ROW(s) {
    ConsoleLogEntry e;
    e.id = s.Int(0);
    e.at = s.Int(1);
    e.user = s.Text(2);
    e.client = s.Text(3);
    e.action = s.Text(4);
    e.target = s.Text(5);
    e.outcome = s.Text(6);
    e.sha256 = s.Text(7);
    out->push_back(std::move(e));
  }
  return Status::OK();
}

Status Store::VerifyConsoleLog(std::vector<std::string>* problems, long* entries) {
  problems->clear();
  *entries = 0;
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(impl_->db,
                                    "SELECT id, at, user, client, action, target, outcome, prev_sha256, sha256"
                                    " FROM console_log ORDER BY id"));
  std::string prev;
  bool first = true;
  LIAUDIT_FOR_EACH_ROW(s) {
    ++*entries;
    const std::string stored_prev = s.Text(7), stored = s.Text(8);
    const std::string expect =
        EntryHash(s.Int(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6), stored_prev);
    if (stored != expect)
      problems->push_back("console log entry " + std::to_string(s.Int(0)) + " was changed after it was written");
    else if (!first && stored_prev != prev)
      problems->push_back("console log entry " + std::to_string(s.Int(0)) +
                          " does not follow the entry before it (an entry was removed or inserted)");
    first = false;
    prev = stored;
  }
  return Status::OK();
}

Status Store::CountConsoleLogBefore(LocalTime before, long* n) {
  Stmt s;
  LIAUDIT_RETURN_IF_ERROR(s.Prepare(impl_->db, "SELECT COUNT(*) FROM console_log WHERE at < ?"));
  s.Bind(1, static_cast<int64_t>(before));
  bool row = false;
  LIAUDIT_RETURN_IF_ERROR(s.Step(&row));
  *n = row ? static_cast<long>(s.Int(0)) : 0;
  s.Reset();
  return Status::OK();
}

Status Store::PurgeConsoleLog(LocalTime before, const std::string& by, long* removed) {
  *removed = 0;
  if (by.empty()) return Status::Usage("a console log purge needs who orders it");
  Transaction tx(impl_->db);
  LIAUDIT_RETURN_IF_ERROR(tx.Begin());
  Stmt rec;
  LIAUDIT_RETURN_IF_ERROR(rec.Prepare(impl_->db,
                                      "INSERT INTO console_log_purges(before_time, performed_at, performed_by) VALUES(?,?,?)"));
  rec.Bind(1, static_cast<int64_t>(before));
  rec.Bind(2, static_cast<int64_t>(NowLocal()));
  rec.Bind(3, std::string_view(by));
  LIAUDIT_RETURN_IF_ERROR(rec.Run());
  Stmt del;
  LIAUDIT_RETURN_IF_ERROR(del.Prepare(impl_->db, "DELETE FROM console_log WHERE at < ?"));
  del.Bind(1, static_cast<int64_t>(before));
  LIAUDIT_RETURN_IF_ERROR(del.Run());
  *removed = sqlite3_changes(impl_->db);
  return tx.Commit();
}

}  // namespace liaudit::store
