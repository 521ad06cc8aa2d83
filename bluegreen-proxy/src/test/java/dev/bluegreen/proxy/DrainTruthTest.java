package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Colour;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.testing.HttpLoad;
import dev.bluegreen.testing.TestBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * What a drain reports is true: many switches under load, the backends counting every connection they accept, and
 * after a drain reports DRAINED its colour accepts no new connection until a later switch makes it live again.
 */
class DrainTruthTest {

    private static final int SWITCHES = 120;

    /** A DRAINED report, with the connections its colour's backends had accepted when it came. */
    private record Drained(long generation, long accepted) {
    }

    @Test
    void afterADrainReportsDrained_itsColourAcceptsNoNewConnection_untilItIsLiveAgain() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(2, 2, b -> b
                .safetyNet(Duration.ofMillis(20))
                .drainTimeout(Duration.ofSeconds(5)))) {
            Map<Colour, Drained> drained = new ConcurrentHashMap<>();
            Map<Colour, Long> madeLive = new ConcurrentHashMap<>();
            List<String> violations = new ArrayList<>();
            int checked = 0;
            try (HttpLoad load = HttpLoad.start(fixture.port(), 8, "/")) {
                load.awaitResponses(500, Duration.ofSeconds(10));
                for (int i = 0; i < SWITCHES; i++) {
                    RoutingSnapshot before = fixture.admin.snapshot();
                    Colour next = before.live().other();
                    // Before the switch makes `next` live again: nothing may have reached it since it drained. (A
                    // report that came after a later switch had made it live again, a race the drain lost, is old.)
                    Drained report = drained.remove(next);
                    if (report != null && report.generation() > madeLive.getOrDefault(next, 0L)) {
                        checked++;
                        long now = accepted(fixture, next);
                        if (now != report.accepted()) {
                            violations.add(next.label() + " drained at generation " + report.generation() + " with "
                                    + report.accepted() + " connection(s) accepted, then accepted "
                                    + (now - report.accepted()) + " more");
                        }
                    }
                    RoutingSnapshot after = fixture.admin.switchTo(next);
                    madeLive.put(next, after.generation());
                    Colour old = before.live();
                    Drain drain = fixture.proxy.drain(old).orElseThrow();
                    assertThat(drain.generation()).isEqualTo(after.generation());
                    drain.completion().thenAccept(ended -> {
                        if (ended.outcome() == DrainReport.Outcome.DRAINED) {
                            drained.put(old, new Drained(ended.generation(), accepted(fixture, old)));
                        }
                    });
                    // Every third switch lets the drain end; the others come while it is under way.
                    if (i % 3 == 0) {
                        try {
                            drain.completion().get(5, TimeUnit.SECONDS);
                        } catch (TimeoutException stillDraining) {
                            violations.add("drain of " + old.label() + " at " + after.generation() + " ran 5 s");
                        }
                    }
                    load.awaitResponses(load.responses() + 20, Duration.ofSeconds(10));
                }
                HttpLoad.Summary summary = load.stop();
                assertThat(summary.failures()).as("%s", summary.failureSamples()).isZero();
            }
            Colour idle = fixture.admin.snapshot().idle();
            Drained last = drained.get(idle);
            if (last != null && last.generation() > madeLive.getOrDefault(idle, 0L)
                    && accepted(fixture, idle) != last.accepted()) {
                violations.add(idle.label() + " accepted a connection after its last drain");
            }

            assertThat(violations).isEmpty();
            assertThat(checked).as("drains that ended DRAINED and were checked").isGreaterThanOrEqualTo(SWITCHES / 4);
        }
    }

    private static long accepted(ProxyFixture fixture, Colour colour) {
        List<TestBackend> backends = colour == Colour.BLUE ? fixture.blue : fixture.green;
        return backends.stream().mapToLong(TestBackend::connectionsAccepted).sum();
    }
}
