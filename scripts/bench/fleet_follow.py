#!/usr/bin/env python3
"""Measures how long a fleet of bluegreen proxies takes to follow a switch (scripts/bench/fleet-follow.sh runs it).

Switches the fleet through the first instance's admin endpoint (POST /switch?to=COLOUR). The moment the switch's 200
has been read, sends GET / to every other instance's proxy listener (keep-alive connections opened beforehand) and
sends it again on each answer, until each answers from the new colour's backend (the demo backend's X-Backend
header). The follow latency of a switch is the time until the last follower answered so; each follower's own time is
kept too. With --probe status the followers' admin endpoints are asked instead (GET /status, its "live" member): the
snapshot each instance serves, without the data plane's part (the first request to the new colour).

One thread and non-blocking sockets: the measurement hands nothing from thread to thread (on a small, busy machine
a Python thread's wake-up costs milliseconds), and between switches nothing is sent. The resolution is one request
(printed: a request through a follower when nothing is switching).

Prints p50, p90, p99 and max over the measured switches, the CPU time each process of the fleet used per switch
(--cpu), and writes every sample to a TSV file.
Usage: fleet_follow.py --admin HOST:PORT --followers HOST:PORT,HOST:PORT [--probe listener|status]
                       [--switches N] [--warmup N] [--pause-ms MS] [--cpu NAME=PID,...] --out FILE
"""
import argparse
import re
import select
import selectors
import socket
import statistics
import sys
import time

DEADLINE_S = 10.0
CLOCK_TICKS = __import__("os").sysconf("SC_CLK_TCK")
LIVE = re.compile(rb'"live":"(\w+)"')
BACKEND = re.compile(rb"(?im)^x-backend:\s*(\S+)\s*$")
LENGTH = re.compile(rb"(?im)^content-length:\s*(\d+)\s*$")


def parse_address(text):
    host, port = text.rsplit(":", 1)
    return host, int(port)


class Follower:
    """One keep-alive connection to an instance and its answers."""

    def __init__(self, address, probe):
        self.address = address
        self.path = b"/status" if probe == "status" else b"/"
        self.probe = probe
        self.sock = None
        self.buffer = b""
        self.sent_ns = 0
        self.connect()

    def connect(self):
        if self.sock is not None:
            self.sock.close()
        self.sock = socket.create_connection(self.address, timeout=5)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setblocking(False)
        self.buffer = b""

    def send(self):
        self.sent_ns = time.perf_counter_ns()
        # The address as Host: the admin endpoint refuses any other name (DNS-rebinding defence).
        request = b"GET " + self.path + b" HTTP/1.1\r\nHost: %s:%d\r\n\r\n" % (self.address[0].encode(), self.address[1])
        try:
            self.sock.sendall(request)
        except BlockingIOError:
            raise RuntimeError("a request of a few bytes did not fit the socket buffer")
        except OSError:
            # Closed by the instance while idle: open another connection and send again.
            self.connect()
            self.sock.sendall(request)

    def read(self):
        """Reads what arrived; returns the colour of a complete answer, "" for an answer of another kind, or None."""
        try:
            data = self.sock.recv(65536)
        except BlockingIOError:
            return None
        if not data:
            self.connect()
            self.send()
            return None
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = self.buffer[:end]
        length = LENGTH.search(head)
        if length is None:
            raise RuntimeError("an answer without content-length from %s:%d" % self.address)
        total = end + 4 + int(length.group(1))
        if len(self.buffer) < total:
            return None
        body = self.buffer[end + 4:total]
        self.buffer = self.buffer[total:]
        ok = head.startswith(b"HTTP/1.1 200")
        if self.probe == "status":
            match = LIVE.search(body)
        else:
            match = BACKEND.search(head)
        return match.group(1).decode() if ok and match else ""


def switch(admin, colour):
    connection = socket.create_connection(admin, timeout=30)
    try:
        connection.sendall(("POST /switch?to=%s&actor=fleet-follow&reason=bench HTTP/1.1\r\nHost: %s:%d\r\n"
                            "Content-Length: 0\r\nConnection: close\r\n\r\n" % (colour, admin[0], admin[1])).encode())
        answer = b""
        while True:
            data = connection.recv(65536)
            if not data:
                break
            answer += data
        if not answer.startswith(b"HTTP/1.1 200"):
            raise RuntimeError("switch to %s: %s" % (colour, answer[:300]))
    finally:
        connection.close()


