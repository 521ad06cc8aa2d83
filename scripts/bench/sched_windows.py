#!/usr/bin/env python3
"""Short wrk windows against a running proxy, each with what the scheduler did to the threads that serve it.

For every window: wrk's requests per second and p99, and for the proxy's threads, the backend's worker and wrk's own
threads their runs on a core per second, the mean length of a run and the mean wait on the run queue before a run, from
/proc/PID/task/TID/schedstat (time on the core, time waiting, runs) read inside the window. Made to see what goes
with a window whose p99 is long: one number per thread, no recorder running beside it.

    python3 scripts/bench/sched_windows.py PROXY_PID URL BACKEND_PID [--windows N] [--seconds S]
        [--threads REGEX] [--idle S]

PROXY_PID's threads whose name matches --threads (default: bluegreen's event loops, HAProxy's threads, nginx's
workers) are the proxy's. --idle waits S seconds before every window (the proxy with no request at all). Needs wrk.
"""
import argparse
import os
import re
import subprocess
import sys
import time

# wrk's connections are opened in its first milliseconds; the counters are read this long after it starts and this
# long before it ends, so that they cover load only.
MARGIN_S = 0.3
# compare-proxies.sh's report script: one machine-readable line with the percentiles in microseconds.
REPORT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wrk-report.lua")


def thread_ids(pid, name_pattern):
    """The ids of PID's threads whose name matches name_pattern."""
    ids = []
    for tid in sorted(os.listdir(f"/proc/{pid}/task"), key=int):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as comm:
                name = comm.read().strip()
        except FileNotFoundError:
            continue  # a thread that ended meanwhile (a JVM starts and ends some)
        if name_pattern.fullmatch(name):
            ids.append((pid, tid))
    return ids


def schedstat(pid, tid):
    """(ns on a core, ns waiting on a run queue, runs) of one thread."""
    with open(f"/proc/{pid}/task/{tid}/schedstat") as stat:
        on_core, waiting, runs = (int(field) for field in stat.read().split()[:3])
    return on_core, waiting, runs


def rate_and_p99(wrk_output):
    """Requests per second and the p99 in milliseconds of a wrk run, from the RESULT line wrk-report.lua prints (as
    compare-proxies.sh reads it)."""
    match = re.search(r"^RESULT requests=(\d+) duration_us=(\d+) .*\bp99_us=(\d+)", wrk_output, re.MULTILINE)
    if match is None:
        raise ValueError(f"no RESULT line in wrk's output:\n{wrk_output}")
    requests, duration_us, p99_us = (int(group) for group in match.groups())
    return requests * 1_000_000 / duration_us, p99_us / 1000


def window(url, seconds, proxy_threads, backend_threads):
    """One wrk window; returns its requests per second, its p99 and, per thread group, (runs/s, µs per run, µs waited
    per run)."""
    # Full load: the report script paces its connections only if WRK_PACE_MS is set.
    unpaced = {name: value for name, value in os.environ.items() if name != "WRK_PACE_MS"}
    wrk = subprocess.Popen(["wrk", "-t2", "-c64", f"-d{seconds}s", "-s", REPORT, url],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=unpaced)
    time.sleep(MARGIN_S)
    wrk_threads = [(wrk.pid, tid) for tid in sorted(os.listdir(f"/proc/{wrk.pid}/task"), key=int)
                   if tid != str(wrk.pid)]
    groups = {"proxy": proxy_threads, "backend": backend_threads, "wrk": wrk_threads}
    before = {name: [schedstat(*t) for t in threads] for name, threads in groups.items()}
    span = seconds - 2 * MARGIN_S
    time.sleep(span)
    after = {name: [schedstat(*t) for t in threads] for name, threads in groups.items()}
    output = wrk.communicate()[0]
    figures = {}
    for name in groups:
        figures[name] = []
        for (core0, wait0, runs0), (core1, wait1, runs1) in zip(before[name], after[name]):
            runs = max(1, runs1 - runs0)
            figures[name].append(((runs1 - runs0) / span, (core1 - core0) / runs / 1000, (wait1 - wait0) / runs / 1000))
    return (*rate_and_p99(output), figures)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("proxy_pid")
    parser.add_argument("url")
    parser.add_argument("backend_pid")
    parser.add_argument("--windows", type=int, default=10)
    # An integer: wrk takes its duration as "4s", not "4.0s".
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--threads", default=r"bluegreen-io.*|haproxy|nginx")
    parser.add_argument("--idle", type=float, default=0)
    args = parser.parse_args()
    if args.seconds <= 2 * MARGIN_S + 0.5:
        sys.exit(f"--seconds {args.seconds}: expected more than {2 * MARGIN_S + 0.5}")
    proxy_threads = thread_ids(args.proxy_pid, re.compile(args.threads))
    if not proxy_threads:
        sys.exit(f"no thread of {args.proxy_pid} is named like {args.threads!r}")
    backend_threads = thread_ids(args.backend_pid, re.compile(".*"))
    print("req/s  p99 ms | per thread: runs/s, µs per run, µs waited per run"
          " | proxy's threads ; backend ; wrk's threads")
    for _ in range(args.windows):
        if args.idle:
            time.sleep(args.idle)
        rate, p99, figures = window(args.url, args.seconds, proxy_threads, backend_threads)
        cells = " ; ".join(", ".join(f"{r:5.0f} {run:5.0f} {wait:4.0f}" for r, run, wait in figures[name])
                           for name in ("proxy", "backend", "wrk"))
        print(f"{rate:6.0f} {p99:6.2f} | {cells}", flush=True)


if __name__ == "__main__":
    main()
