package dev.bluegreen.proxy.internal.watch;

import static dev.bluegreen.proxy.internal.watch.WatchHarness.FAST;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Change;
import dev.bluegreen.core.ChangeKind;
import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.watch.AutoRollback;
import dev.bluegreen.proxy.watch.Breach;
import dev.bluegreen.proxy.watch.WatchEvent;
import dev.bluegreen.proxy.watch.WatchEvent.Kind;
import dev.bluegreen.proxy.watch.WatchFigures;
import dev.bluegreen.proxy.watch.WatchRule;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The watch after a switch, judged on synthetic exchanges with a clock the test moves; no sleeps. */
class WatcherTest {

    private WatchHarness h;

    private WatchHarness start(UnaryOperator<AutoRollback.Builder> rules) {
        h = new WatchHarness(rules);
        return h;
    }

    @AfterEach
    void close() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void fiveHundredsOnTheNewColour_rollBackWithTheFiguresInTheHistory() {
        start(UnaryOperator.identity());
        h.traffic(Colour.BLUE, 200, 0, FAST);
        h.elapse(Duration.ofSeconds(30));
        long switched = h.switchTo(Colour.GREEN);

        h.traffic(Colour.GREEN, 60, 10, FAST);
        h.elapse(Duration.ofSeconds(1));
        h.runUntilEvent(Kind.ROLLED_BACK);

        assertThat(h.admin.snapshot().live()).isEqualTo(Colour.BLUE);
        Change rollback = h.lastChange();
        assertThat(rollback.kind()).isEqualTo(ChangeKind.ROLLBACK);
        assertThat(rollback.previous().generation()).isEqualTo(switched);
        assertThat(rollback.actor()).isEqualTo(AutoRollback.ACTOR);
        assertThat(rollback.reason()).startsWith("GREEN breached ERROR_RATE (error rate 16.7% > 5.0%)")
                .contains("10/60 errors (16.7%), p99 <= 5.2 ms over 1.0 s", "baseline BLUE: 0/200 errors (0.0%)");
        assertThat(h.kinds()).containsExactly(Kind.STARTED, Kind.BREACHED, Kind.ROLLED_BACK);
        WatchEvent breached = h.event(Kind.BREACHED);
        assertThat(breached.breach().rule()).isEqualTo(WatchRule.ERROR_RATE);
        assertThat(breached.figures().requests()).isEqualTo(60);
        assertThat(breached.figures().errors()).isEqualTo(10);
        assertThat(breached.baseline().requests()).isEqualTo(200);
        assertThat(breached.generation()).isEqualTo(switched);
        assertThat(h.event(Kind.ROLLED_BACK).generation()).isEqualTo(rollback.generation());
        // The automatic rollback is not watched: nothing could flap back to the colour that failed.
        assertThat(h.watcher.watching()).isFalse();
    }

    @Test
    void listenerThatThrowsAnError_theWatchGoesOnAndRollsBack() {
        List<Kind> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        start(rules -> rules.listener(event -> {
            heard.add(event.kind());
            // An Error, not an exception: thrown on, it would end the watch thread's schedule for good.
            throw new AssertionError("a listener's bug");
        }));
        h.traffic(Colour.BLUE, 200, 0, FAST);
        h.switchTo(Colour.GREEN);

        h.traffic(Colour.GREEN, 60, 10, FAST);
        h.elapse(Duration.ofSeconds(1));
        h.runUntil(() -> heard.contains(Kind.ROLLED_BACK));

        assertThat(h.admin.snapshot().live()).isEqualTo(Colour.BLUE);
        assertThat(heard).containsExactly(Kind.STARTED, Kind.BREACHED, Kind.ROLLED_BACK);
    }

    @Test
    void slowResponsesOnTheNewColour_rollBackOnTheP99() {
        start(UnaryOperator.identity());
        h.traffic(Colour.BLUE, 200, 0, FAST);
        h.switchTo(Colour.GREEN);

        h.traffic(Colour.GREEN, 55, 0, FAST);
        h.traffic(Colour.GREEN, 5, 0, Duration.ofSeconds(3));
        h.elapse(Duration.ofSeconds(1));
        h.runUntilEvent(Kind.ROLLED_BACK);

        assertThat(h.admin.snapshot().live()).isEqualTo(Colour.BLUE);
        WatchEvent breached = h.event(Kind.BREACHED);
        assertThat(breached.breach().rule()).isEqualTo(WatchRule.P99);
        assertThat(breached.figures().p99()).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        assertThat(h.lastChange().reason()).contains("breached P99 (p99 ");
    }

    @Test
    void belowTheMinimumRequestCount_nothingIsJudged() {
        start(UnaryOperator.identity());
        h.switchTo(Colour.GREEN);

        h.traffic(Colour.GREEN, 49, 49, FAST);
        h.elapse(Duration.ofSeconds(10));
        assertThat(h.kinds()).containsExactly(Kind.STARTED);
        assertThat(h.watcher.watching()).isTrue();

        // The fiftieth request makes it judge.
        h.traffic(Colour.GREEN, 1, 1, FAST);
        h.elapse(Duration.ofSeconds(1));
        h.runUntilEvent(Kind.ROLLED_BACK);
        assertThat(h.admin.snapshot().live()).isEqualTo(Colour.BLUE);
    }

