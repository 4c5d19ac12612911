#include "sign/sign.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace liaudit::sign {
namespace {
using namespace testing;  // NOLINT

TEST(SignSmoke, PdfsigSaysValid) {
  std::string dir = MakeTempDir();
  ASSERT_TRUE(MakeP12(dir + "/s.p12", "pw", CertSpec{}));
  ASSERT_TRUE(MakePdf(dir + "/a.pdf", 2));
  setenv("LIAUDIT_P12_PASSWORD", "pw", 1);
  SignerConfig c;
  c.pkcs12_path = dir + "/s.p12";
  std::unique_ptr<Signer> s;
  Status st = Signer::Load(c, &s);
  ASSERT_TRUE(st.ok()) << st.ToString();
  SignRequest r;
  r.reason = "勞保查詢系統使用紀錄檢查結果";
  st = SignPdfFile(*s, dir + "/a.pdf", r);
  ASSERT_TRUE(st.ok()) << st.ToString();
  std::cout << RunCapture("pdfsig " + dir + "/a.pdf; qpdf --check " + dir + "/a.pdf | tail -3");
}

}  // namespace
}  // namespace liaudit::sign
