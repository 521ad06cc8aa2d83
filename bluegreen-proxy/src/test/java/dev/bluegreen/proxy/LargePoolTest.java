package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.Gate;
import dev.bluegreen.testing.RawResponse;
import dev.bluegreen.testing.TestBackend;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A pool of more than 64 backends, past the masks of the backends a request tried or found full: with
 * {@link LoadBalancing#LEAST_REQUESTS} a backend that refuses connections has no request under way, so it stays the
 * least loaded after it failed, and the request's next attempt must still go elsewhere; with round robin a backend at
 * its limit must not be picked again for every look of the request that found it full; and a slow start's ramped
 * weights reach the backends past the 64th.
 */
class LargePoolTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * Makes GREEN, live, a pool of 65: 64 backends at 127.0.0.2 to 127.0.0.65 on {@code widePort} (one server on
     * every loopback address stands for them), each of limit {@code maxRequests} (0: none), then {@code last}, the
     * 65th, past the masks' 64.
     */
    private static void greenOf64And(ProxyFixture fixture, int widePort, int maxRequests, Backend last) {
        List<Backend> pool = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            pool.add(Backend.of("127.0.0." + (i + 2), widePort).withMaxRequests(maxRequests));
        }
        pool.add(last);
        fixture.admin.deploy(Colour.GREEN, "v2", pool);
        fixture.admin.switchTo(Colour.GREEN);
    }

    /** Sends 64 requests one at a time, each held at {@code gate} before the next goes: one on each wide backend. */
    private static List<CompletableFuture<RawResponse>> holdOneEach(ProxyFixture fixture, Gate gate) {
        List<CompletableFuture<RawResponse>> held = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            held.add(fixture.getAsync("/held-" + i));
            // One at a time, so that each goes to a backend with none under way: one each.
            gate.awaitArrived(i + 1, WAIT);
        }
        return held;
    }

    @Test
    void aBackendPast64ThatRefusesConnections_isNotEveryAttemptOfARequest() throws Exception {
        // One server on every loopback address stands for 64 backends: 127.0.0.2 to 127.0.0.65.
        try (TestBackend wide = TestBackend.startAt("wide", new InetSocketAddress("0.0.0.0", 0));
             ProxyFixture fixture = ProxyFixture.start(b -> b.loadBalancing(LoadBalancing.LEAST_REQUESTS)
                     .eventLoopThreads(1))) {
            Backend refusing = Backend.of("127.0.0.1", closedPort());
            greenOf64And(fixture, wide.port(), 0, refusing);
            Gate gate = wide.hold();
            List<CompletableFuture<RawResponse>> held = holdOneEach(fixture, gate);

            // Every live backend has 1 under way, the refusing one 0: it is the first attempt, not every one.
            CompletableFuture<RawResponse> last = fixture.getAsync("/last");
            await().atMost(WAIT).until(() -> last.isDone() || gate.arrived() == 65);
            assertThat(last).as("answered by the proxy, not sent to a live backend").isNotDone();
            gate.release();

            assertThat(last.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(200);
            for (CompletableFuture<RawResponse> response : held) {
                assertThat(response.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(200);
            }
            assertThat(fixture.proxy.requestsUnderWay(refusing)).isZero();
        }
    }

    @Test
    void roundRobin_aBackendPast64AtItsLimit_isPassedOverForTheOthers() throws Exception {
        try (TestBackend wide = TestBackend.startAt("wide", new InetSocketAddress("0.0.0.0", 0));
             TestBackend held = TestBackend.start("held");
             ProxyFixture fixture = ProxyFixture.start(b -> b.eventLoopThreads(1))) {
            greenOf64And(fixture, wide.port(), 0, Backend.of("127.0.0.1", held.port()).withMaxRequests(1));
            Gate gate = held.hold();
            CompletableFuture<RawResponse> holding = null;
            for (int i = 0; i < 65 && holding == null; i++) {
                CompletableFuture<RawResponse> response = fixture.getAsync("/until-held-" + i);
                await().atMost(WAIT).until(() -> response.isDone() || gate.arrived() == 1);
                if (response.isDone()) {
                    assertThat(response.join().status()).isEqualTo(200);
                } else {
                    holding = response;
                }
            }
            assertThat(holding).as("one of 65 turns is the limited backend's").isNotNull();

            // A whole round of turns, the limited backend's among them: each goes to a backend below its limit.
            for (int i = 0; i < 65; i++) {
                assertThat(fixture.getAsync("/round-" + i).get(WAIT.toSeconds(), TimeUnit.SECONDS).status())
                        .as("request %d", i).isEqualTo(200);
            }
            gate.release();
            assertThat(holding.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(200);
        }
    }

    @Test
    void aRequestWaitingInTheQueue_isNotGrantedABackendPast64ItFailedToConnectTo() throws Exception {
        // The periodic offer of free permits runs every quarter of the queue timeout: several times while it waits.
        Duration queueTimeout = Duration.ofMillis(400);
        try (TestBackend wide = TestBackend.startAt("wide", new InetSocketAddress("0.0.0.0", 0));
             ProxyFixture fixture = ProxyFixture.start(b -> b.eventLoopThreads(1).queueTimeout(queueTimeout))) {
            // The refusing one has no limit: its permits never run out, so the offer hands one to every waiting
            // request that would take it.
            greenOf64And(fixture, wide.port(), 1, Backend.of("127.0.0.1", closedPort()));
            Gate gate = wide.hold();
            List<CompletableFuture<RawResponse>> held = holdOneEach(fixture, gate);

            // Every live backend is at its limit: the request fails to connect to the refusing one, then waits. Granted
            // the refusing one again, it would fail again, and a third time, and end in 502 with its attempts spent.
            RawResponse last = fixture.getAsync("/last").get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(last.status()).as("waited out its queue timeout").isEqualTo(503);
            assertThat(last.bodyText()).contains("stayed at its limit of requests under way");

            gate.release();
            for (CompletableFuture<RawResponse> response : held) {
                assertThat(response.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(200);
            }
        }
    }

    @Test
    void roundRobin_aBackendPast64ThatIsEjected_getsNoRequest() throws Exception {
        try (TestBackend wide = TestBackend.startAt("wide", new InetSocketAddress("0.0.0.0", 0));
             TestBackend failing = TestBackend.start("failing").status(500, "boom");
             ProxyFixture fixture = ProxyFixture.start(b -> b.eventLoopThreads(1).outlierEjection(
                     OutlierEjection.defaults().withConsecutiveFailures(1)
                             .withEjectionTime(Duration.ofMinutes(5), Duration.ofMinutes(5))))) {
            Backend ejected = Backend.of("127.0.0.1", failing.port());
            greenOf64And(fixture, wide.port(), 0, ejected);
            for (int i = 0; i < 65 && failing.requestCount() == 0; i++) {
                fixture.getAsync("/until-failed-" + i).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            assertThat(failing.requestCount()).as("one of 65 turns is its").isOne();
            assertThat(fixture.proxy.health(Colour.GREEN, ejected).usable()).isFalse();

            // Two whole rounds of turns, its among them.
            for (int i = 0; i < 130; i++) {
                assertThat(fixture.getAsync("/round-" + i).get(WAIT.toSeconds(), TimeUnit.SECONDS).status())
                        .isEqualTo(200);
            }
            assertThat(failing.requestCount()).as("ejected: out of the turns").isOne();
        }
    }

    @Test
    void roundRobin_aHeavyBackendPast64BackFromItsEjection_rampsThere_too() throws Exception {
        try (TestBackend wide = TestBackend.startAt("wide", new InetSocketAddress("0.0.0.0", 0));
             TestBackend back = TestBackend.start("back").status(500, "boom");
             ProxyFixture fixture = ProxyFixture.start(b -> b.eventLoopThreads(1).outlierEjection(
                     OutlierEjection.defaults().withConsecutiveFailures(1)
                             .withEjectionTime(Duration.ofMillis(200), Duration.ofMillis(200)))
                     .slowStart(Duration.ofHours(1)))) {
            // Weight 1000 against 64 of 1: by its own weight it would take 94 % of the requests.
            Backend heavy = new Backend("127.0.0.1", back.port(), "heavy", 1000);
            greenOf64And(fixture, wide.port(), 0, heavy);
            for (int i = 0; i < 65 && back.requestCount() == 0; i++) {
                fixture.getAsync("/until-failed-" + i).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            assertThat(back.requestCount()).isOne();
            back.reply();
            await().atMost(WAIT).until(() -> fixture.proxy.health(Colour.GREEN, heavy).usable());

            for (int i = 0; i < 100; i++) {
                assertThat(fixture.getAsync("/after-" + i).get(WAIT.toSeconds(), TimeUnit.SECONDS).status())
                        .isEqualTo(200);
            }
            assertThat(back.requestCount() - 1).as("seconds into an hour's ramp: a few hundredths of its weight")
                    .isLessThan(10);
        }
    }
}
