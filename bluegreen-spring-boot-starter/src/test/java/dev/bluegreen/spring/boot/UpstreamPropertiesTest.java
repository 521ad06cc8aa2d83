package dev.bluegreen.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import dev.bluegreen.testing.TestBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code bluegreen.proxy.upstream-idle-timeout}, {@code .max-connect-attempts} and
 * {@code .close-client-connections-after-switch}: applied to the running proxy (the builder's defaults when unset),
 * or the startup fails naming the property, the value as written and what was expected.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UpstreamPropertiesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final TwoPools pools = new TwoPools();
    private final TestBackend blue = pools.blue;
    private final ApplicationContextRunner runner = pools.runner;

    @AfterEach
    void stopBackends() {
        pools.close();
    }

    @Test
    void upstreamIdleTimeout_closesAPooledConnectionLeftUnused() {
        runner.withPropertyValues("bluegreen.proxy.upstream-idle-timeout=300ms").run(context -> {
            assertThat(context).hasNotFailed();
            try (RawHttpClient client = RawHttpClient.connect(context.getBean(BlueGreenProxy.class).port())) {
                assertThat(client.get("/").status()).isEqualTo(200);
                long answered = System.nanoTime();
                assertThat(blue.openConnections()).as("pooled after the response").isOne();

                // The default, 30 s, would keep it open well past this wait.
                blue.awaitOpenConnections(0, TIMEOUT);
                assertThat(Duration.ofNanos(System.nanoTime() - answered)).as("not before it was idle")
                        .isGreaterThanOrEqualTo(Duration.ofMillis(200));
            }
        });
    }

    @Test
    void maxConnectAttempts_ofOne_givesUpOnADeadBackend_whereTheDefaultTriesTheNext() {
        String twoBackends = "bluegreen.blue.backends=127.0.0.1:" + closedPort() + ",127.0.0.1:" + blue.port();
        // Round robin over the two: of two requests, one is sent to the dead backend first.
        runner.withPropertyValues(twoBackends, "bluegreen.proxy.max-connect-attempts=1")
                .run(context -> assertThat(twoGets(context.getBean(BlueGreenProxy.class).port())).contains(502));
        runner.withPropertyValues(twoBackends)
                .run(context -> assertThat(twoGets(context.getBean(BlueGreenProxy.class).port()))
                        .containsExactly(200, 200));
    }

    @Test
    void closeClientConnectionsAfterSwitch_closesAConnectionFromBeforeTheSwitch_unsetKeepsIt() {
        runner.withPropertyValues("bluegreen.proxy.close-client-connections-after-switch=true").run(context -> {
            assertThat(context).hasNotFailed();
            try (RawHttpClient before = RawHttpClient.connect(context.getBean(BlueGreenProxy.class).port())) {
                assertThat(before.get("/1").header("Connection")).isNull();
                context.getBean(BlueGreen.class).switchTo(Colour.GREEN);

                RawResponse moved = before.get("/2");

                assertThat(moved.header("X-Backend")).isEqualTo("green");
                assertThat(moved.header("Connection")).isEqualTo("close");
                assertThat(before.isClosedByPeer(TIMEOUT)).isTrue();
            }
        });
        runner.run(context -> {
            try (RawHttpClient before = RawHttpClient.connect(context.getBean(BlueGreenProxy.class).port())) {
                assertThat(before.get("/1").status()).isEqualTo(200);
                context.getBean(BlueGreen.class).switchTo(Colour.GREEN);

                RawResponse moved = before.get("/2");

                assertThat(moved.header("X-Backend")).isEqualTo("green");
                assertThat(moved.header("Connection")).isNull();
                assertThat(before.get("/3").status()).as("the same connection, still open").isEqualTo(200);
            }
        });
    }

    @Test
    void invalidValues_failTheStartupNamingThePropertyAndTheValueAsWritten() {
        pools.assertRefused("bluegreen.proxy.upstream-idle-timeout", "0s", "upstreamIdleTimeout: 0s (expected: > 0)",
                "bluegreen.proxy.upstream-idle-timeout=0s");
        pools.assertRefused("bluegreen.proxy.upstream-idle-timeout", "", "expected: a duration",
                "bluegreen.proxy.upstream-idle-timeout=");
        pools.assertRefused("bluegreen.proxy.max-connect-attempts", "0", "maxConnectAttempts: 0 (expected: 1-64)",
                "bluegreen.proxy.max-connect-attempts=0");
        pools.assertRefused("bluegreen.proxy.max-connect-attempts", "65", "maxConnectAttempts: 65 (expected: 1-64)",
                "bluegreen.proxy.max-connect-attempts=65");
    }

    /** The statuses of two GETs, each on a connection of its own. */
    private static List<Integer> twoGets(int port) {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            try (RawHttpClient client = RawHttpClient.connect(port)) {
                statuses.add(client.get("/" + i).status());
            }
        }
        return statuses;
    }

    /** A port on which nothing listens: connecting to it is refused. */
    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
