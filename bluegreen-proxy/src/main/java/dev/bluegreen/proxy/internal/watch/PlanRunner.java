package dev.bluegreen.proxy.internal.watch;

import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Change;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.watch.AutoRollback;
import dev.bluegreen.proxy.watch.Breach;
import dev.bluegreen.proxy.watch.ShiftOutcome;
import dev.bluegreen.proxy.watch.ShiftPlan;
import dev.bluegreen.proxy.watch.WatchEvent;
import dev.bluegreen.proxy.watch.WatchFigures;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs one {@link ShiftPlan} at a time for the {@link Watcher}, on its thread: the first step at once, then at each
 * tick judges the target against the live colour over the same time, steps after each interval without a breach,
 * promotes after 100 %, rolls back on a breach. Every verb names the generation the plan last made, so a change by
 * someone else refuses it; hearing such a change halts the plan.
 */
public final class PlanRunner {

    /** A plan under way. */
    private static final class Run {
        final ShiftPlan plan;
        final CompletableFuture<ShiftOutcome> outcome;
        long generation;
        int percent;
        WatchSample start;
        long stepStartMillis;
        boolean pending;

        Run(ShiftPlan plan, CompletableFuture<ShiftOutcome> outcome, long generation) {
            this.plan = plan;
            this.outcome = outcome;
            this.generation = generation;
        }

        Colour target() {
            return plan.target();
        }

        /** Whether the change is one the plan made (its completion may reach the watch before or after it). */
        boolean made(Change change) {
            return change.generation() <= generation || pending
                    && (Watcher.PLAN_ACTOR.equals(change.actor()) || AutoRollback.ACTOR.equals(change.actor()));
        }
    }

    private final BlueGreen admin;
    private final WatchJudge judge;
    private final WatchEvents events;
    private final Clock clock;
    private final Consumer<Runnable> onWatchThread;
    private final Supplier<WatchSample> sample;
    private Run run;

    /**
     * @param onWatchThread runs a completion on the watch's thread
     * @param sample        takes a sample now (and keeps it in the watch's history)
     */
    PlanRunner(BlueGreen admin, WatchJudge judge, WatchEvents events, Clock clock, Consumer<Runnable> onWatchThread,
               Supplier<WatchSample> sample) {
        this.admin = admin;
        this.sample = sample;
        this.judge = judge;
        this.events = events;
        this.clock = clock;
        this.onWatchThread = onWatchThread;
    }

    void start(ShiftPlan plan, CompletableFuture<ShiftOutcome> outcome) {
        if (run != null && run.outcome.isDone()) {
            // Cancelled by its caller since the last tick.
            run = null;
        }
        if (run != null) {
            throw new IllegalStateException("a shift plan to " + run.target() + " is under way (at " + run.percent
                    + "%); expected: none");
        }
        run = new Run(plan, outcome, admin.snapshot().generation());
        step(run, plan.stepPercent());
    }

    /** Halts the plan if someone else made the change. */
    void onChange(Change change) {
        if (run != null && !run.made(change)) {
            finish(run, ShiftOutcome.Result.HALTED, run.generation, null, "shift plan to " + run.target()
                    + " stopped at " + run.percent + "%: generation " + change.generation() + " ("
                    + Watcher.describe(change) + ") changed the routing under it");
        }
    }

    /** Judges the step under way, and takes the next one when its interval passed. */
    void tick(WatchSample now, WatchHistory history) {
        Run current = run;
        if (current == null) {
            return;
        }
        if (current.outcome.isDone()) {
            // Cancelled by its caller: it stops where it is.
            run = null;
            return;
        }
        if (current.pending || current.start == null) {
            return;
        }
        WatchSample from = history.windowStart(now, current.start);
        WatchFigures figures = now.since(from, current.target());
        WatchFigures baseline = now.since(from, current.target().other());
        Breach breach = judge.judge(figures, baseline);
        if (breach != null) {
            rollBack(current, figures, baseline, breach);
        } else if (now.atMillis() - current.stepStartMillis >= current.plan.stepInterval().toMillis()) {
            if (current.percent >= 100) {
                promote(current, figures, baseline);
            } else {
                step(current, current.plan.next(current.percent));
            }
        }
    }

    /** The watch stops: the plan halts where it is. */
    void stop() {
        if (run != null) {
            finish(run, ShiftOutcome.Result.HALTED, run.generation, null, "shift plan to " + run.target()
                    + " stopped at " + run.percent + "%: the proxy stopped");
        }
    }

