#include "sample_models.h"

#include <string>
#include <vector>

namespace liaudit::reports::testdata {
namespace {

struct Rule {
  const char* id;
  const char* name;
  const char* severity;
};
const Rule kRules[] = {
    {"R01", "未登記查調", "高"},       {"R02", "未經主管核可", "高"},     {"R03", "無查調權限", "高"},
    {"R04", "未申請帳號", "嚴重"},     {"R05", "離職後查調", "嚴重"},     {"R06", "異動未申請", "中"},
    {"R07", "未敘明法令依據", "中"},   {"R08", "非上班時間查調", "低"},   {"R09", "查調量異常", "中"},
    {"R10", "查調本人資料", "嚴重"},   {"R11", "疑似帳號共用", "高"},     {"R12", "超出委託範圍", "中"},
    {"R13", "身分證號格式錯誤", "低"}, {"R14", "登記未查調", "資訊"},     {"R15", "事後補登", "高"},
    {"R16", "帳號閒置", "低"},
};

struct Person {
  const char* account;
  const char* name;
  const char* unit;
};
const Person kPeople[] = {
    {"ksw0231", "陳𠮟宏", "社會救助科"},     {"ksw0117", "林淑芬", "長期照顧科"},
    {"ksw0342", "王小明", "身心障礙福利科"}, {"ksw0408", "黃美玲", "老人福利科"},
    {"ksw0559", "張志豪", "婦女及兒少福利科"}, {"ksw0612", "李佩珊", "社會工作科"},
};
const char* const kUnits[] = {"社會救助科", "長期照顧科", "身心障礙福利科", "老人福利科", "婦女及兒少福利科", "社會工作科"};
const char* const kServices[] = {"C0101 被保險人投保資料", "B0101 給付簡要資料", "B0201 給付明細資料",
                                 "N0101 國民年金給付資料", "B0401 勞保年金給付資料查詢"};

// A deterministic generator so the same model gives the same PDF.
struct Lcg {
  uint32_t s = 12345;
  uint32_t Next() {
    s = s * 1103515245u + 12345u;
    return (s >> 8) & 0xFFFFFF;
  }
  size_t Pick(size_t n) { return Next() % n; }
};

std::string Pad(uint32_t v, int width) {
  std::string s = std::to_string(v);
  while (static_cast<int>(s.size()) < width) s.insert(s.begin(), '0');
  return s;
}

std::vector<FindingLine> MakeFindings(int n, bool masked) {
  Lcg rng;
  // Rules weighted toward R01/R08 as in practice; sorted by rule afterwards.
  std::vector<std::vector<FindingLine>> per_rule(16);
  for (int i = 0; i < n; ++i) {
    size_t r = rng.Pick(10) < 4 ? (rng.Pick(2) ? 0 : 7) : rng.Pick(16);
    const Rule& rule = kRules[r];
    const Person& p = kPeople[rng.Pick(6)];
    FindingLine f;
    f.rule_id = rule.id;
    f.rule_name = rule.name;
    f.severity = rule.severity;
    const uint32_t minute = rng.Next() % 600;
    const std::string hhmm = Pad(8 + minute / 60, 2) + ":" + Pad(minute % 60, 2);
    const std::string subject = std::string("A") + Pad(120000 + rng.Next() % 80000, 6) +
                                (masked ? "****" : Pad(rng.Next() % 10000, 4));
    if (std::string(rule.id) == "R07" || std::string(rule.id) == "R14") {
      f.account = p.account;
      f.querier = p.name;
      f.unit = p.unit;
      f.when = "115/11/25";
      f.reg_no = "115-" + std::string(p.unit).substr(0, 6) + "-" + Pad(static_cast<uint32_t>(i + 1), 4);
      f.detail = std::string(rule.id) == "R07"
                     ? "查調資料登記表編號 " + f.reg_no + " 之查調事由「辦理個案訪視需要」未載明任何法令依據，"
                           "亦未釋明業務執行與申請查詢勞保資訊之關聯性。"
                     : "查調資料登記表編號 " + f.reg_no + " 已經主管核可，惟登記期間內查無相符之查詢紀錄。";
      f.evidence.push_back("登記表 registers/form2_2026Q4.xlsx 第 " + std::to_string(12 + i % 300) + " 列");
    } else if (std::string(rule.id) == "R16") {
      f.account = p.account;
      f.querier = p.name;
      f.unit = p.unit;
      f.when = "115/08/14";
      f.detail = "帳號 " + f.account + " 於期末仍具查調權限，惟最近 90 日內無任何查詢紀錄，建議停用。";
      f.evidence.push_back("權限申請表 表單編號 F115-" + Pad(static_cast<uint32_t>(i + 1), 3));
    } else {
      f.account = p.account;
      f.querier = p.name;
      f.unit = p.unit;
      f.when = "115/11/25 " + hhmm;
      f.txn_id = "GSP115112500" + Pad(static_cast<uint32_t>(1000 + i), 4);
      f.service = kServices[rng.Pick(5)];
      f.subject_id = subject;
      f.detail = std::string("資料查詢者 ") + p.name + "（" + p.account + "）於 " + f.when + " 查調 " + subject + " 之" +
                 f.service.substr(6) + "，" + rule.name + "。";
      if (i % 7 == 0)
        f.detail += "該次查調之查調事由欄僅記載「個案需要」，未能對應任何已核可之查調資料登記表或查調資料申請表，"
                    "依管理要點第五點規定應先填列登記表並經所屬主管核可後始得查調，請權限管理者查明並通知改正。";
      f.evidence.push_back("平臺紀錄 platform/20261125.csv 第 " + std::to_string(2 + i) + " 行（交易序號 " + f.txn_id + "）");
      if (i % 3 == 0) f.evidence.push_back("登記表 registers/form2_2026Q4.xlsx 第 " + std::to_string(40 + i % 90) + " 列（日期不符）");
    }
    per_rule[r].push_back(std::move(f));
  }
  std::vector<FindingLine> out;
  for (auto& v : per_rule)
    for (auto& f : v) out.push_back(std::move(f));
  return out;
}

std::vector<RuleCount> CountsOf(const std::vector<FindingLine>& findings, bool all_rules) {
  std::vector<RuleCount> counts;
  for (const Rule& r : kRules) {
    RuleCount c{r.id, r.name, r.severity, 0};
    for (const auto& f : findings) c.count += f.rule_id == r.id;
    if (all_rules || c.count > 0) counts.push_back(c);
  }
  return counts;
}

}  // namespace

ExceptionsReport SampleExceptions(int findings) {
  ExceptionsReport r;
  r.day = DateFromCivil(2026, 11, 25);
  r.generated_at = StartOf(DateFromCivil(2026, 11, 26)) + 2 * 3600 + 5 * 60;
  r.queries_checked = 1284;
  r.rejected_rows = 3;
  r.findings = MakeFindings(findings, /*masked=*/false);
  r.counts = CountsOf(r.findings, true);
  r.skipped_checks = {"R11 疑似帳號共用：平臺紀錄未提供來源 IP 欄位，本項未檢查。"};
  r.stamp.draw = true;
  r.stamp.lines = {"簽署者：高雄市政府社會局秘書室資訊小組（示範憑證）", "簽署時間：115/11/26 02:05",
                   "用途：權限管理者核閱"};
  return r;
}

ReviewReport SampleReview(int findings) {
  ReviewReport r;
  r.quarter = "2026Q3";
  r.from = DateFromCivil(2026, 7, 1);
  r.to = DateFromCivil(2026, 9, 30);
  r.generated_at = StartOf(DateFromCivil(2026, 10, 3)) + 9 * 3600 + 30 * 60;
  r.month_labels = {"7月", "8月", "9月"};
  Lcg rng;
  long total = 0;
  for (size_t u = 0; u < 6; ++u) {
    MonthSeries m{kUnits[u], {}};
    long sum = 0;
    for (int k = 0; k < 3; ++k) {
      long v = 40 + static_cast<long>(rng.Next() % 260);
      m.per_month.push_back(v);
      sum += v;
    }
    r.per_month_unit.push_back(m);
    r.by_unit.push_back({kUnits[u], sum});
    total += sum;
  }
  r.total_queries = total;
  long left = total;
  for (size_t s = 0; s < 5; ++s) {
    long v = s == 4 ? left : total * static_cast<long>(40 - 7 * s) / 130;
    left -= v;
    r.by_service.push_back({kServices[s], v});
  }
  r.findings = MakeFindings(findings, /*masked=*/true);
  r.by_rule = CountsOf(r.findings, true);
  r.total_findings = static_cast<long>(r.findings.size());
  r.rejected_rows = 17;
  for (size_t i = 0; i < 6; ++i) {
    const Person& p = kPeople[i];
    QuerierLine q;
    q.account = p.account;
    q.name = p.name;
    q.unit = p.unit;
    q.queries = r.by_unit[i].count;
    q.registrations = q.queries - static_cast<long>(rng.Next() % 12);
    q.matched = q.registrations - static_cast<long>(rng.Next() % 5);
    for (const auto& f : r.findings) q.findings += f.account == p.account;
    r.by_querier.push_back(q);
    r.permissions.push_back({p.account, p.name, p.unit,
                             i % 2 ? "C0101、B0101、B0201、N0101" : "C0101、B0101、B0201、B0301、N0101、B0401、P0401"});
  }
  r.permissions.push_back({"ksw0703", "吳建宏", "社會救助科", "C0101"});
  for (size_t i = 0; i < 5; ++i) {
    FollowUpLine f;
    f.key = "R01|GSP11508" + Pad(static_cast<uint32_t>(1500 + i * 37), 6);
    f.rule_id = "R01";
    f.account = kPeople[i].account;
    f.detail = std::string("未登記查調，請 ") + kPeople[i].name + " 提具檢討報告";
    f.due = "115/09/" + Pad(static_cast<uint32_t>(10 + i * 4), 2);
    f.state = i < 2 ? "已收檢討報告" : (i == 4 ? "已結案" : "待改正");
    f.updated_by = "權限管理者 周怡君";
    f.overdue = i == 2 || i == 3;
    r.followups.push_back(f);
    if (f.overdue) r.overdue.push_back(f);
  }
  r.skipped_checks = {"R05、R06 離職後查調／異動未申請：本季未提供人事異動名冊，未檢查。",
                      "R08 非上班時間查調：行事曆僅涵蓋至 115/09/15，其後日期以週一至週五為上班日推定。"};
  r.stamp.draw = true;
  r.stamp.lines = {"簽署者：高雄市政府社會局秘書室資訊小組（示範憑證）", "簽署時間：115/10/03 09:30",
                   "用途：送高雄市政府勞工局備查"};
  return r;
}

}  // namespace liaudit::reports::testdata
