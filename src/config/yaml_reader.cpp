#include "config/yaml_reader.h"

#include <yaml-cpp/eventhandler.h>

#include <map>
#include <sstream>
#include <vector>

#include "common/error.h"
#include "common/file_io.h"

namespace genre::config {

namespace {

// Walks the parser's events with a stack of the open mappings and lists,
// which is all it takes to know each node's key path and depth, whether an
// event is a key or a value, and which keys a mapping has had.
class Checker : public YAML::EventHandler {
 public:
  explicit Checker(std::string origin) : origin_(std::move(origin)) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > 1) fail(mark, "", "holds a second YAML document (a config is one document: remove the '---')");
  }
  // A list or mapping as a key is reported only once the document parsed:
  // an unclosed flow list ("[1, 2") reads as one, and its syntax error,
  // thrown before this, is the better message.
  void OnDocumentEnd() override {
    if (!pending_.empty()) throw UsageError(pending_);
  }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { node(mark, anchor, Kind::kNull, ""); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { refuse_alias(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string& value) override {
    node(mark, anchor, Kind::kScalar, value);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    node(mark, anchor, Kind::kSequence, "");
  }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    node(mark, anchor, Kind::kMap, "");
  }
  void OnSequenceEnd() override { close(); }
  void OnMapEnd() override { close(); }
  void OnAnchor(const YAML::Mark& mark, const std::string&) override { refuse_alias(mark); }

 private:
  enum class Kind { kNull, kScalar, kSequence, kMap };

  struct Open {
    bool map = false;
    bool at_key = true;               // a mapping's next event is a key
    bool is_key = false;              // this list or mapping is itself a key
    std::string key;                  // the mapping's current key, or the list's "[i]"
    std::size_t items = 0;            // entries of a list so far
    std::map<std::string, int> keys;  // a mapping's keys so far, with their lines
  };

  void node(const YAML::Mark& mark, YAML::anchor_t anchor, Kind kind, const std::string& value) {
    if (anchor != YAML::NullAnchor) refuse_alias(mark);
    const bool is_key = !open_.empty() && open_.back().map && open_.back().at_key;
    if (is_key && kind != Kind::kSequence && kind != Kind::kMap) {
      key(mark, kind, value);
      return;
    }
    if (is_key && pending_.empty()) pending_ = message(mark, path(), "has a list or mapping as a key (keys are plain names)");
    if (!open_.empty() && !open_.back().map) open_.back().key = "[" + std::to_string(open_.back().items++) + "]";
    if (kind == Kind::kSequence || kind == Kind::kMap) {
      if (static_cast<int>(open_.size()) >= kMaxDepth)
        fail(mark, path(), "nests deeper than " + std::to_string(kMaxDepth) + " mappings and lists");
      Open level;
      level.map = kind == Kind::kMap;
      level.is_key = is_key;
      open_.push_back(level);
      return;
    }
    value_done();
  }

  void key(const YAML::Mark& mark, Kind kind, const std::string& value) {
    Open& map = open_.back();
    if (kind == Kind::kNull) fail(mark, path(), "has an empty key");
    map.key = value;
    map.at_key = false;
    const auto [first, fresh] = map.keys.emplace(value, mark.line);
    if (!fresh)
      fail(mark, path(), "is given twice (first" + (first->second >= 0 ? " at line " + std::to_string(first->second + 1) : "") +
                             "; a key may appear once in a mapping)");
  }

  void close() {
    const bool was_key = open_.back().is_key;
    open_.pop_back();
    if (was_key)
      open_.back().at_key = false;  // its value comes next
    else
      value_done();
  }

  // A value of the innermost mapping is complete: its next event is a key.
  void value_done() {
    if (!open_.empty() && open_.back().map) open_.back().at_key = true;
  }

  std::string path() const {
    std::string out;
    for (const auto& o : open_) {
      if (o.map && o.at_key && &o == &open_.back()) break;  // no key yet at this level
      if (o.key.empty()) continue;
      out += (o.map && !out.empty() ? "." : "") + o.key;
    }
    // One line even for a path 64 levels deep.
    constexpr std::size_t kShown = 120;
    return out.size() > kShown ? out.substr(0, kShown) + "..." : out;
  }

  void refuse_alias(const YAML::Mark& mark) {
    fail(mark, path(), "uses an anchor or alias (&name, *name); genre's configs do not accept them: write the value out");
  }

  std::string message(const YAML::Mark& mark, const std::string& key, const std::string& why) const {
    return (origin_.empty() ? "" : origin_ + ": ") + line_of(mark) + (key.empty() ? "the text " : key + ": ") + why;
  }
  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& key, const std::string& why) const {
    throw UsageError(message(mark, key, why));
  }

  std::string origin_;
  std::vector<Open> open_;
  int documents_ = 0;
  std::string pending_;  // the first list or mapping used as a key
};

}  // namespace

std::string line_of(const YAML::Mark& mark) {
  return mark.is_null() || mark.line < 0 ? "" : "line " + std::to_string(mark.line + 1) + ": ";
}

YAML::Node read_yaml(const std::string& text, const std::string& origin) {
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    Checker checker(origin);
    while (parser.HandleNextDocument(checker)) {
    }
    // Checked: no alias, so the nodes are a tree as large as the text.
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw UsageError((origin.empty() ? "" : origin + ": ") + line_of(e.mark) + "YAML syntax error: " + e.msg);
  }
}

YAML::Node read_yaml_file(const std::filesystem::path& file) {
  std::string text;
  try {
    text = read_file(file);
  } catch (const Error& e) {
    throw UsageError(e.what());
  }
  return read_yaml(text, file.string());
}

}  // namespace genre::config
