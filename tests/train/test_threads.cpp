// set_compute_threads: torch gets the threads, OpenBLAS (when it is the BLAS
// loaded, as the set-up arranges) runs one.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "common/error.h"
#include "train/threads.h"

namespace genre::train {
namespace {

TEST(ComputeThreads, TorchGetsThemOpenBlasRunsOne) {
  using GetThreads = int (*)();
  auto* openblas_threads = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  set_compute_threads(2);
  EXPECT_EQ(torch::get_num_threads(), 2);
  if (!openblas_threads) GTEST_SKIP() << "the BLAS loaded is not OpenBLAS (scripts/install-deps.sh selects it)";
  EXPECT_EQ(openblas_threads(), 1);
  set_compute_threads(1);
  EXPECT_EQ(torch::get_num_threads(), 1);
  EXPECT_EQ(openblas_threads(), 1);
}

TEST(ComputeThreads, RejectsFewerThanOne) { EXPECT_THROW(set_compute_threads(0), Error); }

}  // namespace
}  // namespace genre::train
