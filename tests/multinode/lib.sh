# Helpers of the multi-node tests (sourced): the bed (bed.sh), the cluster
# tests' job helpers (tests/slurm/lib.sh: fail, job_field, wait_job,
# wait_for_line, make_corpus) and their sweeps (write_sweep, make_dataset).
_mn_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../slurm/lib.sh
source "$_mn_here/../slurm/lib.sh"
# shellcheck source=../slurm/sweep_lib.sh
source "$_mn_here/../slurm/sweep_lib.sh"
# shellcheck source=bed.sh
source "$_mn_here/bed.sh"

# The start of every multi-node test: skip (or, in CI, fail) unless this
# machine can host the bed, then a fresh SCRATCH as the working folder with a
# bed of its own under it.
bed_test_begin() {  # GENRE SCRATCH
  bed_skip_unless_possible
  rm -rf "$2"
  mkdir -p "$2"
  cd "$2" || exit 1
  bed_start "$2/bed" || fail "the test bed did not come up"
  LOG_DIR=$2/logs
}

# The spec lines that pin Open MPI to the bed's network (its only interface
# but lo, yet a real cluster has several: the docs show the same), and, with
# `verbose`, make every rank log the transport it uses to each peer
# (`mca: bml: Using tcp btl for send to [[job,vpid],RANK] on node HOST`),
# which check_transport.py reads.
bed_mpi_env() {  # [verbose]
  local env="OMPI_MCA_btl_tcp_if_include: $BED_SUBNET, OMPI_MCA_oob_tcp_if_include: $BED_SUBNET"
  [[ ${1:-} == verbose ]] && env+=", OMPI_MCA_btl_base_verbose: '30'"
  echo "env: {$env}"
}
