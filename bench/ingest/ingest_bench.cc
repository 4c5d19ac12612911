// Ingest benchmark (issue 2, "Speed"). Two modes, so /usr/bin/time -v can report
// each one's peak memory separately:
//
//   ingest_bench ours STORE BIG.csv [NIGHTLY.csv]
//     Removes STORE, opens it fresh, ingests BIG.csv (platform export) end to end
//     (parse, decode, validate, insert, indexes ready, committed) and prints rows/s;
//     then ingests NIGHTLY.csv into the now full store and prints its time.
//   ingest_bench import STORE BIG.csv
//     The sqlite3 CLI baseline: a table with the CSV's columns and the same three
//     indexes our queries table has, then `.import` of BIG.csv; prints its time.
//
// Output: one "key=value" line per measurement (run_bench.sh collects them).
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "ingest/parse.h"
#include "store/store.h"

namespace {

double Seconds(std::chrono::steady_clock::time_point a) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
}

void RemoveStore(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

int Ours(const std::string& store_path, const std::string& big, const std::string& nightly) {
  using liaudit::InputKind;
  RemoveStore(store_path);
  auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<liaudit::store::Store> store;
  liaudit::Status st = liaudit::store::Store::Open(store_path, &store);
  liaudit::store::IngestReport report;
  if (st.ok()) st = store->IngestFiles({{big, InputKind::kPlatform}}, liaudit::NowLocal(), &report);
  if (!st.ok()) {
    std::fprintf(stderr, "ingest_bench: %s\n", st.ToString().c_str());
    return 1;
  }
  double secs = Seconds(t0);
  std::printf("ours_rows=%ld\nours_rejected=%ld\nours_seconds=%.3f\nours_rows_per_second=%.0f\n", report.taken,
              report.rejected, secs, static_cast<double>(report.taken) / secs);
  if (!nightly.empty()) {
    auto t1 = std::chrono::steady_clock::now();
    st = store->IngestFiles({{nightly, InputKind::kPlatform}}, liaudit::NowLocal(), &report);
    if (!st.ok()) {
      std::fprintf(stderr, "ingest_bench: %s\n", st.ToString().c_str());
      return 1;
    }
    std::printf("nightly_rows=%ld\nnightly_seconds=%.3f\n", report.taken, Seconds(t1));
  }
  return 0;
}

// A nightly-sized file into an existing store (opened fresh, as a nightly job does).
int Nightly(const std::string& store_path, const std::string& file) {
  auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<liaudit::store::Store> store;
  liaudit::Status st = liaudit::store::Store::Open(store_path, &store);
  liaudit::store::IngestReport report;
  if (st.ok()) st = store->IngestFiles({{file, liaudit::InputKind::kPlatform}}, liaudit::NowLocal(), &report);
  if (!st.ok()) {
    std::fprintf(stderr, "ingest_bench: %s\n", st.ToString().c_str());
    return 1;
  }
  std::printf("nightly_rows=%ld\nnightly_duplicates=%ld\nnightly_seconds=%.3f\n", report.taken, report.duplicates,
              Seconds(t0));
  return 0;
}

// The parser alone (no store): how much of "ours" is parsing.
class NullSink : public liaudit::ingest::Sink {
 public:
  liaudit::Status OnPlatform(const liaudit::PlatformQuery&, long, std::string_view) override { return {}; }
  liaudit::Status OnPermission(const liaudit::PermissionRecord&, long, std::string_view) override { return {}; }
  liaudit::Status OnRegistration(const liaudit::RegistrationRecord&, long, std::string_view) override { return {}; }
  liaudit::Status OnRequest(const liaudit::RequestRow&, long, std::string_view) override { return {}; }
  liaudit::Status OnStaff(const liaudit::StaffRecord&, long, std::string_view) override { return {}; }
  liaudit::Status OnCalendar(const liaudit::CalendarDay&, long, std::string_view) override { return {}; }
  void OnReject(const liaudit::Reject&) override {}
};

int ParseOnly(const std::string& big) {
  NullSink sink;
  liaudit::ingest::SourceInfo info;
  auto t0 = std::chrono::steady_clock::now();
  liaudit::Status st = liaudit::ingest::ParseFile(big, liaudit::InputKind::kPlatform, &sink, &info);
  if (!st.ok()) {
    std::fprintf(stderr, "ingest_bench: %s\n", st.ToString().c_str());
    return 1;
  }
  std::printf("parse_rows=%ld\nparse_seconds=%.3f\n", info.rows_taken, Seconds(t0));
  return 0;
}

int Import(const std::string& store_path, const std::string& big) {
  RemoveStore(store_path);
  std::string script = store_path + ".import.sql";
  {
    std::ofstream f(script);
    // Same settings a default sqlite3 session has, plus WAL like ours; same indexes as our queries table.
    f << "PRAGMA journal_mode=WAL;\n"
         "CREATE TABLE queries(txn_id TEXT, query_time TEXT, agency_code TEXT, account TEXT, querier_name TEXT,"
         " service_code TEXT, subject_id TEXT, result TEXT, source_ip TEXT, cert_serial TEXT);\n"
         "CREATE UNIQUE INDEX queries_txn ON queries(txn_id);\n"
         "CREATE INDEX queries_time ON queries(query_time);\n"
         "CREATE INDEX queries_account_time ON queries(account, query_time);\n"

         ".mode csv\n"
         ".import --skip 1 "
      << big << " queries\n";
  }
  auto t0 = std::chrono::steady_clock::now();
  std::string cmd = "sqlite3 -bail '" + store_path + "' < '" + script + "' > /dev/null";
  int rc = std::system(cmd.c_str());
  double secs = Seconds(t0);
  std::filesystem::remove(script);
  if (rc != 0) {
    std::fprintf(stderr, "ingest_bench: sqlite3 .import failed (%d)\n", rc);
    return 1;
  }
  std::printf("import_seconds=%.3f\n", secs);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 4 && std::string(argv[1]) == "ours") return Ours(argv[2], argv[3], argc >= 5 ? argv[4] : "");
  if (argc == 4 && std::string(argv[1]) == "nightly") return Nightly(argv[2], argv[3]);
  if (argc == 3 && std::string(argv[1]) == "parse") return ParseOnly(argv[2]);
  if (argc == 4 && std::string(argv[1]) == "import") return Import(argv[2], argv[3]);
  std::fprintf(stderr, "usage: ingest_bench ours STORE BIG.csv [NIGHTLY.csv] | nightly STORE FILE.csv | parse BIG.csv | import STORE BIG.csv\n");
  return 2;
}
