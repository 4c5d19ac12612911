// liaudit doctor: is this installation ready to run unattended? (runner.h)
// Every check reads only (the store is opened read-only); none takes the store lock, so it
// can run beside a job.
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/datetime.h"
#include "jobs/context.h"
#include "jobs/runner.h"
#include "render/fonts.h"
#include "render/form_template.h"
#include "reports/report_text.h"
#include "rules/rules.h"
#include "sign/sign.h"
#include "store/store.h"

namespace liaudit::jobs {
namespace {

namespace fs = std::filesystem;

struct Check {
  std::string name, status, detail;  // status: OK, WARN, FAIL, SKIP
};

std::string UserName(uid_t uid) {
  if (const passwd* pw = ::getpwuid(uid)) return pw->pw_name;
  return "uid " + std::to_string(uid);
}

std::string Octal(unsigned mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", mode & 07777u);
  return buf;
}

// A folder that must exist and be owner-only. `group_ok`: group access is only a warning
// (an input folder filled by an sftp account in the liaudit group, operations.md).
Check FolderCheck(const std::string& name, const std::string& dir, bool group_ok) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return {name, "FAIL", dir + ": does not exist"};
  if (!S_ISDIR(st.st_mode)) return {name, "FAIL", dir + ": not a folder"};
  unsigned mode = st.st_mode & 07777u;
  std::string detail = dir + " (mode " + Octal(mode) + ")";
  if (st.st_uid != ::geteuid())
    return {name, "FAIL", detail + ": owned by " + UserName(st.st_uid) + ", not by " + UserName(::geteuid()) +
                              " who runs liaudit (run doctor as the units' user: runuser -u liaudit -- liaudit doctor)"};
  if (::access(dir.c_str(), R_OK | W_OK | X_OK) != 0) return {name, "FAIL", detail + ": not readable and writable"};
  if (mode & 007u) return {name, "FAIL", detail + ": other users have access; chmod 0700 " + dir};
  if (mode & 070u) {
    if (!group_ok) return {name, "FAIL", detail + ": the group has access; chmod 0700 " + dir};
    return {name, "WARN", detail + ": the group has access"};
  }
  return {name, "OK", detail};
}

// The CLI parsed the settings before the doctor ran (an error there is exit 2). The file
// names the key and its password file: others should not read it.
Check SettingsCheck(const std::string& config) {
  const std::string name = "settings";
  if (config.empty()) return {name, "OK", "no liaudit.ini (defaults and the command line)"};
  struct stat st {};
  if (::stat(config.c_str(), &st) == 0 && (st.st_mode & 077u))
    return {name, "WARN", config + " parsed; mode " + Octal(st.st_mode) + ": others can read it; chmod 0600 " + config};
  return {name, "OK", config + " parsed"};
}

Check InputCheck(const JobOptions& opts) {
  Check c = FolderCheck("input folder", opts.input_dir, /*group_ok=*/true);
  if (c.status == "FAIL") return c;
  std::vector<std::string> missing;
  for (const char* sub : {"platform", "registers", "calendar"})
    if (!fs::is_directory(fs::path(opts.input_dir) / sub)) missing.push_back(sub);
  if (!missing.empty()) {
    std::string m;
    for (const std::string& s : missing) m += (m.empty() ? "" : ", ") + s + "/";
    return {c.name, "WARN", c.detail + ": no " + m};
  }
  return c;
}

Check StoreCheck(const JobOptions& opts) {
  const std::string name = "store";
  std::error_code ec;
  if (!fs::exists(opts.db_path, ec)) return {name, "WARN", opts.db_path + ": not created yet (the first job creates it)"};
  struct stat st {};
  if (::stat(opts.db_path.c_str(), &st) == 0 && (st.st_mode & 077u))
    return {name, "FAIL", opts.db_path + " (mode " + Octal(st.st_mode) + "): other users have access; chmod 0600"};
  std::unique_ptr<store::Store> db;
  int version = 0;
  std::string quick;
  Status s = store::Store::OpenReadOnly(opts.db_path, &db);
  if (s.ok()) s = db->SchemaVersion(&version);
  if (s.ok()) s = db->QuickCheck(&quick);
  if (!s.ok()) return {name, "FAIL", s.message()};
  if (quick != "ok") return {name, "FAIL", opts.db_path + ": quick_check: " + quick};
  std::string v = "schema version " + std::to_string(version);
  if (version > store::kSchemaVersion)
    return {name, "FAIL", opts.db_path + ": " + v + " is newer than this liaudit (" +
                              std::to_string(store::kSchemaVersion) + "); install a newer liaudit"};
  if (version < store::kSchemaVersion)
    return {name, "WARN", opts.db_path + ": quick_check ok, " + v + " (the next job upgrades it to " +
                              std::to_string(store::kSchemaVersion) + ")"};
  return {name, "OK", opts.db_path + ": quick_check ok, " + v};
}

Check FontsCheck(const JobOptions& opts) {
  const std::string name = "fonts";
  std::vector<std::unique_ptr<render::Face>> faces;
  std::vector<std::string> warnings;
  Status s = render::LoadFontChain(opts.fonts_config, &faces, &warnings);
  if (!s.ok()) return {name, "FAIL", opts.fonts_config + ": " + s.message()};
  std::string list;
  for (const auto& f : faces) list += (list.empty() ? "" : ", ") + f->name;
  render::FontUse use(&faces);
  const render::Glyph& g = use.Lookup(U'\U00020000');
  std::string detail = opts.fonts_config + ": " + std::to_string(faces.size()) + " faces (" + list + ")";
  if (g.face < 0) return {name, "WARN", detail + "; no face has CJK Ext-B (U+20000): rare name characters will be missing"};
  detail += "; CJK Ext-B (U+20000) from " + faces[static_cast<size_t>(g.face)]->name;
  if (!warnings.empty()) {
    std::string w;
    for (const std::string& x : warnings) w += "; " + x;
    return {name, "WARN", detail + w};
  }
  return {name, "OK", detail};
}

Check TemplatesCheck(const JobOptions& opts) {
  const std::string name = "templates";
  int n = 0;
  for (const char* f : {"form1.tpl", "form2.tpl", "form3.tpl", "form4.tpl"}) {
    render::FormTemplate tpl;
    Status s = render::LoadFormTemplate(opts.templates_dir + "/" + f, &tpl);
    if (!s.ok()) return {name, "FAIL", s.message()};
    ++n;
  }
  reports::ReportText words;
  Status s = reports::LoadReportText(opts.templates_dir + "/report_text.conf", &words);
  if (!s.ok()) return {name, "FAIL", s.message()};
  std::vector<std::string> bases;
  s = rules::LoadLegalBases(opts.legal_bases_file, &bases);
  if (!s.ok()) return {name, "FAIL", s.message()};
  return {name, "OK", opts.templates_dir + ": " + std::to_string(n) + " form templates, report_text.conf, " +
                          std::to_string(bases.size()) + " legal bases"};
}

void SignerChecks(const JobOptions& opts, std::vector<Check>* checks) {
  if (!opts.signing.enabled) {
    checks->push_back({"signer", "SKIP", "--unsigned"});
    checks->push_back({"timestamp", "SKIP", "--unsigned"});
    return;
  }
  if (opts.signing.pkcs12.empty() && opts.signing.pkcs11_module.empty()) {
    checks->push_back({"signer", "FAIL", "no signing key configured (signing.pkcs12 or signing.pkcs11_module)"});
    checks->push_back({"timestamp", "SKIP", "no signer"});
    return;
  }
  std::unique_ptr<sign::Signer> signer;
  Status s = sign::Signer::Load(SignerConfigFrom(opts.signing), &signer);
  if (!s.ok()) {
    checks->push_back({"signer", "FAIL", s.message()});
    checks->push_back({"timestamp", "SKIP", "no signer"});
    return;
  }
  std::string who = signer->SubjectCommonName() + ", " + signer->KeySource();
  // The certificate's end by the real clock (Signer::Load judges validity by it too).
  LocalTime now = static_cast<LocalTime>(std::time(nullptr)) + kTaipeiUtcOffsetSeconds;
  LocalTime end = signer->NotAfter();
  long long days_left = static_cast<long long>((end - now) / kSecondsPerDay);
  std::string until = "valid until " + FormatIsoTime(end) + " (" + std::to_string(days_left) + " days)";
  if (end - now <= static_cast<LocalTime>(opts.signing.expiry_warning_days) * kSecondsPerDay)
    checks->push_back({"signer", "WARN", who + ": " + until + ", within signing.expiry_warning_days (" +
                                             std::to_string(opts.signing.expiry_warning_days) + "): renew it"});
  else
    checks->push_back({"signer", "OK", who + ": " + until});

  sign::Level wanted;
  sign::ParseLevel(opts.signing.level, &wanted);
  std::string level = std::string("PAdES ") + sign::LevelName(signer->level());
  std::string w;
  for (const std::string& x : signer->warnings()) w += "; " + x;
  if (wanted < sign::Level::kB_T) {
    checks->push_back({"timestamp", "SKIP", "signing.level " + opts.signing.level + " (no timestamp server)"});
  } else if (!signer->warnings().empty() || signer->level() != wanted) {
    checks->push_back({"timestamp", "WARN", level + " instead of " + opts.signing.level + w});
  } else {
    checks->push_back({"timestamp", "OK", level + ", " + signer->TsaUrl() + " answered a trial timestamp"});
  }
}

bool SystemdRunsMachine() {
  std::ifstream comm("/proc/1/comm");
  std::string pid1;
  std::getline(comm, pid1);
  if (pid1 != "systemd") return false;
  for (const char* dir : {"/usr/bin", "/bin", "/usr/sbin", "/sbin"})
    if (::access((std::string(dir) + "/systemctl").c_str(), X_OK) == 0) return true;
  return false;
}

Check TimersCheck() {
  const std::string name = "systemd timers";
  if (!SystemdRunsMachine()) return {name, "SKIP", "systemd is not running this machine (or no systemctl)"};
  std::string detail, disabled;
  for (const char* timer : {"liaudit-nightly.timer", "liaudit-quarterly.timer"}) {
    std::string cmd = std::string("systemctl is-enabled ") + timer + " 2>/dev/null";
    std::string state;
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
      char buf[128];
      while (std::fgets(buf, sizeof buf, p)) state += buf;
      ::pclose(p);
    }
    while (!state.empty() && (state.back() == '\n' || state.back() == ' ')) state.pop_back();
    if (state.empty()) state = "not found";
    detail += (detail.empty() ? "" : ", ") + std::string(timer) + " " + state;
    if (state != "enabled") disabled += std::string(disabled.empty() ? "" : " ") + timer;
  }
  if (!disabled.empty()) return {name, "WARN", detail + " (systemctl enable --now " + disabled + ")"};
  return {name, "OK", detail};
}

