// The command line: sub-commands, options, the INI config file, exit codes.
// Boost.Program_options stays in this folder; stages receive jobs::JobOptions.
#include "cli/options.h"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "core/datetime.h"
#include "sign/sign.h"
#include "core/text.h"
#include "jobs/log.h"
#include "jobs/runner.h"
#include "jobs/spreadsheets.h"
#include "render/pdf.h"
#include "console/console.h"
#include "liaudit_version.h"

namespace po = boost::program_options;

namespace liaudit {
namespace {

struct Command {
  const char* name;
  const char* summary;
};

const Command kCommands[] = {
    {"ingest", "read every new file under the input folder into the store"},
    {"nightly", "ingest, then check the queries of one day (--date) and write the nightly report"},
    {"quarterly", "ingest, then check a quarter (--quarter YYYYQn) and write the review package"},
    {"audit", "an ad hoc audit over a date range, optionally for some queriers or one unit"},
    {"forms", "write the four forms, empty, ready to print (--blank)"},
    {"verify", "check the signatures and manifest of an output folder or one PDF"},
    {"extend", "add fresh revocation data and a new document timestamp to signed PDFs or job folders"},
    {"followup", "list follow-ups, or record a received review report / close a finding"},
    {"purge", "remove queries and register history older than the retention period (--before)"},
    {"serve", "the web console on the intranet (--listen, --tls-cert/--tls-key): docs/console.md"},
    {"user", "the console's accounts: user add NAME --role R | passwd NAME | disable NAME | enable NAME | list"},
    {"doctor", "check the installation: settings, folders, store, fonts, templates, signer, timers, last nightly"},
};

void PrintTopHelp(std::ostream& out) {
  out << "liaudit " << LIAUDIT_VERSION
      << " - audits the use of the labour-insurance query service (勞保資訊中介服務)\n\n"
         "Usage: liaudit SUBCOMMAND [OPTIONS]\n       liaudit SUBCOMMAND --help\n\nSub-commands:\n";
  for (const Command& c : kCommands) {
    std::string n = c.name;
    n.resize(12, ' ');
    out << "  " << n << c.summary << "\n";
  }
  out << "\nEvery option can also be set in an INI file (--config FILE, default ./liaudit.ini when it\n"
         "exists); the command line wins. Exit status: 0 completed, 1 failed, 2 wrong usage.\n";
}

po::options_description CommonOptions() {
  po::options_description d("Common options");
  d.add_options()
      ("help,h", "show this help")
      ("config", po::value<std::string>(), "INI config file (default: ./liaudit.ini if it exists)")
      ("input", po::value<std::string>()->default_value("input"), "input folder")
      ("output", po::value<std::string>()->default_value("output"), "output folder")
      ("db", po::value<std::string>(), "SQLite store (default: OUTPUT/liaudit.sqlite)")
      ("unsigned", po::bool_switch(), "write PDFs without a signature (explicit opt-out)")
      ("fixed-clock", po::value<std::string>(), "run as if the time were 'YYYY-MM-DD HH:MM:SS' (deterministic output)")
      ("lock-wait", po::value<int>()->default_value(60), "seconds to wait for another job on the same store")
      ("no-progress", po::bool_switch(), "plain log lines even on a terminal");
  return d;
}

// Settings: the names are INI "section.key"; on the command line --section.key VALUE.
po::options_description SettingOptions() {
  po::options_description d("Settings (INI sections [rules] [output] [audit] [signing] [render] [retention] [ingest])");
  RuleOptions r;
  OutputOptions o;
  jobs::SigningOptions s;
  d.add_options()
      ("rules.registration_window_days", po::value<int>()->default_value(r.registration_window_days), "days a registration (附表2) covers after 申請日期")
      ("rules.office_start", po::value<std::string>()->default_value("08:00"), "office hours start (HH:MM)")
      ("rules.office_end", po::value<std::string>()->default_value("18:00"), "office hours end, exclusive (HH:MM)")
      ("rules.daily_query_limit", po::value<int>()->default_value(r.daily_query_limit), "R09: queries per account per day above this are flagged")
      ("rules.shared_ip_minutes", po::value<int>()->default_value(r.shared_ip_minutes), "R11: window for a different source IP")
      ("rules.backfill_grace_days", po::value<int>()->default_value(r.backfill_grace_days), "R15: days a registration may be filed after the query")
      ("rules.dormant_days", po::value<int>()->default_value(r.dormant_days), "R16: days without a query before an account is dormant")
      ("rules.review_report_days", po::value<int>()->default_value(r.review_report_days), "days allowed for the review report (要點第八點)")
      ("rules.self_query_check", po::value<bool>()->default_value(true), "R10 on (true) or off (false)")
      ("rules.legal_bases", po::value<std::string>(), "file of recognised legal bases (default: TEMPLATES/legal_bases.txt)")
      ("output.id_mask", po::value<std::string>()->default_value(o.id_mask), "ID mask: X keeps a character, * hides it")
      ("output.mask_internal", po::value<bool>()->default_value(false), "also mask IDs on forms and the nightly report")
      ("output.organisation", po::value<std::string>()->default_value(o.organisation), "organisation named on documents")
      ("output.spreadsheets", po::value<std::string>()->default_value("xlsx,ods"), "spreadsheet formats of every workbook: xlsx, ods, or xlsx,ods")
      ("audit.auditor", po::value<std::string>()->default_value(""), "附表4 稽核人員")
      ("audit.audit_unit", po::value<std::string>()->default_value(o.audit_unit), "附表4 稽核單位")
      ("audit.audit_unit_phone", po::value<std::string>()->default_value(o.audit_unit_phone), "附表4 稽核單位聯絡電話")
      ("signing.pkcs12", po::value<std::string>(), "PKCS#12 file with the signing key and certificate chain")
      ("signing.password_env", po::value<std::string>()->default_value(s.password_env), "environment variable holding the PKCS#12 password")
      ("signing.password_file", po::value<std::string>(), "file (owner-only) holding the PKCS#12 password")
      ("signing.subfilter", po::value<std::string>()->default_value(s.subfilter), "cades (ETSI.CAdES.detached) or pkcs7 (adbe.pkcs7.detached)")
      ("signing.trust_anchors", po::value<std::string>(), "PEM file of trusted certificates for verify")
      ("signing.location", po::value<std::string>()->default_value(s.location), "signature location")
      ("signing.pkcs11_module", po::value<std::string>(), "PKCS#11 module (.so) of the card or HSM holding the key")
      ("signing.pkcs11_token", po::value<std::string>(), "token label (default: the only token present)")
      ("signing.pkcs11_key", po::value<std::string>(), "key label, or id:<hex> (default: the only key)")
      ("signing.pin_env", po::value<std::string>()->default_value(s.pin_env), "environment variable holding the token PIN")
      ("signing.pin_file", po::value<std::string>(), "file (owner-only) holding the token PIN")
      ("signing.chain_file", po::value<std::string>(), "PEM file of issuing certificates not held with the key")
      ("signing.level", po::value<std::string>()->default_value(s.level), "PAdES level: B-B, B-T, B-LT or B-LTA")
      ("signing.tsa_url", po::value<std::string>(), "RFC 3161 time-stamping authority URL (B-T and above)")
      ("signing.tsa_ca_file", po::value<std::string>(), "PEM trust anchors for the TSA's certificate")
      ("signing.tsa_auth_file", po::value<std::string>(), "file (owner-only) with user:password for the TSA")
      ("signing.tsa_policy", po::value<std::string>(), "TSA policy OID to ask for")
      ("signing.tsa_attempts", po::value<int>()->default_value(s.tsa_attempts), "tries per timestamp before the job fails")
      ("signing.http_timeout", po::value<int>()->default_value(s.http_timeout), "seconds per request to the TSA, OCSP and CRL servers")
      ("signing.crl_files", po::value<std::string>(), "local CRL files (DER or PEM), comma-separated, for a closed network")
      ("signing.on_tsa_failure", po::value<std::string>()->default_value(s.on_tsa_failure), "fail, or B-B: sign without a timestamp and warn")
      ("signing.on_revocation_failure", po::value<std::string>()->default_value(s.on_revocation_failure), "fail, or B-T: sign without revocation data and warn")
      ("signing.expiry_warning_days", po::value<int>()->default_value(s.expiry_warning_days), "liaudit doctor warns when the signing certificate expires within this many days")
      ("render.fonts", po::value<std::string>(), "font configuration (default: fonts/fonts.conf)")
      ("render.templates", po::value<std::string>(), "templates folder (default: templates)")
      ("render.pdfa", po::value<std::string>()->default_value(jobs::JobOptions().pdfa), "PDF/A conformance of every PDF: 1b or off")
      ("render.tagged", po::value<bool>()->default_value(jobs::JobOptions().tagged), "Tagged PDF (structure tree for screen readers) on (true) or off (false)")
      ("render.icc_profile", po::value<std::string>(), "sRGB ICC profile (version 2) for the PDF/A OutputIntent (default: /usr/share/color/icc/sRGB.icc)")
      ("retention.years", po::value<int>()->default_value(jobs::JobOptions().retention_years), "retention period in years: purge never removes younger records")
      ("retention.console_log_years", po::value<int>()->default_value(jobs::JobOptions().console_log_years), "the console's access log: purge never removes entries younger than this many years")
      ("ingest.required_registers", po::value<std::string>()->default_value("permissions,registrations,requests"),
       "registers a report job refuses to run without (comma-separated; empty: none)");
  return d;
}

po::options_description CommandOptions(const std::string& cmd) {
  po::options_description d("Options of '" + cmd + "'");
  if (cmd == "doctor") {
    d.add_options()("json", po::bool_switch(), "machine-readable output");
  } else if (cmd == "nightly") {
    d.add_options()("date", po::value<std::string>(), "the day to check, YYYY-MM-DD (default: yesterday)");
  } else if (cmd == "quarterly") {
    d.add_options()("quarter", po::value<std::string>(), "the quarter, YYYYQn (default: the last complete quarter)");
  } else if (cmd == "audit") {
    d.add_options()
        ("from", po::value<std::string>(), "first day of the audit range (YYYY-MM-DD)")
        ("to", po::value<std::string>(), "last day of the audit range (YYYY-MM-DD)")
        ("account", po::value<std::vector<std::string>>()->composing(), "audit only this querier account (repeatable)")
        ("unit", po::value<std::string>(), "audit only the queriers of this unit")
        ("auditor", po::value<std::string>(), "稽核人員 (overrides audit.auditor)")
        ("audit-unit", po::value<std::string>(), "稽核單位 (overrides audit.audit_unit)");
  } else if (cmd == "forms") {
    d.add_options()("blank", po::bool_switch(), "the four forms, empty");
  } else if (cmd == "verify") {
    d.add_options()
        ("path", po::value<std::string>(), "a PDF, a job folder, or (with --chain) the output folder")
        ("json", po::bool_switch(), "machine-readable output")
        ("chain", po::bool_switch(), "walk every job folder under PATH and check the manifest hash chain")
        ("at", po::value<std::string>(), "judge the certificates as at this time (YYYY-MM-DD or 'YYYY-MM-DD HH:MM', Taipei) instead of now");
  } else if (cmd == "extend") {
    d.add_options()("path", po::value<std::vector<std::string>>(), "signed PDFs and/or job folders");
  } else if (cmd == "followup") {
    d.add_options()
        ("action", po::value<std::string>(), "list | received | close | reopen")
        ("key", po::value<std::string>(), "the finding key (as in followup list)")
        ("by", po::value<std::string>(), "who records the change")
        ("note", po::value<std::string>()->default_value(""), "a note kept with the change")
        ("overdue", po::bool_switch(), "list: only overdue review reports");
  } else if (cmd == "serve") {
    const console::ServeOptions so;
    d.add_options()
        ("listen", po::value<std::string>()->default_value(so.listen), "HOST:PORT to listen on (loopback unless configured otherwise; port 0: any free one)")
        ("tls-cert", po::value<std::string>(), "PEM certificate (chain) for HTTPS")
        ("tls-key", po::value<std::string>(), "PEM private key for HTTPS")
        ("idle-minutes", po::value<int>()->default_value(so.idle_minutes), "a session ends after this many minutes without a request")
        ("max-login-failures", po::value<int>()->default_value(so.max_login_failures), "failed logins for one name before a temporary lockout")
        ("lockout-minutes", po::value<int>()->default_value(so.lockout_minutes), "how long a lockout lasts")
        ("max-upload-mb", po::value<int>()->default_value(so.max_upload_mb), "largest PDF upload (review reports, verify), MB")
        ("threads", po::value<int>()->default_value(so.threads), "worker threads")
        ("exit-after", po::value<int>()->default_value(0), "(tests) stop after this many seconds")
        ("exit-after-requests", po::value<long>()->default_value(0), "(tests) stop after this many requests");
  } else if (cmd == "user") {
    d.add_options()
        ("action", po::value<std::string>(), "add | passwd | disable | enable | list")
        ("name", po::value<std::string>(), "the account name")
        ("role", po::value<std::string>(), "add: admin | manager | auditor | ethics");
  } else if (cmd == "purge") {
    d.add_options()
        ("before", po::value<std::string>(), "remove records before this day (YYYY-MM-DD); at least retention.years ago")
        ("yes", po::bool_switch(), "confirmed: purge without asking (needs --by); without it and without a terminal: dry run")
        ("by", po::value<std::string>(), "who orders the destruction (kept in the destruction record)");
  }
  return d;
}

// Sub-command options in the INI file: `[nightly]` `date = 2026-11-25` is `nightly --date
// 2026-11-25`. Only the running sub-command's section is used; another sub-command's
// known options are accepted and ignored (one file serves every job); any other key is
// an error, as on the command line. Values go into *out as if typed after the command.
void StoreCommandSections(const std::string& config, const std::string& cmd, const po::parsed_options& parsed,
                          const po::options_description& specific, po::variables_map* out) {
  std::vector<std::string> args;
  for (const po::option& o : parsed.options) {
    if (!o.unregistered) continue;
    const size_t dot = o.string_key.find('.');
    const std::string section = dot == std::string::npos ? "" : o.string_key.substr(0, dot);
    const std::string name = dot == std::string::npos ? o.string_key : o.string_key.substr(dot + 1);
    bool known_section = false;
    for (const Command& c : kCommands) known_section |= section == c.name;
    if (!known_section || !CommandOptions(section).find_nothrow(name, false))
      throw po::error("unrecognised option '" + o.string_key + "' in " + config);
    if (section != cmd) continue;
    const po::option_description& d = specific.find(name, false);
    const std::string value = o.value.empty() ? "" : o.value.front();
    if (d.semantic()->max_tokens() == 0) {  // a switch: true/false
      if (value == "true" || value == "1" || value == "yes" || value == "on") args.push_back("--" + name);
      else if (!(value == "false" || value == "0" || value == "no" || value == "off"))
        throw po::error("'" + o.string_key + " = " + value + "' in " + config + ": expected true or false");
    } else {
      args.push_back("--" + name);
      args.push_back(value);
    }
  }
  po::store(po::command_line_parser(args).options(specific).run(), *out);
}

std::optional<Date> DateArg(const po::variables_map& vm, const char* name) {
  if (!vm.count(name)) return std::nullopt;
  return ParseDate(vm[name].as<std::string>());
}

// Where templates/ and fonts/ are when render.templates / render.fonts are not set:
//  1. $LIAUDIT_DATA_DIR;
//  2. <folder of the binary>/../share/liaudit (an installed binary, whatever prefix it was
//     copied to: `cmake --install build --prefix /tmp/x` or the package's /usr);
//  3. the source tree, for the binary in its build tree (tests, demo);
//  4. the data folder of the configured install prefix;
//  5. the source tree as a last resort.
std::string DataDir() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("LIAUDIT_DATA_DIR")) return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed = exe.parent_path().parent_path() / LIAUDIT_REL_DATA_DIR;
    if (fs::is_directory(installed / "templates", ec)) return installed.string();
    const std::string build_dir = LIAUDIT_BUILD_DIR "/";
    if (exe.string().compare(0, build_dir.size(), build_dir) == 0) return LIAUDIT_SOURCE_DIR;
  }
  if (fs::is_directory(fs::path(LIAUDIT_INSTALL_DATA_DIR) / "templates", ec)) return LIAUDIT_INSTALL_DATA_DIR;
  return LIAUDIT_SOURCE_DIR;
}

