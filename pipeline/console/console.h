// liaudit serve (the web console) and liaudit user (its accounts): docs/console.md.
#pragma once
#include <istream>
#include <ostream>
#include <string>

#include "core/status.h"
#include "jobs/job_options.h"

namespace liaudit::console {

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; loopback unless configured otherwise
  std::string tls_cert, tls_key;          // PEM files: HTTPS when both are given
  int idle_minutes = 30;                  // a session ends after this long without a request
  int max_login_failures = 5;             // failed logins for one name before a lockout
  int lockout_minutes = 15;               // how long the lockout lasts
  int max_upload_mb = 20;                 // uploaded PDFs (review reports, verify) at most this size
  int threads = 8;                        // worker threads
  // Hidden, for tests: stop after this many seconds (0 = never) / requests (0 = no bound).
  int exit_after_seconds = 0;
  long exit_after_requests = 0;
};

// Runs the console until SIGINT/SIGTERM (or the test bounds). Writes the address it
// listens on to `out` once it does ("listening on http://127.0.0.1:8080").
Status RunServe(const jobs::JobOptions& opts, const ServeOptions& serve, std::ostream& out);

struct UserParams {
  std::string action;  // add | passwd | disable | enable | list
  std::string name, role;
  bool interactive = false;  // stdin is a terminal: ask for the password twice, no echo
};
Status RunUser(const jobs::JobOptions& opts, const UserParams& p, std::istream& in, std::ostream& out);

}  // namespace liaudit::console
