package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.TestBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-backend health gauge, including backends deployed after the binding and removed by a deployment. */
class HealthMetricsTest {

    private static double health(SimpleMeterRegistry registry, String colour, Backend backend) {
        return registry.get(MeterNames.BACKEND_HEALTH).tags(MeterNames.COLOUR, colour, MeterNames.BACKEND,
                backend.id()).gauge().value();
    }

    @Test
    void gaugePerBackend_followsTheChecks() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ProxyFixture fixture = ProxyFixture.start(1, 1, HealthCheckTest.checks());
             TestBackend deployed = TestBackend.start("green-2")) {
            BlueGreenMetrics.of(fixture.proxy).bindTo(registry);
            Backend blue = ProxyFixture.backends(fixture.blue).get(0);
            Backend green = ProxyFixture.backends(fixture.green).get(0);
            fixture.green().status(500, "broken");
            await().atMost(Duration.ofSeconds(20)).until(() -> health(registry, "blue", blue) == 1
                    && health(registry, "green", green) == 0);

            Backend added = Backend.of("127.0.0.1", deployed.port());
            fixture.admin.deploy(Colour.GREEN, "v3", List.of(added));
            await().atMost(Duration.ofSeconds(20)).until(() -> health(registry, "green", added) == 1);
            assertThat(registry.find(MeterNames.BACKEND_HEALTH).tags(MeterNames.COLOUR, "green",
                    MeterNames.BACKEND, green.id()).gauge()).as("the gauge of a backend no longer in the pool")
                    .isNull();
            assertThat(health(registry, "blue", blue)).as("the other colour's").isEqualTo(1);
        }
    }

    @Test
    void backendRedeployedUnderItsId_gaugeReadsTheNewOne() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ProxyFixture fixture = ProxyFixture.start(1, 1, HealthCheckTest.checks());
             TestBackend first = TestBackend.start("api-first");
             TestBackend second = TestBackend.start("api-second")) {
            BlueGreenMetrics.of(fixture.proxy).bindTo(registry);
            Backend named = new Backend("127.0.0.1", first.port(), "api-1", 1);
            fixture.admin.deploy(Colour.GREEN, "v2", List.of(named));
            await().atMost(Duration.ofSeconds(20)).until(() -> health(registry, "green", named) == 1);

            // The same id with another weight, then at another address: the checks track the new backend.
            Backend reweighted = new Backend("127.0.0.1", first.port(), "api-1", 5);
            fixture.admin.deploy(Colour.GREEN, "v3", List.of(reweighted));
            await().atMost(Duration.ofSeconds(20)).until(() -> fixture.proxy.health(Colour.GREEN, reweighted)
                    .state() == HealthState.HEALTHY);
            assertThat(health(registry, "green", reweighted)).as("the gauge after a new weight").isEqualTo(1);
            Backend moved = new Backend("127.0.0.1", second.port(), "api-1", 5);
            fixture.admin.deploy(Colour.GREEN, "v4", List.of(moved));
            second.status(500, "broken");
            await().atMost(Duration.ofSeconds(20)).until(() -> fixture.proxy.health(Colour.GREEN, moved)
                    .state() == HealthState.UNHEALTHY);
            assertThat(health(registry, "green", moved)).as("the gauge after a new address").isEqualTo(0);
            assertThat(registry.find(MeterNames.BACKEND_HEALTH).tags(MeterNames.BACKEND, "api-1").gauges())
                    .as("one series for the id").hasSize(1);
        }
    }
}
