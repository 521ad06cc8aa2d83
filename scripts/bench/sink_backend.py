#!/usr/bin/env python3
"""A tiny HTTP/1.1 backend for the big-body runs of compare-proxies.sh: it proves how many bytes really crossed.

  PUT|POST (any path)      reads the whole body (Content-Length or chunked, answering Expect: 100-continue) and
                           answers 200 with the body "received N\\n"
  GET /download?bytes=N    answers 200 with N zero bytes (Content-Length framing)
  GET anything else        answers 200 "ok"

Keep-alive, one thread per connection. Bodies are counted, never stored.

usage: sink_backend.py HOST PORT
"""

import socket
import socketserver
import sys
from urllib.parse import parse_qs, urlsplit

BLOCK = memoryview(bytes(1 << 20))


class Handler(socketserver.BaseRequestHandler):

    def setup(self):
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = bytearray()
        self.scratch = bytearray(1 << 20)

    def fill(self):
        n = self.request.recv_into(self.scratch)
        if n == 0:
            raise EOFError
        self.buffer += self.scratch[:n]

    def line(self):
        while True:
            i = self.buffer.find(b"\r\n")
            if i >= 0:
                line = bytes(self.buffer[:i])
                del self.buffer[:i + 2]
                return line
            self.fill()

    def discard(self, length):
        """Reads and counts exactly length body bytes."""
        taken = min(length, len(self.buffer))
        del self.buffer[:taken]
        remaining = length - taken
        while remaining > 0:
            n = self.request.recv_into(self.scratch, min(remaining, len(self.scratch)))
            if n == 0:
                raise EOFError
            remaining -= n
        return length

    def read_body(self, headers):
        if "chunked" in headers.get("transfer-encoding", "").lower():
            total = 0
            while True:
                size = int(self.line().split(b";")[0], 16)
                if size == 0:
                    while self.line():  # trailers, up to the empty line
                        pass
                    return total
                total += self.discard(size)
                self.line()
        return self.discard(int(headers.get("content-length", "0")))

    def respond(self, body, keep_alive):
        head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n%s\r\n" % (
            len(body), "" if keep_alive else "Connection: close\r\n")
        self.request.sendall(head.encode() + body)

    def send_zeros(self, length, keep_alive):
        head = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n%s\r\n" % (
            length, "" if keep_alive else "Connection: close\r\n")
        self.request.sendall(head.encode())
        remaining = length
        while remaining > 0:
            n = min(remaining, len(BLOCK))
            self.request.sendall(BLOCK[:n])
            remaining -= n

    def handle(self):
        try:
            while True:
                request_line = self.line()
                if not request_line:
                    continue
                method, target, version = request_line.decode("latin-1").split(" ", 2)
                headers = {}
                while True:
                    header = self.line()
                    if not header:
                        break
                    name, _, value = header.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                keep_alive = headers.get("connection", "").lower() != "close" and version == "HTTP/1.1"
                if headers.get("expect", "").lower() == "100-continue":
                    self.request.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
                received = self.read_body(headers)
                url = urlsplit(target)
                if method in ("PUT", "POST"):
                    self.respond(b"received %d\n" % received, keep_alive)
                elif url.path == "/download":
                    self.send_zeros(int(parse_qs(url.query).get("bytes", ["0"])[0]), keep_alive)
                else:
                    self.respond(b"ok", keep_alive)
                if not keep_alive:
                    return
        except (EOFError, ConnectionError):
            return


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    with Server((host, port), Handler) as server:
        server.serve_forever()


if __name__ == "__main__":
    main()
