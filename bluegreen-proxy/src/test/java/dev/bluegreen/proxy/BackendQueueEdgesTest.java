package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Deployment;
import dev.bluegreen.proxy.internal.metrics.ProxyRecorder;
import dev.bluegreen.testing.Behaviour;
import dev.bluegreen.testing.Gate;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import io.netty.handler.codec.http2.Http2Error;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The queue for a backend's limit of requests under way where it meets the rest of the proxy: the safety net, request
 * bodies, HTTP/2 streams that go away while they wait, a stop, and many short waits racing their grants. After each,
 * no permit is left taken and no request counted as waiting.
 */
class BackendQueueEdgesTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static void awaitNothingLeft(ProxyFixture fixture, Backend backend) {
        await().atMost(WAIT).until(() -> fixture.proxy.requestsUnderWay(backend) == 0
                && fixture.proxy.requestsQueued() == 0);
    }

    /** Counts the requests the safety net moved off green. */
    private static AtomicInteger safetyNetUses(ProxyFixture fixture) {
        AtomicInteger uses = new AtomicInteger();
        fixture.proxy.addRecorder(new ProxyRecorder() {
            @Override
            public void safetyNetUsed(Colour failedColour) {
                uses.incrementAndGet();
            }
        });
        return uses;
    }

    @Test
    void aPoolAtItsLimitRightAfterASwitch_queuesTheRequest_insteadOfTheSafetyNetMovingIt() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.queueTimeout(WAIT.multipliedBy(3))
                .safetyNet(Duration.ofMinutes(5)))) {
            AtomicInteger rerouted = safetyNetUses(fixture);
            Backend backend = fixture.greenLiveWithLimit(1);
            Gate gate = fixture.green().hold();
            CompletableFuture<RawResponse> held = fixture.getAsync("/held");
            gate.awaitArrived(1, WAIT);

            CompletableFuture<RawResponse> second = fixture.getAsync("/second");
            await().atMost(WAIT).until(() -> fixture.proxy.requestsQueued() == 1 || second.isDone());

            assertThat(second).as("it waits for green, not served by blue").isNotDone();
            gate.release();
            assertThat(held.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(200);
            RawResponse served = second.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(served.header("X-Backend")).isEqualTo("green-1");
            assertThat(rerouted).as("a busy pool is no failure of green's").hasValue(0);
            assertThat(fixture.blue().requestCount()).isZero();
            awaitNothingLeft(fixture, backend);
        }
    }

    @Test
    void aPoolAtItsLimitRightAfterASwitch_withoutAQueue_answers503_andCountsNoSafetyNetUse() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.safetyNet(Duration.ofMinutes(5)))) {
            AtomicInteger rerouted = safetyNetUses(fixture);
            Backend backend = fixture.greenLiveWithLimit(1);
            Gate gate = fixture.green().hold();
            CompletableFuture<RawResponse> held = fixture.getAsync("/held");
            gate.awaitArrived(1, WAIT);

            RawResponse refused = fixture.getAsync("/second").get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.bodyText()).contains("at its limit of requests under way");
            assertThat(rerouted).hasValue(0);
            assertThat(fixture.blue().requestCount()).isZero();
            gate.release();
            assertThat(held.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(200);
            awaitNothingLeft(fixture, backend);
        }
    }

    @Test
    void requestsStillWaitingForAPoolRedeployedUnderThem_doNotHoldUpTheNewPoolsWaitingRequests() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(1, 2, b -> b.queueTimeout(WAIT.multipliedBy(3)));
             H2Client client = H2Client.cleartext(fixture.port())) {
            Backend old = fixture.greenLiveWithLimit(1);
            Gate oldGate = fixture.green.get(0).hold();
            // One on the old backend and 16 waiting for it, as many as a permit given back looks at.
            List<CompletableFuture<H2Client.Response>> waitingForOld = new ArrayList<>();
            for (int i = 0; i < 17; i++) {
                waitingForOld.add(client.get("/old-" + i));
            }
            oldGate.awaitArrived(1, WAIT);
            await().atMost(WAIT).until(() -> fixture.proxy.requestsQueued() == 16);
            Backend replacement = Backend.of("127.0.0.1", fixture.green.get(1).port()).withMaxRequests(1);
            fixture.admin.deploy(Deployment.of(Colour.GREEN, "v3", List.of(replacement)).forced());
            Gate newGate = fixture.green.get(1).hold();
            CompletableFuture<RawResponse> first = fixture.getAsync("/first");
            newGate.awaitArrived(1, WAIT);
            CompletableFuture<RawResponse> behind = fixture.getAsync("/behind");
            await().atMost(WAIT).until(() -> fixture.proxy.requestsQueued() == 17);

            newGate.release(1);

            assertThat(first.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(200);
            // The permit the first gave back goes to the request behind the 16, not back to the counter.
            newGate.awaitArrived(2, WAIT);
            assertThat(fixture.proxy.requestsQueued()).isEqualTo(16);
            newGate.release();
            assertThat(behind.get(WAIT.toSeconds(), TimeUnit.SECONDS).header("X-Backend")).isEqualTo("green-2");
            oldGate.release();
            for (CompletableFuture<H2Client.Response> each : waitingForOld) {
                assertThat(H2Client.await(each).header("X-Backend")).isEqualTo("green-1");
            }
            await().atMost(WAIT).until(() -> fixture.proxy.requestsUnderWay(old) == 0
                    && fixture.proxy.requestsUnderWay(replacement) == 0 && fixture.proxy.requestsQueued() == 0);
        }
    }

    @Test
    void aBackendWhoseEjectionEndsWhileRequestsWait_takesThem_thoughNoPermitOfItsComesBack() throws Exception {
        Duration ejection = Duration.ofSeconds(1);
        try (ProxyFixture fixture = ProxyFixture.start(1, 2, b -> b.queueTimeout(WAIT.multipliedBy(3))
                .outlierEjection(OutlierEjection.defaults().withConsecutiveFailures(1)
                        .withEjectionTime(ejection, ejection)))) {
            Backend busy = Backend.of("127.0.0.1", fixture.green.get(0).port()).withMaxRequests(1);
            Backend ejected = Backend.of("127.0.0.1", fixture.green.get(1).port()).withMaxRequests(1);
            fixture.admin.deploy(Colour.GREEN, "v2", List.of(busy, ejected));
            fixture.admin.switchTo(Colour.GREEN);
            Gate busyGate = fixture.green.get(0).hold();
            fixture.green.get(1).behave(Behaviour.status(500, "boom"));
            // Whichever comes first: one request held by the busy backend, one 500 that ejects the other.
            CompletableFuture<RawResponse> one = fixture.getAsync("/one");
            CompletableFuture<RawResponse> two = fixture.getAsync("/two");
            busyGate.awaitArrived(1, WAIT);
            await().atMost(WAIT).until(() -> one.isDone() || two.isDone());
            fixture.green.get(1).reply();

            CompletableFuture<RawResponse> waiting = fixture.getAsync("/waits");
            await().atMost(WAIT).until(() -> fixture.proxy.requestsQueued() == 1 || waiting.isDone());
            assertThat(waiting).as("it waits: one backend busy, the other ejected").isNotDone();

            RawResponse served = waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(served.status()).isEqualTo(200);
            assertThat(served.header("X-Backend")).isEqualTo("green-2");
            busyGate.release();
            await().atMost(WAIT).until(() -> one.isDone() && two.isDone());
            awaitNothingLeft(fixture, busy);
            awaitNothingLeft(fixture, ejected);
        }
    }

    @Test
    void http2StreamsWaiting_thatTheClientResets_orWhoseConnectionCloses_leaveTheQueue_andTakeNoPermit()
            throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.queueTimeout(WAIT.multipliedBy(3)))) {
            Backend backend = fixture.greenLiveWithLimit(1);
            Gate gate = fixture.green().hold();
            try (RawH2Connection client = RawH2Connection.open(fixture.port())) {
                client.get(1);
                client.flush();
                gate.awaitArrived(1, WAIT);
                for (int stream = 3; stream <= 81; stream += 2) {
                    client.get(stream);
                }
                client.flush();
                await().atMost(WAIT).until(() -> fixture.proxy.requestsQueued() == 40);
                for (int stream = 3; stream <= 41; stream += 2) {
                    client.rstStream(stream, (int) Http2Error.CANCEL.code());
                }
                client.flush();
                await().atMost(WAIT).until(() -> fixture.proxy.requestsQueued() == 20);
            }
            await().atMost(WAIT).until(() -> fixture.proxy.requestsQueued() == 0);

            gate.release();
            awaitNothingLeft(fixture, backend);
            assertThat(gate.arrived()).as("only the first reached the backend").isEqualTo(1);
            fixture.green().reply();
            assertThat(fixture.getAsync("/after").get(WAIT.toSeconds(), TimeUnit.SECONDS).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void aStopWithRequestsWaiting_answersThem503_atTheEndOfItsGracePeriod() throws Exception {
        ProxyFixture fixture = ProxyFixture.start(b -> b.queueTimeout(Duration.ofMinutes(5)));
        try {
            fixture.greenLiveWithLimit(1);
            Gate gate = fixture.green().hold();
            CompletableFuture<RawResponse> held = fixture.getAsync("/held");
            gate.awaitArrived(1, WAIT);
            List<CompletableFuture<RawResponse>> waiting = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                waiting.add(fixture.getAsync("/waits-" + i));
            }
            await().atMost(WAIT).until(() -> fixture.proxy.requestsQueued() == 4);

            fixture.proxy.stop(Duration.ofMillis(300)).get(WAIT.toSeconds(), TimeUnit.SECONDS);

            for (CompletableFuture<RawResponse> each : waiting) {
                RawResponse answer = each.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                // 504 for one that the held request's permit, given back at the same deadline, sent on first.
                assertThat(answer.status()).isIn(503, 504);
                assertThat(answer.bodyText()).contains("before the proxy stopped");
            }
            gate.release();
            assertThat(held).succeedsWithin(WAIT);
        } finally {
            fixture.close();
        }
    }

    @Test
    void aPostWithABody_andOneExpecting100Continue_waitInTheQueue_andReachTheBackendWhole() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.queueTimeout(WAIT.multipliedBy(3)))) {
            Backend backend = fixture.greenLiveWithLimit(1);
            Gate gate = fixture.green().hold();
            CompletableFuture<RawResponse> held = fixture.getAsync("/held");
            gate.awaitArrived(1, WAIT);
            CompletableFuture<RawResponse> post = CompletableFuture.supplyAsync(() -> {
                try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                    client.request("POST", "/post", Map.of("Content-Length", "100000")).sendPattern(100_000);
                    return client.readResponse();
                }
            });
            CompletableFuture<RawResponse> expecting = CompletableFuture.supplyAsync(() -> {
                try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                    client.send("POST /expect HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                            + "Expect: 100-continue\r\n\r\n");
                    RawResponse interim = client.readResponse();
                    assertThat(interim.status()).as("the backend's 100, once it has the request").isEqualTo(100);
                    client.send("abcde");
                    return client.readResponse();
                }
            });
            await().atMost(WAIT).until(() -> fixture.proxy.requestsQueued() == 2);

            gate.release();

            RawResponse posted = post.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(posted.status()).isEqualTo(200);
            assertThat(posted.header("X-Received-Bytes")).isEqualTo("100000");
            RawResponse expected = expecting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(expected.status()).isEqualTo(200);
            assertThat(expected.header("X-Received-Bytes")).isEqualTo("5");
            assertThat(held).succeedsWithin(WAIT);
            awaitNothingLeft(fixture, backend);
        }
    }

    @Test
    void aWebSocketUpgrade_waitsInTheQueue_untilTheTunnelHoldingThePermitCloses() throws Exception {
        try (WebSocketBackend webSockets = new WebSocketBackend("green");
             ProxyFixture fixture = ProxyFixture.start(b -> b.queueTimeout(WAIT))) {
            Backend backend = Backend.of("127.0.0.1", webSockets.port()).withMaxRequests(1);
            fixture.admin.deploy(Colour.GREEN, "v2", List.of(backend));
            fixture.admin.switchTo(Colour.GREEN);
            WebSocketClient first = new WebSocketClient(fixture.port());
            assertThat(first.echo("one", WAIT)).isEqualTo("green: one");
            CompletableFuture<WebSocketClient> second = CompletableFuture.supplyAsync(
                    () -> new WebSocketClient(fixture.port()));
            await().atMost(WAIT).until(() -> fixture.proxy.requestsQueued() == 1);
            assertThat(second).isNotDone();

            first.close();

            try (WebSocketClient opened = second.get(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                assertThat(opened.echo("two", WAIT)).isEqualTo("green: two");
                assertThat(fixture.proxy.requestsUnderWay(backend)).isOne();
            }
            awaitNothingLeft(fixture, backend);
        }
    }

    @Test
    void aBackendUnhealthyFromTheStart_thatPassesItsChecksWhileRequestsWait_takesThem() throws Exception {
        HealthCheckSettings checks = HealthCheckSettings.defaults().withInterval(Duration.ofMillis(100))
                .withTimeout(WAIT.multipliedBy(2)).withThresholds(1, 1);
        try (ProxyFixture fixture = ProxyFixture.start(1, 2, b -> b.queueTimeout(WAIT.multipliedBy(3))
                .healthChecks(checks))) {
            Backend busy = Backend.of("127.0.0.1", fixture.green.get(0).port()).withMaxRequests(1);
            Backend recovering = Backend.of("127.0.0.1", fixture.green.get(1).port()).withMaxRequests(1);
            fixture.green.get(1).status(500, "starting");
            fixture.admin.deploy(Colour.GREEN, "v2", List.of(busy, recovering));
            await().atMost(WAIT).until(() -> fixture.proxy.health(Colour.GREEN, recovering).state()
                    == HealthState.UNHEALTHY);
            fixture.admin.switchTo(Colour.GREEN);
            // Its checks held too, the busy backend stays as healthy as it was, for the check timeout.
            Gate busyGate = fixture.green.get(0).hold();
            CompletableFuture<RawResponse> held = fixture.getAsync("/held");
            // The permit, not an arrival at the gate: a health check of the busy backend is held there too, and may
            // arrive first, before /held has taken the one permit that makes /waits wait.
            await().atMost(WAIT).until(() -> fixture.proxy.requestsUnderWay(busy) == 1);
            CompletableFuture<RawResponse> waiting = fixture.getAsync("/waits");
            await().atMost(WAIT).until(() -> fixture.proxy.requestsQueued() == 1 || waiting.isDone());
            assertThat(waiting).as("it waits: one backend busy, the other unhealthy").isNotDone();

            fixture.green.get(1).reply();

            RawResponse served = waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(served.status()).isEqualTo(200);
            assertThat(served.header("X-Backend")).isEqualTo("green-2");
            busyGate.release();
            assertThat(held).succeedsWithin(WAIT);
            awaitNothingLeft(fixture, busy);
            awaitNothingLeft(fixture, recovering);
        }
    }

    @Test
    void aRequestWhoseOtherBackendRefuses_afterItPassedOverTheBusyOne_waitsForTheBusyOne() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(1, 2, b -> b.queueTimeout(WAIT.multipliedBy(3)))) {
            Backend busy = Backend.of("127.0.0.1", fixture.green.get(0).port()).withMaxRequests(1);
            Backend refusing = Backend.of("127.0.0.1", fixture.green.get(1).port()).withMaxRequests(1);
            fixture.green.get(1).close();
            fixture.admin.deploy(Colour.GREEN, "v2", List.of(busy, refusing));
            fixture.admin.switchTo(Colour.GREEN);
            Gate gate = fixture.green.get(0).hold();
            CompletableFuture<RawResponse> held = fixture.getAsync("/held");
            gate.awaitArrived(1, WAIT);

            // Each looks at the busy one first or the refusing one first, by the round robin of its loop.
            List<CompletableFuture<RawResponse>> waiting = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                waiting.add(fixture.getAsync("/waits-" + i));
            }
            await().atMost(WAIT).until(() -> fixture.proxy.requestsQueued() == 4
                    || waiting.stream().anyMatch(CompletableFuture::isDone));

            assertThat(waiting).as("none answered 502: the busy backend is alive").noneMatch(CompletableFuture::isDone);
            gate.release();
            assertThat(held).succeedsWithin(WAIT);
            for (CompletableFuture<RawResponse> each : waiting) {
                assertThat(each.get(WAIT.toSeconds(), TimeUnit.SECONDS).header("X-Backend")).isEqualTo("green-1");
            }
            awaitNothingLeft(fixture, busy);
        }
    }
}
