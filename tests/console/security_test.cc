// The console's security pieces, on the real libraries (libargon2, OpenSSL's RNG, the file system).
#include "console/security.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

namespace liaudit::console {
namespace {

namespace fs = std::filesystem;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(Password, Argon2idHashVerifiesOnlyItsOwnPassword) {
  std::string h1, h2;
  ASSERT_TRUE(HashPassword("correct horse battery", &h1).ok());
  ASSERT_TRUE(HashPassword("correct horse battery", &h2).ok());
  EXPECT_EQ(h1.rfind("$argon2id$v=19$m=65536,t=3,p=1$", 0), 0u) << h1;
  EXPECT_NE(h1, h2);  // a fresh salt each time
  EXPECT_TRUE(VerifyPassword("correct horse battery", h1));
  EXPECT_TRUE(VerifyPassword("correct horse battery", h2));
  EXPECT_FALSE(VerifyPassword("correct horse batterY", h1));
  EXPECT_FALSE(VerifyPassword("", h1));
  EXPECT_FALSE(VerifyPassword("correct horse battery", ""));
  EXPECT_FALSE(VerifyPassword("correct horse battery", "$argon2i$" + h1.substr(10)));  // only Argon2id
  EXPECT_FALSE(VerifyPassword("correct horse battery", "plain text"));
}

TEST(Password, AtLeastTwelveCharactersCountedAsCodePoints) {
  EXPECT_FALSE(CheckPasswordRules("").ok());
  EXPECT_FALSE(CheckPasswordRules("elevenchars").ok());
  EXPECT_TRUE(CheckPasswordRules("twelve chars").ok());
  EXPECT_FALSE(CheckPasswordRules("社會局勞工保險查詢稽核").ok());  // 11 characters, 33 bytes
  EXPECT_TRUE(CheckPasswordRules("社會局勞工保險查詢稽核員").ok());
}

TEST(Tokens, RandomHexIs256BitsAndDiffers) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string t = RandomHex(32);
    ASSERT_EQ(t.size(), 64u);
    EXPECT_EQ(t.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_TRUE(seen.insert(t).second);
  }
}

TEST(Sessions, IdsAndCsrfTokensAre256BitAndExpireWhenIdle) {
  SessionTable table(minutes(30));
  const Clock::time_point t0 = Clock::now();
  Session a = table.Create("mgr", "manager", t0);
  Session b = table.Create("mgr", "manager", t0);
  EXPECT_EQ(a.id.size(), 64u);
  EXPECT_EQ(a.csrf.size(), 64u);
  EXPECT_NE(a.id, b.id);
  EXPECT_NE(a.id, a.csrf);
  EXPECT_NE(a.csrf, b.csrf);
  // Used within the idle time: alive, and each use restarts the clock.
  ASSERT_TRUE(table.Touch(a.id, t0 + minutes(29)));
  ASSERT_TRUE(table.Touch(a.id, t0 + minutes(58)));
  EXPECT_EQ(table.Touch(a.id, t0 + minutes(58))->user, "mgr");
  // b was not used for more than 30 minutes: gone, and stays gone.
  EXPECT_FALSE(table.Touch(b.id, t0 + minutes(31)));
  EXPECT_FALSE(table.Touch(b.id, t0));
  // Forged ids: wrong length, right length but unknown, a CSRF token used as an id.
  EXPECT_FALSE(table.Touch("", t0));
  EXPECT_FALSE(table.Touch(a.id.substr(0, 63), t0));
  EXPECT_FALSE(table.Touch(std::string(64, '0'), t0));
  EXPECT_FALSE(table.Touch(a.csrf, t0));
  table.Remove(a.id);
  EXPECT_FALSE(table.Touch(a.id, t0 + minutes(58)));
  Session c = table.Create("x", "admin", t0);
  Session d = table.Create("x", "admin", t0);
  table.RemoveUser("x");
  EXPECT_FALSE(table.Touch(c.id, t0));
  EXPECT_FALSE(table.Touch(d.id, t0));
}

TEST(Throttle, LocksANameAfterRepeatedFailuresThenLetsItTryAgain) {
  LoginThrottle t(5, minutes(15), minutes(15));
  const Clock::time_point t0 = Clock::now();
  for (int i = 0; i < 4; ++i) {
    EXPECT_FALSE(t.Locked("mgr", "127.0.0.1", t0));
    t.Failed("mgr", "127.0.0.1", t0);
  }
  EXPECT_FALSE(t.Locked("mgr", "127.0.0.2", t0));
  t.Failed("mgr", "127.0.0.1", t0);                       // the fifth
  EXPECT_TRUE(t.Locked("mgr", "127.0.0.2", t0));          // the name, from anywhere
  EXPECT_TRUE(t.Locked("mgr", "127.0.0.2", t0 + minutes(14)));
  EXPECT_FALSE(t.Locked("other", "127.0.0.2", t0));       // another name from another client
  EXPECT_FALSE(t.Locked("mgr", "127.0.0.2", t0 + minutes(16)));
  // A name that does not exist is locked the same way (no enumeration through the lockout).
  for (int i = 0; i < 5; ++i) t.Failed("nobody", "127.0.0.3", t0);
  EXPECT_TRUE(t.Locked("nobody", "127.0.0.4", t0));
}

TEST(Throttle, LocksAClientThatTriesManyNames) {
  LoginThrottle t(5, minutes(15), minutes(15));
  const Clock::time_point t0 = Clock::now();
  for (int i = 0; i < 10; ++i) t.Failed("name" + std::to_string(i), "10.0.0.9", t0);
  EXPECT_TRUE(t.Locked("fresh-name", "10.0.0.9", t0));
  EXPECT_FALSE(t.Locked("fresh-name", "10.0.0.8", t0));
}

TEST(Throttle, FailuresOutsideTheWindowDoNotAddUp) {
  LoginThrottle t(3, minutes(1), minutes(15));
  const Clock::time_point t0 = Clock::now();
  t.Failed("mgr", "a", t0);
  t.Failed("mgr", "a", t0 + seconds(30));
  t.Failed("mgr", "a", t0 + minutes(2));  // the window restarted
  EXPECT_FALSE(t.Locked("mgr", "b", t0 + minutes(2)));
}

TEST(Roles, Matrix) {
  struct Row {
    const char* role;
    bool read, followup, audit, log, users;
  };
  const Row rows[] = {
      {"manager", true, true, true, false, false},
      {"auditor", true, false, true, false, false},
      {"ethics", true, false, false, true, false},
      {"admin", true, false, false, true, true},
      {"", false, false, false, false, false},
      {"Admin", false, false, false, false, false},
      {"root", false, false, false, false, false},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.role);
    EXPECT_EQ(IsRole(r.role), r.read);
    EXPECT_EQ(RoleAllows(r.role, Action::kRead), r.read);
    EXPECT_EQ(RoleAllows(r.role, Action::kChangeFollowUp), r.followup);
    EXPECT_EQ(RoleAllows(r.role, Action::kRunAudit), r.audit);
    EXPECT_EQ(RoleAllows(r.role, Action::kReadAccessLog), r.log);
    EXPECT_EQ(RoleAllows(r.role, Action::kManageUsers), r.users);
  }
}

