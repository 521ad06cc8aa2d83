package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.testing.Gate;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import dev.bluegreen.testing.TestBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link LoadBalancing#LEAST_REQUESTS} on real sockets: a backend that holds a request gets no new one while another
 * of its pool has none under way, counted over both event loops, where round robin would keep sending it its share.
 */
class LeastRequestsBalancingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /**
     * Sends requests on connections of their own until one of them is held by {@code gate}'s backend: the first picks
     * go either way, as backends level on requests take turns. The others are answered by the other backend.
     */
    private static CompletableFuture<RawResponse> untilOneIsHeld(ProxyFixture fixture, Gate gate) {
        for (int attempt = 0; attempt < 10; attempt++) {
            CompletableFuture<RawResponse> response = fixture.getAsync("/slow-" + attempt);
            await().atMost(WAIT).until(() -> response.isDone() || gate.arrived() == 1);
            if (!response.isDone()) {
                return response;
            }
            assertThat(response.join().status()).isEqualTo(200);
        }
        throw new AssertionError("no request reached the held backend in 10: " + gate);
    }

    @Test
    void aBackendHoldingARequest_getsNoNewOne_whileTheOtherHasNone() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(2, 1, b -> b.loadBalancing(LoadBalancing.LEAST_REQUESTS))) {
            TestBackend slow = fixture.blue.get(0);
            TestBackend fast = fixture.blue.get(1);
            Gate gate = slow.hold();
            CompletableFuture<RawResponse> held = untilOneIsHeld(fixture, gate);

            Backend fastBackend = Backend.of("127.0.0.1", fast.port());
            List<String> servedBy = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                // The previous request's count is given back as its exchange ends, which on its event loop may be
                // just after the client read the response: until then the two backends are level, and take turns.
                await().atMost(WAIT).until(() -> fixture.proxy.requestsUnderWay(fastBackend) == 0);
                // A connection each: they are accepted on both event loops in turn.
                try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                    RawResponse response = client.get("/quick-" + i);
                    assertThat(response.status()).isEqualTo(200);
                    servedBy.add(response.header(TestBackend.X_BACKEND.toString()));
                }
            }

            assertThat(servedBy).containsOnly(fast.name());
            assertThat(fixture.proxy.requestsUnderWay(Backend.of("127.0.0.1", slow.port()))).isOne();
            await().atMost(WAIT).until(() -> fixture.proxy.requestsUnderWay(fastBackend) == 0);
            gate.release();
            assertThat(held.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(200);
            await().atMost(WAIT).until(() -> fixture.proxy.requestsUnderWay(
                    Backend.of("127.0.0.1", slow.port())) == 0);
        }
    }

    @Test
    void roundRobin_keepsSendingTheHoldingBackendItsShare() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(2, 1)) {
            TestBackend slow = fixture.blue.get(0);
            Gate gate = slow.hold();
            CompletableFuture<RawResponse> held = untilOneIsHeld(fixture, gate);
            List<CompletableFuture<RawResponse>> more = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                more.add(fixture.getAsync("/quick-" + i));
            }

            gate.awaitArrived(2, WAIT);
            assertThat(fixture.proxy.loadBalancing()).isEqualTo(LoadBalancing.ROUND_ROBIN);
            assertThat(fixture.proxy.requestsUnderWay(Backend.of("127.0.0.1", slow.port())))
                    .as("not counted without a limit").isZero();
            gate.release();
            held.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            for (CompletableFuture<RawResponse> response : more) {
                assertThat(response.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(200);
            }
        }
    }

    @Test
    void everyBackendGetsARequestsGauge() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(2, 1, b -> b.loadBalancing(LoadBalancing.LEAST_REQUESTS))) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            BlueGreenMetrics.of(fixture.proxy).bindTo(registry);
            Gate gate = fixture.blue.get(0).hold();
            CompletableFuture<RawResponse> held = untilOneIsHeld(fixture, gate);

            assertThat(registry.find(MeterNames.BACKEND_REQUESTS).gauges()).hasSize(3);
            assertThat(registry.find(MeterNames.BACKEND_REQUESTS)
                    .tag(MeterNames.BACKEND, "127.0.0.1:" + fixture.blue.get(0).port()).gauge().value()).isEqualTo(1);
            gate.release();
            held.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
