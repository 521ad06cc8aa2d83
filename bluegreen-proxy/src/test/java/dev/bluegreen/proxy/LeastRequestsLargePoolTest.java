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
 * {@link LoadBalancing#LEAST_REQUESTS} in a pool of more than 64 backends, past the masks of the backends a request
 * tried: a backend that refuses connections has no request under way, so it stays the least loaded after it failed;
 * the request's next attempt must still go elsewhere.
 */
class LeastRequestsLargePoolTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aBackendPast64ThatRefusesConnections_isNotEveryAttemptOfARequest() throws Exception {
        // One server on every loopback address stands for 64 backends: 127.0.0.2 to 127.0.0.65.
        try (TestBackend wide = TestBackend.startAt("wide", new InetSocketAddress("0.0.0.0", 0));
             ProxyFixture fixture = ProxyFixture.start(b -> b.loadBalancing(LoadBalancing.LEAST_REQUESTS)
                     .eventLoopThreads(1))) {
            List<Backend> pool = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                pool.add(Backend.of("127.0.0." + (i + 2), wide.port()));
            }
            Backend refusing = Backend.of("127.0.0.1", closedPort());
            pool.add(refusing);
            fixture.admin.deploy(Colour.GREEN, "v2", pool);
            fixture.admin.switchTo(Colour.GREEN);
            Gate gate = wide.hold();
            List<CompletableFuture<RawResponse>> held = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                held.add(fixture.getAsync("/held-" + i));
                // One at a time, so that each goes to a backend with none under way: one each.
                gate.awaitArrived(i + 1, WAIT);
            }

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
}
