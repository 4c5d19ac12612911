// liaudit purge: the retention policy around store::Store::Purge (issue 6). The policy
// lives here: nothing younger than the retention period, a dry run unless confirmed,
// a named person for the destruction record, the record echoed to the log.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "core/text.h"
#include "jobs/lock.h"
#include "jobs/log.h"
#include "jobs/runner.h"
#include "store/store.h"

namespace fs = std::filesystem;

namespace liaudit::jobs {
namespace {

// The newest date bound the policy allows: today minus `years` calendar years
// (29 February falls back to 28 February).
Date LatestAllowedBound(Date today, int years) {
  Civil c = CivilFromDate(today);
  int y = c.year - years;
  int d = c.day;
  while (d > 28 && !IsValidCivil(y, c.month, d)) --d;
  return DateFromCivil(y, c.month, d);
}

void PrintCounts(const store::Store::PurgeCounts& c, std::ostream& out) {
  out << "  queries                  " << c.queries << "\n"
      << "  query_conflicts          " << c.query_conflicts << "\n"
      << "  permissions (history)    " << c.permissions << "\n"
      << "  registrations (history)  " << c.registrations << "\n"
      << "  requests (history)       " << c.requests << "\n"
      << "  staff (history)          " << c.staff << "\n"
      << "  total rows               " << c.removed() << "\n"
      << "kept because a pending follow-up needs them: " << c.kept_queries << " queries, " << c.kept_register_rows
      << " register rows\n";
}

std::string CountsLine(const store::Store::PurgeCounts& c) {
  std::ostringstream s;
  s << "queries " << c.queries << ", query_conflicts " << c.query_conflicts << ", permissions " << c.permissions
    << ", registrations " << c.registrations << ", requests " << c.requests << ", staff " << c.staff
    << ", register keys emptied " << c.register_keys_emptied << "; kept for pending follow-ups: " << c.kept_queries
    << " queries, " << c.kept_register_rows << " register rows";
  return s.str();
}

}  // namespace

Status RunPurge(const JobOptions& opts, const PurgeParams& p, std::istream& in, std::ostream& out) {
  if (p.before == kNoDate) return Status::Usage("purge needs --before YYYY-MM-DD");
  if (opts.retention_years < 1) return Status::Usage("retention.years must be at least 1");
  const Date today = DateOf(NowLocal());
  const Date latest = LatestAllowedBound(today, opts.retention_years);
  if (p.before > latest)
    return Status::Usage("purge --before " + FormatIsoDate(p.before) + ": records younger than the retention period (" +
                         std::to_string(opts.retention_years) + " years, retention.years) must be kept; the latest " +
                         "date allowed today is " + FormatIsoDate(latest));
  if (p.yes && p.by.empty())
    return Status::Usage("purge --yes: say who orders the destruction with --by NAME (it goes into the destruction record)");
  std::error_code ec;
  if (!fs::exists(opts.db_path, ec)) return Status::NotFound(opts.db_path + ": no store (nothing to purge)");

  JobLog log("purge");
  if (fs::is_directory(opts.output_dir, ec)) log.TeeTo((fs::path(opts.output_dir) / "liaudit.log").string());
  const std::string what = "purge before " + FormatIsoDate(p.before);
  StoreLock lock;
  LIAUDIT_RETURN_IF_ERROR(lock.Acquire(opts.db_path, what, opts.lock_wait_seconds));
  std::unique_ptr<store::Store> st;
  LIAUDIT_RETURN_IF_ERROR(store::Store::Open(opts.db_path, &st));

  store::Store::PurgeCounts counts;
  LIAUDIT_RETURN_IF_ERROR(st->CountPurgeable(p.before, &counts));
  out << "Records before " << FormatIsoDate(p.before) << " (retention " << opts.retention_years
      << " years) that a purge removes from " << opts.db_path << ":\n";
  PrintCounts(counts, out);
  // The console's access log has a retention of its own: entries before --before and older
  // than console_log_years go; younger ones stay whatever --before says.
  const Date console_bound = std::min(p.before, LatestAllowedBound(today, opts.console_log_years));
  long console_entries = 0;
  LIAUDIT_RETURN_IF_ERROR(st->CountConsoleLogBefore(StartOf(console_bound), &console_entries));
  out << "  console access log entries before " << FormatIsoDate(console_bound) << " (retention "
      << opts.console_log_years << " years): " << console_entries << "\n";
  if (!p.yes && !p.interactive) {
    out << "Dry run: nothing removed. To remove them, run again with --yes --by NAME.\n";
    return Status::OK();
  }
  if (p.by.empty())
    return Status::Usage("purge: say who orders the destruction with --by NAME (it goes into the destruction record)");
  if (counts.removed() == 0 && console_entries == 0) {
    out << "Nothing to remove.\n";
    return Status::OK();
  }
  if (!p.yes) {
    out << "These records will be destroyed for good. Type PURGE to confirm: " << std::flush;
    std::string answer;
    std::getline(in, answer);
    if (Trim(answer) != "PURGE") return Status::Conflict("purge not confirmed: nothing removed");
  }

  log.Line("start " + what + " by " + p.by);
  log.Begin("purge");
  store::Store::DestructionRecord rec;
  LIAUDIT_RETURN_IF_ERROR(st->Purge(p.before, opts.retention_years, p.by, &rec));
  long console_removed = 0;
  if (console_entries > 0)
    LIAUDIT_RETURN_IF_ERROR(st->PurgeConsoleLog(StartOf(console_bound), p.by, &console_removed));
  log.Done(CountsLine(rec.counts) + ", console access log entries " + std::to_string(console_removed));
  std::string record = "destruction record #" + std::to_string(rec.id) + ": rows before " + FormatIsoDate(rec.before) +
                       " (retention " + std::to_string(rec.retention_years) + " years) destroyed at " +
                       FormatIsoTime(rec.at) + " by " + rec.by + ": " + CountsLine(rec.counts);
  log.Line(record);
  out << record << "\n";

  // The purge is committed; giving the space back is a bonus that may fail on a full disk.
  log.Begin("compact");
  Status c = st->Compact();
  if (c.ok()) {
    log.Done();
  } else {
    log.Done("not done");
    log.Line("warning: the store was not compacted (" + c.message() + "); the purge itself is complete");
  }
  return Status::OK();
}

}  // namespace liaudit::jobs