    @Test
    void afterTheBakeWindow_errorsNoLongerRollBack() {
        start(b -> b.bakeWindow(Duration.ofMinutes(2)));
        h.switchTo(Colour.GREEN);
        h.traffic(Colour.GREEN, 500, 0, FAST);

        h.elapse(Duration.ofMinutes(2));
        assertThat(h.kinds()).containsExactly(Kind.STARTED, Kind.PASSED);

        h.traffic(Colour.GREEN, 100, 100, FAST);
        h.elapse(Duration.ofSeconds(5));
        assertThat(h.admin.snapshot().live()).isEqualTo(Colour.GREEN);
        assertThat(h.kinds()).containsExactly(Kind.STARTED, Kind.PASSED);
    }

    @Test
    void anErrorRateUnderTheLimit_rollsBackWhenItIsWellAboveTheOldColours() {
        start(UnaryOperator.identity());
        h.traffic(Colour.BLUE, 1000, 0, FAST);
        h.switchTo(Colour.GREEN);

        h.traffic(Colour.GREEN, 100, 3, FAST);   // 3 %: under 5 %, above 0 % x 2 + 1 %
        h.elapse(Duration.ofSeconds(1));
        h.runUntilEvent(Kind.ROLLED_BACK);

        assertThat(h.admin.snapshot().live()).isEqualTo(Colour.BLUE);
        Breach breach = h.event(Kind.BREACHED).breach();
        assertThat(breach.rule()).isEqualTo(WatchRule.ERROR_RATE_VS_BASELINE);
        assertThat(breach.description()).isEqualTo("error rate 3.0% > 1.0% (baseline 0.0% x 2.0 + 1.0%)");
    }

    @Test
    void theSameErrorRate_passesWhenTheOldColourFailedAsOften() {
        start(UnaryOperator.identity());
        h.traffic(Colour.BLUE, 1000, 20, FAST);   // 2 %: the limit is 2 % x 2 + 1 % = 5 %
        h.switchTo(Colour.GREEN);

        h.traffic(Colour.GREEN, 100, 3, FAST);
        h.elapse(Duration.ofSeconds(3));

        assertThat(h.admin.snapshot().live()).isEqualTo(Colour.GREEN);
        assertThat(h.kinds()).containsExactly(Kind.STARTED);
        assertThat(h.event(Kind.STARTED).baseline().errors()).isEqualTo(20);
    }

    @Test
    void aBaselineWithTooFewRequests_isNotComparedWith() {
        start(UnaryOperator.identity());
        h.traffic(Colour.BLUE, 10, 0, FAST);
        h.switchTo(Colour.GREEN);

        h.traffic(Colour.GREEN, 100, 3, FAST);
        h.elapse(Duration.ofSeconds(3));

        assertThat(h.kinds()).containsExactly(Kind.STARTED);
    }

    @Test
    void aP99UnderTheLimit_rollsBackWhenItIsWellAboveTheOldColours() {
        start(UnaryOperator.identity());
        h.traffic(Colour.BLUE, 1000, 0, Duration.ofMillis(10));
        h.switchTo(Colour.GREEN);

        h.traffic(Colour.GREEN, 100, 0, Duration.ofMillis(400));   // under 2 s, above ~12 ms x 2 + 100 ms
        h.elapse(Duration.ofSeconds(1));
        h.runUntilEvent(Kind.ROLLED_BACK);

        assertThat(h.event(Kind.BREACHED).breach().rule()).isEqualTo(WatchRule.P99_VS_BASELINE);
        assertThat(h.admin.snapshot().live()).isEqualTo(Colour.BLUE);
    }

    @Test
    void theBaseline_isTheOldColoursLastWindowBeforeTheChange() {
        start(b -> b.window(Duration.ofSeconds(30)));
        h.traffic(Colour.BLUE, 1000, 500, FAST);   // long ago: outside the window
        h.elapse(Duration.ofSeconds(40));
        h.traffic(Colour.BLUE, 1000, 0, FAST);
        h.elapse(Duration.ofSeconds(1));
        h.switchTo(Colour.GREEN);
        h.runTasks();

        WatchFigures baseline = h.event(Kind.STARTED).baseline();
        assertThat(baseline.requests()).isEqualTo(1000);
        assertThat(baseline.errors()).isZero();
    }

    @Test
    void goodTrafficLongAgo_doesNotHideErrorsNow() {
        start(b -> b.window(Duration.ofSeconds(30)));
        h.switchTo(Colour.GREEN);
        h.traffic(Colour.GREEN, 10_000, 0, FAST);
        h.elapse(Duration.ofSeconds(31));

        // 10 of 10,060 since the switch, but 10 of 60 in the last window.
        h.traffic(Colour.GREEN, 60, 10, FAST);
        h.elapse(Duration.ofSeconds(1));
        h.runUntilEvent(Kind.ROLLED_BACK);

        assertThat(h.event(Kind.BREACHED).figures().requests()).isEqualTo(60);
    }

