#!/usr/bin/env python3
"""Switches a bluegreen proxy between green and blue, over and over, until told to stop.

Used by switch-under-load.sh, which starts it in the background and sends it SIGTERM when wrk is done:

    python3 switch-loop.py HOST:PORT INTERVAL_MS

It POSTs /switch?to=green, then /switch?to=blue, and so on, one every INTERVAL_MS milliseconds (on a fixed
schedule: a slow switch shortens the next pause; when it falls behind it goes on at once, without bursts to catch
up), over one keep-alive connection, opened again after an error. On SIGTERM or SIGINT it finishes the switch under
way, then prints one line and exits 0:

    switches ok=N failed=M first_failure=...

ok counts answers 200; failed counts every other status and every connection error. first_failure is "-" when
none failed.

Why not a curl loop: spawning one curl per switch managed about 40 switches/s on an idle 2-core machine and about
16/s with wrk running, far below the default 100/s; this loop keeps up.
"""

import http.client
import signal
import sys
import time


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: switch-loop.py HOST:PORT INTERVAL_MS\n")
        return 2
    host, _, port = argv[1].rpartition(":")
    interval = float(argv[2]) / 1000.0

    stop = False

    def on_signal(signum, frame):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    ok = 0
    failed = 0
    first_failure = "-"
    targets = ("green", "blue")
    turn = 0
    connection = None
    next_at = time.monotonic()
    while not stop:
        target = targets[turn % 2]
        turn += 1
        try:
            if connection is None:
                connection = http.client.HTTPConnection(host, int(port), timeout=5)
            connection.request("POST", "/switch?to=" + target, headers={"Content-Length": "0"})
            response = connection.getresponse()
            body = response.read()
            if response.status == 200:
                ok += 1
            else:
                failed += 1
                if first_failure == "-":
                    first_failure = "HTTP %d %s" % (response.status, body.decode("utf-8", "replace").strip())
            if response.will_close:
                connection.close()
                connection = None
        except (OSError, http.client.HTTPException) as error:
            failed += 1
            if first_failure == "-":
                first_failure = "%s: %s" % (type(error).__name__, error)
            if connection is not None:
                connection.close()
            connection = None
        next_at += interval
        now = time.monotonic()
        if next_at > now:
            time.sleep(next_at - now)
        else:
            next_at = now
    if connection is not None:
        connection.close()
    print("switches ok=%d failed=%d first_failure=%s" % (ok, failed, first_failure.replace("\n", " ")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
