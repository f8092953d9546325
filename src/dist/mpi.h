#pragma once
// RAII and error checking around MPI. The world communicator is set to
// MPI_ERRORS_RETURN, and every call goes through GENRE_MPI_CHECK, which turns
// a failure into a genre::Error carrying the call, MPI's own message and the rank.
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace genre::dist {

[[noreturn]] void throw_mpi_error(int code, const char* expr, const char* file, int line);

#define GENRE_MPI_CHECK(expr)                                                   \
  do {                                                                          \
    const int genre_mpi_rc_ = (expr);                                           \
    if (genre_mpi_rc_ != MPI_SUCCESS)                                           \
      ::genre::dist::throw_mpi_error(genre_mpi_rc_, #expr, __FILE__, __LINE__); \
  } while (0)

// Initialises MPI for the lifetime of the object (funneled: only the main
// thread calls MPI) and finalises it. Works under mpiexec, srun and alone
// (singleton). Non-copyable; one per process, owned by the subcommand.
class Environment {
 public:
  Environment(int* argc, char*** argv);
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;
  // Ends the whole job now: for fatal errors on one rank when others may be
  // blocked waiting for it.
  [[noreturn]] static void abort(int code);
};

// A communicator handle. Owning ones (from split/dup) are freed on destruction.
class Comm {
 public:
  static Comm world();
  Comm(Comm&& o) noexcept;
  Comm& operator=(Comm&& o) noexcept;
  Comm(const Comm&) = delete;
  Comm& operator=(const Comm&) = delete;
  ~Comm();

  MPI_Comm raw() const { return comm_; }
  int rank() const { return rank_; }
  int size() const { return size_; }

  Comm split(int color, int key) const;  // color MPI_UNDEFINED -> null comm
  // A private copy (collective): its messages never match the original's, so a
  // protocol run on it cannot mix with earlier or later traffic.
  Comm dup() const;
  bool is_null() const { return comm_ == MPI_COMM_NULL; }
  void barrier() const;

  // Tagged point-to-point messages of bytes.
  void send(const std::string& bytes, int dest, int tag) const;
  // Receives from `source` (MPI_ANY_SOURCE allowed); reports the actual source
  // and tag through the out-parameters when given.
  std::string recv(int source, int tag, int* from = nullptr, int* got_tag = nullptr) const;
  // Whether a message from anyone waits, without blocking (MPI_Iprobe). For
  // loops that sleep between polls instead of spinning in a blocking receive:
  // Open MPI's blocking calls busy-wait and would steal the core of the
  // threads or ranks doing the real work.
  bool message_waiting() const;

  std::string broadcast(const std::string& bytes, int root) const;
  // Gathers every rank's string at root (others get an empty vector).
  std::vector<std::string> gather(const std::string& bytes, int root) const;

 private:
  Comm(MPI_Comm c, bool owned);
  MPI_Comm comm_ = MPI_COMM_NULL;
  bool owned_ = false;
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace genre::dist
