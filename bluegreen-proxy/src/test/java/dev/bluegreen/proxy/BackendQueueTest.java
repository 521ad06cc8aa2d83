package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.Behaviour;
import dev.bluegreen.testing.Gate;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import dev.bluegreen.testing.TestBackend;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The queue for requests that find every backend of their pool at its limit of requests under way
 * ({@link Timeouts#queue()}): they wait, first come first served over the event loops, for a permit to come back, get
 * 503 when none comes within the queue timeout, and give their place up when their exchange ends while they wait.
 */
class BackendQueueTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static BlueGreenProxyBuilder queueing(BlueGreenProxyBuilder builder, Duration timeout) {
        return builder.eventLoopThreads(2).queueTimeout(timeout);
    }

    private static RawResponse await200(CompletableFuture<RawResponse> response) throws Exception {
        RawResponse done = response.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(done.status()).as(done.bodyText()).isEqualTo(200);
        return done;
    }

    private static Timer waits(SimpleMeterRegistry registry, String outcome) {
        return registry.get(MeterNames.QUEUE_WAITS).tags(MeterNames.COLOUR, "green", MeterNames.OUTCOME, outcome)
                .timer();
    }

    private static void awaitQueued(ProxyFixture fixture, int count) {
        await().atMost(WAIT).until(() -> fixture.proxy.requestsQueued() == count);
    }

    @Test
    void requestsThatFindThePoolFull_waitInTheQueue_andGoOnInTheirOrderAsPermitsComeBack() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ProxyFixture fixture = ProxyFixture.start(b -> queueing(b, WAIT.multipliedBy(3)))) {
            BlueGreenMetrics.of(fixture.proxy).bindTo(registry);
            Backend backend = fixture.greenLiveWithLimit(1);
            Gate gate = fixture.green().hold();
            CompletableFuture<RawResponse> first = fixture.getAsync("/first");
            gate.awaitArrived(1, WAIT);
            // Each on a connection of its own: the two loops take turns accepting them.
            CompletableFuture<RawResponse> second = fixture.getAsync("/second");
            awaitQueued(fixture, 1);
            CompletableFuture<RawResponse> third = fixture.getAsync("/third");
            awaitQueued(fixture, 2);

            assertThat(gate.arrived()).as("the backend has only the first").isEqualTo(1);
            assertThat(registry.get(MeterNames.QUEUED_REQUESTS).gauge().value()).isEqualTo(2);
            assertThat(first).isNotDone();

            gate.release(1);
            await200(first);
            // The first's permit went to the second, which the backend now holds; the third still waits.
            gate.awaitArrived(2, WAIT);
            awaitQueued(fixture, 1);
            assertThat(fixture.proxy.requestsUnderWay(backend)).isEqualTo(1);

            gate.release(1);
            await200(second);
            gate.awaitArrived(3, WAIT);
            assertThat(third).as("the third is held by the backend now, after the second").isNotDone();
            assertThat(fixture.proxy.requestsQueued()).isZero();

            gate.release();
            await200(third);
            await().atMost(WAIT).until(() -> fixture.proxy.requestsUnderWay(backend) == 0);
            Gauge queued = registry.get(MeterNames.QUEUED_REQUESTS).gauge();
            assertThat(queued.value()).isZero();
            assertThat(waits(registry, "served").count()).isEqualTo(2);
        }
    }

    @Test
    void manyClientsOverBothLoops_onABackendOfLimit2_areAllServed_andLeaveNoPermitOrPlaceBehind() throws Exception {
        int clients = 12;
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        try (ProxyFixture fixture = ProxyFixture.start(b -> queueing(b, WAIT.multipliedBy(3)))) {
            Backend backend = fixture.greenLiveWithLimit(2);
            int requestsEach = 25;
            List<CompletableFuture<Integer>> served = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                served.add(CompletableFuture.supplyAsync(() -> {
                    int ok = 0;
                    try (RawHttpClient connection = RawHttpClient.connect(fixture.port())) {
                        for (int r = 0; r < requestsEach; r++) {
                            RawResponse response = connection.get("/c" + client + "-" + r);
                            ok += response.status() == 200 ? 1 : 0;
                        }
                    }
                    return ok;
                }, threads));
            }

            for (CompletableFuture<Integer> each : served) {
                assertThat(each.get(WAIT.toSeconds() * 3, TimeUnit.SECONDS)).isEqualTo(requestsEach);
            }
            await().atMost(WAIT).until(() -> fixture.proxy.requestsUnderWay(backend) == 0);
            assertThat(fixture.proxy.requestsQueued()).isZero();
            assertThat(fixture.green().requestCount()).isEqualTo((long) clients * requestsEach);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aPermitOfABackendEjectedMeanwhile_isNotGivenToAWaitingRequest_whichWaitsForAUsableOne() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(1, 2, b -> queueing(b, WAIT.multipliedBy(3))
                .outlierEjection(OutlierEjection.defaults().withConsecutiveFailures(1)))) {
            TestBackend failing = fixture.green.get(0);
            TestBackend good = fixture.green.get(1);
            Backend ejected = Backend.of("127.0.0.1", failing.port()).withMaxRequests(1);
            Backend usable = Backend.of("127.0.0.1", good.port()).withMaxRequests(1);
            fixture.admin.deploy(Colour.GREEN, "v2", List.of(ejected, usable));
            fixture.admin.switchTo(Colour.GREEN);
            Gate failingGate = new Gate();
            failing.behave(Behaviour.status(500, "boom").heldBy(failingGate));
            Gate goodGate = good.hold();
            // One request on each backend (the second finds the first's backend full), then one that waits.
            List<CompletableFuture<RawResponse>> held = List.of(fixture.getAsync("/one"),
                    fixture.getAsync("/two"));
            failingGate.awaitArrived(1, WAIT);
            goodGate.awaitArrived(1, WAIT);
            CompletableFuture<RawResponse> waiting = fixture.getAsync("/waits");
            awaitQueued(fixture, 1);

            // Its 500 ejects the failing backend, before the exchange ends and gives the permit back.
            failingGate.release();
            await().atMost(WAIT).until(() -> held.stream().anyMatch(CompletableFuture::isDone));
            await().atMost(WAIT).until(() -> fixture.proxy.requestsUnderWay(ejected) == 0);

            assertThat(fixture.proxy.requestsQueued()).as("still waiting, for a usable backend").isOne();
            assertThat(waiting).isNotDone();
            goodGate.release();
            assertThat(await200(waiting).header("X-Backend")).isEqualTo("green-2");
            assertThat(failing.requestCount()).isOne();
        }
    }

    @Test
    void aRequestNoPermitComesBackForWithinTheQueueTimeout_gets503() throws Exception {
        Duration timeout = Duration.ofMillis(300);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ProxyFixture fixture = ProxyFixture.start(b -> queueing(b, timeout))) {
            BlueGreenMetrics.of(fixture.proxy).bindTo(registry);
            Backend backend = fixture.greenLiveWithLimit(1);
            Gate gate = fixture.green().hold();
            CompletableFuture<RawResponse> held = fixture.getAsync("/held");
            gate.awaitArrived(1, WAIT);

            long start = System.nanoTime();
            RawResponse waited;
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                waited = client.get("/waits");
            }

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(timeout);
            assertThat(waited.status()).isEqualTo(503);
            assertThat(waited.bodyText()).contains("stayed at its limit of requests under way for 300 ms");
            assertThat(fixture.proxy.requestsQueued()).isZero();
            assertThat(gate.arrived()).isEqualTo(1);
            Timer timedOut = waits(registry, "timed_out");
            assertThat(timedOut.count()).isOne();
            assertThat(timedOut.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(300);
            gate.release();
            await200(held);
            await().atMost(WAIT).until(() -> fixture.proxy.requestsUnderWay(backend) == 0);
        }
    }

    @Test
    void aClientThatLeavesWhileQueued_givesUpItsPlace_toTheOneBehindIt() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ProxyFixture fixture = ProxyFixture.start(b -> queueing(b, WAIT.multipliedBy(3)))) {
            BlueGreenMetrics.of(fixture.proxy).bindTo(registry);
            Backend backend = fixture.greenLiveWithLimit(1);
            Gate gate = fixture.green().hold();
            CompletableFuture<RawResponse> first = fixture.getAsync("/first");
            gate.awaitArrived(1, WAIT);
            CompletableFuture<RawResponse> behind;
            try (RawHttpClient leaving = RawHttpClient.connect(fixture.port())) {
                leaving.send("GET /leaves HTTP/1.1\r\nHost: x\r\n\r\n");
                awaitQueued(fixture, 1);
                behind = fixture.getAsync("/behind");
                awaitQueued(fixture, 2);
            }
            awaitQueued(fixture, 1);

            gate.release();
            await200(first);
            assertThat(await200(behind).header("X-Backend")).isEqualTo("green-1");
            await().atMost(WAIT).until(() -> fixture.proxy.requestsUnderWay(backend) == 0);
            assertThat(gate.arrived()).as("the request that left never reached the backend").isEqualTo(2);
            assertThat(waits(registry, "abandoned").count()).isOne();
            assertThat(waits(registry, "served").count()).isOne();
        }
    }

    @Test
    void http2Streams_waitInTheQueue_eachForItsOwnPermit() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(b -> queueing(b, WAIT.multipliedBy(3)))) {
            Backend backend = fixture.greenLiveWithLimit(1);
            Gate gate = fixture.green().hold();
            try (H2Client client = H2Client.cleartext(fixture.port())) {
                CompletableFuture<H2Client.Response> first = client.get("/1");
                gate.awaitArrived(1, WAIT);
                CompletableFuture<H2Client.Response> second = client.get("/2");
                CompletableFuture<H2Client.Response> third = client.get("/3");
                awaitQueued(fixture, 2);

                gate.release();

                assertThat(H2Client.await(first).status()).isEqualTo(200);
                assertThat(H2Client.await(second).status()).isEqualTo(200);
                assertThat(H2Client.await(third).status()).isEqualTo(200);
                assertThat(gate.arrived()).isEqualTo(3);
                await().atMost(WAIT).until(() -> fixture.proxy.requestsUnderWay(backend) == 0);
            }
        }
    }

    @Test
    void aQueuedRequestOnAColourThatStoppedBeingLive_endsAtItsDrainDeadline() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(b -> queueing(b, WAIT.multipliedBy(3))
                .drainTimeout(Duration.ofMillis(300)))) {
            fixture.greenLiveWithLimit(1);
            TestBackend green = fixture.green();
            Gate gate = green.hold();
            CompletableFuture<RawResponse> held = fixture.getAsync("/held");
            gate.awaitArrived(1, WAIT);
            CompletableFuture<RawResponse> queued = fixture.getAsync("/queued");
            awaitQueued(fixture, 1);

            fixture.admin.switchTo(Colour.BLUE);

            RawResponse ended = queued.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(ended.status()).isEqualTo(503);
            assertThat(ended.bodyText()).contains("drain deadline");
            // It leaves the queue as its exchange ends, which may be just after its client read the 503.
            awaitQueued(fixture, 0);
            assertThat(held.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).as("cut at the deadline").isEqualTo(504);
            assertThat(gate.arrived()).isEqualTo(1);
        }
    }

    @Test
    void aQueueTimeoutBelowZeroOrOver24Days_isRefusedNamingTheValue() {
        assertThatThrownBy(() -> BlueGreenProxy.builder(BlueGreen.builder()
                .blue("v1", List.of(Backend.of("127.0.0.1", 1))).build()).queueTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("queueTimeout: -1s (expected: between 0 and 24 days)");
        assertThatThrownBy(() -> Timeouts.defaults().withQueue(Duration.ofDays(25)))
                .hasMessage("queueTimeout: 25d (expected: between 0 and 24 days)");
        assertThat(Timeouts.defaults().queue()).as("no queue by default").isZero();
        assertThat(Timeouts.defaults().withQueue(Duration.ofDays(24)).queue()).isEqualTo(Duration.ofDays(24));
    }

    @Test
    void aFullQueue_answers503AtOnce_andTheRequestsInItAreServed() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(b -> queueing(b, WAIT.multipliedBy(3)).maxQueuedRequests(2))) {
            fixture.greenLiveWithLimit(1);
            Gate gate = fixture.green().hold();
            CompletableFuture<RawResponse> first = fixture.getAsync("/first");
            gate.awaitArrived(1, WAIT);
            List<CompletableFuture<RawResponse>> queued = new ArrayList<>();
            for (int i = 1; i <= 2; i++) {
                queued.add(fixture.getAsync("/queued-" + i));
                awaitQueued(fixture, i);
            }

            RawResponse shed = fixture.getAsync("/shed").get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(shed.status()).isEqualTo(503);
            assertThat(shed.bodyText()).contains("every backend of the green pool is at its limit of requests under"
                    + " way, and its queue is full (2 waiting)");
            assertThat(fixture.proxy.requestsQueued()).isEqualTo(2);
            gate.release();
            await200(first);
            for (CompletableFuture<RawResponse> response : queued) {
                await200(response);
            }
            awaitQueued(fixture, 0);
        }
    }

    @Test
    void aQueueLength_outOfRangeOrWithoutAQueue_isRefusedNamingTheValue() {
        BlueGreen admin = BlueGreen.builder().blue("v1", List.of(Backend.of("127.0.0.1", 1))).build();
        assertThatThrownBy(() -> BlueGreenProxy.builder(admin).maxQueuedRequests(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxQueuedRequests: -1 (expected: 0-1000000)");
        assertThatThrownBy(() -> BlueGreenProxy.builder(admin).maxQueuedRequests(100).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxQueuedRequests: 100 without a queueTimeout (expected: a queueTimeout above 0, or"
                        + " maxQueuedRequests 0)");
        assertThat(BlueGreenProxy.builder(admin).maxQueuedRequests(100).queueTimeout(Duration.ofSeconds(1)).build())
                .isNotNull();
    }
}
