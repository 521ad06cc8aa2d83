package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.core.Colour;
import dev.bluegreen.core.GuardContext;
import dev.bluegreen.core.GuardVerdict;
import dev.bluegreen.core.SwitchGuard;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin endpoint's request timeout, on real sockets: a client that sends a request slowly, part of one or nothing
 * has its connection closed rather than held for ever (each held connection is a file descriptor the proxy's listener
 * shares), while the time the endpoint itself takes to answer never counts.
 */
class AdminRequestTimeoutTest {

    private static final Duration TIMEOUT = Duration.ofMillis(300);
    /** Well beyond the timeout: a connection still open this long was not going to be closed by it. */
    private static final Duration CLOSED_WITHIN = Duration.ofSeconds(5);

    private ProxyFixture fixture;
    private AdminEndpoint endpoint;

    @BeforeEach
    void start() {
        fixture = ProxyFixture.start();
        endpoint = AdminEndpoint.builder(fixture.admin).proxy(fixture.proxy).listen("127.0.0.1", 0)
                .requestTimeout(TIMEOUT).build();
        endpoint.start().orTimeout(10, TimeUnit.SECONDS).join();
    }

    @AfterEach
    void stop() {
        endpoint.stop().orTimeout(10, TimeUnit.SECONDS).join();
        fixture.close();
    }

    @Test
    void partOfAHead_thenNothing_isClosedAtTheTimeout() {
        try (RawHttpClient client = RawHttpClient.connect(endpoint.port())) {
            client.send("GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\n");

            assertThat(client.isClosedByPeer(CLOSED_WITHIN)).isTrue();
        }
    }

    @Test
    void aConnectionThatSendsNothing_isClosedAtTheTimeout() {
        try (RawHttpClient client = RawHttpClient.connect(endpoint.port())) {
            assertThat(client.isClosedByPeer(CLOSED_WITHIN)).isTrue();
        }
    }

    @Test
    void aBodyThatStopsComing_isClosedAtTheTimeout_andChangesNothing() {
        try (RawHttpClient client = RawHttpClient.connect(endpoint.port())) {
            client.send("POST /switch HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 8\r\n\r\nto=g");

            assertThat(client.isClosedByPeer(CLOSED_WITHIN)).isTrue();
        }
        assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.BLUE);
    }

    @Test
    void eachWholeRequestIsAnswered_andTheIdleConnectionClosesAfterTheLast() {
        try (RawHttpClient client = RawHttpClient.connect(endpoint.port())) {
            assertThat(client.get("/status").status()).isEqualTo(200);
            assertThat(client.get("/status").status()).as("keep-alive until the timeout").isEqualTo(200);

            assertThat(client.isClosedByPeer(CLOSED_WITHIN)).isTrue();
        }
    }

    @Test
    void aSwitchWhoseGuardTakesLongerThanTheTimeout_isAnswered() throws Exception {
        // The guard answers after three timeouts: the endpoint's own time, which must not count against the client.
        SwitchGuard slow = new SwitchGuard() {
            @Override
            public String name() {
                return "slow";
            }

            @Override
            public CompletionStage<GuardVerdict> check(GuardContext context) {
                return CompletableFuture.supplyAsync(GuardVerdict::pass,
                        CompletableFuture.delayedExecutor(TIMEOUT.toMillis() * 3, TimeUnit.MILLISECONDS));
            }
        };
        try (AutoCloseable ignored = fixture.admin.addGuard(slow);
             RawHttpClient client = RawHttpClient.connect(endpoint.port())) {
            client.send("POST /switch?to=green HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
            RawResponse switched = client.readResponse();

            assertThat(switched.status()).as(switched.bodyText()).isEqualTo(200);
            assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.GREEN);
        }
    }

    @Test
    void requestTimeout_outOfRange_isRefused() {
        AdminEndpoint.Builder builder = AdminEndpoint.builder(fixture.admin);
        assertThatThrownBy(() -> builder.requestTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("requestTimeout: ");
        assertThatThrownBy(() -> builder.requestTimeout(Duration.ofHours(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 1 hour");
    }
}
