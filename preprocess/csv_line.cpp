#include "preprocess/csv_line.h"

namespace genre::preprocess {

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (quoted) {
      if (ch == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (ch == '"') {
        quoted = false;
      } else {
        cell += ch;
      }
    } else if (ch == '"') {
      quoted = true;
    } else if (ch == ',') {
      cells.push_back(cell);
      cell.clear();
    } else if (ch != '\r') {
      cell += ch;
    }
  }
  cells.push_back(cell);
  return cells;
}

std::vector<std::string> split_csv_header(std::string line) {
  static const std::string kBom = "\xEF\xBB\xBF";
  if (line.compare(0, kBom.size(), kBom) == 0) line.erase(0, kBom.size());
  return split_csv_line(line);
}

}  // namespace genre::preprocess
