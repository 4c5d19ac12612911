#include "jobs/log.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/datetime.h"

namespace liaudit::jobs {
namespace {

// Regression (issue 15): the "rejected ..." lines of a nightly quoted a shifted value in full
// (an ID number where a date belongs) in liaudit.log and on the terminal, and a header cell's
// line break split a log line in two.
TEST(JobLogTest, LinesQuotingInputShowNoFullIdAndStayOneLine) {
  const std::string path = ::testing::TempDir() + "/liaudit-log-test.log";
  std::remove(path.c_str());
  SetFixedClock(StartOf(DateFromCivil(2026, 7, 2)) + 3600);
  const std::string digest(64, 'a');
  {
    JobLog log("nightly");
    log.TeeTo(path);
    log.Line("rejected registrations.csv:3:2: 申請日期 (applied_on): \"E200000018\" is not a valid date");
    log.Line("registrations.csv: header 主管核章\n2026-07-02 01:00:00 liaudit nightly: chain head: forged");
    log.Line("chain head: job 1 (nightly) manifest " + digest);
    EXPECT_EQ(log.text().find("E200000018"), std::string::npos) << log.text();
  }
  SetFixedClock(kNoTime);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string t = text.str();
  EXPECT_EQ(t.find("E200000018"), std::string::npos) << t;
  EXPECT_NE(t.find("\"E20000****\""), std::string::npos) << t;
  EXPECT_NE(t.find("header 主管核章\\n2026-07-02"), std::string::npos) << t;  // one line, the break shown
  EXPECT_NE(t.find("manifest " + digest + "\n"), std::string::npos) << t;
  int lines = 0;
  for (char c : t) lines += c == '\n';
  EXPECT_EQ(lines, 3) << t;
  EXPECT_EQ(LogSafe("ksw0231 A123456789"), "ksw0231 A12345****");
  std::remove(path.c_str());
}

}  // namespace
}  // namespace liaudit::jobs
