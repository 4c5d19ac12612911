// Rule engine benchmark: synthesizes a quarter (2026Q4) in memory and times RunRules.
//
//   rules_bench [--queries N] [--accounts A] [--queries-per-reg K]
//
// Each registration names one subject and K service items and is queried once per
// item (K=1: one registration per query). About 1% of queries are unregistered,
// 0.5% off-hours, 0.1% from a second IP within minutes, 1% of registrations serve a
// 附表3 request. Peak memory: run under /usr/bin/time -v (whole process, Dataset
// included); the program also prints VmRSS before and after RunRules.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <string>

#include "core/dataset.h"
#include "rules/rules.h"

using namespace liaudit;

namespace {

uint64_t g_rng = 0x2545F4914F6CDD1DULL;
uint32_t Rand(uint32_t n) {
  g_rng ^= g_rng << 13;
  g_rng ^= g_rng >> 7;
  g_rng ^= g_rng << 17;
  return static_cast<uint32_t>(g_rng % n);
}

std::string MakeId(uint64_t serial) {
  static const std::string kOrder = "ABCDEFGHJKLMNPQRSTUVXYWZIO";
  char letter = kOrder[serial % 26];
  char digits[9];
  std::snprintf(digits, sizeof digits, "%d%07llu", 1 + static_cast<int>((serial / 26) % 2),
                static_cast<unsigned long long>((serial / 52) % 10000000));
  int code = static_cast<int>(serial % 26) + 10;
  int sum = code / 10 + (code % 10) * 9;
  for (int i = 0; i < 8; ++i) sum += (digits[i] - '0') * (8 - i);
  return std::string(1, letter) + digits + static_cast<char>('0' + (10 - sum % 10) % 10);
}

long RssKb(const char* field) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(field, 0) == 0) return std::atol(line.c_str() + std::strlen(field));
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  long nq = 1000000, na = 500, k = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--queries")) nq = std::atol(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--accounts")) na = std::atol(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--queries-per-reg")) k = std::atol(argv[i + 1]);
    else { std::fprintf(stderr, "unknown option %s\n", argv[i]); return 2; }
  }
  if (k < 1 || k > 9 || na < 1 || nq < 1) { std::fprintf(stderr, "bad arguments\n"); return 2; }
  auto t0 = std::chrono::steady_clock::now();

  Dataset ds;
  ds.period.kind = JobKind::kQuarterly;
  ParseQuarter("2026Q4", &ds.period.from, &ds.period.to);
  ds.context_start = ds.period.start() - 30LL * kSecondsPerDay;
  const char* kItems[] = {"C0101", "B0101", "B0201", "B0301", "P0301", "N0101", "T0101", "B0401", "P0401"};
  Sym items[9];
  for (int i = 0; i < 9; ++i) items[i] = ds.syms.Intern(kItems[i]);
  Sym unit = ds.syms.Intern("社會救助科");
  std::vector<Sym> acct(na), ip(na), ip2(na);
  for (long a = 0; a < na; ++a) {
    acct[a] = ds.syms.Intern("user" + std::to_string(a));
    ip[a] = ds.syms.Intern("10.1." + std::to_string(a / 250) + "." + std::to_string(a % 250));
    ip2[a] = ds.syms.Intern("10.2." + std::to_string(a / 250) + "." + std::to_string(a % 250));
    DsPermission p;
    p.id = a + 1;
    p.form_no = "F" + std::to_string(100000 + a);
    p.account = acct[a];
    p.unit = unit;
    p.national_id = MakeId(900000000ULL + a);
    p.action = PermissionAction::kGrant;
    p.items.assign(items, items + 9);
    p.decision = Decision::kApproved;
    p.applied_on = p.effective_on = ds.period.from - 400;
    ds.permissions.push_back(p);
  }
  std::vector<Date> workdays;
  for (Date d = ds.period.from; d <= ds.period.to; ++d) {
    if (Weekday(d) >= 1 && Weekday(d) <= 5) workdays.push_back(d);
  }
  const long nreg = (nq + k - 1) / k;
  ds.queries.reserve(nq);
  ds.registrations.reserve(nreg);
  // Like the store's loader: each distinct 查調事由 once in the Dataset's arena.
  const std::string_view long_reason = ds.Keep("依社會救助法第5條審核低收入戶資格");
  const std::string_view short_reason = ds.Keep("個案需要");
  long qn = 0;
  for (long r = 0; r < nreg; ++r) {
    long a = Rand(static_cast<uint32_t>(na));
    // Registrations are filled in day by day, as the register grows.
    Date d = workdays[static_cast<size_t>(r) * workdays.size() / static_cast<size_t>(nreg)];
    DsRegistration reg;
    reg.id = 1000000 + r;
    reg.reg_no = "G" + std::to_string(1000000 + r);
    reg.applied_on = d - static_cast<Date>(Rand(3));
    reg.subject_id = MakeId(static_cast<uint64_t>(r) * 7 + 3);
    reg.account = acct[a];
    reg.unit = unit;
    reg.approved_at = StartOf(reg.applied_on) + 7 * 3600 + 1800;  // before office hours
    reg.first_seen = Rand(20) ? StartOf(reg.applied_on) + kSecondsPerDay - 1 : kNoTime;
    reg.reason = Rand(100) ? long_reason : short_reason;
    uint32_t first_item = Rand(static_cast<uint32_t>(10 - k));
    for (long i = 0; i < k; ++i) reg.items.push_back(items[first_item + i]);
    if (Rand(100) == 0) {
      reg.request_no = "Q" + std::to_string(r / 3);
      for (int s = 0; s < 2; ++s) {
        DsRequestSubject rq;
        rq.id = 5000000 + r * 2 + s;
        rq.request_no = reg.request_no;
        rq.unit = ds.syms.Intern("鳳山區公所");
        rq.applied_on = reg.applied_on;
        rq.count = 2;
        rq.subject_id = s == 0 ? reg.subject_id : MakeId(static_cast<uint64_t>(r) * 7 + 5);
        rq.reason = "依老人福利法辦理";
        ds.requests.push_back(rq);
      }
    }
    for (long i = 0; i < k && qn < nq; ++i, ++qn) {
      DsQuery q;
      q.id = qn + 1;
      q.txn_id = ds.Keep("GSP" + std::to_string(10000000000LL + qn));
      int sec = 8 * 3600 + static_cast<int>(Rand(10 * 3600));
      if (Rand(200) == 0) sec = 19 * 3600 + static_cast<int>(Rand(3600));
      q.time = StartOf(d) + sec;
      q.account = acct[a];
      q.service = reg.items[i];
      q.subject_id = ds.Keep(reg.subject_id);
      if (Rand(100) == 0) q.subject_id = ds.Keep(MakeId(static_cast<uint64_t>(r) * 7 + 6));  // unregistered
      q.source_ip = Rand(1000) ? ip[a] : ip2[a];
      q.result = QueryResult::kSuccess;
      ds.queries.push_back(std::move(q));
    }
    ds.registrations.push_back(std::move(reg));
  }
  std::sort(ds.queries.begin(), ds.queries.end(), [](const DsQuery& x, const DsQuery& y) {
    return x.time != y.time ? x.time < y.time : x.id < y.id;
  });
  ds.has_source_ip = true;
  for (const DsQuery& q : ds.queries) {
    LocalTime& t = ds.last_query_time[q.account];
    t = std::max(t, q.time);
  }
  auto t1 = std::chrono::steady_clock::now();
  long rss_before = RssKb("VmRSS:");

  rules::RuleOutput out;
  std::clock_t c1 = std::clock();
  Status st = rules::RunRules(ds, RuleOptions(), &out);
  std::clock_t c2 = std::clock();
  auto t2 = std::chrono::steady_clock::now();
  if (!st.ok()) { std::fprintf(stderr, "%s\n", st.ToString().c_str()); return 1; }
  long rss_after = RssKb("VmRSS:");
  long hwm = RssKb("VmHWM:");

  std::map<std::string, long> by_rule;
  for (const Finding& f : out.findings) by_rule[f.rule_id]++;
  auto secs = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  std::printf("queries=%zu registrations=%zu requests=%zu accounts=%ld\n", ds.queries.size(),
              ds.registrations.size(), ds.requests.size(), na);
  std::printf("synthesize: %.2f s  RunRules: %.2f s (%.0f queries/s)\n", secs(t0, t1), secs(t1, t2),
              static_cast<double>(ds.queries.size()) / secs(t1, t2));
  std::printf("RunRules CPU time: %.2f s\n", static_cast<double>(c2 - c1) / CLOCKS_PER_SEC);
  std::printf("VmRSS before RunRules %ld MB, after %ld MB, peak (VmHWM) %ld MB\n", rss_before / 1024,
              rss_after / 1024, hwm / 1024);
  std::printf("findings=%zu:", out.findings.size());
  for (const auto& [r, n] : by_rule) std::printf(" %s=%ld", r.c_str(), n);
  std::printf("\n");
  return 0;
}
