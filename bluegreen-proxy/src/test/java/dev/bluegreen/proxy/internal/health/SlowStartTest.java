package dev.bluegreen.proxy.internal.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.HealthCheckSettings;
import dev.bluegreen.proxy.OutlierEjection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Slow start's ramped weights with a fake ticker: when a ramp begins, how it grows, and when there is none. */
class SlowStartTest {

    private static final long SECOND = 1_000_000_000L;
    private static final Duration WINDOW = Duration.ofSeconds(100);
    private static final Backend STEADY = new Backend("10.0.0.1", 8080, "steady", 1, 0);
    private static final Backend BACK = new Backend("10.0.0.2", 8080, "back", 3, 0);
    private static final List<Backend> POOL = List.of(STEADY, BACK);
    private static final OutlierEjection ONE_FAILURE = OutlierEjection.defaults().withConsecutiveFailures(1)
            .withEjectionTime(Duration.ofSeconds(10), Duration.ofSeconds(10)).withMaxEjectedShare(0.5);

    private final AtomicLong ticker = new AtomicLong(-7 * SECOND);
    private final int[] weights = new int[POOL.size()];
    private final HealthRegistry registry = new HealthRegistry(
            new HealthSettings(HealthCheckSettings.defaults().withThresholds(2, 2), ONE_FAILURE, 0, 0, 0, WINDOW),
            ticker::get, Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), (task, delay) -> { });

    SlowStartTest() {
        try (BlueGreen admin = BlueGreen.builder().blue("v1", POOL).green("v2", Backend.of("10.0.1.1", 8080))
                .build()) {
            registry.sync(admin.snapshot());
        }
    }

    private void check(Backend backend, boolean passed, int times) {
        for (int i = 0; i < times; i++) {
            registry.recordCheck(registry.tracker(Colour.BLUE, backend), passed, passed ? "status 200" : "status 503");
        }
    }

    private int[] ramped() {
        return registry.rampedWeights(Colour.BLUE, POOL, weights);
    }

    private void advance(long seconds) {
        ticker.addAndGet(seconds * SECOND);
    }

    @Test
    void aBackendHealthyAgain_rampsFromAlmostNothingToItsWeight_overTheWindow() {
        check(BACK, true, 1);
        check(BACK, false, 2);
        advance(30);
        check(BACK, true, 2);

        assertThat(ramped()).as("at its return: a hundredth of a weight, not none").containsExactly(100, 1);
        advance(25);
        assertThat(ramped()).as("a quarter of the window: a quarter of its weight of 3").containsExactly(100, 75);
        advance(50);
        assertThat(ramped()).containsExactly(100, 225);
        advance(25);
        assertThat(ramped()).as("the window is over: the pool's own weights").isNull();
    }

    @Test
    void aBackendEjected_rampsFromTheEndOfItsEjection() {
        check(BACK, true, 1);
        registry.requestFailed(registry.tracker(Colour.BLUE, BACK), "status 503");
        assertThat(registry.usable(Colour.BLUE, BACK)).isFalse();
        assertThat(ramped()).as("while ejected it is not picked: no ramp yet").isNull();

        advance(10);
        assertThat(registry.usable(Colour.BLUE, BACK)).isTrue();
        assertThat(ramped()).containsExactly(100, 1);
        advance(50);
        assertThat(ramped()).containsExactly(100, 150);
    }

    @Test
    void aBackendHealthyAgainWhileEjected_rampsFromTheEndOfItsEjection() {
        check(BACK, true, 1);
        registry.requestFailed(registry.tracker(Colour.BLUE, BACK), "status 503");
        check(BACK, false, 2);
        advance(4);
        check(BACK, true, 2);

        advance(6 + 20);
        assertThat(ramped()).as("20 s after the ejection's end, not 26 s after the checks").containsExactly(100, 60);
    }

    @Test
    void backendsSeenHealthyForTheFirstTime_orNeverDown_doNotRamp() {
        assertThat(ramped()).isNull();
        check(STEADY, true, 1);
        check(BACK, true, 5);
        assertThat(ramped()).as("at start or after a deploy the whole pool comes up together").isNull();
        check(BACK, false, 1);
        check(BACK, true, 1);
        assertThat(ramped()).as("a failed check that did not make it unhealthy").isNull();
    }
}
