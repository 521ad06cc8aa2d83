package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.testing.Gate;
import dev.bluegreen.testing.HttpLoad;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import dev.bluegreen.testing.SeenRequest;
import dev.bluegreen.testing.TestBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A backend that dies under load, with requests in flight on it: the idempotent ones are sent once more, to another
 * backend of the same pool (RFC 9110 §9.2.2), and nothing else is ever sent twice.
 */
class BackendDeathTest {

    @Test
    void oneOfTwoBackendsKilledUnderLoad_noGetFails_theGetsInFlightOnItAreRetriedOnTheOther() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ProxyFixture fixture = ProxyFixture.start(2, 1, b -> b)) {
            BlueGreenMetrics.of(fixture.proxy).bindTo(registry);
            TestBackend doomed = fixture.blue.get(0);
            // Every request that reaches the doomed backend waits there on a connection of its own (none goes back
            // to the pool): new connections, which the proxy never replays as stale ones.
            Gate gate = doomed.hold();
            try (HttpLoad load = HttpLoad.start(fixture.port(), 8, "/")) {
                gate.awaitArrived(4, Duration.ofSeconds(10));

                doomed.close();
                load.awaitResponses(load.responses() + 1_000, Duration.ofSeconds(20));
                HttpLoad.Summary summary = load.stop();

                assertThat(summary.failures()).as("%s", summary.failureSamples()).isZero();
                assertThat(summary.byBackend()).containsOnlyKeys("blue-2");
            }
            // At least those held; a request whose connection the kill caught before its head was read is one too.
            assertThat(registry.get(MeterNames.RETRIES).tags(MeterNames.COLOUR, "blue", MeterNames.OUTCOME, "retried")
                    .counter().count()).isGreaterThanOrEqualTo(gate.arrived());
        }
    }

    @Test
    void aPostInFlightOnAKilledBackend_is502_andNeverReachesAnotherBackend() throws Exception {
        ExecutorService clients = Executors.newCachedThreadPool();
        try (ProxyFixture fixture = ProxyFixture.start(2, 1, b -> b)) {
            TestBackend doomed = fixture.blue.get(0);
            Gate gate = doomed.hold();
            // Round robin decides where a POST goes: send them until one is held at the doomed backend.
            Future<RawResponse> held = null;
            String heldPath = null;
            for (int i = 0; held == null && i < 20; i++) {
                int arrived = gate.arrived();
                String path = "/order-" + i;
                Future<RawResponse> post = clients.submit(() -> post(fixture.port(), path));
                await().atMost(Duration.ofSeconds(10)).until(() -> post.isDone() || gate.arrived() > arrived);
                if (gate.arrived() > arrived) {
                    held = post;
                    heldPath = path;
                }
            }
            assertThat(held).as("a POST held at the doomed backend").isNotNull();

            doomed.close();
            RawResponse response = held.get(10, TimeUnit.SECONDS);

            assertThat(response.status()).isEqualTo(502);
            String path = heldPath;
            assertThat(fixture.blue.get(1).requests()).extracting(SeenRequest::uri).doesNotContain(path);
            assertThat(doomed.requests()).extracting(SeenRequest::uri).containsOnlyOnce(path);
        } finally {
            clients.shutdownNow();
        }
    }

    private static RawResponse post(int port, String path) {
        try (RawHttpClient client = RawHttpClient.connect(port)) {
            return client.request("POST", path, Map.of("Content-Length", "5")).send("hello").readResponse();
        }
    }
}