    private void step(Run current, int percent) {
        current.pending = true;
        CompletableFuture<RoutingSnapshot> shifted = Watcher.attempt(() -> admin
                .as(Watcher.PLAN_ACTOR, "shift plan: " + current.target() + " to " + percent + "%")
                .shiftAsync(current.target(), percent, current.generation));
        shifted.whenComplete((snapshot, error) -> onWatchThread.accept(() -> {
            if (run != current) {
                return;
            }
            current.pending = false;
            if (error != null) {
                finish(current, ShiftOutcome.Result.HALTED, current.generation, null, "shift plan to "
                        + current.target() + " stopped at " + current.percent + "%: the step to " + percent
                        + "% failed: " + Watcher.message(error));
                return;
            }
            current.generation = snapshot.generation();
            current.percent = percent;
            current.stepStartMillis = clock.millis();
            if (current.start == null) {
                current.start = sample.get();
            }
            events.emit(WatchEvent.Kind.STEPPED, snapshot.generation(), current.target(), percent,
                    WatchFigures.NONE, WatchFigures.NONE, null, "shift plan: " + current.target() + " at "
                            + percent + "% (generation " + snapshot.generation() + ")");
        }));
    }

    private void promote(Run current, WatchFigures figures, WatchFigures baseline) {
        current.pending = true;
        CompletableFuture<RoutingSnapshot> promoted = Watcher.attempt(() -> admin
                .as(Watcher.PLAN_ACTOR, "shift plan: promote " + current.target() + " after 100% passed: "
                        + figures.describe())
                .promoteAsync(current.generation));
        promoted.whenComplete((snapshot, error) -> onWatchThread.accept(() -> {
            if (run != current) {
                return;
            }
            current.pending = false;
            if (error != null) {
                finish(current, ShiftOutcome.Result.HALTED, current.generation, null, "shift plan to "
                        + current.target() + " stopped at 100%: the promotion failed: " + Watcher.message(error));
                return;
            }
            events.emit(WatchEvent.Kind.PROMOTED, snapshot.generation(), current.target(), 100, figures, baseline,
                    null, "shift plan promoted " + current.target() + " (generation " + snapshot.generation() + ")");
            finish(current, ShiftOutcome.Result.PROMOTED, snapshot.generation(), null,
                    "promoted " + current.target() + " after every step passed");
        }));
    }

    private void rollBack(Run current, WatchFigures figures, WatchFigures baseline, Breach breach) {
        current.pending = true;
        String reason = Watcher.reason(current.target(), breach, figures, current.target().other(), baseline);
        events.emit(WatchEvent.Kind.BREACHED, current.generation, current.target(), current.percent, figures,
                baseline, breach, "rolling back the shift to " + current.target() + " at " + current.percent + "%: "
                        + reason);
        CompletableFuture<RoutingSnapshot> rolledBack = Watcher.rollback(admin, current.generation, reason);
        rolledBack.whenComplete((snapshot, error) -> onWatchThread.accept(() -> {
            if (run != current) {
                return;
            }
            current.pending = false;
            if (error != null) {
                events.emit(WatchEvent.Kind.ROLLBACK_FAILED, current.generation, current.target(), current.percent,
                        figures, baseline, breach, "automatic rollback of the shift failed: " + Watcher.message(error));
                finish(current, ShiftOutcome.Result.HALTED, current.generation, breach, "shift plan to "
                        + current.target() + " breached at " + current.percent + "% (" + breach.description()
                        + ") and its rollback failed: " + Watcher.message(error));
                return;
            }
            events.emit(WatchEvent.Kind.ROLLED_BACK, snapshot.generation(), current.target(), current.percent,
                    figures, baseline, breach, "shift to " + current.target() + " rolled back to 0% (generation "
                            + snapshot.generation() + ")");
            finish(current, ShiftOutcome.Result.ROLLED_BACK, snapshot.generation(), breach, "shift plan to "
                    + current.target() + " rolled back at " + current.percent + "%: " + breach.description());
        }));
    }

    private void finish(Run current, ShiftOutcome.Result result, long generation, Breach breach, String message) {
        if (run == current) {
            run = null;
        }
        if (result == ShiftOutcome.Result.HALTED && breach == null) {
            events.note(message);
        }
        current.outcome.complete(new ShiftOutcome(result, current.target(), current.percent, generation, breach,
                message));
    }
}
