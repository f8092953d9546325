// config::Schema on a small config of its own: one table gives reading
// (nested and dotted keys, --set), a separate validation pass, JSON/YAML
// output and the --help table; errors name the origin, line and key.
#include <gtest/gtest.h>

#include "common/error.h"
#include "config/schema.h"
#include "config/yaml_json.h"
#include "config/yaml_reader.h"
#include "support/test_support.h"

namespace genre::config {
namespace {

struct Toy {
  struct Net {
    int width = 8;
    std::vector<int> layers{4, 2};
    std::optional<double> dropout;
  } net;
  std::string name = "toy";
  std::string mode = "fast";
  double rate = 0.5;
  bool verbose = false;
};

using F = FieldsOf<Toy>;

const Schema<Toy>& toy_schema(Conventions conventions = {}) {
  static const Schema<Toy> plain(
      {
          F::text("name", "what it is called", [](Toy& t) -> std::string& { return t.name; }),
          F::choice("mode", "how it runs", [](Toy& t) -> std::string& { return t.mode; }, {"fast", "slow"}),
          F::number<double>("rate", "a rate", [](Toy& t) -> double& { return t.rate; }, 0.0, 1.0),
          F::flag("verbose", "talk more", [](Toy& t) -> bool& { return t.verbose; }),
          F::number<int>("net.width", "units", [](Toy& t) -> int& { return t.net.width; }, 1, 64),
          F::int_list("net.layers", "layer sizes", [](Toy& t) -> std::vector<int>& { return t.net.layers; }, 1, 16),
          F::optional_number("net.dropout", "dropout", [](Toy& t) -> std::optional<double>& { return t.net.dropout; }, 0.0, 0.9),
      },
      conventions);
  return plain;
}

Toy read(const std::string& yaml) {
  Toy t;
  toy_schema().read(t, read_yaml(yaml, "toy.yaml"), "toy.yaml");
  return t;
}

std::string error_of(const std::function<void()>& f) { return genre::test::error_of(f); }

TEST(Schema, DocumentsEveryKeyWithTheStructsDefault) {
  const auto& docs = toy_schema().docs();
  ASSERT_EQ(docs.size(), 7u);
  EXPECT_EQ(docs[4].key, "net.width");
  EXPECT_EQ(docs[4].type, "int");
  EXPECT_EQ(docs[4].default_value, "8");
  EXPECT_EQ(docs[4].doc, "units [1, 64]");
  EXPECT_EQ(docs[1].doc, "how it runs: fast | slow");
  EXPECT_EQ(docs[6].default_value, "null");
  EXPECT_NE(toy_schema().help().find("  net.layers                int list, default [4,2]: layer sizes (each in [1, 16])\n"),
            std::string::npos)
      << toy_schema().help();
}

TEST(Schema, ReadsNestedSectionsAndDottedKeys) {
  const Toy t = read("name: t1\nnet: {width: 32, layers: 3}\nnet.dropout: 0.25\nverbose: yes\n");
  EXPECT_EQ(t.name, "t1");
  EXPECT_EQ(t.net.width, 32);
  EXPECT_EQ(t.net.layers, std::vector<int>{3}) << "a lone number is a one-element list";
  EXPECT_EQ(t.net.dropout, 0.25);
  EXPECT_TRUE(t.verbose);
  EXPECT_EQ(t.mode, "fast") << "unwritten keys keep their defaults";
  EXPECT_EQ(read("net:\n").net.width, 8) << "a section with nothing under it sets nothing";
}

TEST(Schema, FileErrorsNameTheFileTheLineAndTheKey) {
  EXPECT_EQ(error_of([] { read("name: a\nnet:\n  width: wide\n"); }),
            "toy.yaml: line 3: net.width: expected an integer, got 'wide'");
  EXPECT_EQ(error_of([] { read("net.width: 2\nnet: {width: 3}\n"); }),
            "toy.yaml: line 2: net.width: is given twice (first at line 1, once dotted, once nested)");
  EXPECT_EQ(error_of([] { read("net: {depth: 3}\n"); }),
            "toy.yaml: line 1: net.depth: unknown key (known in net: width, layers, dropout)");
  EXPECT_EQ(error_of([] { read("colour: red\n"); }),
            "toy.yaml: line 1: colour: unknown key (known: name, mode, rate, verbose, net)");
  EXPECT_EQ(error_of([] { read("net: 3\n"); }),
            "toy.yaml: line 1: net: is a section (width, layers, dropout), got '3'");
  EXPECT_EQ(error_of([] { read("net: {layers: [1, x]}\n"); }),
            "toy.yaml: line 1: net.layers: expected a list of integers, got 'x'");
  EXPECT_EQ(error_of([] { read("- 1\n"); }), "toy.yaml: line 1: expected a mapping of keys, got a list");
  // Found by fuzz_train_config: text that is not UTF-8 threw from JSON far from the key.
  EXPECT_EQ(error_of([] { read("name: a\x81" "b\n"); }), "toy.yaml: line 1: name: is not UTF-8 text");
}

TEST(Schema, SetsKeysFromTheCommandLine) {
  Toy t;
  toy_schema().apply_override(t, "net.layers=[8, 4, 2]");
  toy_schema().apply_override(t, "net.dropout=0.1");
  EXPECT_EQ(t.net.layers, (std::vector<int>{8, 4, 2}));
  toy_schema().apply_override(t, "net.dropout=null");
  EXPECT_FALSE(t.net.dropout.has_value()) << "null gives the choice back";
  EXPECT_EQ(error_of([&] { toy_schema().apply_override(t, "rate=fast"); }), "--set rate: expected a number, got 'fast'");
  EXPECT_EQ(error_of([&] { toy_schema().apply_override(t, "net.widht=3"); }),
            "--set net.widht: unknown key (known in net: width, layers, dropout)");
  EXPECT_EQ(error_of([&] { toy_schema().apply_override(t, "rate"); }), "--set rate: expected key=value");
  EXPECT_NE(error_of([&] { toy_schema().apply_override(t, "rate=[1"); }).find("--set rate: cannot read the value as YAML"),
            std::string::npos);
}

// The validation error of a default Toy changed by `change`.
std::string problem(const std::function<void(Toy&)>& change) {
  Toy t;
  change(t);
  return error_of([&] { toy_schema().validate(t); });
}

TEST(Schema, ValidatesBoundsAndChoicesInItsOwnPass) {
  EXPECT_NO_THROW(toy_schema().validate(Toy()));
  // Reading does not check bounds: validation does, once, at the end.
  EXPECT_EQ(problem([](Toy& t) { t.rate = 2; }), "rate: 2 is out of range [0, 1]");
  EXPECT_EQ(problem([](Toy& t) { t.rate = std::nan(""); }), "rate: must be finite");
  EXPECT_EQ(problem([](Toy& t) { t.mode = "medium"; }), "mode: 'medium' is not one of fast | slow");
  EXPECT_EQ(problem([](Toy& t) { t.net.layers = {4, 0}; }), "net.layers: entry 2: 0 is out of range [1, 16]");
  EXPECT_EQ(problem([](Toy& t) { t.net.layers.clear(); }), "net.layers: needs at least one entry");
  EXPECT_EQ(problem([](Toy& t) { t.net.dropout = 0.95; }), "net.dropout: 0.95 is out of range [0, 0.9]");
}

TEST(Schema, EmitsJsonAndYamlInTableOrderThatReadBack) {
  Toy t;
  t.name = "true";  // text that would read back as a bool unquoted
  t.net.dropout = 0.3;
  const auto j = toy_schema().to_json(t);
  EXPECT_EQ(j.dump(), R"({"name":"true","mode":"fast","rate":0.5,"verbose":false,"net":{"width":8,"layers":[4,2],"dropout":0.3}})");
  const std::string y = json_to_yaml(j);
  Toy back;
  toy_schema().read(back, read_yaml(y, "emitted"), "emitted");
  EXPECT_EQ(toy_schema().to_json(back), j) << y;
  EXPECT_EQ(toy_schema().get(t, "net.width"), 8);
}

TEST(Schema, DashAndUnderscoreCanSpellOneKey) {
  static const Schema<Toy> sbatch_like({F::number<int>("net.width", "units", [](Toy& t) -> int& { return t.net.width; }, 1, 64)},
                                       Conventions{true});
  Toy t;
  sbatch_like.read(t, read_yaml("net: {width: 5}\n", "x"), "x");
  EXPECT_EQ(t.net.width, 5);
  static const Schema<Toy> dashed({F::number<int>("ntasks-per-node", "ranks", [](Toy& t) -> int& { return t.net.width; }, 1, 64)},
                                  Conventions{true});
  dashed.read(t, read_yaml("ntasks_per_node: 7\n", "x"), "x");
  EXPECT_EQ(t.net.width, 7);
  EXPECT_NE(error_of([&] { dashed.read(t, read_yaml("ntasks_per_node: 7\nntasks-per-node: 8\n", "x"), "x"); })
                .find("x: line 2: ntasks-per-node: is given twice (first as ntasks_per_node at line 1; - and _ spell"),
            std::string::npos);
}

// Keys that may be left out (the job spec's kind): absent or null is "not
// given", and the checks of fields.h-style run in validate().
struct Optional {
  std::optional<long> count;
  std::optional<bool> on;
  std::optional<std::string> word;
  std::optional<std::vector<std::string>> words;
  std::optional<std::vector<std::pair<std::string, std::string>>> pairs;
  YAML::Node part{YAML::NodeType::Undefined};
};

using G = FieldsOf<Optional>;

void no_spaces(const std::string& key, const std::string& v) {
  if (v.find(' ') != std::string::npos) throw UsageError(key + ": '" + v + "' has a space");
}

const Schema<Optional>& optional_schema() {
  static const Schema<Optional> schema({
      G::maybe_integer("count", "how many", [](Optional& o) -> std::optional<long>& { return o.count; }, 1, 9),
      G::maybe_flag("on", "switch", [](Optional& o) -> std::optional<bool>& { return o.on; }),
      G::maybe_text("word", "a word", [](Optional& o) -> std::optional<std::string>& { return o.word; }, no_spaces),
      G::maybe_texts("words", "words", [](Optional& o) -> std::optional<std::vector<std::string>>& { return o.words; }, no_spaces),
      G::maybe_pairs("pairs", "names", [](Optional& o) -> std::optional<G::Pairs>& { return o.pairs; }, no_spaces),
      G::yaml("part", "its own reader's", [](Optional& o) -> YAML::Node& { return o.part; }),
  });
  return schema;
}

Optional read_optional(const std::string& yaml) {
  Optional o;
  optional_schema().read(o, read_yaml(yaml, "o.yaml"), "o.yaml");
  optional_schema().validate(o);
  return o;
}

TEST(Schema, KeysThatMayBeLeftOut) {
  const Optional none = read_optional("count:\nword: ~\n");
  EXPECT_FALSE(none.count || none.on || none.word || none.words || none.pairs || none.part);
  const Optional all = read_optional("count: 3\non: off\nword: w\nwords: one\npairs: {B: 2, A: 1}\npart: {x: [1]}\n");
  EXPECT_EQ(all.count, 3);
  EXPECT_EQ(all.on, false);
  EXPECT_EQ(all.words, std::vector<std::string>{"one"}) << "a lone value is a one-entry list";
  ASSERT_TRUE(all.pairs);
  EXPECT_EQ((*all.pairs)[0], (std::pair<std::string, std::string>{"B", "2"})) << "in the order written";
  EXPECT_EQ(all.part["x"][0].Scalar(), "1");
  EXPECT_EQ(error_of([] { read_optional("count: 10\n"); }), "count: 10 is out of range [1, 9]");
  EXPECT_EQ(error_of([] { read_optional("words: [a, 'b c']\n"); }), "words[1]: 'b c' has a space");
  EXPECT_EQ(error_of([] { read_optional("pairs: {'a b': 1}\n"); }), "pairs.a b: 'a b' has a space");
  EXPECT_EQ(error_of([] { read_optional("words: [a, [b]]\n"); }),
            "o.yaml: line 1: words: entry 1: expected a single value, got a list");
  EXPECT_EQ(error_of([] { read_optional("on: maybe\n"); }), "o.yaml: line 1: on: expected true or false, got 'maybe'");
}

}  // namespace
}  // namespace genre::config
