package dev.bluegreen.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Change;
import dev.bluegreen.core.ChangeKind;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.AutoRollback;
import dev.bluegreen.proxy.WatchEvent;
import dev.bluegreen.proxy.WatchRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The watch after a switch, judged on synthetic exchanges recorded into the statistics, with a clock the test moves
 * and a real in-memory admin object. Everything runs on the test thread: the watch's executor runs tasks at once.
 */
class WatcherTest {

    private static final Duration FAST = Duration.ofMillis(5);

    private final ManualClock clock = new ManualClock();
    private final WatchStatistics statistics = new WatchStatistics();
    private final List<WatchEvent> events = new ArrayList<>();
    private BlueGreen admin;
    private Watcher watcher;

    private void start(UnaryOperator<AutoRollback.Builder> rules) {
        start(rules, Runnable::run);
    }

    private void start(UnaryOperator<AutoRollback.Builder> rules, Executor executor) {
        admin = BlueGreen.builder()
                .blue("v1", Backend.of("127.0.0.1", 9001))
                .green("v2", Backend.of("127.0.0.1", 9002))
                .clock(clock)
                .build();
        AutoRollback settings = rules.apply(AutoRollback.builder()).clock(clock).listener(events::add).build();
        watcher = new Watcher(admin, settings, statistics, executor);
        admin.addListener(change -> executor.execute(() -> watcher.onChange(change)));
    }

    @AfterEach
    void close() {
        if (admin != null) {
            admin.close();
        }
    }

    private void traffic(Colour colour, int requests, int errors, Duration latency) {
        for (int i = 0; i < requests; i++) {
            statistics.exchangeEnded(colour, i < errors ? 500 : 200, false, latency.toNanos(), 0, 10);
        }
    }

    /** Moves the clock one evaluation interval (1 s) at a time, ticking after each. */
    private void elapse(Duration duration) {
        for (long s = 0; s < duration.toSeconds(); s++) {
            clock.advance(Duration.ofSeconds(1));
            watcher.tick();
        }
    }

    private List<WatchEvent.Kind> kinds() {
        return events.stream().map(WatchEvent::kind).toList();
    }

    private Change lastChange() {
        List<Change> history = admin.history();
        return history.get(history.size() - 1);
    }

    @Test
    void fiveHundredsOnTheNewColour_rollBackWithTheFiguresInTheHistory() {
        start(UnaryOperator.identity());
        traffic(Colour.BLUE, 200, 0, FAST);
        elapse(Duration.ofSeconds(30));
        long switched = admin.switchTo(Colour.GREEN).generation();

        traffic(Colour.GREEN, 60, 10, FAST);
        elapse(Duration.ofSeconds(1));

        assertThat(admin.snapshot().live()).isEqualTo(Colour.BLUE);
        Change rollback = lastChange();
        assertThat(rollback.kind()).isEqualTo(ChangeKind.ROLLBACK);
        assertThat(rollback.previous().generation()).isEqualTo(switched);
        assertThat(rollback.actor()).isEqualTo(AutoRollback.ACTOR);
        assertThat(rollback.reason()).startsWith("GREEN breached ERROR_RATE (error rate 16.7% > 5.0%)")
                .contains("10/60 errors (16.7%)", "baseline BLUE: 0/200 errors (0.0%)");
        assertThat(kinds()).containsExactly(WatchEvent.Kind.STARTED, WatchEvent.Kind.BREACHED,
                WatchEvent.Kind.ROLLED_BACK);
        WatchEvent breached = events.get(1);
        assertThat(breached.breach().rule()).isEqualTo(WatchRule.ERROR_RATE);
        assertThat(breached.figures().requests()).isEqualTo(60);
        assertThat(breached.figures().errors()).isEqualTo(10);
        assertThat(breached.baseline().requests()).isEqualTo(200);
        assertThat(breached.generation()).isEqualTo(switched);
        // The automatic rollback is not watched: nothing could flap back to the colour that failed.
        assertThat(watcher.watching()).isFalse();
    }

    @Test
    void slowResponsesOnTheNewColour_rollBackOnTheP99() {
        start(UnaryOperator.identity());
        traffic(Colour.BLUE, 200, 0, FAST);
        admin.switchTo(Colour.GREEN);

        traffic(Colour.GREEN, 55, 0, FAST);
        traffic(Colour.GREEN, 5, 0, Duration.ofSeconds(3));
        elapse(Duration.ofSeconds(1));

        assertThat(admin.snapshot().live()).isEqualTo(Colour.BLUE);
        assertThat(events.get(1).breach().rule()).isEqualTo(WatchRule.P99);
        assertThat(events.get(1).figures().p99()).isGreaterThan(Duration.ofSeconds(3));
        assertThat(lastChange().reason()).contains("breached P99 (p99 ");
    }

