#include "app/mpi_command.h"

#include "app/options.h"

namespace genre::app {

int run_mpi_command(const std::string& name, int argc, char** argv, const std::function<int(MpiCommand&)>& body) {
  dist::Environment mpi(&argc, &argv);
  MpiCommand command(dist::Comm::world());
  // Usage errors are about the input, which every rank sees alike (rank 0
  // broadcasts its own findings): rank 0 speaks for all of them.
  const auto speaks = [&](bool alike) { return command.root() || (command.diverged() && !alike); };
  const int code = guarded(name, [&] { return body(command); }, speaks);
  // A failure on one rank after they went apart (1, or 74: a full disk under
  // one rank's shard) may leave the others waiting for it forever.
  if ((code == 1 || code == 74) && command.diverged() && command.world().size() > 1) dist::Environment::abort(code);
  return code;
}

}  // namespace genre::app
