package dev.bluegreen.proxy;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.testing.ChaosBackend;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Slow clients: the request-header timeout (slowloris) and the request-body timeout. */
class RequestTimeoutTest {

    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopSender() {
        sender.shutdownNow();
    }

    /** Sends {@code bytes} one at a time, every {@code periodMillis}, until they are all sent or the socket fails. */
    private ScheduledFuture<?> trickle(OutputStream out, byte[] bytes, long periodMillis, AtomicInteger sent) {
        return sender.scheduleAtFixedRate(() -> {
            int next = sent.get();
            if (next >= bytes.length) {
                throw new IllegalStateException("all sent"); // ends the schedule
            }
            try {
                out.write(bytes[next]);
                out.flush();
                sent.incrementAndGet();
            } catch (IOException closed) {
                throw new IllegalStateException("closed", closed); // ends the schedule
            }
        }, 0, periodMillis, TimeUnit.MILLISECONDS);
    }

    @Test
    void requestHeadTrickledByteByByte_is408AtTheHeaderTimeout_andClosed() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.requestHeaderTimeout(Duration.ofSeconds(1)));
             RawHttpClient client = RawHttpClient.connect(fixture.port()).soTimeout(Duration.ofSeconds(30))) {
            // 600 bytes at one per 50 ms would take 30 s; each byte comes well within any per-read timeout.
            byte[] head = ("GET / HTTP/1.1\r\nHost: shop.example\r\nX-Slow: " + "a".repeat(560) + "\r\n\r\n")
                    .getBytes(US_ASCII);
            AtomicInteger sent = new AtomicInteger();
            long start = System.nanoTime();
            trickle(client.output(), head, 50, sent);

            RawResponse response = client.readResponse();
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(response.status()).isEqualTo(408);
            assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(client.isClosedByPeer()).isTrue();
            assertThat(elapsedMillis).as("not before the deadline").isGreaterThanOrEqualTo(1000);
            assertThat(sent.get()).as("the head was still arriving").isLessThan(head.length);
            assertThat(fixture.blue().connectionsAccepted()).isZero();
        }
    }

    @Test
    void idleKeepAliveConnection_isNotTimedOutByTheHeaderTimeout() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.requestHeaderTimeout(Duration.ofMillis(500)));
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            assertThat(client.isClosedByPeer(Duration.ofMillis(1500))).as("idle before the first request").isFalse();
            assertThat(client.get("/1").status()).isEqualTo(200);
            assertThat(client.isClosedByPeer(Duration.ofMillis(1500))).as("idle between requests").isFalse();
            assertThat(client.get("/2").status()).isEqualTo(200);
        }
    }

    @Test
    void slowBackend_doesNotCountAgainstThePipelinedRequestsHeader() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.requestHeaderTimeout(Duration.ofMillis(500)));
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            dev.bluegreen.testing.Gate gate = fixture.blue().hold();
            // The first request whole and the start of the second, pipelined; the backend takes its time.
            client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /next HTTP/1.1\r\nHo");
            gate.awaitArrived(1, Duration.ofSeconds(10));
            assertThat(client.isClosedByPeer(Duration.ofMillis(1500))).isFalse();
            gate.release();
            assertThat(client.readResponse().status()).isEqualTo(200);

            client.send("st: x\r\n\r\n");
            assertThat(client.readResponse().status()).as("the second head was never timed out").isEqualTo(200);
        }
    }

    @Test
    void pipelinedHeadStartedWithThePreviousRequest_isTimedFromTheEndOfThatExchange() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.requestHeaderTimeout(Duration.ofMillis(500)));
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            client.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHo");
            assertThat(client.readResponse().status()).isEqualTo(200);

            // The rest of the second head never comes: 408 at the header timeout, not the 60 s idle timeout.
            RawResponse response = client.readResponse();
            assertThat(response.status()).isEqualTo(408);
            assertThat(client.isClosedByPeer()).isTrue();
            assertThat(fixture.blue().requestCount()).isEqualTo(1);
        }
    }

    @Test
    void requestBodyThatStalls_is408_andTheBackendNeverSeesItWhole() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.requestBodyTimeout(Duration.ofSeconds(1)));
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            client.request("POST", "/upload", Map.of("Content-Length", "100")).sendPattern(10);
            RawResponse response = client.readResponse();

            assertThat(response.status()).isEqualTo(408);
            assertThat(response.bodyText()).contains("no request body bytes for 1000 ms");
            assertThat(client.isClosedByPeer()).isTrue();
            fixture.blue().awaitOpenConnections(0, Duration.ofSeconds(10));
            assertThat(fixture.blue().requests()).allSatisfy(seen -> assertThat(seen.bodyBytes()).isLessThan(100));
        }
    }

    @Test
    void requestBodyArrivingSlowlyButSteadily_isForwardedWhole() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.requestBodyTimeout(Duration.ofSeconds(1)));
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            byte[] body = new byte[20];
            client.request("POST", "/upload", Map.of("Content-Length", Integer.toString(body.length)));
            AtomicInteger sent = new AtomicInteger();
            // 20 bytes, one per 150 ms: 3 s in all, never 1 s without a byte.
            trickle(client.output(), body, 150, sent);
            RawResponse response = client.readResponse();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("X-Received-Bytes")).isEqualTo("20");
        }
    }

    @Test
    void clientWaitingFor100Continue_isNotCutByTheBodyTimeout() {
        try (ChaosBackend backend = ChaosBackend.start(ChaosBackend.Fault.NEVER_ANSWER);
             BlueGreen admin = BlueGreen.builder().blue("v1", Backend.of("127.0.0.1", backend.port())).build()) {
            BlueGreenProxy proxy = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).eventLoopThreads(1)
                    .requestBodyTimeout(Duration.ofMillis(300))
                    .responseTimeout(Duration.ofSeconds(3))
                    .build();
            proxy.start().orTimeout(10, TimeUnit.SECONDS).join();
            try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
                client.request("POST", "/upload", Map.of("Content-Length", "10", "Expect", "100-continue"));
                assertThat(client.isClosedByPeer(Duration.ofMillis(1500)))
                        .as("no 408 while the client waits for 100 Continue").isFalse();
                client.sendPattern(10);

                assertThat(client.readResponse().status()).as("the backend's silence, not the client's")
                        .isEqualTo(504);
            } finally {
                proxy.stop(Duration.ofSeconds(2)).orTimeout(10, TimeUnit.SECONDS).join();
            }
        }
    }
}