Status BuildJobOptions(const po::variables_map& vm, jobs::JobOptions* o) {
  o->input_dir = vm["input"].as<std::string>();
  o->output_dir = vm["output"].as<std::string>();
  o->db_path = vm.count("db") ? vm["db"].as<std::string>() : o->output_dir + "/liaudit.sqlite";
  o->lock_wait_seconds = vm["lock-wait"].as<int>();
  if (o->lock_wait_seconds < 0) return Status::Usage("--lock-wait: expected a number of seconds, 0 or more");
  o->progress = !vm["no-progress"].as<bool>();
  o->retention_years = vm["retention.years"].as<int>();
  if (o->retention_years < 1) return Status::Usage("retention.years: expected a whole number of years, at least 1");
  o->console_log_years = vm["retention.console_log_years"].as<int>();
  if (o->console_log_years < 1)
    return Status::Usage("retention.console_log_years: expected a whole number of years, at least 1");
  if (vm.count("fixed-clock")) {
    auto t = ParseTimestamp(vm["fixed-clock"].as<std::string>());
    if (!t) return Status::Usage("--fixed-clock: expected 'YYYY-MM-DD HH:MM:SS'");
    o->fixed_clock = *t;
  }
  RuleOptions& r = o->rules;
  r.registration_window_days = vm["rules.registration_window_days"].as<int>();
  r.daily_query_limit = vm["rules.daily_query_limit"].as<int>();
  r.shared_ip_minutes = vm["rules.shared_ip_minutes"].as<int>();
  r.backfill_grace_days = vm["rules.backfill_grace_days"].as<int>();
  r.dormant_days = vm["rules.dormant_days"].as<int>();
  r.review_report_days = vm["rules.review_report_days"].as<int>();
  r.self_query_check = vm["rules.self_query_check"].as<bool>();
  auto start = ParseClock(vm["rules.office_start"].as<std::string>());
  auto end = ParseClock(vm["rules.office_end"].as<std::string>());
  if (!start || !end || *start >= *end)
    return Status::Usage("rules.office_start/office_end: expected HH:MM with start before end");
  r.office_start = *start;
  r.office_end = *end;
  for (int v : {r.registration_window_days, r.daily_query_limit, r.shared_ip_minutes, r.backfill_grace_days,
                r.dormant_days, r.review_report_days})
    if (v < 0) return Status::Usage("rule thresholds must not be negative");

  std::string data_dir = DataDir();
  o->templates_dir = vm.count("render.templates") ? vm["render.templates"].as<std::string>() : data_dir + "/templates";
  o->fonts_config = vm.count("render.fonts") ? vm["render.fonts"].as<std::string>() : data_dir + "/fonts/fonts.conf";
  o->pdfa = vm["render.pdfa"].as<std::string>();
  if (render::RenderOptions::PdfA pdfa; !render::ParsePdfA(o->pdfa, &pdfa))
    return Status::Usage("render.pdfa: expected 1b or off, got '" + o->pdfa + "'");
  o->tagged = vm["render.tagged"].as<bool>();
  if (vm.count("render.icc_profile")) o->icc_profile = vm["render.icc_profile"].as<std::string>();
  o->legal_bases_file = vm.count("rules.legal_bases") ? vm["rules.legal_bases"].as<std::string>()
                                                       : o->templates_dir + "/legal_bases.txt";

  OutputOptions& out = o->output;
  out.id_mask = vm["output.id_mask"].as<std::string>();
  for (char c : out.id_mask)
    if (c != 'X' && c != '*') return Status::Usage("output.id_mask: use only 'X' (keep) and '*' (mask)");
  out.mask_internal = vm["output.mask_internal"].as<bool>();
  out.organisation = vm["output.organisation"].as<std::string>();
  if (const std::string& f = vm["output.spreadsheets"].as<std::string>(); !jobs::ParseSpreadsheets(f, &out))
    return Status::Usage("output.spreadsheets: expected xlsx, ods or xlsx,ods, got '" + f + "'");
  out.auditor = vm.count("auditor") ? vm["auditor"].as<std::string>() : vm["audit.auditor"].as<std::string>();
  out.audit_unit = vm.count("audit-unit") ? vm["audit-unit"].as<std::string>() : vm["audit.audit_unit"].as<std::string>();
  out.audit_unit_phone = vm["audit.audit_unit_phone"].as<std::string>();

  o->required_registers.clear();
  for (const std::string& reg : SplitList(vm["ingest.required_registers"].as<std::string>())) {
    if (reg != "permissions" && reg != "registrations" && reg != "requests" && reg != "staff")
      return Status::Usage("ingest.required_registers: '" + reg +
                           "' is not a register (permissions, registrations, requests, staff)");
    o->required_registers.push_back(reg);
  }

  jobs::SigningOptions& s = o->signing;
  s.enabled = !vm["unsigned"].as<bool>();
  if (vm.count("signing.pkcs12")) s.pkcs12 = vm["signing.pkcs12"].as<std::string>();
  s.password_env = vm["signing.password_env"].as<std::string>();
  if (vm.count("signing.password_file")) s.password_file = vm["signing.password_file"].as<std::string>();
  s.subfilter = vm["signing.subfilter"].as<std::string>();
  if (s.subfilter != "cades" && s.subfilter != "pkcs7")
    return Status::Usage("signing.subfilter: expected 'cades' or 'pkcs7'");
  if (vm.count("signing.trust_anchors")) s.trust_anchors = vm["signing.trust_anchors"].as<std::string>();
  s.location = vm["signing.location"].as<std::string>();
  auto opt = [&](const char* key, std::string* into) {
    if (vm.count(key)) *into = vm[key].as<std::string>();
  };
  opt("signing.pkcs11_module", &s.pkcs11_module);
  opt("signing.pkcs11_token", &s.pkcs11_token);
  opt("signing.pkcs11_key", &s.pkcs11_key);
  opt("signing.pin_env", &s.pin_env);
  opt("signing.pin_file", &s.pin_file);
  opt("signing.chain_file", &s.chain_file);
  opt("signing.level", &s.level);
  opt("signing.tsa_url", &s.tsa_url);
  opt("signing.tsa_ca_file", &s.tsa_ca_file);
  opt("signing.tsa_auth_file", &s.tsa_auth_file);
  opt("signing.tsa_policy", &s.tsa_policy);
  opt("signing.on_tsa_failure", &s.on_tsa_failure);
  opt("signing.on_revocation_failure", &s.on_revocation_failure);
  s.tsa_attempts = vm["signing.tsa_attempts"].as<int>();
  s.http_timeout = vm["signing.http_timeout"].as<int>();
  s.expiry_warning_days = vm["signing.expiry_warning_days"].as<int>();
  if (s.expiry_warning_days < 0) return Status::Usage("signing.expiry_warning_days: expected a number of days, 0 or more");
  if (s.tsa_attempts < 1 || s.tsa_attempts > 10) return Status::Usage("signing.tsa_attempts: expected 1 to 10");
  if (s.http_timeout < 1 || s.http_timeout > 300) return Status::Usage("signing.http_timeout: expected 1 to 300 seconds");
  sign::Level level;
  if (!sign::ParseLevel(s.level, &level)) return Status::Usage("signing.level: expected B-B, B-T, B-LT or B-LTA");
  s.level = sign::LevelName(level);
  if (level >= sign::Level::kB_T && s.tsa_url.empty() && s.enabled)
    return Status::Usage("signing.level " + s.level + " needs a time-stamping authority: set signing.tsa_url");
  if (s.on_tsa_failure != "fail" && s.on_tsa_failure != "B-B")
    return Status::Usage("signing.on_tsa_failure: expected 'fail' or 'B-B'");
  if (s.on_revocation_failure != "fail" && s.on_revocation_failure != "B-T")
    return Status::Usage("signing.on_revocation_failure: expected 'fail' or 'B-T'");
  if (vm.count("signing.crl_files")) {
    std::string list = vm["signing.crl_files"].as<std::string>();
    std::string item;
    for (size_t i = 0; i <= list.size(); ++i) {
      if (i == list.size() || list[i] == ',') {
        while (!item.empty() && item.back() == ' ') item.pop_back();
        size_t b = item.find_first_not_of(' ');
        if (b != std::string::npos) s.crl_files.push_back(item.substr(b));
        item.clear();
      } else {
        item += list[i];
      }
    }
  }
  return Status::OK();
}

