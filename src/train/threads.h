#pragma once
// How many cores one training or inference process computes on.
//
// torch::set_num_threads sizes LibTorch's own (OpenMP) pool, but Debian's
// LibTorch does its matrix products through the system BLAS, and OpenBLAS
// (libopenblas0-pthread, which the set-up installs) keeps a pool of its own,
// one thread per core, whose idle threads spin in sched_yield (perf: a second
// thread took 40% of the samples of a one-thread MLP epoch). Torch already
// parallelises around its BLAS calls (convolutions run a GEMM per sample
// inside its parallel loop), so a threaded BLAS only nests pools. Measured
// with PyTorch 1.13 at 2 threads on the 2-core machine, OpenBLAS at 1 thread
// against its default: MLP 37-39k vs 7-12k samples/s, CNN 1.36-1.63k vs
// 1.21-1.35k, ResNet 643-676 vs 493-518. So torch gets the threads, OpenBLAS one.
namespace genre::train {

// Sets LibTorch's intra-op threads to n (>= 1) and, when OpenBLAS is the BLAS
// loaded, its pool to one thread.
void set_compute_threads(int n);

// The default n: the node's cores shared among the ranks on it (torch's own
// default is every core for every rank).
int cores_per_rank(int ranks_on_node);

}  // namespace genre::train
