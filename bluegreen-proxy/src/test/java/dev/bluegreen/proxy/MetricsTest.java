package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.internal.metrics.MicrometerRecorder;
import dev.bluegreen.testing.RawHttpClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The meters after known traffic, a switch and a rollback, in a registry the test owns. */
class MetricsTest {

    private static double requests(MeterRegistry registry, String colour, String status, String source) {
        var counter = registry.find(MeterNames.REQUESTS)
                .tags(MeterNames.COLOUR, colour, MeterNames.STATUS, status, MeterNames.SOURCE, source).counter();
        return counter == null ? -1 : counter.count();
    }

    private static double gauge(MeterRegistry registry, String name, String... tags) {
        return registry.get(name).tags(tags).gauge().value();
    }

    @Test
    void the503OfAnEmptyPool_isCountedInTheRequests_asTheProxysAnswer() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ProxyFixture fixture = ProxyFixture.start(0, 1, b -> b);
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            BlueGreenMetrics.of(fixture.proxy).bindTo(registry);

            assertThat(client.get("/").status()).isEqualTo(503);
            assertThat(client.get("/again").status()).isEqualTo(503);

            assertThat(requests(registry, "blue", "5xx", "proxy")).isEqualTo(2);
            assertThat(fixture.proxy.exchangesEnded(Colour.BLUE)).isEqualTo(2);
            assertThat(fixture.proxy.failedExchanges(Colour.BLUE)).isEqualTo(2);
        }
    }

    @Test
    void boundTwiceToOneRegistry_countsEachExchangeAndChangeOnce() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ProxyFixture fixture = ProxyFixture.start(b -> b);
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            BlueGreenMetrics.of(fixture.proxy).bindTo(registry);
            BlueGreenMetrics.of(fixture.proxy).percentileHistogram(true).bindTo(registry);

            assertThat(client.get("/blue").status()).isEqualTo(200);
            fixture.admin.switchTo(Colour.GREEN);

            // Recorded as the exchange ends, which may be just after the client read the response.
            await().atMost(Duration.ofSeconds(5)).until(() -> requests(registry, "blue", "2xx", "backend") >= 1);
            assertThat(requests(registry, "blue", "2xx", "backend")).isEqualTo(1);
            assertThat(registry.get(MeterNames.REQUEST_DURATION).tags(MeterNames.COLOUR, "blue").timer().count())
                    .isEqualTo(1);
            assertThat(registry.get(MeterNames.CHANGES).tags(MeterNames.KIND, "switch", MeterNames.OUTCOME,
                    "applied").counter().count()).isEqualTo(1);
        }
    }

    @Test
    void bindingAfterTheBlueGreenClosed_isRefused_registeringNothing() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ProxyFixture fixture = ProxyFixture.start(b -> b)) {
            fixture.admin.close();

            assertThatThrownBy(() -> BlueGreenMetrics.of(fixture.proxy).bindTo(registry))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("bindTo refused: the proxy's BlueGreen is closed (expected: an open one; its change"
                            + " meters would never move)");
            assertThat(registry.getMeters()).isEmpty();
        }
    }

    @Test
    void anExchangeItsClientAbandons_isAbortedByTheClient_notByTheBackend() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ProxyFixture fixture = ProxyFixture.start(b -> b)) {
            BlueGreenMetrics.of(fixture.proxy).bindTo(registry);
            fixture.blue().behave(dev.bluegreen.testing.Behaviour.neverRespond());
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                client.request("GET", "/hangs", Map.of());
                await().atMost(Duration.ofSeconds(5)).until(() -> fixture.proxy.activeExchanges(Colour.BLUE) == 1);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> fixture.proxy.exchangesEnded(Colour.BLUE) == 1);

            assertThat(requests(registry, "blue", "aborted", "client")).isEqualTo(1);
            assertThat(requests(registry, "blue", "aborted", "backend")).isZero();
            assertThat(registry.find(MeterNames.REQUESTS).tags(MeterNames.SOURCE, "client").counters())
                    .as("one series per colour, only for aborted").hasSize(2);
        }
    }

    @Test
    void knownTrafficASwitchAndARollback_showInTheMeters() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.drainTimeout(Duration.ofSeconds(5)))) {
            BlueGreenMetrics.of(fixture.proxy).bindTo(registry);
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                for (int i = 0; i < 3; i++) {
                    assertThat(client.get("/blue").status()).isEqualTo(200);
                }
                client.request("POST", "/upload", Map.of("Content-Length", "1000")).sendPattern(1000);
                assertThat(client.readResponse().status()).isEqualTo(200);
                assertThat(gauge(registry, MeterNames.LIVE, "colour", "blue")).isEqualTo(1);
                // The connection goes back to the pool just after the response is written: wait for it.
                await().atMost(Duration.ofSeconds(5)).until(() ->
                        gauge(registry, MeterNames.UPSTREAM_CONNECTIONS, "colour", "blue", "state", "idle") == 1);

                fixture.admin.switchTo(Colour.GREEN);
                fixture.green().status(503, "green is sick");
                assertThat(client.get("/green").status()).isEqualTo(503);
                assertThat(fixture.proxy.drain(Colour.BLUE).orElseThrow().completion().get(5, TimeUnit.SECONDS)
                        .outcome()).isEqualTo(DrainReport.Outcome.DRAINED);
                fixture.admin.rollback();
                fixture.blue.forEach(backend -> backend.close());
                assertThat(client.get("/refused").status()).isEqualTo(502);
            }
            fixture.proxy.drain(Colour.GREEN).orElseThrow().completion().get(5, TimeUnit.SECONDS);

            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(requests(registry, "blue", "2xx", "backend")).isEqualTo(4);
                assertThat(requests(registry, "green", "5xx", "backend")).isEqualTo(1);
                assertThat(requests(registry, "blue", "5xx", "proxy")).isEqualTo(1);
                assertThat(requests(registry, "green", "2xx", "backend")).isZero();
            });
            assertThat(registry.get(MeterNames.REQUEST_DURATION).tag("colour", "blue").timer().count()).isEqualTo(5);
            assertThat(registry.get(MeterNames.REQUEST_BYTES).tag("colour", "blue").counter().count())
                    .isEqualTo(1000);
            assertThat(registry.get(MeterNames.RESPONSE_BYTES).tag("colour", "green").counter().count())
                    .isEqualTo("green is sick".length());
            assertThat(registry.get(MeterNames.CHANGES).tags("kind", "switch", "outcome", "applied").counter()
                    .count()).isEqualTo(1);
            assertThat(registry.get(MeterNames.CHANGES).tags("kind", "rollback", "outcome", "applied").counter()
                    .count()).isEqualTo(1);
            assertThat(registry.get(MeterNames.DRAINS).tags("colour", "green", "outcome", "drained").counter()
                    .count()).isEqualTo(1);
            assertThat(registry.get(MeterNames.DRAINS).tags("colour", "blue", "outcome", "drained").counter()
                    .count()).isEqualTo(1);
            assertThat(gauge(registry, MeterNames.LIVE, "colour", "blue")).isEqualTo(1);
            assertThat(gauge(registry, MeterNames.LIVE, "colour", "green")).isZero();
            assertThat(gauge(registry, MeterNames.GENERATION)).isEqualTo(2);
            assertThat(gauge(registry, MeterNames.ACTIVE_EXCHANGES, "colour", "blue")).isZero();
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    gauge(registry, MeterNames.CLIENT_CONNECTIONS) == 0);
        }
    }

    @Test
    void refusedChanges_areCountedByKind() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ProxyFixture fixture = ProxyFixture.start()) {
            BlueGreenMetrics.of(fixture.proxy).bindTo(registry);

            assertThatThrownBy(() -> fixture.admin.switchTo(Colour.BLUE)).isInstanceOf(ChangeRefusedException.class);
            assertThatThrownBy(() -> fixture.admin.switchTo(Colour.BLUE)).isInstanceOf(ChangeRefusedException.class);
            assertThatThrownBy(() -> fixture.admin.rollback()).isInstanceOf(ChangeRefusedException.class);

            assertThat(registry.get(MeterNames.CHANGES).tags("kind", "switch", "outcome", "refused").counter()
                    .count()).isEqualTo(2);
            assertThat(registry.get(MeterNames.CHANGES).tags("kind", "rollback", "outcome", "refused").counter()
                    .count()).isEqualTo(1);
            assertThat(registry.get(MeterNames.CHANGES).tags("kind", "switch", "outcome", "applied").counter()
                    .count()).isZero();
        }
    }

    @Test
    void refusedRequests_andSafetyNetReroutes_areCounted() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.maxHeaderCount(5))) {
            BlueGreenMetrics.of(fixture.proxy).bindTo(registry);
            try (RawHttpClient noHost = RawHttpClient.connect(fixture.port())) {
                assertThat(noHost.send("GET / HTTP/1.1\r\n\r\n").readResponse().status()).isEqualTo(400);
            }
            try (RawHttpClient tooMany = RawHttpClient.connect(fixture.port())) {
                StringBuilder head = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
                for (int i = 0; i < 6; i++) {
                    head.append("X-").append(i).append(": y\r\n");
                }
                assertThat(tooMany.send(head + "\r\n").readResponse().status()).isEqualTo(431);
            }

            assertThat(registry.get(MeterNames.REQUESTS_REJECTED).tag(MeterNames.CODE, "400").counter().count())
                    .isEqualTo(1);
            assertThat(registry.get(MeterNames.REQUESTS_REJECTED).tag(MeterNames.CODE, "431").counter().count())
                    .isEqualTo(1);
            assertThat(fixture.blue().connectionsAccepted()).as("no backend saw them").isZero();
        }
    }

    @Test
    void theRecorder_countsAnUnlistedStatusAsOther_andSafetyNetReroutesByColour() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MicrometerRecorder recorder = new MicrometerRecorder(registry, false);

        recorder.requestRejected(418);
        recorder.safetyNetUsed(Colour.GREEN);
        recorder.safetyNetUsed(Colour.GREEN);

        assertThat(registry.get(MeterNames.REQUESTS_REJECTED).tag(MeterNames.CODE, "other").counter().count())
                .isEqualTo(1);
        assertThat(registry.get(MeterNames.SAFETY_NET_REROUTES).tag(MeterNames.COLOUR, "green").counter().count())
                .isEqualTo(2);
        assertThat(registry.get(MeterNames.SAFETY_NET_REROUTES).tag(MeterNames.COLOUR, "blue").counter().count())
                .isZero();
    }
}