Check LastNightlyCheck(const JobOptions& opts) {
  const std::string name = "last nightly";
  std::error_code ec;
  if (!fs::exists(opts.db_path, ec)) return {name, "WARN", "no nightly job yet (no store)"};
  std::unique_ptr<store::Store> db;
  int version = 0;
  std::string quick;
  // Read-only, and only a store the store check found sound and current (no upgrade here).
  if (!store::Store::OpenReadOnly(opts.db_path, &db).ok() || !db->SchemaVersion(&version).ok() ||
      version != store::kSchemaVersion || !db->QuickCheck(&quick).ok() || quick != "ok")
    return {name, "SKIP", "the store cannot be read (see the store check)"};
  std::vector<store::JobRecord> jobs;
  Status s = db->ListJobs(&jobs);
  if (!s.ok()) return {name, "FAIL", s.message()};
  const store::JobRecord* last = nullptr;
  for (const store::JobRecord& j : jobs)
    if (j.kind == "nightly" && j.status == "ok" && (!last || j.finished > last->finished)) last = &j;
  if (!last) return {name, "WARN", "no completed nightly job in the store"};
  LocalTime now = NowLocal();
  std::string detail = "finished " + FormatIsoTime(last->finished) + " (" + last->output_dir + ")";
  if (now - last->finished > 2 * kSecondsPerDay) return {name, "WARN", detail + ": more than two days ago"};
  return {name, "OK", detail};
}

}  // namespace

