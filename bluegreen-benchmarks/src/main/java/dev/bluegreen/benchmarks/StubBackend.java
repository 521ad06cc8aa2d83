package dev.bluegreen.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A backend that allocates nothing per request, so that a benchmark's allocation figure is the proxy's: one thread per
 * connection reads each request head (GET, no body) into a reused buffer and answers it with the same bytes, an
 * nginx-like {@code 200} of a 2-byte body. Blocking sockets, on 127.0.0.1.
 */
final class StubBackend implements AutoCloseable {

    /** What nginx's {@code return 200 "ok"} sends, byte for byte but the date. */
    static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\n"
            + "Server: nginx/1.22.1\r\n"
            + "Date: Mon, 01 Dec 2026 12:00:00 GMT\r\n"
            + "Content-Type: text/plain\r\n"
            + "Content-Length: 2\r\n"
            + "Connection: keep-alive\r\n"
            + "\r\n"
            + "ok").getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket server;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();

    private StubBackend(ServerSocket server) {
        this.server = server;
        Thread acceptor = new Thread(this::accept, "stub-backend-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static StubBackend start() {
        try {
            return new StubBackend(new ServerSocket(0, 64, InetAddress.getLoopbackAddress()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                connections.add(socket);
                Thread serving = new Thread(() -> serve(socket), "stub-backend-" + socket.getPort());
                serving.setDaemon(true);
                serving.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void serve(Socket socket) {
        byte[] buffer = new byte[16 * 1024];
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            int filled = 0;
            while (true) {
                int read = in.read(buffer, filled, buffer.length - filled);
                if (read < 0) {
                    return;
                }
                filled += read;
                // Answers every complete head in the buffer (GET requests: the head is the whole request).
                int start = 0;
                int end;
                while ((end = HeadScanner.endOfHead(buffer, start, filled)) > 0) {
                    out.write(RESPONSE);
                    start = end;
                }
                System.arraycopy(buffer, start, buffer, 0, filled - start);
                filled -= start;
                if (filled == buffer.length) {
                    return;
                }
            }
        } catch (IOException e) {
            // The proxy closed the connection: nothing to serve any more.
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : connections) {
            socket.close();
        }
    }
}
