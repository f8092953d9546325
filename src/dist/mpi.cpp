#include "dist/mpi.h"

#include <cstdlib>

#include "common/error.h"

namespace genre::dist {

void throw_mpi_error(int code, const char* expr, const char* file, int line) {
  char msg[MPI_MAX_ERROR_STRING] = {0};
  int len = 0;
  MPI_Error_string(code, msg, &len);
  int rank = -1, initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (initialized && !finalized) MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  throw Error("MPI error on rank " + std::to_string(rank) + " in " + expr + " (" + file + ":" +
              std::to_string(line) + "): " + std::string(msg, static_cast<std::size_t>(len)));
}

Environment::Environment(int* argc, char*** argv) {
  int provided = 0;
  GENRE_MPI_CHECK(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided));
  if (provided < MPI_THREAD_FUNNELED) {
    MPI_Finalize();
    throw Error("MPI library does not provide MPI_THREAD_FUNNELED");
  }
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
}

Environment::~Environment() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

void Environment::abort(int code) {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);  // not reached
}

Comm::Comm(MPI_Comm c, bool owned) : comm_(c), owned_(owned) {
  if (comm_ != MPI_COMM_NULL) {
    GENRE_MPI_CHECK(MPI_Comm_rank(comm_, &rank_));
    GENRE_MPI_CHECK(MPI_Comm_size(comm_, &size_));
  }
}

Comm Comm::world() { return Comm(MPI_COMM_WORLD, false); }

Comm::Comm(Comm&& o) noexcept : comm_(o.comm_), owned_(o.owned_), rank_(o.rank_), size_(o.size_) {
  o.comm_ = MPI_COMM_NULL;
  o.owned_ = false;
}

Comm& Comm::operator=(Comm&& o) noexcept {
  if (this != &o) {
    if (owned_ && comm_ != MPI_COMM_NULL) MPI_Comm_free(&comm_);
    comm_ = o.comm_;
    owned_ = o.owned_;
    rank_ = o.rank_;
    size_ = o.size_;
    o.comm_ = MPI_COMM_NULL;
    o.owned_ = false;
  }
  return *this;
}

Comm::~Comm() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (owned_ && comm_ != MPI_COMM_NULL && !finalized) MPI_Comm_free(&comm_);
}

Comm Comm::split(int color, int key) const {
  MPI_Comm out = MPI_COMM_NULL;
  GENRE_MPI_CHECK(MPI_Comm_split(comm_, color, key, &out));
  if (out != MPI_COMM_NULL) MPI_Comm_set_errhandler(out, MPI_ERRORS_RETURN);
  return Comm(out, true);
}

Comm Comm::dup() const {
  MPI_Comm out = MPI_COMM_NULL;
  GENRE_MPI_CHECK(MPI_Comm_dup(comm_, &out));
  MPI_Comm_set_errhandler(out, MPI_ERRORS_RETURN);
  return Comm(out, true);
}

void Comm::barrier() const { GENRE_MPI_CHECK(MPI_Barrier(comm_)); }

void Comm::send(const std::string& bytes, int dest, int tag) const {
  GENRE_MPI_CHECK(MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, dest, tag, comm_));
}

std::string Comm::recv(int source, int tag, int* from, int* got_tag) const {
  MPI_Status status;
  GENRE_MPI_CHECK(MPI_Probe(source, tag, comm_, &status));
  int count = 0;
  GENRE_MPI_CHECK(MPI_Get_count(&status, MPI_BYTE, &count));
  std::string bytes(static_cast<std::size_t>(count), '\0');
  GENRE_MPI_CHECK(MPI_Recv(bytes.data(), count, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, comm_, MPI_STATUS_IGNORE));
  if (from) *from = status.MPI_SOURCE;
  if (got_tag) *got_tag = status.MPI_TAG;
  return bytes;
}

bool Comm::message_waiting() const {
  int flag = 0;
  MPI_Status status;
  GENRE_MPI_CHECK(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm_, &flag, &status));
  return flag != 0;
}

std::string Comm::broadcast(const std::string& bytes, int root) const {
  std::uint64_t n = bytes.size();
  GENRE_MPI_CHECK(MPI_Bcast(&n, 1, MPI_UINT64_T, root, comm_));
  std::string out = rank_ == root ? bytes : std::string(n, '\0');
  GENRE_MPI_CHECK(MPI_Bcast(out.data(), static_cast<int>(n), MPI_BYTE, root, comm_));
  return out;
}

std::vector<std::string> Comm::gather(const std::string& bytes, int root) const {
  int n = static_cast<int>(bytes.size());
  std::vector<int> counts(rank_ == root ? size_ : 0);
  GENRE_MPI_CHECK(MPI_Gather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, root, comm_));
  std::vector<int> displs(counts.size());
  int total = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    displs[i] = total;
    total += counts[i];
  }
  std::string all(static_cast<std::size_t>(total), '\0');
  GENRE_MPI_CHECK(MPI_Gatherv(bytes.data(), n, MPI_BYTE, all.data(), counts.data(), displs.data(), MPI_BYTE, root, comm_));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < counts.size(); ++i)
    out.push_back(all.substr(static_cast<std::size_t>(displs[i]), static_cast<std::size_t>(counts[i])));
  return out;
}

}  // namespace genre::dist
