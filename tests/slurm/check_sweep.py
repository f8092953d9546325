#!/usr/bin/env python3
"""Checks a sweep's run folder after the cluster tests: every trial ended
exactly once (finished, failed or pruned), none was started again after it
ended, the sweep's last event says complete, and the leaderboard lists every
trial. With --before JOURNAL (a copy taken when the job was stopped), the
trials that had ended by then were neither rerun nor changed, and the trials
that were running went on from their checkpoint instead of epoch 1. With
--trials N, exactly N trials were started and ended (none silently dropped).

usage: check_sweep.py RUN_DIR [--before JOURNAL] [--trials N]"""
import csv
import json
import sys

FINAL = ("trial_finished", "trial_failed", "trial_pruned")


def read(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    run = sys.argv[1]
    before = sys.argv[sys.argv.index("--before") + 1] if "--before" in sys.argv else None
    trials = int(sys.argv[sys.argv.index("--trials") + 1]) if "--trials" in sys.argv else None
    events = read(f"{run}/journal.jsonl")
    problems = []
    ended = {}  # trial -> index of its final event
    started = {}  # trial -> indices of trial_started
    for i, e in enumerate(events):
        t = e.get("trial")
        if e["event"] == "trial_started":
            if t in ended:
                problems.append(f"trial {t} started again (event {i}) after it ended (event {ended[t]})")
            started.setdefault(t, []).append(i)
        elif e["event"] in FINAL:
            if t in ended:
                problems.append(f"trial {t} ended twice (events {ended[t]} and {i})")
            ended[t] = i
        elif e["event"] == "epoch" and t in ended:
            problems.append(f"trial {t} reported epoch {e.get('epoch')} (event {i}) after it ended")
    for t in started:
        if t not in ended:
            problems.append(f"trial {t} started but never ended")
    if trials is not None and (len(started) != trials or len(ended) != trials):
        problems.append(f"expected {trials} trials, {len(started)} started and {len(ended)} ended")
    last = [e for e in events if e["event"] == "sweep_ended"]
    if not last or last[-1].get("status") != "complete":
        problems.append(f"the sweep did not end complete: {last[-1] if last else 'no sweep_ended event'}")

    with open(f"{run}/leaderboard.csv") as f:
        rows = list(csv.DictReader(f))
    listed = {int(r["trial"]) for r in rows}
    if listed != set(ended):
        problems.append(f"leaderboard lists trials {sorted(listed)}, the journal ended {sorted(ended)}")

    kept = 0
    if before:
        earlier = read(before)
        done_before = {e["trial"]: e for e in earlier if e["event"] in FINAL}
        kept = len(done_before)
        for t, e in done_before.items():
            if events[ended[t]] != e:
                problems.append(f"trial {t} ended before the stop and again after it")
        if not done_before:
            problems.append("no trial had ended before the stop: the test proves nothing")
        if len(earlier) > len(events) or events[: len(earlier)] != earlier:
            problems.append("the journal written before the stop was not kept as it was")
        # Trials running at the stop with an epoch behind them resume from it.
        last_epoch = {}
        for e in earlier:
            if e["event"] == "epoch" and e["trial"] not in done_before:
                last_epoch[e["trial"]] = e["epoch"]
        for t, k in last_epoch.items():
            after = [e["epoch"] for e in events[len(earlier):] if e["event"] == "epoch" and e["trial"] == t]
            if after and after[0] <= 1:
                problems.append(f"trial {t} had reached epoch {k} before the stop but started again from epoch 1")

    resumed = sum(1 for e in events if e["event"] == "sweep_started" and e.get("resumed"))
    summary = (f"{len(ended)} trials ended ({sum(1 for t in ended if events[ended[t]]['event'] == 'trial_finished')} "
               f"finished), {sum(len(v) for v in started.values())} starts, {resumed} resumed run(s), "
               f"{kept} ended before the stop")
    if problems:
        print("check_sweep: " + summary, file=sys.stderr)
        for p in problems:
            print("check_sweep: " + p, file=sys.stderr)
        sys.exit(1)
    print("check_sweep: " + summary)


if __name__ == "__main__":
    main()
