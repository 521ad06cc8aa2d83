package dev.bluegreen.proxy.internal.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.HealthCheckSettings;
import dev.bluegreen.proxy.OutlierEjection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
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

    private static HealthRegistry registry(HealthCheckSettings checks, AtomicLong ticker) {
        return new HealthRegistry(new HealthSettings(checks, ONE_FAILURE, 0, 0, 0, WINDOW), ticker::get,
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), (task, delay) -> { });
    }

    private static void bluePoolIs(HealthRegistry registry, List<Backend> backends) {
        registry.sync(RoutingSnapshot.initial(Colour.BLUE, Environment.of(Colour.BLUE, "v", backends),
                Environment.empty(Colour.GREEN), Instant.EPOCH));
    }

    @Test
    void aBackendThatFailedItsFirstChecks_stillStarting_rampsFromWhenItPassesThem() {
        check(BACK, false, 2);
        assertThat(registry.usable(Colour.BLUE, BACK)).as("a full fall from unknown: unhealthy").isFalse();
        check(BACK, true, 2);

        assertThat(ramped()).as("as cold as one that came back").containsExactly(100, 1);
    }

    @Test
    void aRampThatBeganEarlier_butEndsLater_outlastsOneThatBeganLater() {
        check(STEADY, true, 1);
        check(STEADY, false, 2);
        check(BACK, true, 1);
        registry.requestFailed(registry.tracker(Colour.BLUE, BACK), "status 503");
        advance(1);
        check(STEADY, true, 2);

        advance(100);
        assertThat(ramped()).as("the steady one's ramp is over, the ejected one's (from 10 s) is not")
                .containsExactly(100, 273);
    }

    @Test
    void aReturnInTheOtherColour_rampsOnlyItsOwnPool() {
        Backend green = Backend.of("10.0.1.1", 8080);
        BackendHealthTracker tracker = registry.tracker(Colour.GREEN, green);
        for (boolean passed : new boolean[] {false, false, true, true}) {
            registry.recordCheck(tracker, passed, passed ? "status 200" : "status 503");
        }
        advance(50);

        assertThat(registry.rampedWeights(Colour.GREEN, List.of(green), new int[1])).as("alone: its weight is all")
                .containsExactly(50);
        assertThat(ramped()).isNull();
    }

    @Test
    void aBackendInBothPools_rampsOnlyInThePoolWhereItCameBack() {
        AtomicLong clock = new AtomicLong();
        HealthRegistry shared = registry(null, clock);
        shared.sync(RoutingSnapshot.initial(Colour.BLUE, Environment.of(Colour.BLUE, "v1", POOL),
                Environment.of(Colour.GREEN, "v2", POOL), Instant.EPOCH));
        shared.requestFailed(shared.tracker(Colour.BLUE, BACK), "status 503");
        clock.addAndGet(10 * SECOND + 50 * SECOND);

        assertThat(shared.rampedWeights(Colour.BLUE, POOL, weights)).containsExactly(100, 150);
        assertThat(shared.rampedWeights(Colour.GREEN, POOL, weights)).as("its health there is its own").isNull();
    }

    @Test
    void aRedeployDuringARamp_thatChangesOnlyItsWeight_keepsTheRamp_atTheNewWeight() {
        check(BACK, true, 1);
        check(BACK, false, 2);
        check(BACK, true, 2);
        advance(25);
        Backend heavier = new Backend(BACK.host(), BACK.port(), BACK.id(), 5, 10);
        bluePoolIs(registry, List.of(STEADY, heavier));

        assertThat(registry.rampedWeights(Colour.BLUE, List.of(STEADY, heavier), weights))
                .as("a quarter of the window: a quarter of its new weight of 5").containsExactly(100, 125);
        assertThat(ramped()).as("a request routed before the deploy: its record's weight").containsExactly(100, 75);
        advance(75);
        assertThat(registry.rampedWeights(Colour.BLUE, List.of(STEADY, heavier), weights)).isNull();
    }

    @Test
    void aBackendRemovedDuringItsRamp_andAddedAgain_startsAnew_withoutARamp() {
        check(BACK, true, 1);
        check(BACK, false, 2);
        check(BACK, true, 2);
        bluePoolIs(registry, List.of(STEADY));
        assertThat(ramped()).as("no tracker: its own weight").isNull();

        bluePoolIs(registry, POOL);
        assertThat(ramped()).as("a backend added by a deploy comes up with no ramp, as at start").isNull();
    }

    @Test
    void anEjectionDuringARamp_startsItAgainAtTheEjectionsEnd() {
        check(BACK, true, 1);
        check(BACK, false, 2);
        check(BACK, true, 2);
        advance(50);
        assertThat(ramped()).containsExactly(100, 150);

        registry.requestFailed(registry.tracker(Colour.BLUE, BACK), "status 503");
        assertThat(ramped()).as("ejected: not picked, no ramp").isNull();
        advance(10 + 25);
        assertThat(ramped()).as("25 s after the ejection's end").containsExactly(100, 75);
    }

    @Test
    void withEjectionAlone_noChecks_aBackendRampsFromTheEndOfItsEjection() {
        AtomicLong clock = new AtomicLong(Long.MIN_VALUE + 3 * SECOND);
        HealthRegistry ejectionOnly = registry(null, clock);
        bluePoolIs(ejectionOnly, POOL);
        ejectionOnly.requestFailed(ejectionOnly.tracker(Colour.BLUE, BACK), "status 503");

        clock.addAndGet(10 * SECOND + 50 * SECOND);
        assertThat(ejectionOnly.rampedWeights(Colour.BLUE, POOL, weights)).containsExactly(100, 150);
        clock.addAndGet(50 * SECOND);
        assertThat(ejectionOnly.rampedWeights(Colour.BLUE, POOL, weights)).isNull();
    }

    @Test
    void aRampAcrossTheTickersWrap_growsAsAnyOther() {
        AtomicLong clock = new AtomicLong(Long.MAX_VALUE - 30 * SECOND);
        HealthRegistry wrapping = registry(null, clock);
        bluePoolIs(wrapping, POOL);
        assertThat(wrapping.rampedWeights(Colour.BLUE, POOL, weights)).as("never back: no ramp").isNull();
        wrapping.requestFailed(wrapping.tracker(Colour.BLUE, BACK), "status 503");

        clock.addAndGet(10 * SECOND);
        assertThat(wrapping.rampedWeights(Colour.BLUE, POOL, weights)).containsExactly(100, 1);
        clock.addAndGet(50 * SECOND);
        assertThat(clock.get()).as("past the wrap").isNegative();
        assertThat(wrapping.rampedWeights(Colour.BLUE, POOL, weights)).containsExactly(100, 150);
    }

    @Test
    void aPoolPastTheMask_rampsItsBackendsPastThe64th() {
        List<Backend> large = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            large.add(new Backend("10.0.2." + i, 8080, "b" + i, 2, 0));
        }
        AtomicLong clock = new AtomicLong();
        HealthRegistry registry = registry(null, clock);
        bluePoolIs(registry, large);
        registry.requestFailed(registry.tracker(Colour.BLUE, large.get(67)), "status 503");
        clock.addAndGet(10 * SECOND + 25 * SECOND);

        int[] ramped = registry.rampedWeights(Colour.BLUE, large, new int[70]);
        assertThat(ramped[67]).as("a quarter of its weight of 2").isEqualTo(50);
        assertThat(Arrays.stream(ramped).filter(weight -> weight == 200).count()).isEqualTo(69);
    }
}
