package dev.bluegreen.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.ChangeRefusedException.Refusal;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.testing.HttpLoad;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.TestBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fleet end to end: two proxies, each following its own {@code BlueGreen} on one ZooKeeper store, in front of
 * the same blue and green backends, both under steady load. Switches made through either move both, and no request
 * fails.
 */
class FleetSwitchUnderLoadTest {

    private static final String PATH = "/bluegreen/under-load";
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final int SWITCHES = 6;
    private static final long RESPONSES_BETWEEN_SWITCHES = 200;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    @Test
    void switchesThroughEitherInstance_moveBothProxies_underLoad_withoutAFailedRequest() throws Exception {
        TestingServer server = closing(Zk.server());
        TestBackend blue = closing(TestBackend.start("blue-1"));
        TestBackend green = closing(TestBackend.start("green-1"));
        List<Backend> bluePool = List.of(Backend.of("127.0.0.1", blue.port()));
        List<Backend> greenPool = List.of(Backend.of("127.0.0.1", green.port()));
        Instance a = closing(Instance.start(server.getConnectString(), PATH, "a", bluePool, greenPool));
        Instance b = closing(Instance.start(server.getConnectString(), PATH, "b", bluePool, greenPool));
        BlueGreenProxy proxyA = closing(proxy(a));
        BlueGreenProxy proxyB = closing(proxy(b));

        HttpLoad.Summary summaryA;
        HttpLoad.Summary summaryB;
        try (HttpLoad loadA = HttpLoad.start(proxyA.port(), 4, "/");
             HttpLoad loadB = HttpLoad.start(proxyB.port(), 4, "/")) {
            loadA.awaitResponses(RESPONSES_BETWEEN_SWITCHES, WAIT);
            loadB.awaitResponses(RESPONSES_BETWEEN_SWITCHES, WAIT);
            for (int i = 0; i < SWITCHES; i++) {
                Instance via = i % 2 == 0 ? a : b;
                RoutingSnapshot switched = promote(via);
                a.fleet().awaitGeneration(switched.generation(), WAIT).join();
                assertThat(b.snapshot()).isEqualTo(switched);
                assertThat(a.snapshot()).isEqualTo(switched);
                loadA.awaitResponses(loadA.responses() + RESPONSES_BETWEEN_SWITCHES, WAIT);
                loadB.awaitResponses(loadB.responses() + RESPONSES_BETWEEN_SWITCHES, WAIT);
            }
            RoutingSnapshot last = a.snapshot().live() == Colour.GREEN ? a.snapshot() : promote(a);
            b.fleet().awaitGeneration(last.generation(), WAIT).join();
            loadA.awaitResponses(loadA.responses() + RESPONSES_BETWEEN_SWITCHES, WAIT);
            loadB.awaitResponses(loadB.responses() + RESPONSES_BETWEEN_SWITCHES, WAIT);
            summaryA = loadA.stop();
            summaryB = loadB.stop();
        }

        for (HttpLoad.Summary summary : List.of(summaryA, summaryB)) {
            assertThat(summary.failures()).as("failures: %s", summary.failureSamples()).isZero();
            assertThat(summary.byStatus()).containsOnlyKeys(200);
            assertThat(summary.byBackend()).as("both colours served").containsOnlyKeys("blue-1", "green-1");
        }
        assertThat(a.generation()).isGreaterThanOrEqualTo(SWITCHES);
        assertThat(b.snapshot()).isEqualTo(a.snapshot());
        assertThat(a.snapshot().live()).isEqualTo(Colour.GREEN);
        for (BlueGreenProxy proxy : List.of(proxyA, proxyB)) {
            try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
                assertThat(client.get("/").header(TestBackend.X_BACKEND.toString()))
                        .as("proxy on %d serves green", proxy.port()).isEqualTo("green-1");
            }
        }
        await().atMost(WAIT).until(() -> proxyA.activeExchanges(Colour.BLUE) + proxyB.activeExchanges(Colour.BLUE)
                == 0);
    }

    /**
     * Promotes the idle colour through {@code via}, as an operator would: again if ZooKeeper did not answer in time
     * (a loaded machine can starve its session for a moment; the proxies keep serving meanwhile, which is the point).
     */
    private static RoutingSnapshot promote(Instance via) {
        return await().atMost(WAIT)
                .ignoreExceptionsMatching(e -> e instanceof ChangeRefusedException refused
                        && refused.refusal() == Refusal.STORE_REJECTED)
                .until(() -> via.admin.promote(), snapshot -> true);
    }

    private static BlueGreenProxy proxy(Instance instance) {
        BlueGreenProxy proxy = BlueGreenProxy.builder(instance.admin)
                .listen("127.0.0.1", 0)
                .eventLoopThreads(1)
                .connectTimeout(Duration.ofSeconds(1))
                .responseTimeout(Duration.ofSeconds(5))
                .shutdownGracePeriod(Duration.ofSeconds(2))
                .build();
        proxy.start().orTimeout(10, TimeUnit.SECONDS).join();
        return proxy;
    }

    private <T> T closing(T resource) {
        if (resource instanceof BlueGreenProxy proxy) {
            closeables.add(() -> proxy.stop(Duration.ofSeconds(2)).orTimeout(10, TimeUnit.SECONDS).join());
        } else {
            closeables.add((AutoCloseable) resource);
        }
        return resource;
    }
}
