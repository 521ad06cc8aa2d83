package dev.bluegreen.proxy.internal.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.BackendHealth;
import dev.bluegreen.proxy.OutlierEjection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Passive ejection with a fake ticker: thresholds, growing ejection times, decay and the per-pool cap. */
class OutlierEjectionTest {

    private static final long SECOND = 1_000_000_000L;
    private static final OutlierEjection THREE_IN_A_ROW = OutlierEjection.defaults().withConsecutiveFailures(3)
            .withEjectionTime(Duration.ofSeconds(10), Duration.ofSeconds(25)).withMaxEjectedShare(0.5);

    private final AtomicLong ticker = new AtomicLong(1_000 * SECOND);
    private final List<Runnable> scheduled = new ArrayList<>();

    private HealthRegistry registry(OutlierEjection ejection, int bluePoolSize) {
        List<Backend> blue = new ArrayList<>();
        for (int i = 0; i < bluePoolSize; i++) {
            blue.add(Backend.of("10.0.0." + (i + 1), 8080));
        }
        HealthRegistry registry = new HealthRegistry(new HealthSettings(null, ejection, 0, 0, 0, Duration.ZERO),
                ticker::get, Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC),
                (task, delay) -> scheduled.add(task));
        try (BlueGreen admin = BlueGreen.builder().blue("v1", blue).green("v2", Backend.of("10.0.1.1", 8080))
                .build()) {
            registry.sync(admin.snapshot());
        }
        return registry;
    }

    private static Backend backend(int i) {
        return Backend.of("10.0.0." + i, 8080);
    }

    private void fail(HealthRegistry registry, Backend backend, int times) {
        for (int i = 0; i < times; i++) {
            registry.requestFailed(registry.tracker(Colour.BLUE, backend), "status 503");
        }
    }

    @Test
    void consecutiveFailures_ejectForTheBaseTime_thenTheBackendIsUsableAgain() {
        HealthRegistry registry = registry(THREE_IN_A_ROW, 4);
        fail(registry, backend(1), 2);
        assertThat(registry.health(Colour.BLUE, backend(1)).ejected()).as("2 of 3").isFalse();

        fail(registry, backend(1), 1);
        BackendHealth ejected = registry.health(Colour.BLUE, backend(1));
        assertThat(ejected.ejected()).isTrue();
        assertThat(ejected.usable()).isFalse();
        assertThat(ejected.ejectedUntil()).isEqualTo(Instant.parse("2026-01-01T00:00:10Z"));
        assertThat(ejected.lastReason()).isEqualTo("3 failures in a row, the last: status 503");
        assertThat(registry.unusableMask(Colour.BLUE, List.of(backend(1), backend(2)))).isEqualTo(0b01);
        assertThat(registry.usable(Colour.BLUE, backend(1))).isFalse();
        assertThat(registry.usable(Colour.BLUE, backend(2))).isTrue();

        ticker.addAndGet(10 * SECOND);
        assertThat(registry.health(Colour.BLUE, backend(1)).ejected()).isFalse();
        assertThat(registry.unusableMask(Colour.BLUE, List.of(backend(1), backend(2)))).isZero();
        assertThat(registry.usable(Colour.BLUE, backend(1))).as("once the ejection is over").isTrue();
    }

    @Test
    void aSuccess_startsTheCountAgain() {
        HealthRegistry registry = registry(THREE_IN_A_ROW, 4);
        fail(registry, backend(1), 2);
        PassiveHealth.responded(registry, registry.tracker(Colour.BLUE, backend(1)), 404);
        fail(registry, backend(1), 2);
        assertThat(registry.health(Colour.BLUE, backend(1)).ejected()).isFalse();
        PassiveHealth.responded(registry, registry.tracker(Colour.BLUE, backend(1)), 502);
        assertThat(registry.health(Colour.BLUE, backend(1)).ejected()).as("a 5xx counts").isTrue();
    }

    @Test
    void repeatedEjections_growByTheBaseUpToTheCap_andTheMultiplierDecaysWhileQuiet() {
        HealthRegistry registry = registry(THREE_IN_A_ROW, 4);
        long start = ticker.get();
        fail(registry, backend(1), 3);
        ticker.set(start + 10 * SECOND);
        fail(registry, backend(1), 3);
        assertThat(remaining(registry)).as("second ejection: 2 x base").isEqualTo(Duration.ofSeconds(20));
        ticker.addAndGet(20 * SECOND);
        fail(registry, backend(1), 3);
        assertThat(remaining(registry)).as("third: 3 x base, capped at 25 s").isEqualTo(Duration.ofSeconds(25));

        // Quiet for 2 base periods after the last ejection ended: the multiplier falls from 3 to 1, the next is 2.
        ticker.addAndGet(25 * SECOND + 20 * SECOND);
        fail(registry, backend(1), 3);
        assertThat(remaining(registry)).isEqualTo(Duration.ofSeconds(20));
    }

    private Duration remaining(HealthRegistry registry) {
        Instant until = registry.health(Colour.BLUE, backend(1)).ejectedUntil();
        return Duration.between(Instant.parse("2026-01-01T00:00:00Z"), until);
    }

    @Test
    void atMostTheShareOfAPoolIsEjectedAtOnce() {
        HealthRegistry registry = registry(THREE_IN_A_ROW.withMaxEjectedShare(0.25), 8);
        for (int i = 1; i <= 8; i++) {
            fail(registry, backend(i), 3);
        }
        long ejected = registry.health(snapshotOf(8)).stream().filter(BackendHealth::ejected).count();
        assertThat(ejected).as("a quarter of 8").isEqualTo(2);
        ticker.addAndGet(10 * SECOND);
        fail(registry, backend(8), 1);
        assertThat(registry.health(Colour.BLUE, backend(8)).ejected())
                .as("once the others' ejections end, the failing backend's next failure ejects it").isTrue();
    }

    @Test
    void tinyPools_ejectAtLeastOne_butNeverTheWholePool() {
        HealthRegistry two = registry(THREE_IN_A_ROW.withMaxEjectedShare(0.1), 2);
        fail(two, backend(1), 3);
        fail(two, backend(2), 3);
        assertThat(two.health(Colour.BLUE, backend(1)).ejected()).as("10 % of 2 rounds to at least one").isTrue();
        assertThat(two.health(Colour.BLUE, backend(2)).ejected()).as("never the last one").isFalse();

        HealthRegistry one = registry(THREE_IN_A_ROW, 1);
        fail(one, backend(1), 10);
        assertThat(one.health(Colour.BLUE, backend(1)).ejected()).isFalse();
    }

    @Test
    void ejectionAndItsEnd_areHealthEvents() {
        HealthRegistry registry = registry(THREE_IN_A_ROW, 4);
        List<BackendHealth[]> events = new CopyOnWriteArrayList<>();
        registry.addListener((previous, current) -> events.add(new BackendHealth[] {previous, current}));
        registry.addListener((previous, current) -> {
            throw new IllegalStateException("a bad listener is logged and ignored");
        });
        fail(registry, backend(1), 3);
        assertThat(events).hasSize(1);
        assertThat(events.get(0)[0].ejected()).isFalse();
        assertThat(events.get(0)[1].ejected()).isTrue();

        ticker.addAndGet(10 * SECOND);
        scheduled.forEach(Runnable::run);
        assertThat(events).hasSize(2);
        assertThat(events.get(1)[0].ejected()).isTrue();
        assertThat(events.get(1)[1].ejected()).isFalse();
    }

    @Test
    void settings_areValidated() {
        assertThatThrownBy(() -> OutlierEjection.defaults().withConsecutiveFailures(0))
                .hasMessage("consecutiveFailures: 0 (expected: 1-1000)");
        assertThatThrownBy(() -> OutlierEjection.defaults().withMaxEjectedShare(1.5))
                .hasMessage("maxEjectedShare: 1.5 (expected: > 0 and <= 1)");
        assertThatThrownBy(() -> OutlierEjection.defaults().withEjectionTime(Duration.ofSeconds(5),
                Duration.ofSeconds(1))).hasMessage("maxEjectionTime: 1s (expected: >= baseEjectionTime 5s)");
        assertThat(OutlierEjection.defaults().maxEjected(100)).isEqualTo(10);
        assertThat(OutlierEjection.defaults().maxEjected(5)).isEqualTo(1);
        assertThat(OutlierEjection.defaults().maxEjected(1)).isZero();
    }

    private static dev.bluegreen.core.RoutingSnapshot snapshotOf(int bluePoolSize) {
        List<Backend> blue = new ArrayList<>();
        for (int i = 0; i < bluePoolSize; i++) {
            blue.add(Backend.of("10.0.0." + (i + 1), 8080));
        }
        try (BlueGreen admin = BlueGreen.builder().blue("v1", blue).green("v2", Backend.of("10.0.1.1", 8080))
                .build()) {
            return admin.snapshot();
        }
    }
}
