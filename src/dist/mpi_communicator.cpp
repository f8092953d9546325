#include "dist/mpi_communicator.h"

#include <algorithm>
#include <climits>

#include "common/error.h"
#include "dist/peer_wait.h"

namespace genre::dist {

namespace {

MPI_Datatype mpi_type(const torch::Tensor& t, const char* op) {
  if (!t.defined()) throw Error(std::string("MPI communicator: ") + op + " of an undefined tensor");
  if (!t.device().is_cpu())
    throw Error(std::string("MPI communicator: ") + op + " of a tensor on " + t.device().str() +
                "; CUDA tensors go through the NCCL communicator");
  if (!t.is_contiguous()) throw Error(std::string("MPI communicator: ") + op + " of a non-contiguous tensor");
  switch (t.scalar_type()) {
    case torch::kFloat: return MPI_FLOAT;
    case torch::kDouble: return MPI_DOUBLE;
    case torch::kLong: return MPI_INT64_T;
    default:
      throw Error(std::string("MPI communicator: ") + op + " of unsupported dtype " +
                  std::string(c10::toString(t.scalar_type())));
  }
}

// MPI counts are ints: larger tensors go in INT_MAX-element pieces.
template <class F>
void in_chunks(const torch::Tensor& t, F&& f) {
  const std::int64_t n = t.numel();
  auto* base = static_cast<char*>(t.data_ptr());
  const std::int64_t elem = static_cast<std::int64_t>(t.element_size());
  for (std::int64_t off = 0; off < n; off += INT_MAX)
    f(base + off * elem, static_cast<int>(std::min<std::int64_t>(INT_MAX, n - off)));
}

}  // namespace

MpiCommunicator::MpiCommunicator(const Comm& comm, PeerWait wait) : comm_(comm.dup()), wait_(wait) {}

// Posted non-blocking and completed under the peer timeout (peer_wait.h); the
// tensor is what MPI writes into, so it is what a given-up request keeps alive.
void MpiCommunicator::complete(MPI_Request& request, const char* op, const torch::Tensor& t) const {
  dist::complete(
      request, wait_, [&] { return describe_collective(op, t.nbytes(), comm_.size()); },
      [&] { return std::make_shared<const torch::Tensor>(t); });
}

void MpiCommunicator::allreduce_sum(const torch::Tensor& t) {
  const MPI_Datatype type = mpi_type(t, "allreduce");
  if (comm_.size() == 1) return;
  in_chunks(t, [&](void* p, int n) {
    MPI_Request request = MPI_REQUEST_NULL;
    GENRE_MPI_CHECK(MPI_Iallreduce(MPI_IN_PLACE, p, n, type, MPI_SUM, comm_.raw(), &request));
    complete(request, "allreduce", t);
  });
}

void MpiCommunicator::allreduce_mean(const torch::Tensor& t) {
  allreduce_sum(t);
  if (comm_.size() > 1) {
    if (t.is_floating_point())
      t.div_(comm_.size());
    else
      t.div_(comm_.size(), "floor");
  }
}

void MpiCommunicator::broadcast(const torch::Tensor& t, int root) {
  const MPI_Datatype type = mpi_type(t, "broadcast");
  if (comm_.size() == 1) return;
  in_chunks(t, [&](void* p, int n) {
    MPI_Request request = MPI_REQUEST_NULL;
    GENRE_MPI_CHECK(MPI_Ibcast(p, n, type, root, comm_.raw(), &request));
    complete(request, "broadcast", t);
  });
}

void MpiCommunicator::barrier() {
  if (comm_.size() == 1) return;
  MPI_Request request = MPI_REQUEST_NULL;
  GENRE_MPI_CHECK(MPI_Ibarrier(comm_.raw(), &request));
  dist::complete(
      request, wait_, [&] { return describe_collective("barrier", 0, comm_.size()); },
      [] { return std::shared_ptr<const void>(); });
}

}  // namespace genre::dist
