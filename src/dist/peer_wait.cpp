#include "dist/peer_wait.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <utility>
#include <vector>

#include "common/stop_signal.h"
#include "dist/poll_backoff.h"

namespace genre::dist {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kSpin = std::chrono::milliseconds(2);

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::string number(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", x);
  return text;
}

// The buffers of requests given up on (see complete()). Process-wide because
// MPI's pending requests are; only the main thread calls MPI (funneled).
std::vector<std::pair<MPI_Request, std::shared_ptr<const void>>>& abandoned() {
  static std::vector<std::pair<MPI_Request, std::shared_ptr<const void>>> requests;
  return requests;
}

}  // namespace

void PeerWait::until(const std::function<bool()>& done, const std::function<std::string()>& what) const {
  const auto start = Clock::now();
  std::optional<Clock::time_point> stop_seen;
  PollBackoff backoff;
  while (!done()) {
    const auto now = Clock::now();
    if (now - start < kSpin) continue;
    if (!stop_seen && stop_requested()) stop_seen = now;
    const bool timed_out = timeout_s_ > 0 && seconds(now - start) >= timeout_s_;
    const bool graced_out = stop_seen && seconds(now - *stop_seen) >= kStopGraceSeconds;
    // The timeout itself is named when it ran out (it is what the user set),
    // the time waited when SIGTERM ended the wait.
    if (timed_out || graced_out)
      throw PeerTimeout(what() + ": no answer from a peer for " +
                            number(graced_out ? seconds(now - start) : timeout_s_) + " s" +
                            (stop_seen ? " (SIGTERM came meanwhile)" : ""),
                        stop_seen.has_value());
    backoff.idle();
  }
}

void complete(MPI_Request& request, const PeerWait& wait, const std::function<std::string()>& what,
              const std::function<std::shared_ptr<const void>()>& keep) {
  try {
    wait.until(
        [&] {
          int flag = 0;
          GENRE_MPI_CHECK(MPI_Test(&request, &flag, MPI_STATUS_IGNORE));
          return flag != 0;
        },
        what);
  } catch (const PeerTimeout&) {
    abandoned().emplace_back(request, keep());
    throw;
  }
}

std::string describe_collective(const char* op, std::size_t bytes, int ranks) {
  if (bytes == 0) return std::string(op) + " among " + std::to_string(ranks) + " ranks";
  const double b = static_cast<double>(bytes);
  const std::string size = b < 1e3 ? std::to_string(bytes) + " bytes" : b < 1e6 ? number(b / 1e3) + " kB" : number(b / 1e6) + " MB";
  return std::string(op) + " of " + size + " among " + std::to_string(ranks) + " ranks";
}

std::string broadcast(const Comm& comm, const std::string& bytes, int root, const PeerWait& wait) {
  if (comm.size() == 1) return bytes;
  // Heap-owned, so that a buffer given up on can outlive this call.
  auto n = std::make_shared<std::uint64_t>(bytes.size());
  MPI_Request request = MPI_REQUEST_NULL;
  GENRE_MPI_CHECK(MPI_Ibcast(n.get(), 1, MPI_UINT64_T, root, comm.raw(), &request));
  complete(request, wait, [&] { return describe_collective("broadcast", sizeof *n, comm.size()); }, [&] { return n; });
  auto out = std::make_shared<std::string>(comm.rank() == root ? bytes : std::string(*n, '\0'));
  GENRE_MPI_CHECK(MPI_Ibcast(out->data(), static_cast<int>(*n), MPI_BYTE, root, comm.raw(), &request));
  complete(request, wait, [&] { return describe_collective("broadcast", *n, comm.size()); }, [&] { return out; });
  return std::move(*out);
}

}  // namespace genre::dist
