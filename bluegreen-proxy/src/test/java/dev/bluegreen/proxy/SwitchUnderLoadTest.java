package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.HttpLoad;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** Invariants 1 and 2 of DESIGN.md under steady load: switching every few milliseconds loses no request. */
class SwitchUnderLoadTest {

    private static final Duration SWITCHING_FOR = Duration.ofSeconds(3);
    private static final Duration HARD_DEADLINE = Duration.ofSeconds(10);
    private static final int MIN_SWITCHES = 500;
    private static final long MIN_RESPONSES = 1_000;
    private static final long PAUSE_BETWEEN_SWITCHES_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    @Test
    void switchingEveryTwoMillisecondsForThreeSeconds_losesNoRequest_andServesFromBothColours() {
        try (ProxyFixture fixture = ProxyFixture.start(2, 2)) {
            HttpLoad.Summary summary;
            int switches = 0;
            try (HttpLoad load = HttpLoad.start(fixture.port(), 8, "/")) {
                load.awaitResponses(100, Duration.ofSeconds(10));
                // Switching under load for a while is the scenario itself, not a wait. On a busy machine it goes on
                // past SWITCHING_FOR until the minimums are reached, but never past HARD_DEADLINE.
                long start = System.nanoTime();
                long deadline = start + SWITCHING_FOR.toNanos();
                long hardDeadline = start + HARD_DEADLINE.toNanos();
                while (System.nanoTime() - hardDeadline < 0 && (System.nanoTime() - deadline < 0
                        || switches < MIN_SWITCHES || load.responses() <= MIN_RESPONSES)) {
                    Colour next = fixture.admin.snapshot().live() == Colour.BLUE ? Colour.GREEN : Colour.BLUE;
                    fixture.admin.switchTo(next);
                    switches++;
                    LockSupport.parkNanos(PAUSE_BETWEEN_SWITCHES_NANOS);
                }
                summary = load.stop();
            }

            assertThat(summary.failures()).as("failures: %s", summary.failureSamples()).isZero();
            assertThat(summary.responses()).isGreaterThan(MIN_RESPONSES);
            assertThat(summary.byStatus()).containsOnlyKeys(200);
            assertThat(summary.byBackend()).as("only the four backends answered")
                    .containsOnlyKeys("blue-1", "blue-2", "green-1", "green-2");
            assertThat(summary.byBackend().keySet()).anyMatch(name -> name.startsWith("blue"))
                    .anyMatch(name -> name.startsWith("green"));
            assertThat(switches).isGreaterThanOrEqualTo(MIN_SWITCHES);
            assertThat(fixture.admin.snapshot().generation()).isEqualTo(switches);
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    fixture.proxy.activeExchanges(Colour.BLUE) + fixture.proxy.activeExchanges(Colour.GREEN) == 0);
        }
    }
}
