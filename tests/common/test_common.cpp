#include <gtest/gtest.h>

#include <cstdio>

#include "common/error.h"
#include "common/hash.h"
#include "common/progress.h"

using namespace genre;

TEST(Error, DescribeFlattensTheCauseChain) {
  try {
    try {
      try {
        throw Error("bad header");
      } catch (...) {
        rethrow_with_context("reading blues.00001.wav");
      }
    } catch (...) {
      rethrow_with_context("rank 1");
    }
  } catch (const Error& e) {
    EXPECT_EQ(describe(e), "rank 1: reading blues.00001.wav: bad header");
  }
}

TEST(Error, DescribeIsOneLine) {
  try {
    throw UsageError("gpus-per-node: '1\n#SBATCH --x' is not a whole number\t\x01");
  } catch (const UsageError& e) {
    EXPECT_EQ(describe(e), "gpus-per-node: '1\\n#SBATCH --x' is not a whole number\\t\\x1");
  }
}

TEST(Hash, DependsOnEveryByte) {
  std::string a(100000, 'a');
  std::string b = a;
  b[54321] = 'b';
  EXPECT_NE(content_hash(a), content_hash(b));
  EXPECT_EQ(content_hash(a), content_hash(std::string(100000, 'a')));
}

TEST(Progress, PrintsRateAndEtaToAFile) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    Progress p("work", 10, "files", true, 0.0, f);
    p.update(5);
    p.finish(10);
  }
  std::rewind(f);
  char buf[512] = {0};
  const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  const std::string out(buf, n);
  EXPECT_NE(out.find("work: 5/10 files (50%)"), std::string::npos) << out;
  EXPECT_NE(out.find("work: 10/10 files (100%)"), std::string::npos) << out;
  EXPECT_NE(out.find("ETA"), std::string::npos);
  EXPECT_EQ(out.find('\r'), std::string::npos) << "no carriage returns in a log file";
}

TEST(Progress, DisabledPrintsNothing) {
  std::FILE* f = std::tmpfile();
  Progress p("work", 10, "files", false, 0.0, f);
  p.update(5);
  p.finish(10);
  EXPECT_EQ(std::ftell(f), 0);
  std::fclose(f);
}
