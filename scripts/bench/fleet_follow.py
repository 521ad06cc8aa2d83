#!/usr/bin/env python3
"""Measures how long a fleet of bluegreen proxies takes to follow a switch (scripts/bench/fleet-follow.sh runs it).

Polls every follower's proxy listener without pause (GET / on a keep-alive connection, one thread per instance,
from before the first switch to after the last), and switches the fleet through the first instance's admin endpoint
(POST /switch?to=COLOUR). From the moment the switch's 200 has been read, the first answer from the new colour's
backend (the demo backend's X-Backend header) to a request sent after that moment marks the follower as following.
The follow latency of a switch is the time until the last follower answered so; each follower's own time is kept
too. The resolution is one poll (a request through the proxy on loopback, a fraction of a millisecond).

Prints p50, p90, p99 and max over the measured switches, and writes every sample to a TSV file.
With --probe status, the followers' admin endpoints are polled instead (GET /status, its live colour): the
snapshot each instance serves, without the data plane's part (the first request to the new colour).

Usage: fleet_follow.py --admin HOST:PORT --followers HOST:PORT,HOST:PORT --switches N --warmup N --out FILE
                       [--probe listener|status]
"""
import argparse
import http.client
import re
import statistics
import sys
import threading
import time


LIVE = re.compile(rb'"live":"(\w+)"')


def parse_address(text):
    host, port = text.rsplit(":", 1)
    return host, int(port)


class Follower(threading.Thread):
    """Polls one instance's listener without pause, from before the first switch to after the last, and remembers
    when it first saw each colour after being told to look for it."""

    def __init__(self, address, probe):
        super().__init__(daemon=True)
        self.address = address
        self.probe = probe
        self.connection = None
        self.lock = threading.Lock()
        self.expected = None
        self.since_ns = 0
        self.seen = threading.Event()
        self.seen_ns = 0
        self.polls = 0
        self.stopped = False
        self.durations = []

    def answer(self):
        for _ in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(*self.address, timeout=5)
            try:
                if self.probe == "status":
                    # The admin endpoint's view: the snapshot the instance serves, without the data plane.
                    self.connection.request("GET", "/status")
                    response = self.connection.getresponse()
                    live = LIVE.search(response.read())
                    return response.status, live.group(1).decode() if live else ""
                self.connection.request("GET", "/")
                response = self.connection.getresponse()
                response.read()
                return response.status, response.getheader("X-Backend", "")
            except (OSError, http.client.HTTPException):
                # The proxy may close a keep-alive connection (a drain, a request limit): open another one.
                self.connection.close()
                self.connection = None
        raise RuntimeError("no answer from %s:%d" % self.address)

    def expect(self, colour, since_ns):
        with self.lock:
            self.expected = colour
            self.since_ns = since_ns
            self.seen.clear()
            self.polls = 0

    def run(self):
        while not self.stopped:
            # Only an answer to a request sent after the switch's 200 counts.
            sent = time.perf_counter_ns()
            status, backend = self.answer()
            received = time.perf_counter_ns()
            self.durations.append((received - sent) / 1e6)
            with self.lock:
                if self.expected is not None and sent >= self.since_ns:
                    self.polls += 1
                    if status == 200 and backend == self.expected:
                        self.seen_ns = received
                        self.expected = None
                        self.seen.set()


def switch(admin, colour):
    connection = http.client.HTTPConnection(*admin, timeout=30)
    try:
        connection.request("POST", "/switch?to=%s&actor=fleet-follow&reason=bench" % colour, body=b"")
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError("switch to %s: %d %s" % (colour, response.status, body[:300]))
    finally:
        connection.close()


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    # Nearest rank: the value at or below which p % of the samples fall.
    rank = max(1, int(-(-p * len(ordered) // 100)))
    return ordered[rank - 1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--admin", required=True, type=parse_address)
    parser.add_argument("--followers", required=True)
    parser.add_argument("--switches", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--pause-ms", type=float, default=50)
    parser.add_argument("--deadline-s", type=float, default=10)
    parser.add_argument("--out", required=True)
    parser.add_argument("--probe", choices=["listener", "status"], default="listener")
    args = parser.parse_args()
    followers = [Follower(parse_address(a), args.probe) for a in args.followers.split(",")]
    for follower in followers:
        follower.start()
    colour = "green"
    samples = []
    with open(args.out, "w") as out:
        out.write("switch\tcolour\tall_ms\t" + "\t".join("follower%d_ms" % (i + 1) for i in range(len(followers)))
                  + "\tpolls\n")
        for n in range(args.warmup + args.switches):
            switch(args.admin, colour)
            start = time.perf_counter_ns()
            for follower in followers:
                follower.expect(colour, start)
            each = []
            for follower in followers:
                if follower.seen.wait(args.deadline_s):
                    # A poll sent just after the 200 may answer in under a poll's time: never below 0.
                    each.append(max(0.0, (follower.seen_ns - start) / 1e6))
                else:
                    each.append(float("inf"))
            slowest = max(each)
            if n >= args.warmup:
                samples.append((slowest, each))
                out.write("%d\t%s\t%.3f\t%s\t%d\n" % (n - args.warmup + 1, colour, slowest,
                                                      "\t".join("%.3f" % e for e in each),
                                                      sum(f.polls for f in followers)))
            if slowest == float("inf"):
                break
            colour = "blue" if colour == "green" else "green"
            # Lets the old colour's drain and the fleet reports settle before the next switch.
            time.sleep(args.pause_ms / 1000)
    for follower in followers:
        follower.stopped = True
    alls = [s[0] for s in samples]
    failed = [s for s in alls if s == float("inf")]
    print("switches measured: %d (after %d unmeasured), followers: %d" % (len(alls), args.warmup, len(followers)))
    print("from the switch's 200 on the writer until every follower %s (ms):" % (
        "serves the new colour" if args.probe == "listener" else "reports the new live colour on /status"))
    print("  p50 %.2f   p90 %.2f   p99 %.2f   max %.2f   mean %.2f" % (
        percentile(alls, 50), percentile(alls, 90), percentile(alls, 99), max(alls), statistics.mean(alls)))
    for i in range(len(followers)):
        one = [s[1][i] for s in samples]
        print("  follower %d (%s:%d): p50 %.2f   p99 %.2f   max %.2f" % (
            i + 1, followers[i].address[0], followers[i].address[1], percentile(one, 50), percentile(one, 99),
            max(one)))
    durations = [d for f in followers for d in f.durations]
    print("one poll (any GET to a follower, switches or not; the resolution): p50 %.2f   p99 %.2f   max %.2f ms,"
          " %d polls" % (
        percentile(durations, 50), percentile(durations, 99), max(durations), len(durations)))
    if failed:
        print("%d switches not followed within %.0f s" % (len(failed), args.deadline_s))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