def follow(followers, colour, start_ns):
    """Asks every follower until each answers from {colour}; returns each one's time in ms (inf past the deadline)
    and the number of requests sent."""
    selector = selectors.DefaultSelector()
    seen = {}
    requests = 0
    for follower in followers:
        follower.send()
        requests += 1
        selector.register(follower.sock, selectors.EVENT_READ, follower)
    deadline = start_ns + int(DEADLINE_S * 1e9)
    while len(seen) < len(followers) and time.perf_counter_ns() < deadline:
        for key, _ in selector.select(timeout=0.5):
            follower = key.data
            answer = follower.read()
            if answer is None:
                if follower.sock is not key.fileobj:
                    # Reconnected: watch the new socket.
                    selector.unregister(key.fileobj)
                    selector.register(follower.sock, selectors.EVENT_READ, follower)
                continue
            if answer == colour:
                seen[follower] = (time.perf_counter_ns() - start_ns) / 1e6
                selector.unregister(follower.sock)
            else:
                follower.send()
                requests += 1
    selector.close()
    return [seen.get(f, float("inf")) for f in followers], requests


def one_request(follower):
    """A request through a follower when nothing is switching: the measurement's resolution."""
    follower.send()
    while True:
        select.select([follower.sock], [], [], 1.0)
        answer = follower.read()
        if answer is not None:
            return (time.perf_counter_ns() - follower.sent_ns) / 1e6


def cpu_ms(pid):
    """The CPU time (user + system) a process has used, in ms, from /proc/PID/stat."""
    with open("/proc/%d/stat" % pid) as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    # utime and stime are fields 14 and 15 of the line; after the command's ")" they are the 12th and 13th.
    return (int(fields[11]) + int(fields[12])) * 1000.0 / CLOCK_TICKS


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
    parser.add_argument("--probe", choices=["listener", "status"], default="listener")
    parser.add_argument("--switches", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--pause-ms", type=float, default=50)
    parser.add_argument("--out", required=True)
    parser.add_argument("--cpu", default="", help="NAME=PID,... processes whose CPU time per switch to report")
    args = parser.parse_args()
    followers = [Follower(parse_address(a), args.probe) for a in args.followers.split(",")]
    colour = "green"
    samples = []
    idle = []
    processes = [(name, int(pid)) for name, pid in (p.split("=") for p in args.cpu.split(",") if p)]
    cpu_before = {}
    with open(args.out, "w") as out:
        out.write("switch\tcolour\tall_ms\t" + "\t".join("follower%d_ms" % (i + 1) for i in range(len(followers)))
                  + "\trequests\n")
        for n in range(args.warmup + args.switches):
            if n == args.warmup:
                cpu_before = {name: cpu_ms(pid) for name, pid in processes}
            switch(args.admin, colour)
            start = time.perf_counter_ns()
            each, requests = follow(followers, colour, start)
            slowest = max(each)
            if n >= args.warmup:
                samples.append((slowest, each))
                out.write("%d\t%s\t%.3f\t%s\t%d\n" % (n - args.warmup + 1, colour, slowest,
                                                      "\t".join("%.3f" % e for e in each), requests))
            if slowest == float("inf"):
                break
            colour = "blue" if colour == "green" else "green"
            # Lets the old colour's drain and the fleet's reports settle, then takes one request per follower as
            # the resolution, and lets that settle too.
            time.sleep(args.pause_ms / 2000)
            if n >= args.warmup:
                idle.extend(one_request(f) for f in followers)
            time.sleep(args.pause_ms / 2000)
    cpu_after = {name: cpu_ms(pid) for name, pid in processes}
    alls = [s[0] for s in samples]
    failed = [s for s in alls if s == float("inf")]
    print("switches measured: %d (after %d unmeasured), followers: %d" % (len(alls), args.warmup, len(followers)))
    print("from the switch's 200 on the writer until every follower %s (ms):" % (
        "serves the new colour" if args.probe == "listener" else "shows the new live colour on /status"))
    print("  p50 %.2f   p90 %.2f   p99 %.2f   max %.2f   mean %.2f" % (
        percentile(alls, 50), percentile(alls, 90), percentile(alls, 99), max(alls), statistics.mean(alls)))
    for i, follower in enumerate(followers):
        one = [s[1][i] for s in samples]
        print("  follower %d (%s:%d): p50 %.2f   p99 %.2f   max %.2f" % (
            i + 1, follower.address[0], follower.address[1], percentile(one, 50), percentile(one, 99), max(one)))
    print("one request to a follower between switches (the resolution): p50 %.2f   p99 %.2f   max %.2f ms" % (
        percentile(idle, 50), percentile(idle, 99), max(idle)))
    if processes:
        print("CPU time per measured switch (user + system, pauses and resolution requests included): " + ", ".join(
            "%s %.1f ms" % (name, (cpu_after[name] - cpu_before[name]) / max(1, len(alls))) for name, _ in processes))
    if failed:
        print("%d switches not followed within %.0f s" % (len(failed), DEADLINE_S))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
