"""Queries on a sweep's run folder for the search integration scripts.

usage: journal_check.py RUN QUERY [ARGS]
  finished>=N         exit 0 when at least N trials have finished
  epochs>=N           exit 0 when at least N epoch events are journaled
  summary             print one JSON line: counts of events, per-trial starts, statuses
  board               print leaderboard.csv without its wall_s column
  restarts            print one JSON line: for each restarted trial, [last epoch
                      journaled before the restart, first epoch after it]
"""
import csv
import json
import sys


def events(run):
    out = []
    try:
        with open(run + "/journal.jsonl") as f:
            for line in f:
                if line.endswith("\n"):
                    out.append(json.loads(line))
    except FileNotFoundError:
        pass
    return out


def main():
    run, query = sys.argv[1], sys.argv[2]
    ev = events(run)
    kinds = [e["event"] for e in ev]
    if query.startswith("finished>="):
        sys.exit(0 if kinds.count("trial_finished") >= int(query.split(">=")[1]) else 1)
    if query.startswith("epochs>="):
        sys.exit(0 if kinds.count("epoch") >= int(query.split(">=")[1]) else 1)
    if query == "summary":
        starts, status, groups, reasons, pruned = {}, {}, set(), {}, {}
        for e in ev:
            t = e.get("trial")
            if e["event"] == "trial_started":
                starts[t] = starts.get(t, 0) + 1
                groups.add(e["group"])
                status.setdefault(t, "running")
            elif e["event"] == "trial_finished":
                status[t] = "finished"
            elif e["event"] == "trial_failed":
                status[t] = "failed"
                reasons[t] = e["reason"]
            elif e["event"] == "trial_pruned":
                status[t] = "pruned"
                pruned[t] = e["epoch"]
        ended = [e for e in ev if e["event"] == "sweep_ended"]
        print(json.dumps({
            "counts": {k: kinds.count(k) for k in sorted(set(kinds))},
            "starts": {str(k): v for k, v in sorted(starts.items())},
            "status": {str(k): v for k, v in sorted(status.items())},
            "groups": sorted(groups),
            "reasons": {str(k): v for k, v in sorted(reasons.items())},
            "pruned": {str(k): v for k, v in sorted(pruned.items())},
            "ended": ended[-1]["status"] if ended else None,
        }, sort_keys=True))
        return
    if query == "restarts":
        last, out = {}, {}
        for e in ev:
            t = e.get("trial")
            if e["event"] == "trial_started" and e.get("attempt", 1) > 1:
                out[str(t)] = [last.get(t, 0), None]
            elif e["event"] == "epoch":
                if str(t) in out and out[str(t)][1] is None:
                    out[str(t)][1] = e["epoch"]
                last[t] = e["epoch"]
        print(json.dumps(out, sort_keys=True))
        return
    if query == "board":
        with open(run + "/leaderboard.csv") as f:
            rows = list(csv.reader(f))
        drop = rows[0].index("wall_s")
        for r in rows:
            print(",".join(v for i, v in enumerate(r) if i != drop))
        return
    sys.exit("unknown query " + query)


if __name__ == "__main__":
    main()
