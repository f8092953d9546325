#pragma once
// Transfer learning's first step: weights from a file go into the layers of a
// net that have them under the same names and shapes; the rest of the net
// keeps its initial values (a new head, say). The file is LibTorch's archive
// as train::save_weights writes it (a checkpoint.pt of any genre model) or as
// scripts/convert_torchvision_mobilenet.py writes it from torchvision's
// ImageNet weights.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "model/net.h"

namespace genre::model {

struct LoadReport {
  std::filesystem::path file;
  std::vector<std::string> loaded;   // tensors (parameters and buffers, dotted names) copied from the file
  std::vector<std::string> missing;  // the net's tensors the file lacks: they keep their values
  std::vector<std::string> unused;   // the file's tensors the net lacks
  std::int64_t loaded_values = 0;    // numbers copied
  // One line for the log: counts, and the layers (not each tensor) left
  // initial or unused.
  std::string summary() const;
};

// Throws Error naming the file and the first layer, in the net's order, whose
// tensor is in the file with another shape (nothing is copied then), and
// when no tensor of the file matches the net at all.
LoadReport load_matching(Net& net, const std::filesystem::path& file);

}  // namespace genre::model