int RunDoctor(const JobOptions& opts, const DoctorParams& params, std::ostream& out) {
  std::vector<Check> checks;
  checks.push_back(SettingsCheck(params.config));
  checks.push_back(InputCheck(opts));
  checks.push_back(FolderCheck("output folder", opts.output_dir, /*group_ok=*/false));
  checks.push_back(StoreCheck(opts));
  checks.push_back(FontsCheck(opts));
  checks.push_back(TemplatesCheck(opts));
  SignerChecks(opts, &checks);
  checks.push_back(TimersCheck());
  checks.push_back(LastNightlyCheck(opts));

  bool ok = true;
  int counts[3] = {0, 0, 0};
  for (const Check& c : checks) {
    if (c.status == "FAIL") ok = false;
    counts[c.status == "OK" ? 0 : c.status == "WARN" ? 1 : c.status == "FAIL" ? 2 : 0] += c.status != "SKIP";
  }
  if (params.json) {
    nlohmann::ordered_json j;
    j["ok"] = ok;
    j["checks"] = nlohmann::ordered_json::array();
    for (const Check& c : checks) j["checks"].push_back({{"name", c.name}, {"status", c.status}, {"detail", c.detail}});
    out << j.dump(2) << "\n";
  } else {
    for (const Check& c : checks) {
      std::string st = c.status;
      st.resize(5, ' ');
      out << st << c.name << ": " << c.detail << "\n";
    }
    out << "doctor: " << counts[0] << " OK, " << counts[1] << " WARN, " << counts[2] << " FAIL\n";
  }
  return ok ? 0 : 1;
}

}  // namespace liaudit::jobs
