// liaudit serve: the console's HTTP server (cpp-httplib), its JSON API and its pages.
// Routes, roles and the API: docs/console.md.
// cpp-httplib's listen backlog is 5: under a burst of clients the kernel then drops
// handshakes (a second's retry, or a reset). The console takes a hundred at once.
#define CPPHTTPLIB_LISTEN_BACKLOG 128
#include <httplib.h>
#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "core/digest.h"
#include "console/console.h"
#include "console/security.h"
#include "core/twid.h"
#include "jobs/log.h"
#include "jobs/runner.h"
#include "store/store.h"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace liaudit::console {
namespace {

const char kCookie[] = "liaudit_session";

std::string CookieValue(const httplib::Request& req, const std::string& name) {
  const std::string header = req.get_header_value("Cookie");
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string part = header.substr(pos, end - pos);
    while (!part.empty() && part.front() == ' ') part.erase(0, 1);
    if (part.compare(0, name.size() + 1, name + "=") == 0) return part.substr(name.size() + 1);
    pos = end + 1;
  }
  return "";
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

struct AuditRun {
  int id = 0;
  std::string by, state = "running", message, folder;
  long findings = 0;
  std::chrono::steady_clock::time_point started;
  double seconds = 0;
  std::vector<std::string> warnings;
};

struct Caller {
  Session session;
  std::string client;
};

class Console {
 public:
  Console(const jobs::JobOptions& opts, const ServeOptions& so)
      : opts_(opts),
        so_(so),
        sessions_(std::chrono::minutes(so.idle_minutes)),
        throttle_(so.max_login_failures, std::chrono::minutes(so.lockout_minutes), std::chrono::minutes(so.lockout_minutes)) {}

  Status Open() {
    LIAUDIT_RETURN_IF_ERROR(store::Store::Open(opts_.db_path, &store_));
    // A hash no password has, checked for unknown names so that they take as long.
    return HashPassword(RandomHex(16), &dummy_hash_);
  }

  void Routes(httplib::Server& s);
  void WaitForAudits() {
    for (auto& t : audit_threads_)
      if (t.joinable()) t.join();
  }

 private:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&, const Caller&)>;

  // Every route but login goes through here: the session (401 / redirect), the account
  // still active, the role (403), and the CSRF token for anything that changes state.
  httplib::Server::Handler Guard(Action action, bool api, Handler h) {
    return [this, action, api, h](const httplib::Request& req, httplib::Response& res) {
      Caller c;
      c.client = req.remote_addr;
      auto s = sessions_.Touch(CookieValue(req, kCookie));
      bool active = false;
      if (s) {
        std::lock_guard<std::mutex> g(store_mu_);
        store::Store::User u;
        bool found = false;
        // A password changed (liaudit user passwd) after this login ends the session too.
        if (store_->FindUser(s->user, &u, &found).ok() && found && !u.disabled && u.updated <= s->logged_in) {
          active = true;
          s->role = u.role;  // a role changed on the command line applies at once
        }
        if (!active) sessions_.Remove(s->id);
      }
      if (!s || !active) {
        if (api) return Error(res, 401, "請先登入");
        res.set_redirect("/login");
        return;
      }
      c.session = *s;
      if (req.method != "GET" && req.method != "HEAD") {
        std::string token = req.get_header_value("X-CSRF-Token");
        if (token.empty() && req.has_param("csrf")) token = req.get_param_value("csrf");
        if (token.empty() && req.has_file("csrf")) token = req.get_file_value("csrf").content;
        if (token.size() != s->csrf.size() || CRYPTO_memcmp(token.data(), s->csrf.data(), token.size()) != 0) {
          Log(c, "csrf_refused", req.path, "403");
          return Error(res, 403, "缺少或不符的 CSRF 權杖");
        }
      }
      if (!RoleAllows(s->role, action)) {
        Log(c, "forbidden", req.method + " " + req.path, "403");
        return Error(res, 403, "您的角色無權執行此操作");
      }
      h(req, res, c);
    };
  }

  void Error(httplib::Response& res, int code, const std::string& message) {
    res.status = code;
    res.set_content(Dump({{"error", message}}), "application/json; charset=utf-8");
  }
  void Json(httplib::Response& res, const json& j) { res.set_content(Dump(j), "application/json; charset=utf-8"); }

  void Log(const Caller& c, const std::string& action, const std::string& target, const std::string& outcome = "ok") {
    store::Store::ConsoleLogEntry e;
    e.user = c.session.user;
    e.client = c.client;
    e.action = action;
    e.target = target;
    e.outcome = outcome;
    std::lock_guard<std::mutex> g(store_mu_);
    Status st = store_->AppendConsoleLog(&e);
    if (!st.ok()) std::cerr << "liaudit serve: access log: " << jobs::LogSafe(st.message()) << "\n";
  }

  void Login(const httplib::Request& req, httplib::Response& res);
  void Logout(const httplib::Request& req, httplib::Response& res, const Caller& c);
  void Jobs(const httplib::Request& req, httplib::Response& res, const Caller& c);
  void Findings(const httplib::Request& req, httplib::Response& res, const Caller& c);
  void FollowUps(const httplib::Request& req, httplib::Response& res, const Caller& c);
  void ChangeFollowUp(const httplib::Request& req, httplib::Response& res, const Caller& c);
  void ChangeFollowUpFields(const httplib::Request& req, httplib::Response& res, const Caller& c, const std::string& key,
                            const std::string& action);
  void AccessLogJson(const httplib::Request& req, httplib::Response& res, const Caller& c) { AccessLog(req, res, c, false); }
  void StartAudit(const httplib::Request& req, httplib::Response& res, const Caller& c);
  void AuditStatus(const httplib::Request& req, httplib::Response& res, const Caller& c);
  void Documents(const httplib::Request& req, httplib::Response& res, const Caller& c);
  void Download(const httplib::Request& req, httplib::Response& res, const Caller& c);
  void Verify(const httplib::Request& req, httplib::Response& res, const Caller& c);
  void AccessLog(const httplib::Request& req, httplib::Response& res, const Caller& c, bool csv);
  void Pages(httplib::Server& s);
  std::string Layout(const std::string& title, const std::string& body, const Caller& c);
  json Call(void (Console::*h)(const httplib::Request&, httplib::Response&, const Caller&), const httplib::Request& req,
            const Caller& c, int* status = nullptr);

  json FindingJson(const Finding& f, int64_t job);
  json AuditJson(const AuditRun& a);

 public:
  jobs::JobOptions opts_;
  ServeOptions so_;
  SessionTable sessions_;
  LoginThrottle throttle_;
  std::mutex store_mu_;  // one connection, shared by the worker threads
  std::unique_ptr<store::Store> store_;
  std::string dummy_hash_;
  std::mutex audits_mu_;
  std::map<int, AuditRun> audits_;
  int next_audit_ = 1;
  std::vector<std::thread> audit_threads_;
};

void Console::Login(const httplib::Request& req, httplib::Response& res) {
  // JSON only: a cross-site HTML form can post text/plain that parses as JSON, but not
  // application/json (that needs a CORS preflight the console never grants).
  if (req.get_header_value("Content-Type").rfind("application/json", 0) != 0)
    return Error(res, 415, "登入請求須為 application/json");
  json body = json::parse(req.body, nullptr, false);
  Caller c;
  c.client = req.remote_addr;
  if (!body.is_object() || !body.contains("user") || !body.contains("password") || !body["user"].is_string() ||
      !body["password"].is_string())
    return Error(res, 400, "請提供帳號與密碼 ({\"user\": ..., \"password\": ...})");
  const std::string user = body["user"].get<std::string>(), password = body["password"].get<std::string>();
  c.session.user = user.substr(0, 64);
  if (throttle_.Locked(user, c.client)) {
    Log(c, "login_locked", "", "refused");
    return Error(res, 429, "登入失敗次數過多，請稍後再試");
  }
  store::Store::User u;
  bool found = false;
  {
    std::lock_guard<std::mutex> g(store_mu_);
    if (!store_->FindUser(user, &u, &found).ok()) found = false;
  }
  // The same work and the same answer whether the name exists, is disabled or the password is wrong.
  bool ok = VerifyPassword(password, found ? u.password_hash : dummy_hash_) && found && !u.disabled;
  if (!ok) {
    throttle_.Failed(user, c.client);
    Log(c, "login_failed", "", "failed");
    return Error(res, 401, "帳號或密碼錯誤");
  }
  throttle_.Succeeded(user);
  Session s = sessions_.Create(u.name, u.role);
  c.session = s;
  Log(c, "login", "");
  std::string cookie = std::string(kCookie) + "=" + s.id + "; Path=/; HttpOnly; SameSite=Strict";
  if (!so_.tls_cert.empty()) cookie += "; Secure";
  res.set_header("Set-Cookie", cookie);
  Json(res, {{"user", u.name}, {"role", u.role}, {"csrf", s.csrf}});
}

