package dev.bluegreen.proxy;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.TestBackend;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How the proxy ends its connections to a backend, seen from a backend written by hand that answers one request and
 * then reads what comes next. A health check's connection ends with a reset once the verdict is in: a backend checked
 * at every switch and every interval then keeps no socket in TIME_WAIT per check, and neither does the proxy. A
 * connection that carried traffic ends with an orderly close: whatever the proxy wrote before closing it (the end of
 * a tunnel, say) must arrive, which a reset would not promise.
 */
class BackendConnectionCloseTest {

    private static final long WAIT_SECONDS = 20;
    private static final String KEEP_ALIVE_RESPONSE = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    private static final String CLOSING_RESPONSE =
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";

    @Test
    void aCheckConnection_isResetOnceTheVerdictIsIn_leavingNoTimeWait() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             TestBackend blue = TestBackend.start("blue-1")) {
            // The backend closes its side after the answer, as a server does after Connection: close.
            HandWrittenBackend green = HandWrittenBackend.start(server, CLOSING_RESPONSE, true);
            Backend greenBackend = Backend.of("127.0.0.1", server.getLocalPort());
            try (BlueGreen admin = BlueGreen.builder()
                    .blue("v1", Backend.of("127.0.0.1", blue.port()))
                    .green("v2", greenBackend)
                    .build()) {
                // One check of each backend at the start, the next an hour later.
                BlueGreenProxy proxy = start(BlueGreenProxy.builder(admin)
                        .healthChecks(HealthCheckTest.FAST.withInterval(Duration.ofHours(1))));
                try {
                    assertThat(green.request()).startsWith("GET /health HTTP/1.1\r\n")
                            .containsIgnoringCase("\r\nconnection: close\r\n");
                    assertThat(green.afterResponse())
                            .as("what the backend reads after its response and its own close")
                            .isEqualTo("reset");
                    await().atMost(Duration.ofSeconds(WAIT_SECONDS)).untilAsserted(() -> assertThat(
                            proxy.health(Colour.GREEN, greenBackend).lastReason()).isEqualTo("status 200"));
                } finally {
                    stop(proxy);
                }
            }
        }
    }

    @Test
    void aConnectionThatCarriedARequest_endsWithAnOrderlyClose() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            HandWrittenBackend blue = HandWrittenBackend.start(server, KEEP_ALIVE_RESPONSE, false);
            try (BlueGreen admin = BlueGreen.builder()
                    .blue("v1", Backend.of("127.0.0.1", server.getLocalPort()))
                    .build()) {
                BlueGreenProxy proxy = start(BlueGreenProxy.builder(admin));
                try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
                    assertThat(client.get("/").bodyText()).isEqualTo("ok");
                    assertThat(blue.request()).startsWith("GET / HTTP/1.1\r\n");
                } finally {
                    // Stopping closes the pooled connection to the backend.
                    stop(proxy);
                }
                assertThat(blue.afterResponse()).as("what the backend reads after the proxy let go of it")
                        .isEqualTo("end of stream");
            }
        }
    }

    private static BlueGreenProxy start(BlueGreenProxyBuilder builder) {
        BlueGreenProxy proxy = builder.listen("127.0.0.1", 0).eventLoopThreads(1).build();
        proxy.start().orTimeout(10, TimeUnit.SECONDS).join();
        return proxy;
    }

    private static void stop(BlueGreenProxy proxy) {
        proxy.stop(Duration.ofSeconds(2)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /**
     * Accepts one connection, reads one request head, writes {@code response} (then shuts its output if
     * {@code closeAfter}), and reads on: a reset from the proxy is {@code "reset"}, an orderly close
     * {@code "end of stream"}.
     */
    private record HandWrittenBackend(CompletableFuture<String> requestHead, CompletableFuture<String> next) {

        static HandWrittenBackend start(ServerSocket server, String response, boolean closeAfter) {
            HandWrittenBackend backend = new HandWrittenBackend(new CompletableFuture<>(), new CompletableFuture<>());
            Thread thread = new Thread(() -> backend.serve(server, response, closeAfter), "hand-written-backend");
            thread.setDaemon(true);
            thread.start();
            return backend;
        }

        String request() throws Exception {
            return requestHead.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }

        String afterResponse() throws Exception {
            return next.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }

        private void serve(ServerSocket server, String response, boolean closeAfter) {
            try (Socket socket = server.accept()) {
                socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
                InputStream in = socket.getInputStream();
                StringBuilder head = new StringBuilder();
                while (head.indexOf("\r\n\r\n") < 0) {
                    int b = in.read();
                    if (b < 0) {
                        throw new IOException("the connection ended before the request head did: " + head);
                    }
                    head.append((char) b);
                }
                requestHead.complete(head.toString());
                socket.getOutputStream().write(response.getBytes(US_ASCII));
                if (closeAfter) {
                    socket.shutdownOutput();
                }
                try {
                    int b = in.read();
                    next.complete(b < 0 ? "end of stream" : "a byte: " + b);
                } catch (SocketException reset) {
                    next.complete(reset.getMessage() != null && reset.getMessage().contains("reset")
                            ? "reset" : "failed: " + reset);
                }
            } catch (IOException e) {
                requestHead.completeExceptionally(e);
                next.completeExceptionally(e);
            }
        }
    }
}
