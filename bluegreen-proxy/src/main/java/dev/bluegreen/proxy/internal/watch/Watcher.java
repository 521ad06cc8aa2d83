package dev.bluegreen.proxy.internal.watch;

import dev.bluegreen.proxy.internal.Failures;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Change;
import dev.bluegreen.core.ChangeKind;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.core.internal.Texts;
import dev.bluegreen.proxy.watch.AutoRollback;
import dev.bluegreen.proxy.watch.Breach;
import dev.bluegreen.proxy.watch.ShiftOutcome;
import dev.bluegreen.proxy.watch.ShiftPlan;
import dev.bluegreen.proxy.watch.WatchEvent;
import dev.bluegreen.proxy.watch.WatchFigures;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The judging side of {@link AutoRollback}: watches the colour a change made live for the bake window and rolls
 * back on a breach, and runs {@link ShiftPlan}s ({@link PlanRunner}). A plain object driven from outside:
 * {@link #onChange} for every applied change, {@link #tick()} at every evaluation interval, both on ONE thread (the
 * watch's own, or a test's), which is also where {@code executor} runs the completions of the admin verbs it
 * starts. Time comes from the settings' clock only, so a test moves a clock and calls {@link #tick()} instead of
 * sleeping.
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
    private final WatchEvents events;
    private final WatchHistory history;
    private final PlanRunner plans;
    private Bake bake;
    private boolean stopped;

    /** The watch after a change: one at a time. */
    private record Bake(long generation, Colour colour, Colour baselineColour, WatchSample start,
                        WatchFigures baseline) {
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
        this.events = new WatchEvents(rules.listener(), rules.clock());
        this.history = new WatchHistory(statistics.sample(rules.clock().millis()), rules.window().toMillis());
        this.plans = new PlanRunner(admin, judge, events, rules.clock(), this::onWatchThread, this::sample);
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
        plans.tick(now, history);
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
            events.emit(WatchEvent.Kind.ENDED, change.generation(), ended.colour(), 100, WatchFigures.NONE,
                    ended.baseline(), null, "watch of " + ended.colour() + " ended before its bake window: "
                            + "generation " + change.generation() + " (" + describe(change) + ")");
        }
        plans.onChange(change);
        if (!rules.bakeWindow().isZero() && change.liveColourChanged() && change.kind() != ChangeKind.ROLLBACK) {
            WatchFigures baseline = now.since(history.atOrBefore(now.atMillis() - rules.window().toMillis()),
                    change.from());
            bake = new Bake(change.generation(), change.to(), change.from(), now, baseline);
            events.emit(WatchEvent.Kind.STARTED, change.generation(), change.to(), 100, WatchFigures.NONE, baseline,
                    null, "watching " + change.to() + " for " + rules.bakeWindow() + " after generation "
                            + change.generation() + "; baseline " + change.from() + ": " + baseline.describe());
        }
    }

    /**
     * Starts a plan: its first step at once, the next ones from {@link #tick()}. The outcome completes when it ends;
     * cancelling it stops the plan where it is.
     *
     * @throws IllegalStateException if a plan is under way
     */
    public void startPlan(ShiftPlan plan, CompletableFuture<ShiftOutcome> outcome) {
        if (stopped) {
            outcome.complete(new ShiftOutcome(ShiftOutcome.Result.HALTED, plan.target(), 0,
                    admin.snapshot().generation(), null, "the proxy stopped"));
            return;
        }
        plans.start(plan, outcome);
    }

    /** Stops watching: a plan under way halts where it is; later calls do nothing. */
    public void stop() {
        stopped = true;
        bake = null;
        plans.stop();
    }

    /** Whether a change is being watched (for tests). */
    boolean watching() {
        return bake != null;
    }

    private void judgeBake(WatchSample now) {
        Bake watched = bake;
        WatchFigures figures = now.since(history.windowStart(now, watched.start()), watched.colour());
        if (now.atMillis() - watched.start().atMillis() >= rules.bakeWindow().toMillis()) {
            // The last interval straddles the end of the bake window: it is not judged.
            bake = null;
            events.emit(WatchEvent.Kind.PASSED, watched.generation(), watched.colour(), 100, figures,
                    watched.baseline(), null, watched.colour() + " passed its bake window of " + rules.bakeWindow()
                            + " (generation " + watched.generation() + "): " + figures.describe());
            return;
        }
        Breach breach = judge.judge(figures, watched.baseline());
        if (breach == null) {
            return;
        }
        bake = null;
        String reason = reason(watched.colour(), breach, figures, watched.baselineColour(), watched.baseline());
        events.emit(WatchEvent.Kind.BREACHED, watched.generation(), watched.colour(), 100, figures,
                watched.baseline(), breach, "rolling back generation " + watched.generation() + ": " + reason);
        rollback(admin, watched.generation(), reason).whenComplete((snapshot, error) -> onWatchThread(() -> {
            if (error == null) {
                events.emit(WatchEvent.Kind.ROLLED_BACK, snapshot.generation(), watched.colour(), 100, figures,
                        watched.baseline(), breach, "rolled back " + watched.colour() + " to " + snapshot.live()
                                + " (generation " + snapshot.generation() + ")");
            } else {
                events.emit(WatchEvent.Kind.ROLLBACK_FAILED, watched.generation(), watched.colour(), 100, figures,
                        watched.baseline(), breach, "automatic rollback of generation " + watched.generation()
                                + " failed: " + message(error));
            }
        }));
    }

    private WatchSample sample() {
        WatchSample sample = statistics.sample(rules.clock().millis());
        history.add(sample);
        return sample;
    }

    private void onWatchThread(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("watch stopped; dropped a completion", e);
        }
    }

    // ---- shared with PlanRunner -------------------------------------------------------------------------------

    /** The automatic rollback, attributed to {@value AutoRollback#ACTOR} with the figures as its reason. */
    static CompletableFuture<RoutingSnapshot> rollback(BlueGreen admin, long expectedGeneration, String reason) {
        return attempt(() -> admin.as(AutoRollback.ACTOR, reason).rollbackAsync(expectedGeneration));
    }

    /** An async verb whose synchronous failure (bad input, a closed admin object) completes the future instead. */
    static CompletableFuture<RoutingSnapshot> attempt(Supplier<CompletableFuture<RoutingSnapshot>> verb) {
        try {
            return verb.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The reason recorded with the rollback: the broken rule and both sets of figures, within the history's limit. */
    static String reason(Colour colour, Breach breach, WatchFigures figures, Colour baselineColour,
                         WatchFigures baseline) {
        String text = colour + " breached " + breach.rule() + " (" + breach.description() + "): "
                + figures.describe() + "; baseline " + baselineColour + ": " + baseline.describe();
        StringBuilder clean = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            clean.append(Character.isISOControl(c) ? ' ' : c);
        }
        // Cut as the history counts (characters, a surrogate pair whole), and saying so.
        return Texts.abbreviate(clean.toString(), RoutingSnapshot.MAX_REASON_LENGTH);
    }

    static String describe(Change change) {
        return change.kind().name().toLowerCase(Locale.ROOT) + " by " + change.actor();
    }

    static String message(Throwable error) {
        Throwable cause = Failures.cause(error);
        return cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }
}