void Console::Logout(const httplib::Request&, httplib::Response& res, const Caller& c) {
  sessions_.Remove(c.session.id);
  Log(c, "logout", "");
  res.set_header("Set-Cookie", std::string(kCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  Json(res, {{"ok", true}});
}

void Console::Jobs(const httplib::Request&, httplib::Response& res, const Caller& c) {
  std::vector<store::JobRecord> jobs;
  {
    std::lock_guard<std::mutex> g(store_mu_);
    if (Status st = store_->ListJobs(&jobs); !st.ok()) return Error(res, 500, st.message());
  }
  json arr = json::array();
  for (auto it = jobs.rbegin(); it != jobs.rend(); ++it) {
    const auto& j = *it;
    std::error_code ec;
    std::string rel = j.output_dir.empty() ? "" : fs::relative(j.output_dir, opts_.output_dir, ec).string();
    arr.push_back({{"id", j.id}, {"kind", j.kind}, {"status", j.status}, {"started", FormatIsoTime(j.started)},
                   {"finished", j.finished == kNoTime ? "" : FormatIsoTime(j.finished)}, {"folder", ec ? "" : rel}});
  }
  Log(c, "view_jobs", "");
  Json(res, {{"jobs", arr}});
}

json Console::FindingJson(const Finding& f, int64_t job) {
  json ev = json::array();
  for (const Evidence& e : f.evidence) {
    static const char* kKinds[] = {"query", "registration", "permission", "request", "staff"};
    json x = {{"kind", kKinds[static_cast<int>(e.kind)]}, {"label", MaskIdsInText(e.label)}};
    if (e.kind == Evidence::Kind::kQuery) {
      std::string file, raw;
      long line = 0;
      std::lock_guard<std::mutex> g(store_mu_);
      if (store_->QueryRaw(e.id, &file, &line, &raw).ok()) {
        x["file"] = fs::path(file).filename().string();
        x["line"] = line;
        x["row"] = MaskIdsInText(raw);
      }
    }
    ev.push_back(x);
  }
  return {{"job", job},
          {"key", MaskIdsInText(f.key)},
          {"rule", f.rule_id},
          {"severity", SeverityName(f.severity)},
          {"severity_zh", SeverityNameZh(f.severity)},
          {"account", f.account},
          {"time", f.query_time == kNoTime ? "" : FormatIsoTime(f.query_time)},
          {"date", f.date == kNoDate ? "" : FormatIsoDate(f.date)},
          {"txn", f.txn_id},
          {"subject", f.subject_id.empty() ? "" : MaskIdsInText(f.subject_id)},
          {"detail", MaskIdsInText(f.detail)},
          {"evidence", ev}};
}

void Console::Findings(const httplib::Request& req, httplib::Response& res, const Caller& c) {
  int64_t job = 0;
  std::vector<store::JobRecord> jobs;
  {
    std::lock_guard<std::mutex> g(store_mu_);
    if (Status st = store_->ListJobs(&jobs); !st.ok()) return Error(res, 500, st.message());
  }
  if (req.has_param("job")) {
    job = std::atoll(req.get_param_value("job").c_str());
  } else {
    for (const auto& j : jobs)
      if (j.status == "ok" && j.kind == "nightly") job = j.id;
  }
  bool known = false;
  for (const auto& j : jobs) known |= j.id == job;
  if (!known) return Error(res, 404, "沒有這個作業");
  std::vector<Finding> all;
  {
    std::lock_guard<std::mutex> g(store_mu_);
    if (Status st = store_->LoadFindings(job, &all); !st.ok()) return Error(res, 500, st.message());
  }
  auto param = [&](const char* n) { return req.has_param(n) ? req.get_param_value(n) : std::string(); };
  const std::string rule = param("rule"), severity = param("severity"), account = param("account"),
                    date = param("date"), key = param("key");
  const std::string unit = param("unit");
  std::map<std::string, std::string> unit_of;  // account → unit, as the jobs name a querier's unit
  if (!unit.empty()) {
    std::vector<PermissionRecord> perms;
    std::vector<StaffRecord> staff;
    std::lock_guard<std::mutex> g(store_mu_);
    if (Status st = store_->AllPermissions(&perms); !st.ok()) return Error(res, 500, st.message());
    if (Status st = store_->Staff(&staff); !st.ok()) return Error(res, 500, st.message());
    for (const auto& p : perms)
      if (p.decision == Decision::kApproved && !p.unit.empty()) unit_of[p.account] = p.unit;
    for (const auto& x : staff)
      if (!x.unit.empty()) unit_of.emplace(x.account, x.unit);
  }
  json arr = json::array();
  for (const Finding& f : all) {
    if (!rule.empty() && f.rule_id != rule) continue;
    if (!unit.empty()) {
      auto it = unit_of.find(f.account);
      if (it == unit_of.end() || it->second != unit) continue;
    }
    if (!severity.empty() && severity != SeverityName(f.severity)) continue;
    if (!account.empty() && f.account != account) continue;
    if (!key.empty() && f.key != key && MaskIdsInText(f.key) != key) continue;
    if (!date.empty()) {
      std::string d = f.date != kNoDate ? FormatIsoDate(f.date) : f.query_time != kNoTime ? FormatIsoTime(f.query_time).substr(0, 10) : "";
      if (d != date) continue;
    }
    arr.push_back(FindingJson(f, job));
  }
  json out = {{"job", job}, {"findings", arr}};
  if (!key.empty()) {
    std::vector<store::FollowUpChange> history;
    std::lock_guard<std::mutex> g(store_mu_);
    if (store_->FollowUpHistory(key, &history).ok()) {
      json h = json::array();
      for (const auto& x : history)
        h.push_back({{"from", store::FollowUpStateName(x.from)}, {"to", store::FollowUpStateName(x.to)}, {"by", x.by},
                     {"at", FormatIsoTime(x.at)}, {"note", MaskIdsInText(x.note)}});
      out["history"] = h;
    }
  }
  Log(c, key.empty() ? "view_findings" : "view_finding", "job " + std::to_string(job) + (key.empty() ? "" : " " + key));
  Json(res, out);
}

void Console::FollowUps(const httplib::Request&, httplib::Response& res, const Caller& c) {
  std::vector<store::FollowUp> all;
  {
    std::lock_guard<std::mutex> g(store_mu_);
    if (Status st = store_->ListFollowUps(&all); !st.ok()) return Error(res, 500, st.message());
  }
  const Date today = DateOf(NowLocal());
  json arr = json::array();
  for (const auto& f : all)
    arr.push_back({{"key", MaskIdsInText(f.key)}, {"rule", f.rule_id}, {"account", f.account},
                   {"severity", SeverityName(f.severity)}, {"state", store::FollowUpStateName(f.state)},
                   {"due", f.due == kNoDate ? "" : FormatIsoDate(f.due)},
                   {"overdue", f.state == store::FollowUpState::kOpen && f.due != kNoDate && f.due < today},
                   {"updated_by", f.updated_by}, {"updated_at", f.updated_at == kNoTime ? "" : FormatIsoTime(f.updated_at)},
                   {"note", MaskIdsInText(f.note)}, {"detail", MaskIdsInText(f.detail)}});
  Log(c, "view_followups", "");
  Json(res, {{"followups", arr}});
}

void Console::ChangeFollowUp(const httplib::Request& req, httplib::Response& res, const Caller& c) {
  ChangeFollowUpFields(req, res, c, req.matches[1], req.matches[2]);
}

void Console::ChangeFollowUpFields(const httplib::Request& req, httplib::Response& res, const Caller& c,
                                   const std::string& key, const std::string& action) {
  std::string note;
  std::string pdf;
  if (req.is_multipart_form_data()) {
    if (req.has_file("note")) note = req.get_file_value("note").content;
    if (req.has_file("report") && req.get_file_value("report").content.empty()) { /* no file chosen */ }
    if (req.has_file("report")) pdf = req.get_file_value("report").content;
  } else if (!req.body.empty()) {
    json body = json::parse(req.body, nullptr, false);
    if (!body.is_object()) return Error(res, 400, "請求內容不是 JSON 物件");
    if (body.contains("note") && body["note"].is_string()) note = body["note"].get<std::string>();
  }
  if (note.size() > 4000) return Error(res, 400, "備註過長（至多 4000 位元組）");
  if (!pdf.empty()) {
    if (action != "received") return Error(res, 400, "只有「已收到檢討報告」可附上 PDF");
    if (pdf.size() > static_cast<size_t>(so_.max_upload_mb) * 1024 * 1024) return Error(res, 413, "檔案過大");
    if (pdf.compare(0, 5, "%PDF-") != 0) return Error(res, 415, "附件必須是 PDF 檔");
    const std::string sha = Sha256Hex(pdf);
    fs::path dir = fs::path(opts_.db_path).parent_path() / "followup-reports";
    std::error_code ec;
    fs::create_directories(dir, ec);
    fs::permissions(dir, fs::perms::owner_all, ec);
    std::ofstream o(dir / (sha + ".pdf"), std::ios::binary);
    o.write(pdf.data(), static_cast<std::streamsize>(pdf.size()));
    if (!o) return Error(res, 500, "無法保存附件");
    note += (note.empty() ? "" : "；") + std::string("檢討報告 PDF SHA-256 ") + sha;
  }
  jobs::FollowupParams p;
  p.action = action;
  p.key = key;
  p.by = c.session.user;
  p.note = note;
  std::ostringstream out;
  Status st = jobs::RunFollowup(opts_, p, out);
  Log(c, "followup_" + action, key, st.ok() ? "ok" : "failed");
  if (st.code() == Status::Code::kNotFound) return Error(res, 404, "沒有這個追蹤項目");
  if (!st.ok()) return Error(res, 409, jobs::LogSafe(st.message()));
  Json(res, {{"ok", true}, {"key", MaskIdsInText(key)}, {"action", action}});
}

json Console::AuditJson(const AuditRun& a) {
  double secs = a.state == "running"
                    ? std::chrono::duration<double>(std::chrono::steady_clock::now() - a.started).count()
                    : a.seconds;
  std::error_code ec;
  std::string rel = a.folder.empty() ? "" : fs::relative(a.folder, opts_.output_dir, ec).string();
  json docs = json::array();
  if (!a.folder.empty())
    for (const auto& e : fs::recursive_directory_iterator(a.folder, ec))
      if (std::error_code e1; e.is_regular_file(e1) && !e.is_symlink(e1) && !e1)
        docs.push_back((fs::path(rel) / fs::relative(e.path(), a.folder, ec)).string());
  std::sort(docs.begin(), docs.end());
  return {{"id", a.id}, {"state", a.state}, {"by", a.by}, {"seconds", secs}, {"findings", a.findings},
          {"folder", rel}, {"documents", docs}, {"message", a.message}, {"warnings", a.warnings}};
}

void Console::StartAudit(const httplib::Request& req, httplib::Response& res, const Caller& c) {
  json body = json::parse(req.body, nullptr, false);
  if (!body.is_object()) return Error(res, 400, "請求內容不是 JSON 物件");
  auto str = [&](const char* n) { return body.contains(n) && body[n].is_string() ? body[n].get<std::string>() : std::string(); };
  auto from = ParseDate(str("from")), to = ParseDate(str("to"));
  if (!from || !to) return Error(res, 400, "請以 YYYY-MM-DD 填寫稽核期間 (from, to)");
  if (*from > *to) return Error(res, 400, "起日晚於迄日");
  jobs::AuditParams p;
  p.from = *from;
  p.to = *to;
  p.unit = str("unit");
  if (body.contains("accounts") && body["accounts"].is_array())
    for (const auto& a : body["accounts"])
      if (a.is_string() && !a.get<std::string>().empty()) p.accounts.push_back(a.get<std::string>());
  jobs::JobOptions o = opts_;
  o.progress = false;
  if (!str("auditor").empty()) o.output.auditor = str("auditor");
  if (!str("audit_unit").empty()) o.output.audit_unit = str("audit_unit");
  int id;
  {
    std::lock_guard<std::mutex> g(audits_mu_);
    id = next_audit_++;
    AuditRun& a = audits_[id];
    a.id = id;
    a.by = c.session.user;
    a.started = std::chrono::steady_clock::now();
    audit_threads_.emplace_back([this, id, o, p] {
      jobs::JobOutcome outcome;
      Status st = jobs::RunAuditJob(o, p, &outcome);
      std::lock_guard<std::mutex> g2(audits_mu_);
      AuditRun& r = audits_[id];
      r.state = st.ok() ? "ok" : "failed";
      r.message = st.ok() ? "" : jobs::LogSafe(st.message());
      r.folder = outcome.folder;
      r.findings = outcome.findings;
      for (const auto& w : outcome.warnings) r.warnings.push_back(jobs::LogSafe(w));
      r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - r.started).count();
    });
  }
  Log(c, "audit_start", "audit " + std::to_string(id) + " " + str("from") + ".." + str("to") +
                            (p.unit.empty() ? "" : " unit " + p.unit) +
                            (p.accounts.empty() ? "" : " accounts " + std::to_string(p.accounts.size())));
  res.status = 202;
  std::lock_guard<std::mutex> g(audits_mu_);
  Json(res, AuditJson(audits_[id]));
}

void Console::AuditStatus(const httplib::Request& req, httplib::Response& res, const Caller& c) {
  const int id = std::atoi(std::string(req.matches[1]).c_str());
  std::lock_guard<std::mutex> g(audits_mu_);
  auto it = audits_.find(id);
  if (it == audits_.end()) return Error(res, 404, "沒有這個稽核作業");
  (void)c;
  Json(res, AuditJson(it->second));
}

void Console::Documents(const httplib::Request& req, httplib::Response& res, const Caller& c) {
  const std::string folder = req.has_param("folder") ? req.get_param_value("folder") : "";
  std::error_code ec;
  fs::path root = fs::canonical(opts_.output_dir, ec);
  if (ec) return Error(res, 404, "輸出資料夾不存在");
  fs::path dir = root;
  if (!folder.empty()) {
    fs::path rel(folder);
    for (const auto& part : rel)
      if (part == ".." || rel.is_absolute()) return Error(res, 400, "資料夾路徑不可含 ..");
    dir = fs::canonical(root / rel, ec);
    if (ec || !fs::is_directory(dir)) return Error(res, 404, "沒有這個資料夾");
    std::string d = dir.string(), r = root.string();
    if (d.compare(0, r.size(), r) != 0 || (d.size() > r.size() && d[r.size()] != '/'))
      return Error(res, 400, "資料夾在輸出資料夾之外");
  }
  json entries = json::array();
  // A job may rename its folder into place while this lists: an entry that vanishes is
  // skipped, never an error (every call below takes an error_code).
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name[0] == '.' || name.rfind("liaudit.sqlite", 0) == 0 || name == "followup-reports") continue;
    std::error_code e1, e2, e3;
    if (e.is_symlink(e1) || e1) continue;
    const bool is_folder = e.is_directory(e2);
    const bool file = !is_folder && e.is_regular_file(e2);
    const auto bytes = file ? e.file_size(e3) : 0;
    if (e2 || e3 || (!is_folder && !file)) continue;
    std::string rel = fs::relative(e.path(), root, e1).string();
    if (e1) continue;
    entries.push_back({{"name", name}, {"path", rel}, {"folder", is_folder}, {"bytes", static_cast<long long>(bytes)}});
  }
  std::sort(entries.begin(), entries.end(), [](const json& a, const json& b) { return a["path"] < b["path"]; });
  Log(c, "view_documents", folder.empty() ? "/" : folder);
  Json(res, {{"folder", folder}, {"entries", entries}});
}