    @Test
    void safetyNetReroutes_countAsErrorsOfTheColourThatFailed() {
        start(UnaryOperator.identity());
        h.switchTo(Colour.GREEN);
        h.traffic(Colour.GREEN, 50, 0, FAST);
        for (int i = 0; i < 10; i++) {
            h.statistics.safetyNetUsed(Colour.GREEN);
            h.statistics.exchangeEnded(Colour.BLUE, 200, false, FAST.toNanos(), 0, 10);
        }
        h.elapse(Duration.ofSeconds(1));
        h.runUntilEvent(Kind.ROLLED_BACK);

        WatchFigures figures = h.event(Kind.BREACHED).figures();
        assertThat(figures.requests()).isEqualTo(60);
        assertThat(figures.errors()).isEqualTo(10);
        assertThat(figures.timedRequests()).isEqualTo(50);
    }

    @Test
    void aLaterSwitch_endsTheWatchAndStartsOneForItsColour() {
        start(UnaryOperator.identity());
        h.switchTo(Colour.GREEN);
        h.switchTo(Colour.BLUE);

        h.traffic(Colour.GREEN, 100, 100, FAST);
        h.elapse(Duration.ofSeconds(2));

        assertThat(h.kinds()).containsExactly(Kind.STARTED, Kind.ENDED, Kind.STARTED);
        assertThat(h.events.get(2).colour()).isEqualTo(Colour.BLUE);
        assertThat(h.admin.history()).hasSize(2);
    }

    @Test
    void aManualRollback_isNotWatched() {
        start(UnaryOperator.identity());
        h.switchTo(Colour.GREEN);
        h.admin.rollback();

        h.traffic(Colour.BLUE, 100, 100, FAST);
        h.elapse(Duration.ofSeconds(2));

        assertThat(h.kinds()).containsExactly(Kind.STARTED, Kind.ENDED);
        assertThat(h.watcher.watching()).isFalse();
    }

    @Test
    void aChangeTheWatchHasNotHeardYet_makesItsRollbackRefusedRatherThanOverwriteIt() {
        start(UnaryOperator.identity());
        h.switchTo(Colour.GREEN);
        h.runTasks();

        // Someone redeploys the idle pool; the watch judges before it hears of it.
        h.admin.deploy(Colour.BLUE, "v3", List.of(Backend.of("127.0.0.1", 9003)));
        h.traffic(Colour.GREEN, 100, 100, FAST);
        h.clock.advance(Duration.ofSeconds(1));
        h.watcher.tick();
        h.runUntilEvent(Kind.ROLLBACK_FAILED);

        assertThat(h.admin.snapshot().live()).isEqualTo(Colour.GREEN);
        assertThat(h.lastChange().kind()).isEqualTo(ChangeKind.DEPLOY);
        assertThat(h.kinds()).containsExactly(Kind.STARTED, Kind.BREACHED, Kind.ROLLBACK_FAILED);
        assertThat(h.admin.refusals().get(h.admin.refusals().size() - 1).refusal())
                .isEqualTo(ChangeRefusedException.Refusal.STALE_GENERATION);
    }

    @Test
    void aBakeWindowOfZero_watchesNoChange() {
        start(b -> b.bakeWindow(Duration.ZERO));
        h.switchTo(Colour.GREEN);
        h.traffic(Colour.GREEN, 100, 100, FAST);
        h.elapse(Duration.ofSeconds(2));

        assertThat(h.admin.snapshot().live()).isEqualTo(Colour.GREEN);
        assertThat(h.events).isEmpty();
    }

    @Test
    void aListenerThatThrows_doesNotStopTheRollback() {
        start(b -> b.listener(event -> {
            throw new IllegalStateException("listener bug");
        }));
        h.switchTo(Colour.GREEN);
        h.traffic(Colour.GREEN, 100, 100, FAST);
        h.elapse(Duration.ofSeconds(1));
        h.runUntil(() -> h.admin.snapshot().live() == Colour.BLUE);

        assertThat(h.lastChange().actor()).isEqualTo(AutoRollback.ACTOR);
    }

    @Test
    void theReason_staysWithinTheHistorysLimit() {
        String reason = Watcher.reason(Colour.GREEN, new Breach(WatchRule.P99, "x".repeat(600)), WatchFigures.NONE,
                Colour.BLUE, WatchFigures.NONE);
        assertThat(reason).hasSize(500).startsWith("GREEN breached P99 (xxx").endsWith("x...");
        String emoji = "\uD83D\uDE00";
        String pairs = Watcher.reason(Colour.GREEN, new Breach(WatchRule.P99, emoji.repeat(600)), WatchFigures.NONE,
                Colour.BLUE, WatchFigures.NONE);
        assertThat(pairs.codePointCount(0, pairs.length())).as("characters, as the history counts").isEqualTo(500);
        assertThat(pairs).endsWith(emoji + "...");
    }
}
