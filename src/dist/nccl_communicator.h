#pragma once
// The NCCL backend of Communicator (CUDA tensors). Compiled only when LibTorch
// has CUDA and NCCL is found (cmake/GenreTorch.cmake); only the factory in
// communicator.cpp calls it, so no NCCL or CUDA type appears in this header.
#include <memory>

#include "dist/communicator.h"

namespace genre::dist {

// One GPU per rank: `device` (cuda:i) is made current for this rank. NCCL's
// unique id is created on rank 0 and broadcast over comm. Every collective is
// completed under `wait`; on a timeout the NCCL communicator is aborted.
std::unique_ptr<Communicator> make_nccl_communicator(const Comm& comm, const torch::Device& device, PeerWait wait);

}  // namespace genre::dist