void Console::Download(const httplib::Request& req, httplib::Response& res, const Caller& c) {
  const std::string rel = req.has_param("path") ? req.get_param_value("path") : "";
  std::string real;
  Status st = SafePathInside(opts_.output_dir, rel, &real);
  const std::string name = fs::path(real).filename().string();
  if (st.ok() && (name.rfind("liaudit.sqlite", 0) == 0 || real.find("/followup-reports/") != std::string::npos))
    st = Status::Usage("the store is not a document");
  if (!st.ok()) {
    Log(c, "download_refused", rel, "refused");
    return Error(res, st.code() == Status::Code::kNotFound ? 404 : 400, "無法下載：" + st.message());
  }
  std::ifstream in(real, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string type = "application/octet-stream";
  if (name.size() > 4 && name.substr(name.size() - 4) == ".pdf") type = "application/pdf";
  else if (name.size() > 5 && name.substr(name.size() - 5) == ".xlsx")
    type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  else if (name.size() > 4 && name.substr(name.size() - 4) == ".ods")
    type = "application/vnd.oasis.opendocument.spreadsheet";
  else if (name.size() > 5 && name.substr(name.size() - 5) == ".json") type = "application/json";
  res.set_header("Content-Disposition", "attachment; filename*=UTF-8''" + httplib::detail::encode_query_param(name));
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content(data, type);
  Log(c, "download", rel);
}

void Console::Verify(const httplib::Request& req, httplib::Response& res, const Caller& c) {
  jobs::VerifyParams p;
  p.json = true;
  std::string target;
  fs::path tmp_dir;
  std::error_code ec;
  if (req.is_multipart_form_data() && req.has_file("pdf")) {
    const auto& f = req.get_file_value("pdf");
    if (f.content.size() > static_cast<size_t>(so_.max_upload_mb) * 1024 * 1024) return Error(res, 413, "檔案過大");
    if (f.content.compare(0, 5, "%PDF-") != 0) return Error(res, 415, "只能驗證 PDF 檔");
    tmp_dir = fs::temp_directory_path() / ("liaudit-verify-" + RandomHex(8));
    fs::create_directory(tmp_dir, ec);
    fs::permissions(tmp_dir, fs::perms::owner_all, ec);
    p.path = (tmp_dir / "upload.pdf").string();
    std::ofstream(p.path, std::ios::binary).write(f.content.data(), static_cast<std::streamsize>(f.content.size()));
    target = "upload sha256 " + Sha256Hex(f.content);
  } else {
    std::string folder = req.has_param("folder") ? req.get_param_value("folder") : "";
    if (folder.empty() && !req.body.empty()) {
      json body = json::parse(req.body, nullptr, false);
      if (body.is_object() && body.contains("folder") && body["folder"].is_string()) folder = body["folder"];
    }
    std::string real;
    Status st = SafePathInside(opts_.output_dir, folder + "/manifest.json", &real);
    if (!st.ok()) return Error(res, 400, "請選擇輸出資料夾內的作業資料夾");
    p.path = fs::path(real).parent_path().string();
    target = folder;
  }
  std::ostringstream out, err;
  int rc = jobs::RunVerify(opts_, p, out, err);
  if (!tmp_dir.empty()) fs::remove_all(tmp_dir, ec);
  json verdict = json::parse(out.str(), nullptr, false);
  Log(c, "verify", target, rc == 0 ? "verified" : "not verified");
  Json(res, {{"ok", rc == 0},
             {"summary", rc == 0 ? "驗證通過：簽章有效，文件自簽署後未被更動。" : "驗證未通過：文件或簽章有問題，請勿採信。"},
             {"verdict", verdict.is_discarded() ? json() : verdict},
             {"messages", jobs::LogSafe(err.str())}});
}

std::string CsvField(const std::string& s) {
  std::string v = s;
  if (!v.empty() && std::string("=+-@\t\r").find(v[0]) != std::string::npos) v = "'" + v;
  std::string out = "\"";
  for (char ch : v) {
    if (ch == '"') out += "\"\"";
    else if (ch == '\n' || ch == '\r') out += ' ';
    else out += ch;
  }
  return out + "\"";
}

void Console::AccessLog(const httplib::Request& req, httplib::Response& res, const Caller& c, bool csv) {
  long limit = req.has_param("limit") ? std::atol(req.get_param_value("limit").c_str()) : (csv ? 0 : 500);
  std::vector<store::Store::ConsoleLogEntry> entries;
  {
    std::lock_guard<std::mutex> g(store_mu_);
    if (Status st = store_->ListConsoleLog(limit, &entries); !st.ok()) return Error(res, 500, st.message());
  }
  Log(c, csv ? "export_access_log" : "view_access_log", "");
  if (csv) {
    std::string out = "\xEF\xBB\xBF時間,使用者,來源位址,動作,對象,結果,SHA-256\r\n";
    for (auto it = entries.rbegin(); it != entries.rend(); ++it)
      out += CsvField(FormatIsoTime(it->at)) + "," + CsvField(it->user) + "," + CsvField(it->client) + "," +
             CsvField(it->action) + "," + CsvField(it->target) + "," + CsvField(it->outcome) + "," + CsvField(it->sha256) + "\r\n";
    res.set_header("Content-Disposition", "attachment; filename=\"console-access-log.csv\"");
    return res.set_content(out, "text/csv; charset=utf-8");
  }
  json arr = json::array();
  for (const auto& e : entries)
    arr.push_back({{"id", e.id}, {"at", FormatIsoTime(e.at)}, {"user", e.user}, {"client", e.client},
                   {"action", e.action}, {"target", e.target}, {"outcome", e.outcome}});
  Json(res, {{"entries", arr}});
}

void Console::Routes(httplib::Server& s) {
  s.set_payload_max_length(static_cast<size_t>(so_.max_upload_mb) * 1024 * 1024 + 64 * 1024);
  s.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                         {"X-Frame-Options", "DENY"},
                         {"Referrer-Policy", "no-referrer"},
                         {"Cache-Control", "no-store"},
                         {"Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'; form-action 'self'"}});
  using R = const httplib::Request&;
  using W = httplib::Response&;
  using C = const Caller&;
  s.Post("/api/login", [this](R q, W r) { Login(q, r); });
  s.Post("/api/logout", Guard(Action::kRead, true, [this](R q, W r, C c) { Logout(q, r, c); }));
  s.Get("/api/session", Guard(Action::kRead, true, [this](R, W r, C c) {
          Json(r, {{"user", c.session.user}, {"role", c.session.role}, {"csrf", c.session.csrf}});
        }));
  s.Get("/api/jobs", Guard(Action::kRead, true, [this](R q, W r, C c) { Jobs(q, r, c); }));
  s.Get("/api/findings", Guard(Action::kRead, true, [this](R q, W r, C c) { Findings(q, r, c); }));
  s.Get("/api/followups", Guard(Action::kRead, true, [this](R q, W r, C c) { FollowUps(q, r, c); }));
  s.Post(R"(/api/followups/(.+)/(received|close|reopen))",
         Guard(Action::kChangeFollowUp, true, [this](R q, W r, C c) { ChangeFollowUp(q, r, c); }));
  s.Post("/api/audits", Guard(Action::kRunAudit, true, [this](R q, W r, C c) { StartAudit(q, r, c); }));
  s.Get(R"(/api/audits/(\d+))", Guard(Action::kRead, true, [this](R q, W r, C c) { AuditStatus(q, r, c); }));
  s.Get("/api/documents", Guard(Action::kRead, true, [this](R q, W r, C c) { Documents(q, r, c); }));
  s.Get("/api/download", Guard(Action::kRead, true, [this](R q, W r, C c) { Download(q, r, c); }));
  s.Post("/api/verify", Guard(Action::kRead, true, [this](R q, W r, C c) { Verify(q, r, c); }));
  s.Get("/api/access-log", Guard(Action::kReadAccessLog, true, [this](R q, W r, C c) { AccessLog(q, r, c, false); }));
  s.Get("/api/access-log.csv", Guard(Action::kReadAccessLog, true, [this](R q, W r, C c) { AccessLog(q, r, c, true); }));
  Pages(s);
  s.set_error_handler([](R q, W r) {
    if (!r.body.empty()) return;
    if (q.path.rfind("/api/", 0) == 0) {
      r.set_content(Dump({{"error", r.status == 404 ? "沒有這個路徑" : "請求有誤"}}), "application/json; charset=utf-8");
    } else {
      r.set_content(std::string("<!DOCTYPE html><html lang=\"zh-Hant-TW\"><head><meta charset=\"utf-8\"><title>錯誤</title></head><body><main><h1>") +
                        (r.status == 404 ? "找不到此頁" : r.status == 403 ? "無權使用此頁" : "請求有誤") +
                        "</h1><p><a href=\"/\">回總覽</a></p></main></body></html>", "text/html; charset=utf-8");
    }
  });
  s.set_exception_handler([](R, W r, std::exception_ptr) {
    r.status = 500;
    r.set_content(Dump({{"error", "伺服器內部錯誤"}}), "application/json; charset=utf-8");
  });
}

