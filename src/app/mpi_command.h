#pragma once
// The frame every MPI subcommand (preprocess, train, classify, search) runs
// in, so that each states only its own work:
//  - MPI is initialised before the body and finalised after it;
//  - errors print as one line, by rank 0 alone while every rank does the same
//    work (arguments, configs, rank 0's broadcast verdicts: one line, not P
//    copies), and by the failing rank once the ranks work apart;
//  - a failure after the ranks went apart ends the whole job (MPI_Abort), since
//    the others may be blocked waiting for the rank that failed.
#include <functional>
#include <string>

#include "dist/mpi.h"

namespace genre::app {

class MpiCommand {
 public:
  explicit MpiCommand(dist::Comm world) : world_(std::move(world)) {}
  const dist::Comm& world() const { return world_; }
  bool root() const { return world_.rank() == 0; }
  // Marks the point after which ranks no longer fail alike.
  void ranks_diverge() { diverged_ = true; }
  // Marks the point after which the ranks are in step again: each knows the
  // outcome (e.g. rank 0 told every rank why the work stopped), so an error
  // from here is raised alike, rank 0 prints it and nobody aborts the job.
  void ranks_rejoin() { diverged_ = false; }
  bool diverged() const { return diverged_; }

 private:
  dist::Comm world_;
  bool diverged_ = false;
};

// Runs body(command) inside the frame; returns the exit code (0 ok, 1 error,
// 2 usage error, or the body's own code such as 143 for an interruption).
int run_mpi_command(const std::string& name, int argc, char** argv, const std::function<int(MpiCommand&)>& body);

}  // namespace genre::app
