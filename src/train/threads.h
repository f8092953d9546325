#pragma once
// How many cores one training or inference process computes on.
//
// torch::set_num_threads sizes LibTorch's own (OpenMP) pool, but Debian's
// LibTorch does its matrix products through the system BLAS, and OpenBLAS
// (libopenblas0-pthread, which the set-up installs) keeps a pool of its own,
// one thread per core, whose idle threads spin in sched_yield. With torch at
// one thread per rank and P ranks per node, that is up to P x cores busy
// threads on P x 1 cores: measured on the 2-core machine, the seed CNN's
// training step ran at 1,013 samples/s with the default OpenBLAS pool and 1,886
// with the pool at one thread. So both pools are sized together, here.
namespace genre::train {

// Sets LibTorch's intra-op threads and, when OpenBLAS is the BLAS loaded, its
// threads, to n (>= 1).
void set_compute_threads(int n);

}  // namespace genre::train
