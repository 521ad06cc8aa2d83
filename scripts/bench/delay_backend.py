#!/usr/bin/env python3
"""A tiny HTTP/1.1 backend that answers every request after a fixed delay, for balancing.sh.

Keep-alive, asyncio, GET only (request bodies are not read). Answers 200 with its name as the body and in X-Backend,
and counts what it served: GET /count on its own port answers that count without the delay.

usage: delay_backend.py PORT DELAY_SECONDS NAME
"""

import asyncio
import sys


async def main(port, delay, name):
    served = 0

    async def handle(reader, writer):
        nonlocal served
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                if head.startswith(b"GET /count "):
                    body = str(served).encode()
                else:
                    served += 1
                    await asyncio.sleep(delay)
                    body = name.encode()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nX-Backend: %s\r\n\r\n%s"
                             % (len(body), name.encode(), body))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]))