void PrintOutcome(const std::string& what, const jobs::JobOutcome& r) {
  std::cout << what << ": taken " << r.rows_taken << ", duplicates " << r.duplicates << ", conflicts "
            << r.conflicts << ", rejected " << r.rejects;
  if (!r.folder.empty()) std::cout << ", findings " << r.findings << "\n  output: " << r.folder;
  std::cout << "\n";
  // Warnings and errors may quote input text (a rejected file's reason, a value): no full ID
  // and no line break from a file reaches the terminal (jobs::LogSafe).
  for (const std::string& w : r.warnings) std::cerr << "liaudit: warning: " << jobs::LogSafe(w) << "\n";
}

int ExitFor(const Status& st) {
  if (st.ok()) return 0;
  std::cerr << "liaudit: " << jobs::LogSafe(st.message()) << "\n";
  return st.code() == Status::Code::kUsage ? 2 : 1;
}

int RunCommand(const std::string& cmd, const po::variables_map& vm, const jobs::JobOptions& opts,
               const std::string& config) {
  jobs::JobOutcome outcome;
  Status st;
  if (cmd == "ingest") {
    st = jobs::RunIngestJob(opts, &outcome);
  } else if (cmd == "nightly") {
    Date day;
    if (vm.count("date")) {
      auto d = DateArg(vm, "date");
      if (!d) return ExitFor(Status::Usage("--date: expected YYYY-MM-DD"));
      day = *d;
    } else {
      day = DateOf(opts.fixed_clock != kNoTime ? opts.fixed_clock : NowLocal()) - 1;
    }
    st = jobs::RunNightlyJob(opts, day, &outcome);
  } else if (cmd == "quarterly") {
    std::string q;
    if (vm.count("quarter")) {
      q = vm["quarter"].as<std::string>();
    } else {  // the last complete quarter
      Civil c = CivilFromDate(DateOf(opts.fixed_clock != kNoTime ? opts.fixed_clock : NowLocal()));
      int qn = (c.month - 1) / 3;  // current quarter index 0..3; the previous one is complete
      int y = c.year;
      if (qn == 0) { qn = 4; --y; }
      q = std::to_string(y) + "Q" + std::to_string(qn);
    }
    Date a, b;
    if (!ParseQuarter(q, &a, &b)) return ExitFor(Status::Usage("--quarter: expected YYYYQn, e.g. 2026Q3"));
    st = jobs::RunQuarterlyJob(opts, q, &outcome);
  } else if (cmd == "audit") {
    jobs::AuditParams p;
    auto from = DateArg(vm, "from"), to = DateArg(vm, "to");
    if (!from || !to) return ExitFor(Status::Usage("audit needs --from and --to (YYYY-MM-DD)"));
    if (*from > *to) return ExitFor(Status::Usage("audit: --from is after --to"));
    p.from = *from;
    p.to = *to;
    if (vm.count("account")) p.accounts = vm["account"].as<std::vector<std::string>>();
    if (vm.count("unit")) p.unit = vm["unit"].as<std::string>();
    st = jobs::RunAuditJob(opts, p, &outcome);
  } else if (cmd == "forms") {
    if (!vm["blank"].as<bool>()) return ExitFor(Status::Usage("forms: only --blank is supported; the filled forms come with quarterly and audit"));
    st = jobs::RunBlankFormsJob(opts, &outcome);
    if (st.ok()) std::cout << "blank forms: " << outcome.folder << "\n";
    return ExitFor(st);
  } else if (cmd == "verify") {
    if (!vm.count("path")) return ExitFor(Status::Usage("verify needs a PATH"));
    jobs::VerifyParams p;
    p.path = vm["path"].as<std::string>();
    p.json = vm["json"].as<bool>();
    p.chain = vm["chain"].as<bool>();
    if (vm.count("at")) {
      std::string at = vm["at"].as<std::string>();
      LocalTime t = kNoTime;
      if (at.size() == 10) {
        if (auto d = ParseDate(at)) t = static_cast<LocalTime>(*d) * kSecondsPerDay + 12 * 3600;
      } else if (at.size() >= 16 && at[10] == ' ') {
        if (auto d = ParseDate(at.substr(0, 10))) {
          int h = std::atoi(at.substr(11, 2).c_str()), m = std::atoi(at.substr(14, 2).c_str());
          if (at[13] == ':' && h >= 0 && h < 24 && m >= 0 && m < 60) t = static_cast<LocalTime>(*d) * kSecondsPerDay + h * 3600 + m * 60;
        }
      }
      if (t == kNoTime) return ExitFor(Status::Usage("--at: expected YYYY-MM-DD or 'YYYY-MM-DD HH:MM' (Taipei time)"));
      p.at_utc = static_cast<long long>(t - kTaipeiUtcOffsetSeconds);
    }
    return jobs::RunVerify(opts, p, std::cout, std::cerr);
  } else if (cmd == "extend") {
    if (!vm.count("path")) return ExitFor(Status::Usage("extend needs one or more PATHs (signed PDFs or job folders)"));
    return jobs::RunExtend(opts, vm["path"].as<std::vector<std::string>>(), std::cout, std::cerr);
  } else if (cmd == "followup") {
    jobs::FollowupParams p;
    p.action = vm.count("action") ? vm["action"].as<std::string>() : "list";
    if (vm.count("key")) p.key = vm["key"].as<std::string>();
    if (vm.count("by")) p.by = vm["by"].as<std::string>();
    p.note = vm["note"].as<std::string>();
    p.overdue_only = vm["overdue"].as<bool>();
    return ExitFor(jobs::RunFollowup(opts, p, std::cout));
  } else if (cmd == "purge") {
    jobs::PurgeParams p;
    if (!vm.count("before")) return ExitFor(Status::Usage("purge needs --before YYYY-MM-DD"));
    auto before = DateArg(vm, "before");
    if (!before) return ExitFor(Status::Usage("--before: expected YYYY-MM-DD"));
    p.before = *before;
    p.yes = vm["yes"].as<bool>();
    if (vm.count("by")) p.by = vm["by"].as<std::string>();
    // Asking only makes sense when a person sees the question and can answer it.
    p.interactive = ::isatty(0) && ::isatty(1);
    return ExitFor(jobs::RunPurge(opts, p, std::cin, std::cout));
  } else if (cmd == "serve") {
    console::ServeOptions so;
    so.listen = vm["listen"].as<std::string>();
    if (vm.count("tls-cert")) so.tls_cert = vm["tls-cert"].as<std::string>();
    if (vm.count("tls-key")) so.tls_key = vm["tls-key"].as<std::string>();
    so.idle_minutes = vm["idle-minutes"].as<int>();
    so.max_login_failures = vm["max-login-failures"].as<int>();
    so.lockout_minutes = vm["lockout-minutes"].as<int>();
    so.max_upload_mb = vm["max-upload-mb"].as<int>();
    so.threads = vm["threads"].as<int>();
    so.exit_after_seconds = vm["exit-after"].as<int>();
    so.exit_after_requests = vm["exit-after-requests"].as<long>();
    return ExitFor(console::RunServe(opts, so, std::cout));
  } else if (cmd == "user") {
    console::UserParams p;
    p.action = vm.count("action") ? vm["action"].as<std::string>() : "list";
    if (vm.count("name")) p.name = vm["name"].as<std::string>();
    if (vm.count("role")) p.role = vm["role"].as<std::string>();
    p.interactive = ::isatty(0);
    return ExitFor(console::RunUser(opts, p, std::cin, std::cout));
  } else if (cmd == "doctor") {
    jobs::DoctorParams p;
    p.json = vm["json"].as<bool>();
    p.config = config;
    return jobs::RunDoctor(opts, p, std::cout);
  }
  if (st.ok()) PrintOutcome(cmd, outcome);
  return ExitFor(st);
}

}  // namespace
}  // namespace liaudit

