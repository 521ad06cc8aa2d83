package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.internal.routing.Rendezvous;
import dev.bluegreen.testing.Gate;
import dev.bluegreen.testing.RawResponse;
import dev.bluegreen.testing.TestBackend;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Consistent hashing ({@link LoadBalancing#hashOfPath()}) where it meets the rest of the backend choice, as
 * docs/proxying.md's "Consistent hashing" says: a key whose backend is at its limit goes to its next choice and comes
 * back when a permit does, and waits in the queue when every backend is at its limit; the safety net's fallback keeps
 * each key on its backend of the previous colour; past the masks' 64 backends, a key's backend that refuses or is at
 * its limit is passed over.
 */
class HashBalancingEdgesTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    /** The backend that served {@code path}, sent on a connection of its own; it must be a 200. */
    private static String servedBy(ProxyFixture fixture, String path) throws Exception {
        RawResponse response = fixture.getAsync(path).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(response.status()).as(path).isEqualTo(200);
        return response.header(TestBackend.X_BACKEND.toString());
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The first path /p0, /p1, ... whose key {@code pool}'s backend {@code index} scores highest for. */
    private static String pathTo(List<Backend> pool, int index) {
        for (int i = 0; ; i++) {
            String path = "/p" + i;
            long key = Rendezvous.hash(path, 0, path.length());
            if (Rendezvous.pick(pool, Rendezvous.idHashes(pool), key, 0, null) == index) {
                return path;
            }
        }
    }

    @Test
    void aKeysBackendAtItsLimit_sendsItToItsNextChoice_untilAPermitComesBack_andAFullPoolQueuesIt() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(3, 1, b -> b.loadBalancing(LoadBalancing.hashOfPath())
                .queueTimeout(WAIT))) {
            List<Backend> pool = new ArrayList<>();
            for (TestBackend backend : fixture.blue) {
                pool.add(Backend.of("127.0.0.1", backend.port()).withMaxRequests(1));
            }
            fixture.admin.deploy(Colour.GREEN, "v2", pool);
            fixture.admin.switchTo(Colour.GREEN);
            // A permit is given back as its exchange ends, which on epoll or NIO may be just after the client read the
            // response: each request here waits until the one before has left its backend.
            Runnable idle = () -> await().atMost(WAIT).until(() -> pool.stream()
                    .allMatch(backend -> fixture.proxy.requestsUnderWay(backend) == 0));
            String first = servedBy(fixture, "/k");
            idle.run();
            TestBackend its = fixture.blue.stream().filter(b -> b.name().equals(first)).findFirst().orElseThrow();
            Gate gate = its.hold();
            CompletableFuture<RawResponse> holding = fixture.getAsync("/k");
            gate.awaitArrived(1, WAIT);

            String next = servedBy(fixture, "/k");
            assertThat(next).isNotEqualTo(first);
            Backend nextBackend = pool.get(fixture.blue.indexOf(fixture.blue.stream()
                    .filter(b -> b.name().equals(next)).findFirst().orElseThrow()));
            await().atMost(WAIT).until(() -> fixture.proxy.requestsUnderWay(nextBackend) == 0);
            assertThat(servedBy(fixture, "/k")).as("the same next choice each time").isEqualTo(next);
            gate.release();
            assertThat(holding.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(200);
            idle.run();
            assertThat(servedBy(fixture, "/k")).as("back once its backend is below its limit").isEqualTo(first);
            idle.run();

            // Every backend at its limit with one request of the key: a fourth waits, and is served when they free.
            List<Gate> gates = fixture.blue.stream().map(TestBackend::hold).toList();
            List<CompletableFuture<RawResponse>> held = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                held.add(fixture.getAsync("/k"));
                int arrived = i;
                await().atMost(WAIT).until(() -> gates.stream().mapToInt(Gate::arrived).sum() == arrived);
            }
            CompletableFuture<RawResponse> waiting = fixture.getAsync("/k");
            await().atMost(WAIT).until(() -> fixture.proxy.requestsQueued() == 1 || waiting.isDone());
            assertThat(waiting).isNotDone();
            gates.forEach(Gate::release);
            assertThat(waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(200);
            for (CompletableFuture<RawResponse> response : held) {
                assertThat(response.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(200);
            }
        }
    }

    @Test
    void theSafetyNetsFallback_sendsEachKeyToItsBackendOfThePreviousColour() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(3, 1, b -> b.loadBalancing(LoadBalancing.hashOfPath())
                .safetyNet(Duration.ofMinutes(5)).withoutTargetGuard())) {
            Map<String, String> onBlue = new HashMap<>();
            for (int i = 0; i < 12; i++) {
                onBlue.put("/p" + i, servedBy(fixture, "/p" + i));
            }
            fixture.admin.deploy(Colour.GREEN, "v2", List.of(Backend.of("127.0.0.1", closedPort()),
                    Backend.of("127.0.0.1", closedPort())));
            fixture.admin.switchTo(Colour.GREEN);

            onBlue.forEach((path, backend) -> {
                try {
                    assertThat(servedBy(fixture, path)).as(path).isEqualTo(backend);
                } catch (Exception e) {
                    throw new AssertionError(path, e);
                }
            });
        }
    }

    @Test
    void pastThe64th_aKeysBackendThatRefusesOrIsAtItsLimit_isPassedOver() throws Exception {
        // One server on every loopback address stands for 64 backends: 127.0.0.2 to 127.0.0.65.
        try (TestBackend wide = TestBackend.startAt("wide", new InetSocketAddress("0.0.0.0", 0));
             TestBackend held = TestBackend.start("held");
             ProxyFixture fixture = ProxyFixture.start(b -> b.loadBalancing(LoadBalancing.hashOfPath())
                     .eventLoopThreads(1))) {
            List<Backend> pool = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                pool.add(Backend.of("127.0.0." + (i + 2), wide.port()));
            }
            pool.add(Backend.of("127.0.0.1", closedPort()));
            pool.add(Backend.of("127.0.0.1", held.port()).withMaxRequests(1));
            fixture.admin.deploy(Colour.GREEN, "v2", pool);
            fixture.admin.switchTo(Colour.GREEN);
            String toRefusing = pathTo(pool, 64);
            String toLimited = pathTo(pool, 65);

            for (int i = 0; i < 5; i++) {
                assertThat(servedBy(fixture, toRefusing)).isEqualTo("wide");
            }
            assertThat(servedBy(fixture, toLimited)).isEqualTo("held");
            // Its permit is given back as the exchange ends, maybe just after the client read the response.
            Backend limited = pool.get(65);
            await().atMost(WAIT).until(() -> fixture.proxy.requestsUnderWay(limited) == 0);
            Gate gate = held.hold();
            CompletableFuture<RawResponse> holding = fixture.getAsync(toLimited);
            gate.awaitArrived(1, WAIT);
            for (int i = 0; i < 5; i++) {
                assertThat(servedBy(fixture, toLimited)).isEqualTo("wide");
            }
            gate.release();
            assertThat(holding.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(200);
            await().atMost(WAIT).until(() -> fixture.proxy.requestsUnderWay(limited) == 0);
            assertThat(servedBy(fixture, toLimited)).isEqualTo("held");
        }
    }
}
