package dev.bluegreen.proxy.internal.watch;

import static dev.bluegreen.proxy.internal.watch.WatchHarness.FAST;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Change;
import dev.bluegreen.core.ChangeKind;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.watch.AutoRollback;
import dev.bluegreen.proxy.watch.ShiftOutcome;
import dev.bluegreen.proxy.watch.ShiftPlan;
import dev.bluegreen.proxy.watch.WatchEvent.Kind;
import dev.bluegreen.proxy.watch.WatchRule;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Shift plans run by the watcher: steps, promotion, rollback on a breach, halts. Clock moved by hand; no sleeps. */
class ShiftPlanRunTest {

    private final WatchHarness h = new WatchHarness(UnaryOperator.identity());
    private final CompletableFuture<ShiftOutcome> outcome = new CompletableFuture<>();

    @AfterEach
    void close() {
        h.close();
    }

    private void start(ShiftPlan plan) {
        h.watcher.startPlan(plan, outcome);
    }

    private long stepped() {
        return h.kinds().stream().filter(k -> k == Kind.STEPPED).count();
    }

    @Test
    void aPlanThatPasses_stepsToOneHundredThenPromotes() {
        start(ShiftPlan.linear(Colour.GREEN, 50, Duration.ofSeconds(10)));
        h.runUntil(() -> stepped() == 1);
        assertThat(h.admin.snapshot().shiftPercent()).isEqualTo(50);

        h.traffic(Colour.GREEN, 100, 0, FAST);
        h.traffic(Colour.BLUE, 100, 0, FAST);
        h.elapse(Duration.ofSeconds(9));
        assertThat(h.admin.snapshot().shiftPercent()).isEqualTo(50);
        h.elapse(Duration.ofSeconds(1));
        h.runUntil(() -> stepped() == 2);
        assertThat(h.admin.snapshot().shiftPercent()).isEqualTo(100);

        h.traffic(Colour.GREEN, 100, 0, FAST);
        h.elapse(Duration.ofSeconds(10));
        h.runUntil(outcome::isDone);

        ShiftOutcome result = outcome.join();
        assertThat(result.result()).isEqualTo(ShiftOutcome.Result.PROMOTED);
        assertThat(result.percent()).isEqualTo(100);
        assertThat(h.admin.snapshot().live()).isEqualTo(Colour.GREEN);
        assertThat(h.admin.snapshot().shiftPercent()).isZero();
        assertThat(result.generation()).isEqualTo(h.admin.snapshot().generation());
        assertThat(h.admin.history()).extracting(Change::kind)
                .containsExactly(ChangeKind.SHIFT, ChangeKind.SHIFT, ChangeKind.PROMOTE);
        assertThat(h.admin.history()).extracting(Change::actor).containsOnly(Watcher.PLAN_ACTOR);
        // The promotion is a change that makes green live: the watch bakes it like any switch.
        // (The change reaches the watch before or after the promotion's completion.)
        assertThat(h.kinds()).containsExactlyInAnyOrder(Kind.STEPPED, Kind.STEPPED, Kind.PROMOTED, Kind.STARTED);
        assertThat(h.kinds().subList(0, 2)).containsOnly(Kind.STEPPED);
    }

