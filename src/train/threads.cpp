#include "train/threads.h"

#include <dlfcn.h>

#include <algorithm>
#include <thread>

#include <torch/torch.h>

#include "common/error.h"

namespace genre::train {

void set_compute_threads(int n) {
  if (n < 1) throw Error("compute threads must be at least 1, got " + std::to_string(n));
  torch::set_num_threads(n);
  // Looked up at run time: the BLAS behind libblas.so.3 is the system's
  // choice (Debian's alternatives), and only OpenBLAS has this pool.
  using SetThreads = void (*)(int);
  if (auto* set_openblas = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
    set_openblas(1);
}

int cores_per_rank(int ranks_on_node) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, cores / std::max(1, ranks_on_node));
}

}  // namespace genre::train