    @Test
    void belowTheMinimumRequestCount_nothingIsJudged() {
        start(UnaryOperator.identity());
        admin.switchTo(Colour.GREEN);

        traffic(Colour.GREEN, 49, 49, FAST);
        elapse(Duration.ofSeconds(10));
        assertThat(admin.snapshot().live()).isEqualTo(Colour.GREEN);
        assertThat(watcher.watching()).isTrue();

        // The fiftieth request makes it judge.
        traffic(Colour.GREEN, 1, 1, FAST);
        elapse(Duration.ofSeconds(1));
        assertThat(admin.snapshot().live()).isEqualTo(Colour.BLUE);
    }

    @Test
    void afterTheBakeWindow_errorsNoLongerRollBack() {
        start(b -> b.bakeWindow(Duration.ofMinutes(2)));
        admin.switchTo(Colour.GREEN);
        traffic(Colour.GREEN, 500, 0, FAST);

        elapse(Duration.ofMinutes(2));
        assertThat(kinds()).containsExactly(WatchEvent.Kind.STARTED, WatchEvent.Kind.PASSED);
        assertThat(events.get(1).figures().requests()).isEqualTo(500);

        traffic(Colour.GREEN, 100, 100, FAST);
        elapse(Duration.ofSeconds(5));
        assertThat(admin.snapshot().live()).isEqualTo(Colour.GREEN);
        assertThat(kinds()).containsExactly(WatchEvent.Kind.STARTED, WatchEvent.Kind.PASSED);
    }

    @Test
    void anErrorRateUnderTheLimit_rollsBackWhenItIsWellAboveTheOldColours() {
        start(UnaryOperator.identity());
        traffic(Colour.BLUE, 1000, 0, FAST);
        admin.switchTo(Colour.GREEN);

        traffic(Colour.GREEN, 100, 3, FAST);   // 3 %: under 5 %, above 0 % x 2 + 1 %
        elapse(Duration.ofSeconds(1));

        assertThat(admin.snapshot().live()).isEqualTo(Colour.BLUE);
        assertThat(events.get(1).breach().rule()).isEqualTo(WatchRule.ERROR_RATE_VS_BASELINE);
        assertThat(events.get(1).breach().description()).isEqualTo(
                "error rate 3.0% > 1.0% (baseline 0.0% x 2.0 + 1.0%)");
    }

    @Test
    void theSameErrorRate_passesWhenTheOldColourFailedAsOften() {
        start(UnaryOperator.identity());
        traffic(Colour.BLUE, 1000, 20, FAST);   // 2 %: the limit is 2 % x 2 + 1 % = 5 %
        admin.switchTo(Colour.GREEN);

        traffic(Colour.GREEN, 100, 3, FAST);
        elapse(Duration.ofSeconds(3));

        assertThat(admin.snapshot().live()).isEqualTo(Colour.GREEN);
        assertThat(kinds()).containsExactly(WatchEvent.Kind.STARTED);
    }

    @Test
    void aBaselineWithTooFewRequests_isNotComparedWith() {
        start(UnaryOperator.identity());
        traffic(Colour.BLUE, 10, 0, FAST);
        admin.switchTo(Colour.GREEN);

        traffic(Colour.GREEN, 100, 3, FAST);
        elapse(Duration.ofSeconds(3));

        assertThat(admin.snapshot().live()).isEqualTo(Colour.GREEN);
    }

    @Test
    void aP99UnderTheLimit_rollsBackWhenItIsWellAboveTheOldColours() {
        start(UnaryOperator.identity());
        traffic(Colour.BLUE, 1000, 0, Duration.ofMillis(10));
        admin.switchTo(Colour.GREEN);

        traffic(Colour.GREEN, 100, 0, Duration.ofMillis(400));   // under 2 s, above ~12 ms x 2 + 100 ms
        elapse(Duration.ofSeconds(1));

        assertThat(admin.snapshot().live()).isEqualTo(Colour.BLUE);
        assertThat(events.get(1).breach().rule()).isEqualTo(WatchRule.P99_VS_BASELINE);
    }

    @Test
    void theBaseline_isTheOldColoursLastWindowBeforeTheChange() {
        start(b -> b.window(Duration.ofSeconds(30)));
        traffic(Colour.BLUE, 1000, 500, FAST);   // long ago: outside the window
        elapse(Duration.ofSeconds(40));
        traffic(Colour.BLUE, 1000, 0, FAST);
        elapse(Duration.ofSeconds(1));
        admin.switchTo(Colour.GREEN);

        assertThat(events.get(0).baseline().requests()).isEqualTo(1000);
        assertThat(events.get(0).baseline().errors()).isZero();
    }

    @Test
    void goodTrafficLongAgo_doesNotHideErrorsNow() {
        start(b -> b.window(Duration.ofSeconds(30)));
        admin.switchTo(Colour.GREEN);
        traffic(Colour.GREEN, 10_000, 0, FAST);
        elapse(Duration.ofSeconds(31));

        // 10 of 10,060 since the switch, but 10 of 60 in the last window.
        traffic(Colour.GREEN, 60, 10, FAST);
        elapse(Duration.ofSeconds(1));

        assertThat(admin.snapshot().live()).isEqualTo(Colour.BLUE);
        assertThat(events.get(1).figures().requests()).isEqualTo(60);
    }