    @Test
    void aPlanThatBreaches_rollsTheShiftBackToZeroAndStops() {
        start(ShiftPlan.linear(Colour.GREEN, 25, Duration.ofSeconds(10)));
        h.runUntil(() -> stepped() == 1);

        h.traffic(Colour.BLUE, 300, 0, FAST);
        h.traffic(Colour.GREEN, 100, 20, FAST);
        h.elapse(Duration.ofSeconds(1));
        h.runUntil(outcome::isDone);

        ShiftOutcome result = outcome.join();
        assertThat(result.result()).isEqualTo(ShiftOutcome.Result.ROLLED_BACK);
        assertThat(result.percent()).isEqualTo(25);
        assertThat(result.breach().rule()).isEqualTo(WatchRule.ERROR_RATE);
        assertThat(h.admin.snapshot().shiftPercent()).isZero();
        assertThat(h.admin.snapshot().live()).isEqualTo(Colour.BLUE);
        Change rollback = h.lastChange();
        assertThat(rollback.kind()).isEqualTo(ChangeKind.ROLLBACK);
        assertThat(rollback.actor()).isEqualTo(AutoRollback.ACTOR);
        assertThat(rollback.reason()).contains("GREEN breached ERROR_RATE", "20/100 errors",
                "baseline BLUE: 0/300 errors");
        assertThat(h.kinds()).containsExactly(Kind.STEPPED, Kind.BREACHED, Kind.ROLLED_BACK);

        h.elapse(Duration.ofSeconds(30));
        assertThat(h.admin.history()).hasSize(2);
    }

    @Test
    void aStepWellAboveTheLiveColoursErrorRate_rollsBack() {
        start(ShiftPlan.linear(Colour.GREEN, 10, Duration.ofSeconds(10)));
        h.runUntil(() -> stepped() == 1);

        h.traffic(Colour.BLUE, 900, 0, FAST);
        h.traffic(Colour.GREEN, 100, 3, FAST);   // under 5 %, but the live colour had none in the same time
        h.elapse(Duration.ofSeconds(1));
        h.runUntil(outcome::isDone);

        assertThat(outcome.join().breach().rule()).isEqualTo(WatchRule.ERROR_RATE_VS_BASELINE);
    }

    @Test
    void aChangeBySomeoneElse_haltsThePlanWhereItIs() {
        start(ShiftPlan.linear(Colour.GREEN, 10, Duration.ofSeconds(10)));
        h.runUntil(() -> stepped() == 1);

        h.admin.as("alice", "more").shift(Colour.GREEN, 80, dev.bluegreen.core.BlueGreen.ANY_GENERATION);
        h.runTasks();

        ShiftOutcome result = outcome.join();
        assertThat(result.result()).isEqualTo(ShiftOutcome.Result.HALTED);
        assertThat(result.percent()).isEqualTo(10);
        assertThat(result.message()).contains("shift by alice", "changed the routing");
        h.elapse(Duration.ofSeconds(30));
        assertThat(h.admin.snapshot().shiftPercent()).isEqualTo(80);
        assertThat(h.admin.history()).hasSize(2);
    }

    @Test
    void aRefusedStep_haltsThePlan() {
        start(ShiftPlan.linear(Colour.BLUE, 10, Duration.ofSeconds(10)));   // blue is live: not a shift target
        h.runUntil(outcome::isDone);

        ShiftOutcome result = outcome.join();
        assertThat(result.result()).isEqualTo(ShiftOutcome.Result.HALTED);
        assertThat(result.percent()).isZero();
        assertThat(result.message()).contains("the step to 10% failed");
        assertThat(h.admin.history()).isEmpty();
    }

    @Test
    void cancellingThePlan_leavesTheShiftWhereItIs() {
        start(ShiftPlan.linear(Colour.GREEN, 50, Duration.ofSeconds(10)));
        h.runUntil(() -> stepped() == 1);

        outcome.cancel(false);
        h.elapse(Duration.ofSeconds(30));

        assertThat(h.admin.snapshot().shiftPercent()).isEqualTo(50);
        assertThat(h.admin.history()).hasSize(1);
    }

    @Test
    void stoppingTheWatch_haltsThePlan() {
        start(ShiftPlan.linear(Colour.GREEN, 50, Duration.ofSeconds(10)));
        h.runUntil(() -> stepped() == 1);

        h.watcher.stop();

        assertThat(outcome.join().result()).isEqualTo(ShiftOutcome.Result.HALTED);
        assertThat(outcome.join().message()).contains("the proxy stopped");
    }
}
