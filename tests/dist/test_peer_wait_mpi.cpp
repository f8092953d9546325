// Waiting for peers under a timeout (dist/peer_wait.h): the polling itself,
// and the MPI communicator's collectives with one rank answering late (under
// mpiexec -n 1, 2, 3; the late-peer cases run with two).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "dist/communicator.h"
#include "dist/peer_wait.h"

namespace genre::dist {
namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string what_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const PeerTimeout& e) {
    EXPECT_FALSE(e.interrupted());
    return e.what();
  }
  return "(no PeerTimeout)";
}

TEST(PeerWait, ReturnsOnceDoneAndGivesUpAfterTheTimeout) {
  int polls = 0;
  PeerWait(1).until([&] { return ++polls == 5; }, [] { return std::string("x"); });
  EXPECT_EQ(polls, 5);
  // Done after 50 ms: well past the tight spin, into the sleeping polls; no timeout (0) means for ever.
  const auto start = Clock::now();
  PeerWait(0).until([&] { return seconds_since(start) > 0.05; }, [] { return std::string("x"); });

  const auto t0 = Clock::now();
  const std::string what = what_of([] { PeerWait(0.2).until([] { return false; }, [] { return std::string("op"); }); });
  const double waited = seconds_since(t0);
  EXPECT_EQ(what, "op: no answer from a peer for 0.2 s");
  EXPECT_GE(waited, 0.2);
  EXPECT_LT(waited, 0.5);  // polls sleep at most 1 ms
}

TEST(PeerWait, NamesTheCollective) {
  EXPECT_EQ(describe_collective("allreduce", 1234567, 4), "allreduce of 1.23 MB among 4 ranks");
  EXPECT_EQ(describe_collective("broadcast", 4000, 2), "broadcast of 4 kB among 2 ranks");
  EXPECT_EQ(describe_collective("broadcast", 8, 2), "broadcast of 8 bytes among 2 ranks");
  EXPECT_EQ(describe_collective("barrier", 0, 3), "barrier among 3 ranks");
}

// Rank 1 joins each collective 1 s late; the others give up after 0.2 s. The
// operation stays pending on them, and completes when rank 1 joins (the
// meeting after it drives their MPI), into the buffers they kept.
// Exactly two ranks: with more, which of the others time out and whether the
// late rank's operation completes depends on the collective's algorithm (once
// seen: a -n 3 run under heavy load that did not end).
class LatePeer : public ::testing::Test {
 protected:
  void SetUp() override {
    if (Comm::world().size() != 2) GTEST_SKIP() << "needs exactly two ranks";
  }
  bool late() const { return Comm::world().rank() == 1; }
  static void arrive_late() { std::this_thread::sleep_for(std::chrono::seconds(1)); }
  // A world barrier that fails instead of hanging should the pending
  // operation never complete.
  static void meet() {
    MPI_Request request = MPI_REQUEST_NULL;
    ASSERT_EQ(MPI_Ibarrier(MPI_COMM_WORLD, &request), MPI_SUCCESS);
    complete(request, PeerWait(30), [] { return std::string("the ranks meeting after the test"); },
             [] { return std::shared_ptr<const void>(); });
  }
};

TEST_F(LatePeer, AllreduceGivesUpNamingTheOperation) {
  const auto c = make_communicator(Comm::world(), torch::kCPU, PeerWait(0.2));
  const std::string ranks = std::to_string(c->size());
  auto t = torch::ones({1000}, torch::kFloat);
  if (late()) {
    arrive_late();
    c->allreduce_sum(t);  // everyone else posted theirs: it completes
    EXPECT_TRUE(torch::equal(t, torch::full({1000}, static_cast<float>(c->size()))));
  } else {
    const auto t0 = Clock::now();
    EXPECT_EQ(what_of([&] { c->allreduce_sum(t); }),
              "allreduce of 4 kB among " + ranks + " ranks: no answer from a peer for 0.2 s");
    EXPECT_LT(seconds_since(t0), 0.9);
  }
  meet();
}

TEST_F(LatePeer, StringBroadcastGivesUpToo) {
  const Comm world = Comm::world();
  {
    // Its own communicator: one that timed out is never used again (the
    // ranks disagree on how many collectives it has seen).
    const Comm given_up = world.dup();
    if (late()) {
      arrive_late();
      EXPECT_EQ(broadcast(given_up, "late word", 1, PeerWait(0.2)), "late word");
    } else {
      EXPECT_EQ(what_of([&] { broadcast(given_up, "", 1, PeerWait(0.2)); }),
                "broadcast of 8 bytes among " + std::to_string(world.size()) + " ranks: no answer from a peer for 0.2 s");
    }
    meet();
  }
  // On time, it is a broadcast.
  const Comm fresh = world.dup();
  EXPECT_EQ(broadcast(fresh, world.rank() == 0 ? std::string(5000, 'x') : std::string(), 0, PeerWait(10)),
            std::string(5000, 'x'));
}

}  // namespace
}  // namespace genre::dist
