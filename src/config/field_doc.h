#pragma once
// One documented key of a config, as --help prints it (config/schema.h).
#include <string>

namespace genre::config {

struct FieldDoc {
  std::string key;   // "optim.lr"
  std::string type;  // "float", "int", "bool", "string", "int list", "float or null"
  std::string default_value;
  std::string doc;   // meaning, choices and bounds
};

}  // namespace genre::config