int LiauditMain(int argc, char** argv) {
  using namespace liaudit;
  ::umask(077);  // the store, output folders and every file we write: owner only
  if (argc < 2) {
    PrintTopHelp(std::cerr);
    return 2;
  }
  std::string cmd = argv[1];
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    PrintTopHelp(std::cout);
    return 0;
  }
  if (cmd == "--version") {
    std::cout << "liaudit " << LIAUDIT_VERSION << "\n";
    return 0;
  }
  bool known = false;
  for (const Command& c : kCommands) known |= cmd == c.name;
  if (!known) {
    std::cerr << "liaudit: unknown sub-command '" << cmd << "' (see liaudit --help)\n";
    return 2;
  }

  po::options_description common = CommonOptions(), settings = SettingOptions(), specific = CommandOptions(cmd);
  po::options_description all;
  all.add(specific).add(common).add(settings);
  po::positional_options_description pos;
  if (cmd == "verify") pos.add("path", 1);
  if (cmd == "extend") pos.add("path", -1);
  if (cmd == "followup") pos.add("action", 1).add("key", 1);
  if (cmd == "user") pos.add("action", 1).add("name", 1);

  po::variables_map vm;
  std::string config;  // the INI file read ("" = none)
  try {
    po::store(po::command_line_parser(argc - 1, argv + 1).options(all).positional(pos).run(), vm);
    if (vm.count("help")) {
      std::cout << "Usage: liaudit " << cmd << " [OPTIONS]\n\n" << specific << "\n" << common << "\n" << settings;
      return 0;
    }
    if (vm.count("config")) {
      config = vm["config"].as<std::string>();
      if (!std::filesystem::exists(config)) {
        std::cerr << "liaudit: --config " << config << ": no such file\n";
        return 2;
      }
    } else if (std::filesystem::exists("liaudit.ini")) {
      config = "liaudit.ini";
    }
    if (!config.empty()) {
      po::options_description in_file;
      in_file.add(common).add(settings);
      // Command line values were stored first, so they win over the file.
      po::parsed_options parsed = po::parse_config_file<char>(config.c_str(), in_file, /*allow_unregistered=*/true);
      po::store(parsed, vm);  // the registered keys; the others are sub-command options or typos
      po::variables_map from_sections;
      StoreCommandSections(config, cmd, parsed, specific, &from_sections);
      for (auto& [name, value] : from_sections) {
        if (vm.count(name) && !vm[name].defaulted()) continue;  // given on the command line
        vm.erase(name);
        vm.emplace(name, value);
      }
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "liaudit " << cmd << ": " << e.what() << " (see liaudit " << cmd << " --help)\n";
    return 2;
  }

  jobs::JobOptions opts;
  Status st = BuildJobOptions(vm, &opts);
  if (!st.ok()) return ExitFor(st);
  if (opts.fixed_clock != kNoTime) SetFixedClock(opts.fixed_clock);
  return RunCommand(cmd, vm, opts, config);
}
