package dev.bluegreen.proxy;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
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
 * A health check's connection ends with a reset once the verdict is in, not with an orderly close: a backend
 * checked at every switch and every interval then keeps no socket in TIME_WAIT for each check, and neither does the
 * proxy. Seen from a backend written by hand, which answers the check, closes its side as a server does after
 * {@code Connection: close}, and then reads what the proxy does next: a reset, not an end of stream.
 */
class HealthCheckResetTest {

    private static final long WAIT_SECONDS = 20;

    @Test
    void aCheckConnection_isResetOnceTheVerdictIsIn_leavingNoTimeWait() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             TestBackend blue = TestBackend.start("blue-1")) {
            CompletableFuture<String> request = new CompletableFuture<>();
            CompletableFuture<String> afterResponse = new CompletableFuture<>();
            Thread backend = new Thread(() -> answerOneCheck(server, request, afterResponse), "hand-written-backend");
            backend.setDaemon(true);
            backend.start();

            Backend green = Backend.of("127.0.0.1", server.getLocalPort());
            try (BlueGreen admin = BlueGreen.builder()
                    .blue("v1", Backend.of("127.0.0.1", blue.port()))
                    .green("v2", green)
                    .build()) {
                // One check of each backend at the start, the next an hour later.
                BlueGreenProxy proxy = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).eventLoopThreads(1)
                        .healthChecks(HealthCheckTest.FAST.withInterval(Duration.ofHours(1)))
                        .build();
                proxy.start().orTimeout(10, TimeUnit.SECONDS).join();
                try {
                    assertThat(request.get(WAIT_SECONDS, TimeUnit.SECONDS)).startsWith("GET /health HTTP/1.1\r\n")
                            .containsIgnoringCase("\r\nconnection: close\r\n");
                    assertThat(afterResponse.get(WAIT_SECONDS, TimeUnit.SECONDS))
                            .as("what the backend reads after its response and its own close")
                            .isEqualTo("reset");
                    await().atMost(Duration.ofSeconds(WAIT_SECONDS)).untilAsserted(() ->
                            assertThat(proxy.health(Colour.GREEN, green).lastReason()).isEqualTo("status 200"));
                } finally {
                    proxy.stop(Duration.ofSeconds(2)).orTimeout(10, TimeUnit.SECONDS).join();
                }
            }
        }
    }

    /**
     * Accepts one connection, reads the request head, answers 200 with {@code Connection: close}, shuts its output
     * (the FIN a server sends after such a response), then reads on: a reset from the proxy is {@code "reset"}, an
     * orderly close {@code "end of stream"}.
     */
    private static void answerOneCheck(ServerSocket server, CompletableFuture<String> request,
                                       CompletableFuture<String> afterResponse) {
        try (Socket socket = server.accept()) {
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (head.indexOf("\r\n\r\n") < 0) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the check ended before its head did: " + head);
                }
                head.append((char) b);
            }
            request.complete(head.toString());
            socket.getOutputStream().write(
                    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".getBytes(US_ASCII));
            socket.shutdownOutput();
            try {
                int next = in.read();
                afterResponse.complete(next < 0 ? "end of stream" : "a byte: " + next);
            } catch (SocketException reset) {
                afterResponse.complete(reset.getMessage() != null && reset.getMessage().contains("reset")
                        ? "reset" : "failed: " + reset);
            }
        } catch (IOException e) {
            request.completeExceptionally(e);
            afterResponse.completeExceptionally(e);
        }
    }
}
