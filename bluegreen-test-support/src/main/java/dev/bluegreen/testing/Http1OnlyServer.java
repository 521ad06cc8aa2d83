package dev.bluegreen.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A backend that speaks HTTP/1 only, for tests of a pool given the wrong backend protocol: every connection it accepts
 * gets the answer an HTTP/1 server gives the HTTP/2 preface, which it reads as a request it can't parse
 * ({@code HTTP/1.1 400 Bad Request}), and is closed.
 */
public final class Http1OnlyServer {

    private Http1OnlyServer() {
    }

    /**
     * Answers every connection {@code server} accepts, on a daemon thread of its own, until the server socket closes.
     *
     * @param server a bound server socket; the caller closes it
     */
    public static void answerEveryConnection(ServerSocket server) {
        Thread answering = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket connection = server.accept()) {
                    connection.getInputStream().read(new byte[1024]);
                    connection.getOutputStream().write(("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                } catch (IOException closed) {
                    // The server socket closed at the end of the test, or the client gave up on this connection.
                }
            }
        }, "http1-only-backend");
        answering.setDaemon(true);
        answering.start();
    }
}
