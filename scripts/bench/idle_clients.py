#!/usr/bin/env python3
"""Opens N keep-alive client connections to a proxy, sends one small GET on each and reads its whole response,
then holds them all open and idle until stdin closes or the process is terminated.

Prints one line "ready OPEN FAILED" once every connection has been served (or has failed), so that the caller can
measure the proxy's memory with N idle keep-alive connections, then sleeps until it is terminated (the kernel
closes the sockets). Used by compare-proxies.sh --idle.

usage: idle_clients.py HOST PORT COUNT [PATH]
"""

import resource
import socket
import sys
import time


def raise_fd_limit(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(needed, hard), hard))


def read_response(sock):
    """Reads one response with a Content-Length body; returns its status code."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed before the response head")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed in the middle of the body")
        body += chunk
    return status


def main():
    host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    path = sys.argv[4] if len(sys.argv) > 4 else "/"
    raise_fd_limit(count + 64)
    request = ("GET %s HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: idle-clients\r\n\r\n" % (path, host, port)).encode()
    held, failed = [], 0
    for _ in range(count):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.settimeout(10)
            sock.connect((host, port))
            sock.sendall(request)
            if read_response(sock) != 200:
                raise ConnectionError("non-200")
            held.append(sock)
        except OSError as error:
            failed += 1
            if failed <= 3:
                print("connection failed: %s" % error, file=sys.stderr, flush=True)
            sock.close()
    print("ready %d %d" % (len(held), failed), flush=True)
    # Idle until the caller, having measured, terminates us.
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
