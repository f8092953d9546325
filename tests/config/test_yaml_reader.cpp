// The safe YAML reader: what yaml-cpp would accept but a config must not
// (aliases, repeated keys, non-scalar keys, deep nesting, a second document)
// is refused with one line naming the origin, the line and the key.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>

#include "common/error.h"
#include "config/alias_bomb.h"
#include "config/yaml_reader.h"
#include "support/test_support.h"

namespace genre::config {
namespace {

std::string error_of(const std::string& yaml) {
  return genre::test::error_of([&] { read_yaml(yaml, "f.yaml"); });
}

long max_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

TEST(YamlReader, ReadsAPlainDocument) {
  const YAML::Node n = read_yaml("a: 1\nb: {c: [1, 2, {d: x}]}\n", "f.yaml");
  ASSERT_TRUE(n.IsMap());
  EXPECT_EQ(n["b"]["c"][2]["d"].Scalar(), "x");
  EXPECT_TRUE(read_yaml("", "f.yaml").IsNull());
  EXPECT_TRUE(read_yaml("# only a comment\n", "f.yaml").IsNull());
}

TEST(YamlReader, RefusesTheAliasBombAtOnceAndSmall) {
  const std::string bomb = test::alias_bomb();
  ASSERT_LT(bomb.size(), 600u);
  const long rss_before = max_rss_kb();
  const auto start = std::chrono::steady_clock::now();
  const std::string e = error_of(bomb);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(e, "f.yaml: line 1: a: uses an anchor or alias (&name, *name); genre's configs do not accept them: "
               "write the value out");
  EXPECT_LT(seconds, 0.5);
  EXPECT_LT(max_rss_kb() - rss_before, 16 * 1024) << "kB grown while refusing 533 bytes";
}

TEST(YamlReader, RefusesEveryAliasAndAnchor) {
  EXPECT_NE(error_of("a: 1\nb: &x [1]\n").find("line 2: b: uses an anchor"), std::string::npos);
  EXPECT_NE(error_of("base: &b {x: 1}\nother:\n  <<: *b\n").find("line 1: base: uses an anchor"), std::string::npos);
  EXPECT_NE(error_of("- &a x\n").find("line 1: the text uses an anchor"), std::string::npos);
}

TEST(YamlReader, RefusesAKeyGivenTwiceNamingBothLines) {
  EXPECT_EQ(error_of("a: 1\nb:\n  c: 2\n  c: 3\n"),
            "f.yaml: line 4: b.c: is given twice (first at line 3; a key may appear once in a mapping)");
  EXPECT_NE(error_of("x:\n  - a: 1\n    a: 2\n").find("line 3: x[0].a: is given twice (first at line 2"), std::string::npos);
  EXPECT_NE(error_of("{a: 1, a: 1}").find("a: is given twice"), std::string::npos) << "also in flow style";
  EXPECT_NE(error_of("a: 1\n\"a\": 2\n").find("line 2: a: is given twice"), std::string::npos) << "quoted or not";
  EXPECT_NO_THROW(read_yaml("a: {x: 1}\nb: {x: 1}\n", "f.yaml")) << "the same key in two mappings is fine";
}

TEST(YamlReader, RefusesKeysThatAreNotNames) {
  EXPECT_NE(error_of("? [a, b]\n: 1\n").find("line 1: the text has a list or mapping as a key"), std::string::npos);
  EXPECT_NE(error_of("a:\n  {x: 1}: 2\n").find("line 2: a: has a list or mapping as a key"), std::string::npos);
  EXPECT_NE(error_of(": 1\n").find("has an empty key"), std::string::npos);
}

std::string nested_lists(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(YamlReader, RefusesNestingDeeperThanTheLimit) {
  EXPECT_NO_THROW(read_yaml(nested_lists(kMaxDepth), "f.yaml"));
  const std::string e = error_of(nested_lists(kMaxDepth + 1));
  EXPECT_NE(e.find("f.yaml: line 1: [0][0]"), std::string::npos) << e;
  EXPECT_NE(e.find(": nests deeper than 64 mappings and lists"), std::string::npos) << e;
  EXPECT_LT(e.size(), 250u) << "one short line, however deep";
  std::string maps = "a:";
  for (int i = 0; i < 100; ++i) maps += " {k:";
  EXPECT_NE(error_of(maps + " 1" + std::string(100, '}')).find("line 1: a.k.k.k"), std::string::npos);
  // Far deeper than yaml-cpp's own limit (2000), still the same line.
  EXPECT_NE(error_of(nested_lists(100000)).find("nests deeper than 64"), std::string::npos);
}

TEST(YamlReader, RefusesASecondDocument) {
  EXPECT_NE(error_of("a: 1\n---\nb: 2\n").find("f.yaml: line 2: the text holds a second YAML document"), std::string::npos);
}

TEST(YamlReader, SyntaxErrorsNameTheLine) {
  EXPECT_EQ(error_of("method: [grid\n"), "f.yaml: line 2: YAML syntax error: end of sequence flow not found");
  EXPECT_EQ(genre::test::error_of([] { read_yaml("[1, 2", ""); }), "line 1: YAML syntax error: end of sequence flow not found");
}

TEST(YamlReader, ANullMarkHasNoLine) {
  EXPECT_EQ(line_of(YAML::Mark::null_mark()), "");
  YAML::Mark m;
  m.line = 4;
  EXPECT_EQ(line_of(m), "line 5: ");
}

TEST(YamlReader, ReadsAFileAndNamesItWhenItCannot) {
  genre::test::TempDir dir;
  genre::test::write_file(dir / "c.yaml", "a: 1\na: 2\n");
  EXPECT_NE(genre::test::error_of([&] { read_yaml_file(dir / "c.yaml"); }).find("c.yaml: line 2: a: is given twice"),
            std::string::npos);
  const std::string missing = genre::test::error_of([&] { read_yaml_file(dir / "none.yaml"); });
  EXPECT_NE(missing.find("none.yaml: cannot read: No such file"), std::string::npos) << missing;
}

}  // namespace
}  // namespace genre::config
