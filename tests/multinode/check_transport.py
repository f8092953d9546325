#!/usr/bin/env python3
"""Reads the transports Open MPI picked from a job log written with
OMPI_MCA_btl_base_verbose=30, whose ranks each print, per peer:

    [node1:4242] mca: bml: Using tcp btl for send to [[38211,1],2] on node node2

From the lines it learns where every rank ran (a rank's "self" line names
its own host) and checks that every pair of ranks on different hosts talks
over tcp (never shared memory, vader, nor anything else), and that at least
one such pair exists. With --placed R:HOST,... it also checks where those
ranks ran, and with --hosts N that the ranks spread over N hosts.

usage: check_transport.py LOG [--placed 1:node1,2:node2] [--hosts N]
Prints one summary line per MPI job found in the log."""
import re
import sys

LINE = re.compile(r"^\[([^:\]]+):(\d+)\] mca: bml: Using (\w+) btl for send to \[\[(\d+,\d+)\],(\d+)\] on node (\S+)")


def main():
    log = sys.argv[1]
    placed = {}
    if "--placed" in sys.argv:
        for item in sys.argv[sys.argv.index("--placed") + 1].split(","):
            rank, host = item.split(":")
            placed[int(rank)] = host
    hosts_wanted = int(sys.argv[sys.argv.index("--hosts") + 1]) if "--hosts" in sys.argv else None

    jobs = {}  # job -> {"sends": [(host, pid, btl, rank, peer host)], "self": {(host, pid): rank}}
    with open(log, errors="replace") as f:
        for line in f:
            m = LINE.match(line.strip())
            if not m:
                continue
            host, pid, btl, job, rank, peer_host = m.groups()
            j = jobs.setdefault(job, {"sends": [], "self": {}})
            j["sends"].append((host, pid, btl, int(rank), peer_host))
            if btl == "self":
                j["self"][(host, pid)] = int(rank)

    problems = []
    if not jobs:
        problems.append(f"no 'mca: bml: Using ... btl' lines in {log}: was OMPI_MCA_btl_base_verbose set?")
    for job, j in sorted(jobs.items()):
        where = {rank: host for (host, _), rank in j["self"].items()}
        for host, _, _, rank, peer_host in j["sends"]:
            if where.setdefault(rank, peer_host) != peer_host:
                problems.append(f"job {job}: rank {rank} seen on {where[rank]} and on {peer_host}")
        btls = {}
        for host, pid, btl, rank, peer_host in j["sends"]:
            me = j["self"].get((host, pid))
            if me is None or me == rank:
                continue
            kind = "between hosts" if host != peer_host else "on one host"
            btls.setdefault(kind, set()).add(btl)
            if host != peer_host and btl != "tcp":
                problems.append(f"job {job}: rank {me} on {host} sends to rank {rank} on {peer_host} over {btl}, not tcp")
        if "between hosts" not in btls:
            problems.append(f"job {job}: no two ranks on different hosts talked")
        for rank, host in placed.items():
            if where.get(rank) != host:
                problems.append(f"job {job}: rank {rank} ran on {where.get(rank, 'no host seen')}, expected {host}")
        hosts = sorted(set(where.values()))
        if hosts_wanted is not None and len(hosts) != hosts_wanted:
            problems.append(f"job {job}: ranks on {len(hosts)} host(s) {hosts}, expected {hosts_wanted}")
        placement = " ".join(f"{r}@{h}" for r, h in sorted(where.items()))
        used = "; ".join(f"{k}: {','.join(sorted(v))}" for k, v in sorted(btls.items()))
        print(f"check_transport: job {job}: ranks {placement}; {used}")
    if problems:
        for p in problems:
            print("check_transport: " + p, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