// ---- The pages: server-rendered HTML in Traditional Chinese, every value escaped. ----

std::string E(const std::string& s) { return HtmlEscape(s); }
std::string E(const json& j) { return HtmlEscape(j.is_string() ? j.get<std::string>() : j.is_null() ? "" : j.dump()); }
// A time the API gives as ISO text (Taipei local), shown on a page in the 民國 form the
// documents use: "2026-12-07 19:53:11" -> 115/12/07 19:53.
std::string RocShown(const json& j) {
  if (j.is_string())
    if (auto t = ParseTimestamp(j.get<std::string>())) return HtmlEscape(FormatRocTime(*t));
  return E(j);
}
// A date the API gives as YYYY-MM-DD, shown 115/12/17.
std::string RocDateShown(const json& j) {
  if (j.is_string())
    if (auto d = ParseDate(j.get<std::string>())) return HtmlEscape(FormatRocSlash(*d));
  return E(j);
}

const char kCss[] = R"css(
body{font-family:"Noto Sans CJK TC","Noto Sans TC",sans-serif;margin:0;color:#1a1a1a;line-height:1.6}
header{background:#1d3557;color:#fff;padding:.5rem 1rem}header a{color:#fff}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:1rem}
main{padding:1rem;max-width:80rem}
a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #f4a261;outline-offset:2px}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.25rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
td.nowrap{white-space:nowrap;overflow-wrap:normal}td.actions{min-width:16rem}td.actions label{display:block;margin-top:.25rem}td.actions input{max-width:15rem}
th{background:#e9ecef}.warn{background:#fff3cd;border:2px solid #b8860b;padding:.5rem}.bad{color:#a00000;font-weight:bold}
.ok{color:#05630b;font-weight:bold}label{display:inline-block;margin-right:.5rem}form.inline{display:inline}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;color:#000;padding:.5rem}
@media print{header nav,form,.skip,button{display:none}body{font-size:10.5pt}a{color:#000;text-decoration:none}
table{page-break-inside:auto}tr{page-break-inside:avoid}}
)css";

std::string Console::Layout(const std::string& title, const std::string& body, const Caller& c) {
  std::string nav;
  const std::vector<std::pair<std::string, std::string>> links = {
      {"/", "總覽"}, {"/findings", "異常明細"}, {"/followups", "追蹤改善"}, {"/audits", "專案稽核"},
      {"/documents", "文件"}, {"/verify", "驗證"}, {"/access-log", "使用紀錄"}};
  for (const auto& [href, label] : links) {
    if (href == "/access-log" && !RoleAllows(c.session.role, Action::kReadAccessLog)) continue;
    if (href == "/audits" && !RoleAllows(c.session.role, Action::kRunAudit)) continue;
    nav += "<li><a href=\"" + href + "\">" + label + "</a></li>";
  }
  static const std::map<std::string, std::string> kRoleZh = {
      {"admin", "系統管理者"}, {"manager", "權限管理者"}, {"auditor", "稽核人員"}, {"ethics", "政風室"}};
  std::string role = kRoleZh.count(c.session.role) ? kRoleZh.at(c.session.role) : c.session.role;
  return "<!DOCTYPE html><html lang=\"zh-Hant-TW\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" + E(title) +
         "｜勞保查詢稽核主控台</title><link rel=\"stylesheet\" href=\"/static/console.css\"></head><body>"
         "<a class=\"skip\" href=\"#main\">跳至主要內容</a><header><p>勞保查詢稽核主控台　" + E(c.session.user) + "（" + E(role) +
         "）</p><nav aria-label=\"主選單\"><ul>" + nav +
         "<li><form class=\"inline\" method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"" +
         E(c.session.csrf) + "\"><button type=\"submit\">登出</button></form></li></ul></nav></header>"
         "<main id=\"main\"><h1>" + E(title) + "</h1>" + body + "</main></body></html>";
}

json Console::Call(void (Console::*h)(const httplib::Request&, httplib::Response&, const Caller&),
                   const httplib::Request& req, const Caller& c, int* status) {
  httplib::Response tmp;
  tmp.status = 200;
  (this->*h)(req, tmp, c);
  if (status) *status = tmp.status;
  json j = json::parse(tmp.body, nullptr, false);
  return j.is_discarded() ? json::object() : j;
}

// The evidence kinds as the pages name them.
std::string KindZh(const std::string& kind) {
  static const std::map<std::string, std::string> kZh = {{"query", "查調紀錄"}, {"registration", "查調資料登記（附表2）"},
                                                         {"permission", "權限（附表1）"}, {"request", "申請"}, {"staff", "人員"}};
  auto it = kZh.find(kind);
  return it == kZh.end() ? kind : it->second;
}

std::string Csrf(const Caller& c) { return "<input type=\"hidden\" name=\"csrf\" value=\"" + E(c.session.csrf) + "\">"; }

// The login form's CSRF token (double-submit): the form carries it and a SameSite=Strict
// cookie scoped to /login holds it, so a form posted from another site (which gets no such
// cookie) cannot log a clerk into someone else's account.
const char kLoginCookie[] = "liaudit_login";

std::string LoginPage(const std::string& message, const std::string& token) {
  return "<!DOCTYPE html><html lang=\"zh-Hant-TW\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>登入｜勞保查詢稽核主控台</title>"
         "<link rel=\"stylesheet\" href=\"/static/console.css\"></head><body><main id=\"main\"><h1>登入勞保查詢稽核主控台</h1>" +
         (message.empty() ? "" : "<p class=\"bad\" role=\"alert\">" + E(message) + "</p>") +
         "<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"csrf\" value=\"" + E(token) +
         "\"><p><label for=\"user\">帳號</label><input id=\"user\" name=\"user\" "
         "autocomplete=\"username\" required></p><p><label for=\"password\">密碼</label><input id=\"password\" "
         "name=\"password\" type=\"password\" autocomplete=\"current-password\" required></p><p><button type=\"submit\">登入"
         "</button></p></form></main></body></html>";
}

void Console::Pages(httplib::Server& s) {
  using R = const httplib::Request&;
  using W = httplib::Response&;
  using C = const Caller&;
  auto html = [](W r, const std::string& body) { r.set_content(body, "text/html; charset=utf-8"); };
  s.Get("/static/console.css", [](R, W r) { r.set_content(kCss, "text/css; charset=utf-8"); });
  // A login page with a fresh form token, and its cookie.
  auto login_page = [this, html](W r, const std::string& message) {
    const std::string token = RandomHex(32);
    std::string cookie = std::string(kLoginCookie) + "=" + token + "; Path=/login; HttpOnly; SameSite=Strict";
    if (!so_.tls_cert.empty()) cookie += "; Secure";
    r.set_header("Set-Cookie", cookie);
    html(r, LoginPage(message, token));
  };
  s.Get("/login", [login_page](R, W r) { login_page(r, ""); });
  s.Post("/login", [this, login_page](R q, W r) {
    const std::string want = CookieValue(q, kLoginCookie), got = q.get_param_value("csrf");
    if (want.empty() || got.size() != want.size() || CRYPTO_memcmp(got.data(), want.data(), got.size()) != 0) {
      Caller c;
      c.client = q.remote_addr;
      Log(c, "csrf_refused", "/login", "403");
      r.status = 403;
      return login_page(r, "登入頁面已逾時或來源不明，請重新輸入帳號與密碼");
    }
    httplib::Request api = q;
    api.headers.erase("Content-Type");
    api.set_header("Content-Type", "application/json");
    api.body = Dump({{"user", q.get_param_value("user")}, {"password", q.get_param_value("password")}});
    httplib::Response tmp;
    tmp.status = 200;
    Login(api, tmp);
    if (tmp.status != 200) {
      r.status = tmp.status;
      json j = json::parse(tmp.body, nullptr, false);
      return login_page(r, j.is_object() && j.contains("error") ? j["error"].get<std::string>() : "登入失敗");
    }
    r.set_header("Set-Cookie", tmp.get_header_value("Set-Cookie"));
    r.set_redirect("/", 303);
  });
  s.Post("/logout", Guard(Action::kRead, false, [this](R q, W r, C c) {
           httplib::Response tmp;
           Logout(q, tmp, c);
           r.set_header("Set-Cookie", tmp.get_header_value("Set-Cookie"));
           r.set_redirect("/login", 303);
         }));

  s.Get("/", Guard(Action::kRead, false, [this, html](R q, W r, C c) {
          json jobs = Call(&Console::Jobs, q, c)["jobs"];
          std::string body;
          const json* nightly = nullptr;
          for (const char* kind : {"nightly", "quarterly"}) {
            const json* last = nullptr;
            for (const auto& j : jobs)
              if (j["kind"] == kind) { last = &j; break; }
            if (std::string(kind) == "nightly") nightly = last;
            body += std::string("<section><h2>") + (std::string(kind) == "nightly" ? "最近一次每日檢核" : "最近一次季報") + "</h2>";
            if (!last) { body += "<p>尚無紀錄。</p></section>"; continue; }
            body += "<p>作業 " + E((*last)["id"]) + "，開始 " + RocShown((*last)["started"]) + "，狀態 " +
                    ((*last)["status"] == "ok" ? "<span class=\"ok\">完成</span>" : "<span class=\"bad\">" + E((*last)["status"]) + "</span>") + "</p>";
            std::vector<Finding> fs;
            {
              std::lock_guard<std::mutex> g(store_mu_);
              store_->LoadFindings((*last)["id"].get<int64_t>(), &fs);
            }
            std::map<int, long> by;
            for (const auto& f : fs) ++by[static_cast<int>(f.severity)];
            body += "<table><caption>異常件數（依嚴重程度）</caption><thead><tr><th scope=\"col\">嚴重程度</th><th scope=\"col\">件數</th></tr></thead><tbody>";
            for (int sv = 4; sv >= 0; --sv)
              body += "<tr><td>" + std::string(SeverityNameZh(static_cast<Severity>(sv))) + "</td><td>" + std::to_string(by[sv]) + "</td></tr>";
            body += "</tbody></table></section>";
          }
          bool stale = !nightly || (*nightly)["status"] != "ok";
          if (nightly && !stale) {
            auto d = ParseDate((*nightly)["started"].get<std::string>().substr(0, 10));
            stale = !d || DateOf(NowLocal()) - *d > 2;
          }
          if (stale) body = "<p class=\"warn\" role=\"alert\">注意：最近一次每日檢核已超過兩天或未成功完成，請聯絡系統管理者。</p>" + body;
          json fu = Call(&Console::FollowUps, q, c)["followups"];
          long open = 0, overdue = 0;
          for (const auto& f : fu) {
            open += f["state"] == "open";
            overdue += f["overdue"].get<bool>();
          }
          body += "<section><h2>追蹤改善</h2><p>待處理 " + std::to_string(open) + " 件，其中逾期 " +
                  std::to_string(overdue) + " 件。<a href=\"/followups\">前往追蹤改善</a></p></section>";
          html(r, Layout("總覽", body, c));
        }));

  s.Get("/findings", Guard(Action::kRead, false, [this, html](R q, W r, C c) {
          int status = 200;
          json data = Call(&Console::Findings, q, c, &status);
          json jobs = Call(&Console::Jobs, q, c)["jobs"];
          auto val = [&](const char* n) { return q.has_param(n) ? q.get_param_value(n) : std::string(); };
          std::string body = "<form method=\"get\" action=\"/findings\" aria-label=\"篩選\"><label for=\"job\">作業</label><select id=\"job\" name=\"job\">";
          for (const auto& j : jobs)
            body += "<option value=\"" + E(j["id"]) + "\"" + (data.value("job", json()) == j["id"] ? " selected" : "") + ">" +
                    E(j["id"]) + " " + E(j["kind"]) + " " + RocShown(j["started"]) + "</option>";
          body += "</select>";
          for (auto [n, l] : std::vector<std::pair<const char*, const char*>>{{"rule", "規則"}, {"severity", "嚴重程度"}, {"account", "帳號"}, {"unit", "單位"}, {"date", "日期"}})
            body += std::string("<label for=\"") + n + "\">" + l + "</label><input id=\"" + n + "\" name=\"" + n + "\" value=\"" + E(val(n)) + "\" size=\"10\">";
          body += "<button type=\"submit\">篩選</button></form>";
          if (status != 200) {
            body += "<p class=\"bad\">" + E(data.value("error", std::string("無資料"))) + "</p>";
          } else {
            body += "<table><caption>共 " + std::to_string(data["findings"].size()) + " 筆</caption><thead><tr><th scope=\"col\">規則</th><th scope=\"col\">嚴重程度</th><th scope=\"col\">帳號</th><th scope=\"col\">時間</th><th scope=\"col\">說明</th></tr></thead><tbody>";
            for (const auto& f : data["findings"])
              body += "<tr><td>" + E(f["rule"]) + "</td><td>" + E(f["severity_zh"]) + "</td><td>" + E(f["account"]) + "</td><td>" +
                      E(f["time"].get<std::string>().empty() ? f["date"] : f["time"]) + "</td><td><a href=\"/finding?job=" + E(f["job"]) + "&amp;key=" +
                      E(httplib::detail::encode_query_param(f["key"].get<std::string>())) + "\">" + E(f["detail"]) + "</a></td></tr>";
            body += "</tbody></table>";
          }
          html(r, Layout("異常明細", body, c));
        }));

  s.Get("/finding", Guard(Action::kRead, false, [this, html](R q, W r, C c) {
          json data = Call(&Console::Findings, q, c);
          std::string body;
          if (!data.contains("findings") || data["findings"].empty()) {
            r.status = 404;
            body = "<p>找不到此筆異常。</p>";
          } else {
            const json& f = data["findings"][0];
            body += "<p>" + E(f["detail"]) + "</p><dl><dt>規則</dt><dd>" + E(f["rule"]) + "</dd><dt>嚴重程度</dt><dd>" + E(f["severity_zh"]) +
                    "</dd><dt>帳號</dt><dd>" + E(f["account"]) + "</dd><dt>交易序號</dt><dd>" + E(f["txn"]) + "</dd><dt>被查詢人</dt><dd>" +
                    E(f["subject"]) + "</dd><dt>識別鍵</dt><dd>" + E(f["key"]) + "</dd></dl><h2>證據</h2><table><thead><tr><th scope=\"col\">種類</th><th scope=\"col\">鍵</th><th scope=\"col\">檔案與行號</th><th scope=\"col\">原始資料列</th></tr></thead><tbody>";
            for (const auto& e : f["evidence"])
              body += "<tr><td>" + E(KindZh(e["kind"].get<std::string>())) + "</td><td>" + E(e["label"]) + "</td><td>" + E(e.value("file", std::string())) +
                      (e.contains("line") ? " 第 " + E(e["line"]) + " 行" : "") + "</td><td>" + E(e.value("row", std::string())) + "</td></tr>";
            body += "</tbody></table><h2>追蹤紀錄</h2><ul>";
            for (const auto& h : data.value("history", json::array()))
              body += "<li>" + RocShown(h["at"]) + " " + E(h["by"]) + "：" + E(h["from"]) + " → " + E(h["to"]) + " " + E(h["note"]) + "</li>";
            body += "</ul>";
          }
          html(r, Layout("異常明細", body, c));
        }));

  s.Get("/followups", Guard(Action::kRead, false, [this, html](R q, W r, C c) {
          json fu = Call(&Console::FollowUps, q, c)["followups"];
          static const std::map<std::string, std::string> kZh = {{"open", "待檢討"}, {"report_received", "已收檢討報告"}, {"closed", "已結案"}};
          const bool can = RoleAllows(c.session.role, Action::kChangeFollowUp);
          std::string body = "<p>依「要點第八點」，異常須於期限內提出書面檢討報告。</p><table><thead><tr><th scope=\"col\">識別鍵</th><th scope=\"col\">說明</th><th scope=\"col\">狀態</th><th scope=\"col\">期限</th><th scope=\"col\">最後處理</th>" +
                             std::string(can ? "<th scope=\"col\">處理</th>" : "") + "</tr></thead><tbody>";
          int n = 0;
          for (const auto& f : fu) {
            ++n;
            std::string st = f["state"].get<std::string>();
            body += "<tr><td>" + E(f["key"]) + "</td><td>" + E(f["detail"]) + "</td><td class=\"nowrap\">" + E(kZh.count(st) ? kZh.at(st) : st) + "</td><td class=\"nowrap\">" +
                    RocDateShown(f["due"]) + (f["overdue"].get<bool>() ? " <span class=\"bad\">逾期</span>" : "") + "</td><td>" + E(f["updated_by"]) + " " +
                    RocShown(f["updated_at"]) + "<br>" + E(f["note"]) + "</td>";
            if (can) {
              const std::string id = std::to_string(n);
              body += "<td class=\"actions\"><form method=\"post\" action=\"/followups\" enctype=\"multipart/form-data\">" + Csrf(c) +
                      "<input type=\"hidden\" name=\"key\" value=\"" + E(f["key"]) + "\"><label for=\"note" + id + "\">備註</label><input id=\"note" + id +
                      "\" name=\"note\"><label for=\"report" + id + "\">檢討報告 PDF</label><input id=\"report" + id +
                      "\" name=\"report\" type=\"file\" accept=\"application/pdf\"><button name=\"action\" value=\"received\">已收到檢討報告</button>"
                      "<button name=\"action\" value=\"close\">結案</button><button name=\"action\" value=\"reopen\">重新開啟</button></form></td>";
            }
            body += "</tr>";
          }
          body += "</tbody></table>";
          html(r, Layout("追蹤改善", body, c));
        }));
  s.Post("/followups", Guard(Action::kChangeFollowUp, false, [this, html](R q, W r, C c) {
           auto field = [&](const char* n) { return q.has_file(n) ? q.get_file_value(n).content : q.has_param(n) ? q.get_param_value(n) : std::string(); };
           httplib::Request api = q;
           const std::string key = field("key"), action = field("action");
           if (action != "received" && action != "close" && action != "reopen") return html(r, Layout("追蹤改善", "<p class=\"bad\">未知的動作。</p>", c));
           httplib::Response tmp;
           tmp.status = 200;
           ChangeFollowUpFields(api, tmp, c, key, action);
           if (tmp.status != 200) {
             json j = json::parse(tmp.body, nullptr, false);
             r.status = tmp.status;
             return html(r, Layout("追蹤改善", "<p class=\"bad\" role=\"alert\">" + E(j.value("error", std::string("失敗"))) + "</p><p><a href=\"/followups\">返回</a></p>", c));
           }
           r.set_redirect("/followups", 303);
         }));

  s.Get("/audits", Guard(Action::kRunAudit, false, [this, html](R, W r, C c) {
          std::string body = "<form method=\"post\" action=\"/audits\">" + Csrf(c) +
                             "<p><label for=\"from\">起日</label><input id=\"from\" name=\"from\" type=\"date\" required>"
                             "<label for=\"to\">迄日</label><input id=\"to\" name=\"to\" type=\"date\" required></p>"
                             "<p><label for=\"unit\">單位</label><input id=\"unit\" name=\"unit\"><label for=\"accounts\">帳號（以逗號分隔）</label><input id=\"accounts\" name=\"accounts\"></p>"
                             "<p><label for=\"auditor\">稽核人員</label><input id=\"auditor\" name=\"auditor\"><label for=\"audit_unit\">稽核單位</label><input id=\"audit_unit\" name=\"audit_unit\"></p>"
                             "<p><button type=\"submit\">開始稽核</button></p></form><h2>本次啟動以來的稽核</h2><ul>";
          std::lock_guard<std::mutex> g(audits_mu_);
          for (const auto& [id, a] : audits_)
            body += "<li><a href=\"/audits/" + std::to_string(id) + "\">稽核 " + std::to_string(id) + "</a>（" + E(a.state) + "，" + E(a.by) + "）</li>";
          body += "</ul>";
          html(r, Layout("專案稽核", body, c));
        }));
  s.Post("/audits", Guard(Action::kRunAudit, false, [this, html](R q, W r, C c) {
           json accounts = json::array();
           std::string list = q.get_param_value("accounts");
           std::stringstream ss(list);
           for (std::string a; std::getline(ss, a, ',');) {
             while (!a.empty() && a.front() == ' ') a.erase(0, 1);
             while (!a.empty() && a.back() == ' ') a.pop_back();
             if (!a.empty()) accounts.push_back(a);
           }
           httplib::Request api = q;
           api.body = Dump({{"from", q.get_param_value("from")}, {"to", q.get_param_value("to")}, {"unit", q.get_param_value("unit")},
                            {"accounts", accounts}, {"auditor", q.get_param_value("auditor")}, {"audit_unit", q.get_param_value("audit_unit")}});
           httplib::Response tmp;
           tmp.status = 200;
           StartAudit(api, tmp, c);
           json j = json::parse(tmp.body, nullptr, false);
           if (tmp.status != 202) {
             r.status = tmp.status;
             return html(r, Layout("專案稽核", "<p class=\"bad\" role=\"alert\">" + E(j.value("error", std::string("失敗"))) + "</p><p><a href=\"/audits\">返回</a></p>", c));
           }
           r.set_redirect("/audits/" + std::to_string(j["id"].get<int>()), 303);
         }));
  s.Get(R"(/audits/(\d+))", Guard(Action::kRead, false, [this, html](R q, W r, C c) {
          int status = 200;
          json a = Call(&Console::AuditStatus, q, c, &status);
          if (status != 200) { r.status = 404; return html(r, Layout("專案稽核", "<p>沒有這個稽核作業。</p>", c)); }
          const std::string state = a["state"];
          std::string body = "<p role=\"status\" id=\"state\" data-state=\"" + E(state) + "\">" +
                             (state == "running" ? "執行中（已 " + std::to_string(static_cast<int>(a["seconds"].get<double>())) + " 秒），本頁每 2 秒更新。"
                              : state == "ok" ? "<span class=\"ok\">完成</span>，異常 " + E(a["findings"]) + " 筆。"
                                              : "<span class=\"bad\">失敗</span>：" + E(a["message"])) + "</p>";
          if (!a["documents"].empty()) {
            body += "<h2>文件</h2><ul>";
            for (const auto& d : a["documents"])
              body += "<li><a href=\"/api/download?path=" + E(httplib::detail::encode_query_param(d.get<std::string>())) + "\">" +
                      E(fs::path(d.get<std::string>()).filename().string()) + "</a></li>";
            body += "</ul>";
          }
          std::string page = Layout("專案稽核 " + E(a["id"]), body, c);
          if (state == "running") page.replace(page.find("<title>"), 0, "<meta http-equiv=\"refresh\" content=\"2\">");
          html(r, page);
        }));

  s.Get("/documents", Guard(Action::kRead, false, [this, html](R q, W r, C c) {
          int status = 200;
          json d = Call(&Console::Documents, q, c, &status);
          std::string body;
          if (status != 200) {
            r.status = status;
            body = "<p class=\"bad\">" + E(d.value("error", std::string("無法列出"))) + "</p>";
          } else {
            body = "<p>資料夾：/" + E(d["folder"]) + "</p><ul>";
            for (const auto& e : d["entries"]) {
              const std::string path = httplib::detail::encode_query_param(e["path"].get<std::string>());
              body += e["folder"].get<bool>() ? "<li><a href=\"/documents?folder=" + E(path) + "\">" + E(e["name"]) + "/</a></li>"
                                              : "<li><a href=\"/api/download?path=" + E(path) + "\">" + E(e["name"]) + "</a>（" + E(e["bytes"]) + " 位元組）</li>";
            }
            body += "</ul>";
          }
          html(r, Layout("文件", body, c));
        }));

  s.Get("/verify", Guard(Action::kRead, false, [this, html](R q, W r, C c) {
          json jobs = Call(&Console::Jobs, q, c)["jobs"];
          std::string body = "<form method=\"post\" action=\"/verify\" enctype=\"multipart/form-data\">" + Csrf(c) +
                             "<p><label for=\"pdf\">上傳 PDF</label><input id=\"pdf\" name=\"pdf\" type=\"file\" accept=\"application/pdf\"></p>"
                             "<p><label for=\"folder\">或選擇作業資料夾</label><select id=\"folder\" name=\"folder\"><option value=\"\">（不選）</option>";
          for (const auto& j : jobs)
            if (!j["folder"].get<std::string>().empty())
              body += "<option value=\"" + E(j["folder"]) + "\">" + E(j["folder"]) + "</option>";
          body += "</select></p><p><button type=\"submit\">驗證</button></p></form>";
          html(r, Layout("驗證", body, c));
        }));
  s.Post("/verify", Guard(Action::kRead, false, [this, html](R q, W r, C c) {
           httplib::Request api = q;
           if (q.has_file("pdf") && q.get_file_value("pdf").content.empty()) api.files.erase("pdf");
           if (q.has_file("folder")) api.params.emplace("folder", q.get_file_value("folder").content);
           int status = 200;
           json v = Call(&Console::Verify, api, c, &status);
           std::string body;
           if (status != 200) {
             r.status = status;
             body = "<p class=\"bad\" role=\"alert\">" + E(v.value("error", std::string("無法驗證"))) + "</p>";
           } else {
             body = std::string("<p role=\"status\" class=\"") + (v["ok"].get<bool>() ? "ok" : "bad") + "\">" + E(v["summary"]) + "</p>";
             std::string details = v["verdict"].is_null() ? "" : v["verdict"].dump(2, ' ', false, json::error_handler_t::replace);
             body += "<details><summary>技術細節</summary><pre>" + E(details) + "</pre></details>";
           }
           body += "<p><a href=\"/verify\">再驗證一份</a></p>";
           html(r, Layout("驗證結果", body, c));
         }));

  s.Get("/access-log", Guard(Action::kReadAccessLog, false, [this, html](R q, W r, C c) {
          json entries = Call(&Console::AccessLogJson, q, c)["entries"];
          std::string body = "<p>依個人資料保護法施行細則第12條保存之使用紀錄。<a href=\"/api/access-log.csv\">匯出 CSV</a></p>"
                             "<table><thead><tr><th scope=\"col\">時間</th><th scope=\"col\">使用者</th><th scope=\"col\">來源位址</th><th scope=\"col\">動作</th><th scope=\"col\">對象</th><th scope=\"col\">結果</th></tr></thead><tbody>";
          for (const auto& e : entries)
            body += "<tr><td>" + E(e["at"]) + "</td><td>" + E(e["user"]) + "</td><td>" + E(e["client"]) + "</td><td>" + E(e["action"]) +
                    "</td><td>" + E(e["target"]) + "</td><td>" + E(e["outcome"]) + "</td></tr>";
          body += "</tbody></table>";
          html(r, Layout("使用紀錄", body, c));
        }));
}

std::atomic<httplib::Server*> g_server{nullptr};
void OnSignal(int) {
  if (auto* s = g_server.load()) s->stop();
}

}  // namespace

Status RunServe(const jobs::JobOptions& opts, const ServeOptions& so, std::ostream& out) {
  const size_t colon = so.listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return Status::Usage("--listen: expected HOST:PORT, e.g. 127.0.0.1:8080");
  std::string host = so.listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const int port = std::atoi(so.listen.substr(colon + 1).c_str());
  if (port < 0 || port > 65535) return Status::Usage("--listen: the port is 0..65535");
  if (so.tls_cert.empty() != so.tls_key.empty()) return Status::Usage("serve: give both --tls-cert and --tls-key, or neither");
  if (so.idle_minutes < 1 || so.max_login_failures < 1 || so.lockout_minutes < 1 || so.max_upload_mb < 1 || so.threads < 1)
    return Status::Usage("serve: idle_minutes, max_login_failures, lockout_minutes, max_upload_mb and threads are at least 1");
  std::error_code ec;
  if (!fs::exists(opts.db_path, ec)) return Status::NotFound(opts.db_path + ": no store yet (run a job or user add first)");

  Console console(opts, so);
  LIAUDIT_RETURN_IF_ERROR(console.Open());
  std::unique_ptr<httplib::Server> server;
  if (!so.tls_cert.empty()) {
    for (const std::string& f : {so.tls_cert, so.tls_key})
      if (!fs::is_regular_file(f, ec)) return Status::NotFound(f + ": no such file");
    auto tls = std::make_unique<httplib::SSLServer>(so.tls_cert.c_str(), so.tls_key.c_str());
    if (!tls->is_valid()) return Status::InvalidInput(so.tls_cert + ", " + so.tls_key + ": not a usable PEM certificate and key");
    server = std::move(tls);
  } else {
    server = std::make_unique<httplib::Server>();
  }
  const int threads = so.threads;
  server->new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  std::atomic<long> requests{0};
  const long max_requests = so.exit_after_requests;
  httplib::Server* raw = server.get();
  server->set_logger([&requests, max_requests, raw](const httplib::Request&, const httplib::Response&) {
    if (max_requests > 0 && ++requests >= max_requests) raw->stop();
  });
  console.Routes(*server);
  int bound = port;
  if (port == 0) bound = server->bind_to_any_port(host.c_str());
  else if (!server->bind_to_port(host.c_str(), port)) bound = -1;
  if (bound <= 0) return Status::IoError("serve: cannot listen on " + so.listen + " (in use, or not an address of this machine)");
  out << "listening on " << (so.tls_cert.empty() ? "http" : "https") << "://"
      << (host.find(':') != std::string::npos ? "[" + host + "]" : host) << ":" << bound << "/\n" << std::flush;

  g_server = raw;
  struct sigaction sa{};
  sa.sa_handler = OnSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::thread timer;
  if (so.exit_after_seconds > 0)
    timer = std::thread([&] {
      std::unique_lock<std::mutex> l(mu);
      if (!cv.wait_for(l, std::chrono::seconds(so.exit_after_seconds), [&] { return done; })) raw->stop();
    });
  const bool ok = server->listen_after_bind();
  {
    std::lock_guard<std::mutex> l(mu);
    done = true;
  }
  cv.notify_all();
  if (timer.joinable()) timer.join();
  g_server = nullptr;
  console.WaitForAudits();
  out << "stopped\n";
  return ok ? Status::OK() : Status::IoError("serve: the server stopped with an error");
}

}  // namespace liaudit::console