    @Test
    void safetyNetReroutes_countAsErrorsOfTheColourThatFailed() {
        start(UnaryOperator.identity());
        admin.switchTo(Colour.GREEN);
        traffic(Colour.GREEN, 50, 0, FAST);
        for (int i = 0; i < 10; i++) {
            statistics.safetyNetUsed(Colour.GREEN);
            statistics.exchangeEnded(Colour.BLUE, 200, false, FAST.toNanos(), 0, 10);
        }
        elapse(Duration.ofSeconds(1));

        assertThat(admin.snapshot().live()).isEqualTo(Colour.BLUE);
        assertThat(events.get(1).figures().requests()).isEqualTo(60);
        assertThat(events.get(1).figures().errors()).isEqualTo(10);
        assertThat(events.get(1).figures().timedRequests()).isEqualTo(50);
    }

    @Test
    void aLaterSwitch_endsTheWatchAndStartsOneForItsColour() {
        start(UnaryOperator.identity());
        admin.switchTo(Colour.GREEN);
        admin.switchTo(Colour.BLUE);

        traffic(Colour.GREEN, 100, 100, FAST);
        elapse(Duration.ofSeconds(2));

        assertThat(kinds()).containsExactly(WatchEvent.Kind.STARTED, WatchEvent.Kind.ENDED,
                WatchEvent.Kind.STARTED);
        assertThat(events.get(2).colour()).isEqualTo(Colour.BLUE);
        assertThat(admin.snapshot().live()).isEqualTo(Colour.BLUE);
        assertThat(admin.history()).hasSize(2);
    }

    @Test
    void aManualRollback_isNotWatched() {
        start(UnaryOperator.identity());
        admin.switchTo(Colour.GREEN);
        admin.rollback();

        traffic(Colour.BLUE, 100, 100, FAST);
        elapse(Duration.ofSeconds(2));

        assertThat(kinds()).containsExactly(WatchEvent.Kind.STARTED, WatchEvent.Kind.ENDED);
        assertThat(watcher.watching()).isFalse();
    }

    @Test
    void aChangeTheWatchHasNotHeardYet_makesItsRollbackRefusedRatherThanOverwriteIt() {
        List<Runnable> queued = new ArrayList<>();
        start(UnaryOperator.identity(), queued::add);
        admin.switchTo(Colour.GREEN);
        runAll(queued);

        // Someone redeploys blue; the watch has not heard of it when it judges.
        admin.deploy(Colour.BLUE, "v3", List.of(Backend.of("127.0.0.1", 9003)));
        traffic(Colour.GREEN, 100, 100, FAST);
        clock.advance(Duration.ofSeconds(1));
        watcher.tick();
        runAll(queued);

        assertThat(admin.snapshot().live()).isEqualTo(Colour.GREEN);
        assertThat(lastChange().kind()).isEqualTo(ChangeKind.DEPLOY);
        assertThat(kinds()).containsExactly(WatchEvent.Kind.STARTED, WatchEvent.Kind.BREACHED,
                WatchEvent.Kind.ENDED, WatchEvent.Kind.ROLLBACK_FAILED);
        assertThat(events.get(3).message()).contains("failed");
    }

    @Test
    void aBakeWindowOfZero_watchesNoChange() {
        start(b -> b.bakeWindow(Duration.ZERO));
        admin.switchTo(Colour.GREEN);
        traffic(Colour.GREEN, 100, 100, FAST);
        elapse(Duration.ofSeconds(2));

        assertThat(admin.snapshot().live()).isEqualTo(Colour.GREEN);
        assertThat(events).isEmpty();
    }

    @Test
    void aListenerThatThrows_doesNotStopTheRollback() {
        admin = BlueGreen.builder()
                .blue("v1", Backend.of("127.0.0.1", 9001))
                .green("v2", Backend.of("127.0.0.1", 9002))
                .clock(clock)
                .build();
        watcher = new Watcher(admin, AutoRollback.builder().clock(clock).listener(event -> {
            throw new IllegalStateException("listener bug");
        }).build(), statistics, Runnable::run);
        admin.addListener(watcher::onChange);
        admin.switchTo(Colour.GREEN);
        traffic(Colour.GREEN, 100, 100, FAST);
        elapse(Duration.ofSeconds(1));

        assertThat(admin.snapshot().live()).isEqualTo(Colour.BLUE);
    }

    @Test
    void theReason_staysWithinTheHistorysLimit() {
        String reason = Watcher.reason(Colour.GREEN, new dev.bluegreen.proxy.Breach(WatchRule.P99, "x".repeat(600)),
                dev.bluegreen.proxy.WatchFigures.NONE, Colour.BLUE, dev.bluegreen.proxy.WatchFigures.NONE);
        assertThat(reason).hasSize(500).startsWith("GREEN breached P99 (xxx");
    }

    private static void runAll(List<Runnable> queued) {
        while (!queued.isEmpty()) {
            queued.remove(0).run();
        }
    }
}