TEST(Escape, MarkupFromInputFilesStaysText) {
  EXPECT_EQ(HtmlEscape("<script>alert('x')</script>"), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
  EXPECT_EQ(HtmlEscape("a\" onmouseover=\"x"), "a&quot; onmouseover=&quot;x");
  EXPECT_EQ(HtmlEscape("&lt;"), "&amp;lt;");
  EXPECT_EQ(HtmlEscape("社會局 王小明"), "社會局 王小明");
  EXPECT_EQ(HtmlEscape(""), "");
}

class SafePath : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "liaudit_console_test_XXXXXX").string();
    base_ = mkdtemp(tmpl.data());
    root_ = base_ / "output";
    fs::create_directories(root_ / "nightly" / "2026-09-30");
    std::ofstream(root_ / "nightly" / "2026-09-30" / "report.pdf") << "%PDF-1.7";
    std::ofstream(base_ / "secret.txt") << "outside";
    fs::create_symlink(base_ / "secret.txt", root_ / "nightly" / "link-out.pdf");
    fs::create_symlink(root_ / "nightly" / "2026-09-30" / "report.pdf", root_ / "nightly" / "link-in.pdf");
    fs::create_directory_symlink(base_, root_ / "up");
  }
  void TearDown() override { fs::remove_all(base_); }
  Status Resolve(const std::string& rel, std::string* out) { return SafePathInside(root_.string(), rel, out); }
  fs::path base_, root_;
};

TEST_F(SafePath, FileInsideIsFound) {
  std::string real;
  ASSERT_TRUE(Resolve("nightly/2026-09-30/report.pdf", &real).ok());
  EXPECT_EQ(real, fs::canonical(root_ / "nightly/2026-09-30/report.pdf").string());
  ASSERT_TRUE(Resolve("nightly/./2026-09-30/report.pdf", &real).ok());
  ASSERT_TRUE(Resolve("nightly/link-in.pdf", &real).ok());  // a symlink that stays inside
}

TEST_F(SafePath, RefusesEverythingThatLeadsOut) {
  const char* bad[] = {
      "",                                   // nothing named
      "../secret.txt",                      // ..
      "nightly/../../secret.txt",           // .. further in
      "nightly/2026-09-30/../report.pdf",   // .. even when it would land inside
      "/etc/passwd",                        // absolute
      "nightly/link-out.pdf",               // a symlink out
      "up/secret.txt",                      // a folder symlink out
      "nightly",                            // a folder, not a file
      "nightly/missing.pdf",                // no such file
  };
  for (const char* rel : bad) {
    SCOPED_TRACE(rel);
    std::string real = "unchanged";
    EXPECT_FALSE(Resolve(rel, &real).ok());
    EXPECT_EQ(real, "unchanged");
  }
  std::string real;
  EXPECT_FALSE(Resolve(std::string("nightly/2026-09-30/report.pdf\0x", 30), &real).ok());  // an embedded NUL
}

TEST_F(SafePath, ARootThatIsAPrefixOfASiblingIsNoWayOut) {
  fs::create_directories(base_ / "output2");
  std::ofstream(base_ / "output2" / "x.pdf") << "x";
  fs::create_symlink(base_ / "output2" / "x.pdf", root_ / "sibling.pdf");
  std::string real;
  EXPECT_FALSE(Resolve("sibling.pdf", &real).ok());
}

}  // namespace
}  // namespace liaudit::console
