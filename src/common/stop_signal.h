#pragma once
// SIGTERM (SLURM's time limit, scancel, preemption) as a polled flag: the
// handler only sets it; long-running loops check it at safe points, save what
// they have and end with exit code 143 (128 + SIGTERM), as a process killed by
// the signal would (marian's signal_handling.h does the same). The flag is
// process-wide because a signal is; it is the only global state besides MPI.
namespace genre {

// Installs the handler (idempotent).
void install_stop_signal();
bool stop_requested();
// For tests: clears the flag.
void reset_stop_signal();

inline constexpr int kInterruptedExitCode = 143;

}  // namespace genre
