// JobOptions: everything a job needs to know, filled once by the CLI from the command
// line and the INI config file, cleaned at the entry (ValidateJobOptions), then passed
// as const& to every stage. Defaults are the documented ones (docs/configuration.md).
#pragma once
#include <string>
#include <vector>

#include "core/datetime.h"
#include "core/settings.h"

namespace liaudit::jobs {

struct SigningOptions {
  bool enabled = true;                          // false only with --unsigned
  std::string pkcs12;                           // PKCS#12 with key + certificate chain
  std::string password_env = "LIAUDIT_P12_PASSWORD";  // environment variable with the password
  std::string password_file;                    // or a file readable by its owner only
  std::string subfilter = "cades";              // "cades" (ETSI.CAdES.detached) or "pkcs7" (adbe.pkcs7.detached)
  std::string trust_anchors;                    // PEM bundle `verify` trusts
  std::string location = "高雄市";
  // The key on a PKCS#11 token (wins over pkcs12 when pkcs11_module is set).
  std::string pkcs11_module, pkcs11_token, pkcs11_key;
  std::string pin_env = "LIAUDIT_PIN", pin_file;
  std::string chain_file;                       // PEM issuing certificates not held with the key
  std::string level = "B-B";                    // B-B, B-T, B-LT or B-LTA (docs/signing.md)
  std::string tsa_url, tsa_ca_file, tsa_auth_file, tsa_policy;
  int tsa_attempts = 3;
  int http_timeout = 15;                        // seconds per request to the TSA / OCSP / CRL servers
  std::vector<std::string> crl_files;           // local CRLs for a closed network
  std::string on_tsa_failure = "fail";          // fail | B-B
  std::string on_revocation_failure = "fail";   // fail | B-T
  int expiry_warning_days = 60;                 // liaudit doctor warns when the certificate ends sooner
};

struct JobOptions {
  std::string input_dir = "input";
  std::string output_dir = "output";
  std::string db_path;                 // default: <output_dir>/liaudit.sqlite
  std::string fonts_config;            // default: <source or install>/fonts/fonts.conf
  std::string templates_dir;           // default: <source or install>/templates
  std::string pdfa = "1b";             // render.pdfa: 1b (PDF/A-1b, docs/pdf.md) or off
  bool tagged = true;                  // render.tagged: structure tree (Tagged PDF, docs/pdf.md)
  std::string icc_profile;             // render.icc_profile: sRGB ICC v2; default icc-profiles-free's
  std::string legal_bases_file;        // default: <templates_dir>/legal_bases.txt
  RuleOptions rules;
  OutputOptions output;
  SigningOptions signing;
  LocalTime fixed_clock = kNoTime;     // deterministic runs: the clock and document IDs are fixed
  int lock_wait_seconds = 60;          // how long to wait for another job on the same store
  bool progress = true;                // progress lines on a terminal
  int retention_years = 5;             // retention.years: purge never removes records younger than this
  int console_log_years = 5;           // retention.console_log_years: the console access log (使用紀錄) is kept this long
  // ingest.required_registers: registers a nightly, quarterly or audit refuses to run without
  // (exit 1) while none of their files has ever been taken: without 附表2 every query would be
  // reported as R01. inputs.md names the roster and the calendar optional; the others not.
  std::vector<std::string> required_registers = {"permissions", "registrations", "requests"};
};

// Audit parameters (outputs.md: audit --from --to [--account ...] [--unit U]).
struct AuditParams {
  Date from = kNoDate;
  Date to = kNoDate;
  std::vector<std::string> accounts;
  std::string unit;
};

}  // namespace liaudit::jobs
