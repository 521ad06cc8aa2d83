package dev.bluegreen.proxy.internal.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.BackendHealth;
import dev.bluegreen.proxy.HealthCheckSettings;
import dev.bluegreen.proxy.HealthState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The rise/fall state machine, check by check, and the events it publishes. */
class HealthTransitionsTest {

    private static final Backend BLUE = Backend.of("10.0.0.1", 8080);
    private static final Backend GREEN = Backend.of("10.0.1.1", 8080);

    private final HealthRegistry registry = new HealthRegistry(
            new HealthSettings(HealthCheckSettings.defaults(), null, 1, 0, 0, Duration.ZERO), () -> 0L,
            Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), (task, delay) -> { });
    private final List<BackendHealth> events = new CopyOnWriteArrayList<>();

    HealthTransitionsTest() {
        try (BlueGreen admin = BlueGreen.builder().blue("v1", BLUE).green("v2", GREEN).build()) {
            registry.sync(admin.snapshot());
        }
        registry.addListener((previous, current) -> events.add(current));
    }

    private HealthState check(boolean passed) {
        registry.recordCheck(registry.tracker(Colour.BLUE, BLUE), passed, passed ? "status 200" : "status 503");
        return registry.health(Colour.BLUE, BLUE).state();
    }

    @Test
    void unknown_becomesHealthyAtItsFirstPass() {
        assertThat(registry.health(Colour.BLUE, BLUE).state()).isEqualTo(HealthState.UNKNOWN);
        assertThat(check(true)).isEqualTo(HealthState.HEALTHY);
        assertThat(events).singleElement().extracting(BackendHealth::state).isEqualTo(HealthState.HEALTHY);
        assertThat(registry.health(Colour.BLUE, BLUE).lastChecked()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void unknown_becomesUnhealthyOnlyAfterAFullFall() {
        assertThat(check(false)).isEqualTo(HealthState.UNKNOWN);
        assertThat(check(false)).isEqualTo(HealthState.UNKNOWN);
        assertThat(check(false)).as("fall 3").isEqualTo(HealthState.UNHEALTHY);
    }

    @Test
    void healthy_fallsAfterThreeFailuresInARow_andRisesAfterTwoPassesInARow() {
        check(true);
        assertThat(check(false)).isEqualTo(HealthState.HEALTHY);
        assertThat(check(false)).isEqualTo(HealthState.HEALTHY);
        assertThat(check(true)).as("a pass breaks the run").isEqualTo(HealthState.HEALTHY);
        assertThat(check(false)).isEqualTo(HealthState.HEALTHY);
        assertThat(check(false)).isEqualTo(HealthState.HEALTHY);
        assertThat(check(false)).isEqualTo(HealthState.UNHEALTHY);
        assertThat(registry.unusableMask(Colour.BLUE, List.of(BLUE))).isEqualTo(1);

        assertThat(check(true)).isEqualTo(HealthState.UNHEALTHY);
        assertThat(check(false)).isEqualTo(HealthState.UNHEALTHY);
        assertThat(check(true)).isEqualTo(HealthState.UNHEALTHY);
        assertThat(check(true)).as("rise 2").isEqualTo(HealthState.HEALTHY);
        assertThat(events).extracting(BackendHealth::state)
                .containsExactly(HealthState.HEALTHY, HealthState.UNHEALTHY, HealthState.HEALTHY);
    }

    @Test
    void theOtherColoursTrackerOfABackend_isSeparate() {
        check(true);
        assertThat(registry.health(Colour.GREEN, GREEN).state()).isEqualTo(HealthState.UNKNOWN);
        assertThat(registry.health(Colour.GREEN, BLUE).state()).as("not in green's pool").isEqualTo(HealthState.UNKNOWN);
        assertThat(registry.tracker(Colour.GREEN, BLUE)).isNull();
    }
}
