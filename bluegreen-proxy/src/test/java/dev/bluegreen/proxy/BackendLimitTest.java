package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.Gate;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import dev.bluegreen.testing.TestBackend;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A backend's limit of requests under way ({@link Backend#maxRequests()}): counted over the proxy's event loops, a
 * backend at its limit is skipped for the others of its pool, a pool whose every backend is at its limit answers 503,
 * and each way an exchange ends gives its permit back.
 */
class BackendLimitTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Makes green, with these backends, the live pool. */
    private static void goLive(ProxyFixture fixture, Backend... backends) {
        fixture.admin.deploy(Colour.GREEN, "v2", List.of(backends));
        fixture.admin.switchTo(Colour.GREEN);
    }

    private static Backend limited(TestBackend server, int max) {
        return Backend.of("127.0.0.1", server.port()).withMaxRequests(max);
    }

    private static RawResponse get(int port, String path) {
        try (RawHttpClient client = RawHttpClient.connect(port)) {
            return client.get(path);
        }
    }

    @Test
    void aBackendAtItsLimit_leavesItsPool503_countedOverTheEventLoops_untilARequestEnds() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.eventLoopThreads(2))) {
            goLive(fixture, limited(fixture.green(), 1));
            Gate gate = fixture.green().hold();
            CompletableFuture<RawResponse> first = fixture.getAsync("/first");
            gate.awaitArrived(1, WAIT);

            // Two more connections: one of them is accepted on the other event loop than the first's.
            RawResponse second = get(fixture.port(), "/second");
            RawResponse third = get(fixture.port(), "/third");

            assertThat(second.status()).isEqualTo(503);
            assertThat(second.header("Retry-After")).isEqualTo("1");
            assertThat(second.bodyText()).contains("at its limit of requests under way");
            assertThat(third.status()).isEqualTo(503);
            assertThat(gate.arrived()).as("the backend saw only the first").isEqualTo(1);
            assertThat(fixture.proxy.requestsUnderWay(limited(fixture.green(), 1))).isEqualTo(1);

            gate.release();
            assertThat(first.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(200);
            // Given back as the exchange ends, just after its response went out.
            awaitNoneUnderWay(fixture, limited(fixture.green(), 1));
            fixture.green().reply();
            assertThat(get(fixture.port(), "/after").status()).isEqualTo(200);
        }
    }

    private static void awaitNoneUnderWay(ProxyFixture fixture, Backend backend) {
        await().atMost(WAIT).until(() -> fixture.proxy.requestsUnderWay(backend) == 0);
    }

    @Test
    void http2Streams_countOneEach_onOneConnection() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start()) {
            Backend backend = limited(fixture.green(), 2);
            goLive(fixture, backend);
            Gate gate = fixture.green().hold();
            try (H2Client client = H2Client.cleartext(fixture.port())) {
                CompletableFuture<H2Client.Response> first = client.get("/1");
                CompletableFuture<H2Client.Response> second = client.get("/2");
                gate.awaitArrived(2, WAIT);

                H2Client.Response third = H2Client.await(client.get("/3"));

                assertThat(third.status()).isEqualTo(503);
                assertThat(fixture.proxy.requestsUnderWay(backend)).isEqualTo(2);
                gate.release();
                assertThat(H2Client.await(first).status()).isEqualTo(200);
                assertThat(H2Client.await(second).status()).isEqualTo(200);
                awaitNoneUnderWay(fixture, backend);
            }
        }
    }

    @Test
    void aGaugeCountsTheRequestsUnderWay_ofABackendWithALimitOnly() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ProxyFixture fixture = ProxyFixture.start()) {
            BlueGreenMetrics.of(fixture.proxy).bindTo(registry);
            Backend backend = limited(fixture.green(), 5);
            goLive(fixture, backend);
            Gate gate = fixture.green().hold();
            CompletableFuture<RawResponse> held = fixture.getAsync("/held");
            gate.awaitArrived(1, WAIT);

            Gauge gauge = registry.get(MeterNames.BACKEND_REQUESTS)
                    .tags(MeterNames.COLOUR, "green", MeterNames.BACKEND, backend.id()).gauge();
            assertThat(gauge.value()).isEqualTo(1);
            assertThat(registry.find(MeterNames.BACKEND_REQUESTS).tags(MeterNames.COLOUR, "blue").gauges())
                    .as("blue's backend has no limit").isEmpty();

            gate.release();
            assertThat(held.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(200);
            await().atMost(WAIT).until(() -> gauge.value() == 0);
        }
    }

    @Test
    void aBackendAtItsLimit_isSkippedForTheOthersOfItsPool() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(1, 2)) {
            TestBackend small = fixture.green.get(0);
            TestBackend large = fixture.green.get(1);
            goLive(fixture, limited(small, 1), Backend.of("127.0.0.1", large.port()));
            Gate gate = small.hold();
            // Requests until round robin has sent one to the small backend, which holds it.
            CompletableFuture<RawResponse> held = null;
            for (int i = 0; i < 10 && held == null; i++) {
                CompletableFuture<RawResponse> early = fixture.getAsync("/early-" + i);
                await().atMost(WAIT).until(() -> early.isDone() || gate.arrived() > 0);
                if (!early.isDone()) {
                    held = early;
                }
            }
            assertThat(held).as("a request held by the small backend").isNotNull();

            for (int i = 0; i < 6; i++) {
                RawResponse response = get(fixture.port(), "/more-" + i);
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.header("X-Backend")).isEqualTo("green-2");
            }

            gate.release();
            assertThat(held.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(gate.arrived()).isEqualTo(1);
        }
    }

    @Test
    void everyWayAnExchangeEnds_givesItsPermitBack() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.responseTimeout(Duration.ofMillis(300)))) {
            Backend backend = limited(fixture.green(), 1);
            goLive(fixture, backend);
            TestBackend green = fixture.green();

            green.closeOnRequest();
            assertThat(get(fixture.port(), "/cut").status()).as("the backend closed: 502").isEqualTo(502);
            awaitNoneUnderWay(fixture, backend);
            green.neverRespond();
            assertThat(get(fixture.port(), "/silent").status()).as("the response timeout: 504").isEqualTo(504);
            awaitNoneUnderWay(fixture, backend);
            green.status(500, "boom");
            assertThat(get(fixture.port(), "/error").status()).isEqualTo(500);
            awaitNoneUnderWay(fixture, backend);
            Gate gate = green.hold();
            try (RawHttpClient leaving = RawHttpClient.connect(fixture.port())) {
                leaving.send("GET /left HTTP/1.1\r\nHost: x\r\n\r\n");
                gate.awaitArrived(1, WAIT);
                assertThat(fixture.proxy.requestsUnderWay(backend)).isEqualTo(1);
            }
            // The client went: its exchange ends (abandoned), and with it the permit, though the backend still holds
            // the request.
            awaitNoneUnderWay(fixture, backend);
            green.reply();
            assertThat(get(fixture.port(), "/after").status()).isEqualTo(200);
            gate.release();
        }
    }
}
