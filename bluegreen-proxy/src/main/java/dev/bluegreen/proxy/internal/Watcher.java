package dev.bluegreen.proxy.internal;

import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Change;
import dev.bluegreen.core.ChangeKind;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.AutoRollback;
import dev.bluegreen.proxy.Breach;
import dev.bluegreen.proxy.ShiftOutcome;
import dev.bluegreen.proxy.ShiftPlan;
import dev.bluegreen.proxy.WatchEvent;
import dev.bluegreen.proxy.WatchFigures;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The judging side of {@link AutoRollback}: watches the colour a change made live for the bake window, runs a
 * {@link ShiftPlan} step by step, and rolls back on a breach. A plain object driven from outside: {@link #onChange}
 * for every applied change, {@link #tick()} at every evaluation interval, both on ONE thread (the watch's own, or
 * a test's), which is also where the {@code executor} runs the completions of the admin verbs it starts. Time comes
 * from the settings' clock only, so a test moves a clock and calls {@link #tick()} instead of sleeping.
 *
 * <p>Which changes are watched: those that make a colour live, except rollbacks (a rollback can't be rolled back,
 * and watching the colour it returns to could only flap back to the one that failed). Any later change ends the
 * watch. The rollback names the generation it judged, so it is refused if the routing changed meanwhile.
 */
public final class Watcher {

    /** The actor of the changes a shift plan makes, in the history. */
    public static final String PLAN_ACTOR = "shift-plan";

    private static final Logger log = LoggerFactory.getLogger(Watcher.class);

    private final BlueGreen admin;
    private final AutoRollback rules;
    private final WatchJudge judge;
    private final WatchStatistics statistics;
    private final Executor executor;
    private final Clock clock;
    private final WatchHistory history;
    private Bake bake;
    private PlanRun plan;
    private boolean stopped;

    /** The watch after a change: one at a time. */
    private record Bake(long generation, Colour colour, Colour baselineColour, WatchSample start,
                        WatchFigures baseline) {
    }

    /** A shift plan under way. */
    private static final class PlanRun {
        final ShiftPlan plan;
        final CompletableFuture<ShiftOutcome> outcome;
        long generation;
        int percent;
        WatchSample start;
        long stepStartMillis;
        boolean pending;

        PlanRun(ShiftPlan plan, CompletableFuture<ShiftOutcome> outcome, long generation) {
            this.plan = plan;
            this.outcome = outcome;
            this.generation = generation;
        }

        Colour target() {
            return plan.target();
        }

        /** Whether the change is one the plan made (its completion may reach the watch before or after it). */
        boolean made(Change change) {
            return change.generation() <= generation
                    || pending && (PLAN_ACTOR.equals(change.actor()) || AutoRollback.ACTOR.equals(change.actor()));
        }
    }

    /**
     * @param executor runs the completions of the admin verbs on the watch's thread
     */
    public Watcher(BlueGreen admin, AutoRollback rules, WatchStatistics statistics, Executor executor) {
        this.admin = admin;
        this.rules = rules;
        this.judge = new WatchJudge(rules);
        this.statistics = statistics;
        this.executor = executor;
        this.clock = rules.clock();
        this.history = new WatchHistory(statistics.sample(clock.millis()), rules.window().toMillis());
    }

    /** Samples the counts and judges what is watched. */
    public void tick() {
        if (stopped) {
            return;
        }
        WatchSample now = sample();
        if (bake != null) {
            judgeBake(now);
        }
        if (plan != null) {
            judgePlan(now);
        }
    }

    /** Hears an applied change: ends what it supersedes, and starts watching a colour it made live. */
    public void onChange(Change change) {
        if (stopped) {
            return;
        }
        WatchSample now = sample();
        if (bake != null && change.generation() > bake.generation()) {
            Bake ended = bake;
            bake = null;
            emit(WatchEvent.Kind.ENDED, change.generation(), ended.colour(), 100, WatchFigures.NONE,
                    ended.baseline(), null, "watch of " + ended.colour() + " ended before its bake window: generation "
                            + change.generation() + " (" + describe(change) + ")");
        }
        if (plan != null && !plan.made(change)) {
            PlanRun run = plan;
            finish(run, ShiftOutcome.Result.HALTED, run.generation, null, "shift plan to " + run.target()
                    + " stopped at " + run.percent + "%: generation " + change.generation() + " ("
                    + describe(change) + ") changed the routing under it");
        }
        if (!rules.bakeWindow().isZero() && change.liveColourChanged() && change.kind() != ChangeKind.ROLLBACK) {
            WatchFigures baseline = now.since(history.atOrBefore(now.atMillis() - rules.window().toMillis()),
                    change.from());
            bake = new Bake(change.generation(), change.to(), change.from(), now, baseline);
            emit(WatchEvent.Kind.STARTED, change.generation(), change.to(), 100, WatchFigures.NONE, baseline, null,
                    "watching " + change.to() + " for " + rules.bakeWindow() + " after generation "
                            + change.generation() + "; baseline " + change.from() + ": " + baseline.describe());
        }
    }

    /**
     * Starts a plan: its first step at once, the next ones from {@link #tick()}. The outcome completes when it ends;
     * cancelling it stops the plan where it is.
     *
     * @throws IllegalStateException if a plan is under way
     */
    public void startPlan(ShiftPlan shiftPlan, CompletableFuture<ShiftOutcome> outcome) {
        if (stopped) {
            outcome.complete(new ShiftOutcome(ShiftOutcome.Result.HALTED, shiftPlan.target(), 0,
                    admin.snapshot().generation(), null, "the proxy stopped"));
            return;
        }
        if (plan != null && plan.outcome.isDone()) {
            // Cancelled by its caller since the last tick.
            plan = null;
        }
        if (plan != null) {
            throw new IllegalStateException("a shift plan to " + plan.target() + " is under way (at " + plan.percent
                    + "%); expected: none");
        }
        plan = new PlanRun(shiftPlan, outcome, admin.snapshot().generation());
        step(plan, shiftPlan.stepPercent());
    }

    /** Stops watching: a plan under way halts where it is; later calls do nothing. */
    public void stop() {
        stopped = true;
        bake = null;
        if (plan != null) {
            finish(plan, ShiftOutcome.Result.HALTED, plan.generation, null, "shift plan to " + plan.target()
                    + " stopped at " + plan.percent + "%: the proxy stopped");
        }
    }

    /** Whether a change is being watched (for tests). */
    boolean watching() {
        return bake != null;
    }

    // ---- the watch after a change -----------------------------------------------------------------------------

    private void judgeBake(WatchSample now) {
        Bake watched = bake;
        WatchFigures figures = now.since(history.windowStart(now, watched.start()), watched.colour());
        if (now.atMillis() - watched.start().atMillis() >= rules.bakeWindow().toMillis()) {
            // The last interval straddles the end of the bake window: it is not judged.
            bake = null;
            emit(WatchEvent.Kind.PASSED, watched.generation(), watched.colour(), 100, figures, watched.baseline(),
                    null, watched.colour() + " passed its bake window of " + rules.bakeWindow() + " (generation "
                            + watched.generation() + "): " + figures.describe());
            return;
        }
        Breach breach = judge.judge(figures, watched.baseline());
        if (breach == null) {
            return;
        }
        bake = null;
        String reason = reason(watched.colour(), breach, figures, watched.baselineColour(), watched.baseline());
        emit(WatchEvent.Kind.BREACHED, watched.generation(), watched.colour(), 100, figures, watched.baseline(),
                breach, "rolling back generation " + watched.generation() + ": " + reason);
        rollback(watched.generation(), reason).whenComplete((snapshot, error) -> onWatchThread(() -> {
            if (error == null) {
                emit(WatchEvent.Kind.ROLLED_BACK, snapshot.generation(), watched.colour(), 100, figures,
                        watched.baseline(), breach, "rolled back " + watched.colour() + " to " + snapshot.live()
                                + " (generation " + snapshot.generation() + ")");
            } else {
                emit(WatchEvent.Kind.ROLLBACK_FAILED, watched.generation(), watched.colour(), 100, figures,
                        watched.baseline(), breach, "automatic rollback of generation " + watched.generation()
                                + " failed: " + message(error));
            }
        }));
    }

    // ---- a shift plan -----------------------------------------------------------------------------------------

    private void judgePlan(WatchSample now) {
        PlanRun run = plan;
        if (run.outcome.isDone()) {
            // Cancelled by its caller: it stops where it is.
            plan = null;
            return;
        }
        if (run.pending || run.start == null) {
            return;
        }
        WatchSample from = history.windowStart(now, run.start);
        WatchFigures figures = now.since(from, run.target());
        WatchFigures baseline = now.since(from, run.target().other());
        Breach breach = judge.judge(figures, baseline);
        if (breach != null) {
            rollbackPlan(run, figures, baseline, breach);
        } else if (now.atMillis() - run.stepStartMillis >= run.plan.stepInterval().toMillis()) {
            if (run.percent >= 100) {
                promote(run, figures, baseline);
            } else {
                step(run, run.plan.next(run.percent));
            }
        }
    }

    private void step(PlanRun run, int percent) {
        run.pending = true;
        CompletableFuture<RoutingSnapshot> shifted;
        try {
            shifted = admin.as(PLAN_ACTOR, "shift plan: " + run.target() + " to " + percent + "%")
                    .shiftAsync(run.target(), percent, run.generation);
        } catch (RuntimeException e) {
            shifted = CompletableFuture.failedFuture(e);
        }
        shifted.whenComplete((snapshot, error) -> onWatchThread(() -> {
            if (plan != run) {
                return;
            }
            run.pending = false;
            if (error != null) {
                finish(run, ShiftOutcome.Result.HALTED, run.generation, null, "shift plan to " + run.target()
                        + " stopped at " + run.percent + "%: the step to " + percent + "% failed: " + message(error));
                return;
            }
            run.generation = snapshot.generation();
            run.percent = percent;
            run.stepStartMillis = clock.millis();
            if (run.start == null) {
                run.start = sample();
            }
            emit(WatchEvent.Kind.STEPPED, snapshot.generation(), run.target(), percent, WatchFigures.NONE,
                    WatchFigures.NONE, null, "shift plan: " + run.target() + " at " + percent + "% (generation "
                            + snapshot.generation() + ")");
        }));
    }

    private void promote(PlanRun run, WatchFigures figures, WatchFigures baseline) {
        run.pending = true;
        CompletableFuture<RoutingSnapshot> promoted;
        try {
            promoted = admin.as(PLAN_ACTOR, "shift plan: promote " + run.target() + " after 100% passed: "
                    + figures.describe()).promoteAsync(run.generation);
        } catch (RuntimeException e) {
            promoted = CompletableFuture.failedFuture(e);
        }
        promoted.whenComplete((snapshot, error) -> onWatchThread(() -> {
            if (plan != run) {
                return;
            }
            run.pending = false;
            if (error != null) {
                finish(run, ShiftOutcome.Result.HALTED, run.generation, null, "shift plan to " + run.target()
                        + " stopped at 100%: the promotion failed: " + message(error));
                return;
            }
            emit(WatchEvent.Kind.PROMOTED, snapshot.generation(), run.target(), 100, figures, baseline, null,
                    "shift plan promoted " + run.target() + " (generation " + snapshot.generation() + ")");
            finish(run, ShiftOutcome.Result.PROMOTED, snapshot.generation(), null,
                    "promoted " + run.target() + " after every step passed");
        }));
    }

    private void rollbackPlan(PlanRun run, WatchFigures figures, WatchFigures baseline, Breach breach) {
        run.pending = true;
        String reason = reason(run.target(), breach, figures, run.target().other(), baseline);
        emit(WatchEvent.Kind.BREACHED, run.generation, run.target(), run.percent, figures, baseline, breach,
                "rolling back the shift to " + run.target() + " at " + run.percent + "%: " + reason);
        rollback(run.generation, reason).whenComplete((snapshot, error) -> onWatchThread(() -> {
            if (plan != run) {
                return;
            }
            run.pending = false;
            if (error != null) {
                emit(WatchEvent.Kind.ROLLBACK_FAILED, run.generation, run.target(), run.percent, figures, baseline,
                        breach, "automatic rollback of the shift failed: " + message(error));
                finish(run, ShiftOutcome.Result.HALTED, run.generation, breach, "shift plan to " + run.target()
                        + " breached at " + run.percent + "% (" + breach.description() + ") and its rollback failed: "
                        + message(error));
                return;
            }
            emit(WatchEvent.Kind.ROLLED_BACK, snapshot.generation(), run.target(), run.percent, figures, baseline,
                    breach, "rolled back the shift to " + run.target() + " (generation " + snapshot.generation() + ")");
            finish(run, ShiftOutcome.Result.ROLLED_BACK, snapshot.generation(), breach, "shift plan to "
                    + run.target() + " rolled back at " + run.percent + "%: " + breach.description());
        }));
    }

    private void finish(PlanRun run, ShiftOutcome.Result result, long generation, Breach breach, String message) {
        if (plan == run) {
            plan = null;
        }
        if (result != ShiftOutcome.Result.PROMOTED && result != ShiftOutcome.Result.ROLLED_BACK) {
            log.info("{}", message);
        }
        run.outcome.complete(new ShiftOutcome(result, run.target(), run.percent, generation, breach, message));
    }

    // ---- shared -----------------------------------------------------------------------------------------------

    private WatchSample sample() {
        WatchSample sample = statistics.sample(clock.millis());
        history.add(sample);
        return sample;
    }

    private CompletableFuture<RoutingSnapshot> rollback(long expectedGeneration, String reason) {
        try {
            return admin.as(AutoRollback.ACTOR, reason).rollbackAsync(expectedGeneration);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The reason recorded with the rollback: the broken rule and both sets of figures, within the history's limit. */
    static String reason(Colour colour, Breach breach, WatchFigures figures, Colour baselineColour,
                         WatchFigures baseline) {
        String text = colour + " breached " + breach.rule() + " (" + breach.description() + "): "
                + figures.describe() + "; baseline " + baselineColour + ": " + baseline.describe();
        StringBuilder clean = new StringBuilder(Math.min(text.length(), RoutingSnapshot.MAX_REASON_LENGTH));
        for (int i = 0; i < text.length() && clean.length() < RoutingSnapshot.MAX_REASON_LENGTH; i++) {
            char c = text.charAt(i);
            clean.append(Character.isISOControl(c) ? ' ' : c);
        }
        return clean.toString();
    }

    private void onWatchThread(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("watch stopped; dropped a completion", e);
        }
    }

    private void emit(WatchEvent.Kind kind, long generation, Colour colour, int percent, WatchFigures figures,
                      WatchFigures baseline, Breach breach, String message) {
        if (kind == WatchEvent.Kind.BREACHED || kind == WatchEvent.Kind.ROLLBACK_FAILED) {
            log.warn("{}", message);
        } else {
            log.info("{}", message);
        }
        WatchEvent event = new WatchEvent(kind, generation, colour, percent, figures, baseline, breach,
                Instant.ofEpochMilli(clock.millis()), message);
        try {
            rules.listener().onEvent(event);
        } catch (RuntimeException e) {
            log.warn("watch listener failed on {}; ignored", kind, e);
        }
    }

    private static String describe(Change change) {
        return change.kind().name().toLowerCase(java.util.Locale.ROOT) + " by " + change.actor();
    }

    private static String message(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }
}
