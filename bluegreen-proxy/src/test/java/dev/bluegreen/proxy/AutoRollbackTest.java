package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Change;
import dev.bluegreen.core.ChangeKind;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.internal.watch.ManualClock;
import dev.bluegreen.proxy.watch.AutoRollback;
import dev.bluegreen.proxy.watch.ShiftOutcome;
import dev.bluegreen.proxy.watch.ShiftPlan;
import dev.bluegreen.proxy.watch.WatchEvent;
import dev.bluegreen.proxy.watch.WatchRule;
import dev.bluegreen.testing.Gate;
import dev.bluegreen.testing.RawHttpClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The watch and shift plans through a real proxy, real sockets and the watch's own scheduler (a short evaluation
 * interval). The rules themselves are tested on synthetic figures in {@code WatcherTest} and {@code ShiftPlanRunTest}.
 */
class AutoRollbackTest {

    private static Change lastChange(ProxyFixture fixture) {
        List<Change> history = fixture.admin.history();
        return history.get(history.size() - 1);
    }

    @Test
    void fiveHundredsAfterASwitch_rollBackOnTheirOwn() throws Exception {
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AutoRollback rules = AutoRollback.builder()
                .minRequests(20)
                .evaluationInterval(Duration.ofMillis(20))
                .listener(events::add)
                .build();
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.autoRollback(rules))) {
            BlueGreenMetrics.of(fixture.proxy).bindTo(registry);
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                for (int i = 0; i < 30; i++) {
                    assertThat(client.get("/before").status()).isEqualTo(200);
                }
                fixture.green().status(500, "green is broken");
                long switched = fixture.admin.switchTo(Colour.GREEN).generation();

                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    client.get("/after");
                    return fixture.admin.snapshot().live() == Colour.BLUE;
                });

                Change rollback = lastChange(fixture);
                assertThat(rollback.kind()).isEqualTo(ChangeKind.ROLLBACK);
                assertThat(rollback.previous().generation()).isEqualTo(switched);
                assertThat(rollback.actor()).isEqualTo(AutoRollback.ACTOR);
                assertThat(rollback.reason()).startsWith("GREEN breached ERROR_RATE").contains("baseline BLUE: 0/");
                assertThat(client.get("/back").header("X-Backend")).isEqualTo("blue-1");
            }
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    events.stream().anyMatch(e -> e.kind() == WatchEvent.Kind.ROLLED_BACK));
            WatchEvent breached = events.stream().filter(e -> e.kind() == WatchEvent.Kind.BREACHED).findFirst()
                    .orElseThrow();
            assertThat(breached.figures().requests()).isGreaterThanOrEqualTo(20);
            assertThat(breached.figures().errorRate()).isEqualTo(1.0);
            assertThat(fixture.green().requestCount()).isGreaterThanOrEqualTo(20);
            assertThat(registry.get(MeterNames.AUTO_ROLLBACKS).tag(MeterNames.COLOUR, "green").counter().count())
                    .isEqualTo(1);
            assertThat(registry.get(MeterNames.AUTO_ROLLBACKS).tag(MeterNames.COLOUR, "blue").counter().count())
                    .isZero();
        }
    }

    @Test
    void safetyNetReroutes_countAgainstTheNewColourAndRollItBack() {
        AutoRollback rules = AutoRollback.builder()
                .minRequests(20)
                .evaluationInterval(Duration.ofMillis(20))
                .build();
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.safetyNet(Duration.ofMinutes(5)).autoRollback(rules))) {
            fixture.green().close();   // connections refused: every request on green is moved back to blue
            fixture.admin.switchTo(Colour.GREEN);
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    // The client never sees the failures: the safety net serves each request from blue.
                    assertThat(client.get("/").header("X-Backend")).isEqualTo("blue-1");
                    return fixture.admin.snapshot().live() == Colour.BLUE;
                });
            }
            Change rollback = lastChange(fixture);
            assertThat(rollback.actor()).isEqualTo(AutoRollback.ACTOR);
            assertThat(rollback.reason()).startsWith("GREEN breached ERROR_RATE (error rate 100.0% > 5.0%)");
        }
    }

    @Test
    void aShiftPlanWhoseTargetFails_rollsTheShiftBackThroughTheRealProxy() throws Exception {
        AutoRollback rules = AutoRollback.builder()
                .minRequests(20)
                .evaluationInterval(Duration.ofMillis(20))
                .build();
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.autoRollback(rules))) {
            fixture.green().status(500, "green is broken");
            CompletableFuture<ShiftOutcome> outcome =
                    fixture.proxy.startShift(ShiftPlan.linear(Colour.GREEN, 50, Duration.ofHours(1)));
            await().atMost(Duration.ofSeconds(10)).until(() -> fixture.admin.snapshot().shiftPercent() == 50);
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    client.get("/");
                    return outcome.isDone();
                });
                ShiftOutcome result = outcome.get();
                assertThat(result.result()).isEqualTo(ShiftOutcome.Result.ROLLED_BACK);
                assertThat(result.breach().rule()).isEqualTo(WatchRule.ERROR_RATE);
                assertThat(fixture.admin.snapshot().shiftPercent()).isZero();
                assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.BLUE);
                for (int i = 0; i < 5; i++) {
                    assertThat(client.get("/").header("X-Backend")).isEqualTo("blue-1");
                }
            }
            assertThat(fixture.green().requestCount()).isGreaterThanOrEqualTo(20);
        }
    }

    @Test
    void healthyTrafficAfterASwitch_staysOnTheNewColour() throws Exception {
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        AutoRollback rules = AutoRollback.builder()
                .minRequests(20)
                .bakeWindow(Duration.ofMillis(300))
                .evaluationInterval(Duration.ofMillis(20))
                .listener(events::add)
                .build();
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.autoRollback(rules))) {
            fixture.admin.switchTo(Colour.GREEN);
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    assertThat(client.get("/").status()).isEqualTo(200);
                    return events.stream().anyMatch(e -> e.kind() == WatchEvent.Kind.PASSED);
                });
            }
            assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.GREEN);
            assertThat(events).extracting(WatchEvent::kind)
                    .containsExactly(WatchEvent.Kind.STARTED, WatchEvent.Kind.PASSED);
        }
    }

    @Test
    void clientsThatGiveUpOnAHangingRelease_rollItBackByItsP99() throws Exception {
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        AutoRollback rules = AutoRollback.builder()
                .minRequests(10)
                .maxP99(Duration.ofMillis(50))
                .bakeWindow(Duration.ofSeconds(30))
                .evaluationInterval(Duration.ofMillis(20))
                .listener(events::add)
                .build();
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.autoRollback(rules))) {
            Gate gate = fixture.green().hold();
            fixture.admin.switchTo(Colour.GREEN);
            // Green takes every request and never answers; each client gives up after 100 ms, long before the
            // proxy's response timeout would have answered 504: no error is ever seen, only how long they waited.
            for (int i = 0; i < 10; i++) {
                try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                    client.send("GET /hangs HTTP/1.1\r\nHost: x\r\n\r\n");
                    long sent = System.nanoTime();
                    gate.awaitArrived(i + 1, Duration.ofSeconds(10));
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> System.nanoTime() - sent >= Duration.ofMillis(100).toNanos());
                }
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> fixture.admin.snapshot().live() == Colour.BLUE);
            WatchEvent breached = events.stream().filter(e -> e.kind() == WatchEvent.Kind.BREACHED).findFirst()
                    .orElseThrow();
            assertThat(breached.breach().rule()).isEqualTo(WatchRule.P99);
            assertThat(breached.figures().errors()).as("giving up is never an error").isZero();
            assertThat(breached.figures().p99()).isGreaterThanOrEqualTo(Duration.ofMillis(100));
            gate.release();
        }
    }

    @Test
    void clientsThatDropTheirRequests_doNotRollAGoodReleaseBack() throws Exception {
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        // The bake window ends when the test moves this clock, once its 40 requests are in: on the real clock it ended
        // while a loaded machine was still sending them (PASSED came before the assertion that it had not yet).
        ManualClock clock = new ManualClock();
        AutoRollback rules = AutoRollback.builder()
                .minRequests(10)
                .bakeWindow(Duration.ofSeconds(5))
                .evaluationInterval(Duration.ofMillis(20))
                .clock(clock)
                .listener(events::add)
                .build();
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.autoRollback(rules))) {
            Gate gate = fixture.green().hold();
            fixture.admin.switchTo(Colour.GREEN);
            // Any client can do this: send requests and go away before the answer, with a reset or a plain close.
            for (int i = 0; i < 20; i++) {
                RawHttpClient dropped = RawHttpClient.connect(fixture.port());
                dropped.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
                int sent = i + 1;
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        gate.arrived() == sent || fixture.admin.snapshot().live() != Colour.GREEN);
                assertThat(fixture.admin.snapshot().live()).as("rolled back for requests their clients dropped")
                        .isEqualTo(Colour.GREEN);
                if (i % 2 == 0) {
                    dropped.abort();
                } else {
                    dropped.close();
                }
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> fixture.proxy.exchangesEnded(Colour.GREEN) == 20);
            fixture.green().reply();
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                for (int i = 0; i < 20; i++) {
                    assertThat(client.get("/good").header("X-Backend")).isEqualTo("green-1");
                }
            }
            // Each is counted as its exchange ends, the last maybe just after its client read the response: all of
            // them before the bake window is over.
            await().atMost(Duration.ofSeconds(10)).until(() -> fixture.proxy.exchangesEnded(Colour.GREEN) == 40);
            assertThat(events).as("judged before the bake window ended").extracting(WatchEvent::kind)
                    .doesNotContain(WatchEvent.Kind.PASSED);

            clock.advance(Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(30)).until(() -> events.stream().anyMatch(e ->
                    e.kind() == WatchEvent.Kind.PASSED || e.kind() == WatchEvent.Kind.BREACHED));

            assertThat(events).extracting(WatchEvent::kind)
                    .containsExactly(WatchEvent.Kind.STARTED, WatchEvent.Kind.PASSED);
            assertThat(events.get(1).figures().requests())
                    .as("the dropped requests count as requests timed at their wait, never as errors").isEqualTo(40);
            assertThat(events.get(1).figures().errors()).isZero();
            assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.GREEN);
            assertThat(fixture.proxy.failedExchanges(Colour.GREEN))
                    .as("nor in /status's errors: a client's going is not the colour's error").isZero();
        }
    }

    @Test
    void aShiftPlan_stepsAndPromotesOnTheWatchsScheduler() throws Exception {
        AutoRollback rules = AutoRollback.builder()
                .bakeWindow(Duration.ZERO)
                .evaluationInterval(Duration.ofMillis(20))
                .build();
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.autoRollback(rules))) {
            ShiftOutcome outcome = fixture.proxy.startShift(ShiftPlan.linear(Colour.GREEN, 50, Duration.ofMillis(50)))
                    .get(30, TimeUnit.SECONDS);

            assertThat(outcome.result()).isEqualTo(ShiftOutcome.Result.PROMOTED);
            assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.GREEN);
            assertThat(fixture.admin.history()).extracting(Change::kind)
                    .containsExactly(ChangeKind.SHIFT, ChangeKind.SHIFT, ChangeKind.PROMOTE);
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                assertThat(client.get("/").header("X-Backend")).isEqualTo("green-1");
            }
        }
    }

    @Test
    void aSecondPlanWhileOneRuns_isRefused() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.autoRollback(AutoRollback.defaults()))) {
            CompletableFuture<ShiftOutcome> first =
                    fixture.proxy.startShift(ShiftPlan.linear(Colour.GREEN, 10, Duration.ofHours(1)));

            assertThatThrownBy(() -> fixture.proxy.startShift(ShiftPlan.linear(Colour.GREEN, 10, Duration.ofHours(1))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("a shift plan is under way");
            await().atMost(Duration.ofSeconds(10)).until(() -> fixture.admin.snapshot().shiftPercent() == 10);
            first.cancel(false);

            CompletableFuture<ShiftOutcome> second =
                    fixture.proxy.startShift(ShiftPlan.linear(Colour.GREEN, 30, Duration.ofHours(1)));
            await().atMost(Duration.ofSeconds(10)).until(() -> fixture.admin.snapshot().shiftPercent() == 30);
            assertThat(second).isNotDone();
            second.cancel(false);
        }
    }

    @Test
    void startShift_withoutAutoRollback_orBeforeStart_isRefused() {
        try (ProxyFixture fixture = ProxyFixture.start()) {
            ShiftPlan plan = ShiftPlan.linear(Colour.GREEN, 10, Duration.ofSeconds(1));
            assertThatThrownBy(() -> fixture.proxy.startShift(plan))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no autoRollback(...) on the builder");
        }
        BlueGreenProxy notStarted = BlueGreenProxy.builder(dev.bluegreen.core.BlueGreen.builder()
                        .blue("v1", dev.bluegreen.core.Backend.of("127.0.0.1", 9001)).build())
                .autoRollback(AutoRollback.defaults()).build();
        assertThatThrownBy(() -> notStarted.startShift(ShiftPlan.linear(Colour.GREEN, 10, Duration.ofSeconds(1))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("startShift: proxy NEW (expected: RUNNING)");
    }

    @Test
    void settings_areValidatedWhenSet() {
        assertThatThrownBy(() -> AutoRollback.builder().maxErrorRate(1.5))
                .hasMessage("maxErrorRate: 1.5 (expected: 0-1)");
        assertThatThrownBy(() -> AutoRollback.builder().minRequests(0))
                .hasMessage("minRequests: 0 (expected: >= 1)");
        assertThatThrownBy(() -> AutoRollback.builder().bakeWindow(Duration.ofSeconds(-1)))
                .hasMessage("bakeWindow: -1s (expected: >= 0)");
        // Taken before, it overflowed (toMillis) at the first evaluation after a switch.
        assertThatThrownBy(() -> AutoRollback.builder().bakeWindow(Duration.ofSeconds(Long.MAX_VALUE)))
                .hasMessage("bakeWindow: 9223372036854775807s (expected: at most 365d)");
        assertThatThrownBy(() -> AutoRollback.builder().errorRateVsBaseline(0.5, 0.01))
                .hasMessage("errorRateFactor: 0.5 (expected: a finite number >= 1)");
        assertThatThrownBy(() -> AutoRollback.builder().window(Duration.ofSeconds(1))
                .evaluationInterval(Duration.ofSeconds(2)).build())
                .hasMessage("evaluationInterval: 2s (expected: at most the window, 1s)");
        assertThatThrownBy(() -> AutoRollback.builder().window(Duration.ofHours(1))
                .evaluationInterval(Duration.ofMillis(100)).build())
                .hasMessage("evaluationInterval: 100ms (expected: at least the window / 10000, 360ms)");
        assertThatThrownBy(() -> ShiftPlan.linear(Colour.GREEN, 0, Duration.ofSeconds(1)))
                .hasMessage("stepPercent: 0 (expected: 1-100)");
        AutoRollback defaults = AutoRollback.defaults();
        assertThat(defaults.bakeWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(defaults.minRequests()).isEqualTo(50);
        assertThat(defaults.maxErrorRate()).isEqualTo(0.05);
        assertThat(defaults.maxP99()).contains(Duration.ofSeconds(2));
        assertThat(AutoRollback.builder().maxP99(null).build().maxP99()).isEmpty();
    }
}
