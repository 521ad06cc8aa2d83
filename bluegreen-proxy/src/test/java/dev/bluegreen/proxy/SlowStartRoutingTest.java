package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.RawHttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Slow start on real sockets: a backend healthy again after failing its checks gets few of the new requests at first,
 * where without it it gets its full share at once.
 */
class SlowStartRoutingTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int REQUESTS = 200;

    /** The requests each backend served, by name, after blue-2 failed its checks and passed them again. */
    private static Map<String, Integer> sharesAfterAReturn(UnaryOperator<BlueGreenProxyBuilder> settings) {
        try (ProxyFixture fixture = ProxyFixture.start(2, 1,
                b -> settings.apply(b.healthChecks(HealthCheckTest.FAST)))) {
            Backend second = ProxyFixture.backends(fixture.blue).get(1);
            Supplier<HealthState> state = () -> fixture.proxy.health(Colour.BLUE, second).state();
            await().atMost(WAIT).until(() -> state.get() == HealthState.HEALTHY);
            fixture.blue.get(1).status(503, "down");
            await().atMost(WAIT).until(() -> state.get() == HealthState.UNHEALTHY);
            fixture.blue.get(1).reply();
            await().atMost(WAIT).until(() -> state.get() == HealthState.HEALTHY);

            Map<String, Integer> shares = new TreeMap<>();
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                for (int i = 0; i < REQUESTS; i++) {
                    shares.merge(client.get("/" + i).header("X-Backend"), 1, Integer::sum);
                }
            }
            return shares;
        }
    }

    @Test
    void aBackendBackFromFailingItsChecks_getsFewRequestsAtFirst() {
        // Ten minutes: the requests come within seconds of its return, a few thousandths of the window.
        Map<String, Integer> shares = sharesAfterAReturn(b -> b.slowStart(Duration.ofMinutes(10)));

        assertThat(shares.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(REQUESTS);
        assertThat(shares.getOrDefault("blue-2", 0)).as("%s", shares).isLessThan(REQUESTS / 10);
    }

    @Test
    void withLeastRequests_oneRequestAtATime_itGetsFewRequestsAtFirst() {
        // Every count is 0 between requests: the turns among them go by the ramped weights.
        Map<String, Integer> shares = sharesAfterAReturn(b -> b.loadBalancing(LoadBalancing.LEAST_REQUESTS)
                .slowStart(Duration.ofMinutes(10)));

        assertThat(shares.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(REQUESTS);
        assertThat(shares.getOrDefault("blue-2", 0)).as("%s", shares).isLessThan(REQUESTS / 10);
    }

    @Test
    void withAConsistentHash_itGetsItsKeysBackAtOnce() {
        // Two hundred paths: about half hash to it, and a ramp would have moved them to the other and back.
        Map<String, Integer> shares = sharesAfterAReturn(b -> b.loadBalancing(LoadBalancing.hashOfPath())
                .slowStart(Duration.ofMinutes(10)));

        assertThat(shares.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(REQUESTS);
        assertThat(shares.getOrDefault("blue-2", 0)).as("%s", shares).isGreaterThan(REQUESTS / 4);
    }

    @Test
    void withoutSlowStart_itGetsItsFullShareAtOnce() {
        Map<String, Integer> shares = sharesAfterAReturn(b -> b);

        assertThat(shares).as("round robin over two").containsEntry("blue-1", REQUESTS / 2)
                .containsEntry("blue-2", REQUESTS / 2);
    }

    @Test
    void aWindowOutOfRange_isRefused_namingIt() {
        try (BlueGreen admin = BlueGreen.builder().blue("v1", Backend.of("127.0.0.1", 1)).build()) {
            BlueGreenProxyBuilder builder = BlueGreenProxy.builder(admin);

            assertThatThrownBy(() -> builder.slowStart(Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("slowStart: -1s (expected: >= 0)");
            assertThatThrownBy(() -> builder.slowStart(Duration.ofMinutes(61)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("slowStart: 61m (expected: at most 1 hour)");
            assertThatThrownBy(() -> builder.slowStart(null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("slowStart");
            assertThatThrownBy(() -> builder.slowStart(Duration.ofSeconds(30)).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("slowStart: 30s without health checks or outlier ejection (expected: either on, as a"
                            + " slow start begins when a backend comes back from them; or slowStart 0)");
        }
    }
}
