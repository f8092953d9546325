#pragma once
// One line of a plain CSV file: the --list collection file and the feature
// CSVs read it the same way.
#include <string>
#include <vector>

namespace genre::preprocess {

// Cells split at commas; a cell may be double-quoted (then it may hold commas,
// and "" is one quote). No embedded newlines; carriage returns are dropped.
std::vector<std::string> split_csv_line(const std::string& line);

// The first line: as split_csv_line, without the UTF-8 byte order mark that
// spreadsheet programs put before it (it would be part of the first column's
// name, an "unknown column" that looks like a known one).
std::vector<std::string> split_csv_header(std::string line);

}  // namespace genre::preprocess
