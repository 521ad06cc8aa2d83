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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    /** Makes green, with its one backend limited to {@code max} requests, the live pool. */
    private static Backend goLive(ProxyFixture fixture, int max) {
        Backend backend = Backend.of("127.0.0.1", fixture.green().port()).withMaxRequests(max);
        fixture.admin.deploy(Colour.GREEN, "v2", List.of(backend));
        fixture.admin.switchTo(Colour.GREEN);
        return backend;
    }

    private static CompletableFuture<RawResponse> getAsync(int port, String path) {
        return CompletableFuture.supplyAsync(() -> {
            try (RawHttpClient client = RawHttpClient.connect(port)) {
                return client.get(path);
            }
        });
    }

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
            Backend backend = goLive(fixture, 1);
            Gate gate = fixture.green().hold();
            CompletableFuture<RawResponse> held = getAsync(fixture.port(), "/held");
            gate.awaitArrived(1, WAIT);

            CompletableFuture<RawResponse> second = getAsync(fixture.port(), "/second");
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
            Backend backend = goLive(fixture, 1);
            Gate gate = fixture.green().hold();
            CompletableFuture<RawResponse> held = getAsync(fixture.port(), "/held");
            gate.awaitArrived(1, WAIT);

            RawResponse refused = getAsync(fixture.port(), "/second").get(WAIT.toSeconds(), TimeUnit.SECONDS);

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
            Backend old = goLive(fixture, 1);
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
            CompletableFuture<RawResponse> first = getAsync(fixture.port(), "/first");
            newGate.awaitArrived(1, WAIT);
            CompletableFuture<RawResponse> behind = getAsync(fixture.port(), "/behind");
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
            CompletableFuture<RawResponse> one = getAsync(fixture.port(), "/one");
            CompletableFuture<RawResponse> two = getAsync(fixture.port(), "/two");
            busyGate.awaitArrived(1, WAIT);
            await().atMost(WAIT).until(() -> one.isDone() || two.isDone());
            fixture.green.get(1).reply();

            CompletableFuture<RawResponse> waiting = getAsync(fixture.port(), "/waits");
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
}
