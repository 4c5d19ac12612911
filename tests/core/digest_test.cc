#include "core/digest.h"

#include <gtest/gtest.h>

#include <string>

namespace liaudit {
namespace {

// FIPS 180-2 test vectors.
TEST(Digest, Sha256KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256Stream s;
  const std::string part = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  s.Update(part.data(), 10);
  s.Update(part.data() + 10, part.size() - 10);
  EXPECT_EQ(s.FinishHex(), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(LowerHex(Sha256Of("abc")), Sha256Hex("abc"));
}

TEST(Digest, HexRoundTripAndRefusals) {
  const unsigned char bytes[] = {0x00, 0xAB, 0x0f, 0xF0};
  EXPECT_EQ(LowerHex(bytes, sizeof bytes), "00ab0ff0");
  Sha256Digest d = Sha256Of("x"), back{};
  EXPECT_TRUE(Sha256FromHex(LowerHex(d), &back));
  EXPECT_EQ(back, d);
  std::string upper = LowerHex(d);
  for (char& c : upper) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(Sha256FromHex(upper, &back));
  EXPECT_EQ(back, d);
  Sha256Digest untouched = Sha256Of("y");
  back = untouched;
  EXPECT_FALSE(Sha256FromHex(LowerHex(d).substr(1), &back));           // too short
  EXPECT_FALSE(Sha256FromHex(std::string(63, 'a') + "g", &back));      // not hex
  EXPECT_EQ(back, untouched);
}

}  // namespace
}  // namespace liaudit
