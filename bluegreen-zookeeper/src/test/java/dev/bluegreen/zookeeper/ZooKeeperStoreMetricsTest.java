package dev.bluegreen.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Colour;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

class ZooKeeperStoreMetricsTest {

    @Test
    void meters_showConnectionGenerationAndFleet() throws Exception {
        try (TestingServer server = Zk.server();
             Instance a = Instance.start(server.getConnectString(), "/bluegreen/metrics", "a")) {
            Instance b = Instance.start(server.getConnectString(), "/bluegreen/metrics", "b");
            try {
                MeterRegistry registry = new SimpleMeterRegistry();
                ZooKeeperStoreMetrics.of(a.store()).bindTo(registry);

                a.fleet().awaitGeneration(0, Duration.ofSeconds(10)).join();
                assertThat(gauge(registry, ZooKeeperStoreMetrics.CONNECTED)).isEqualTo(1);
                assertThat(registry.get(ZooKeeperStoreMetrics.DISCONNECTIONS).tag("instance", "a").functionCounter()
                        .count()).isZero();
                assertThat(instances(registry, "true")).isEqualTo(2);
                assertThat(instances(registry, "false")).isZero();

                a.admin.switchTo(Colour.GREEN);

                assertThat(gauge(registry, ZooKeeperStoreMetrics.GENERATION)).isEqualTo(1);
                a.fleet().awaitGeneration(1, Duration.ofSeconds(10)).join();
                assertThat(gauge(registry, ZooKeeperStoreMetrics.FLEET_BEHIND)).isZero();

                b.close();
                await().atMost(Duration.ofSeconds(10)).until(() -> instances(registry, "false") == 1);
            } finally {
                b.close();
            }
        }
    }

    private static double instances(MeterRegistry registry, String reachable) {
        return registry.get(ZooKeeperStoreMetrics.FLEET_INSTANCES).tag("instance", "a")
                .tag(ZooKeeperStoreMetrics.REACHABLE, reachable).gauge().value();
    }

    private static double gauge(MeterRegistry registry, String name) {
        return registry.get(name).tag("instance", "a").gauge().value();
    }
}
