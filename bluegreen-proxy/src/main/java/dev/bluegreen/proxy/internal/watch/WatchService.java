package dev.bluegreen.proxy.internal.watch;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.internal.DaemonThreads;
import dev.bluegreen.proxy.watch.AutoRollback;
import dev.bluegreen.proxy.watch.ShiftOutcome;
import dev.bluegreen.proxy.watch.ShiftPlan;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Watcher} on a thread of its own ({@code bluegreen-watch}): hands it every applied change, ticks it
 * at the evaluation interval, and starts shift plans on it. Not an event loop: the admin verbs it calls deliver
 * changes to listeners (the proxy's among them) on the calling thread, and those may resolve names.
 */
public final class WatchService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WatchService.class);

    private final ScheduledExecutorService thread;
    private final Watcher watcher;
    private final AutoCloseable listener;
    private final AtomicReference<CompletableFuture<ShiftOutcome>> currentPlan = new AtomicReference<>();

    private WatchService(BlueGreen admin, AutoRollback rules, WatchStatistics statistics) {
        ScheduledThreadPoolExecutor executor =
                new ScheduledThreadPoolExecutor(1, DaemonThreads.named("bluegreen-watch"));
        executor.setRemoveOnCancelPolicy(true);
        this.thread = executor;
        this.watcher = new Watcher(admin, rules, statistics, executor);
        // The listener first: if the admin refuses it (closed), no thread has started yet.
        this.listener = admin.addListener(change -> run(() -> watcher.onChange(change)));
        long interval = rules.evaluationInterval().toNanos();
        thread.scheduleWithFixedDelay(this::tick, interval, interval, TimeUnit.NANOSECONDS);
    }

    /**
     * Starts watching {@code admin} with {@code rules}, judging by {@code statistics} (which the caller has composed
     * into the proxy's recorder).
     */
    public static WatchService start(BlueGreen admin, AutoRollback rules, WatchStatistics statistics) {
        return new WatchService(requireNonNull(admin, "admin"), requireNonNull(rules, "rules"),
                requireNonNull(statistics, "statistics"));
    }

    /**
     * Starts {@code plan}.
     *
     * @throws IllegalStateException if a plan is under way
     */
    public CompletableFuture<ShiftOutcome> startShift(ShiftPlan plan) {
        requireNonNull(plan, "plan");
        CompletableFuture<ShiftOutcome> outcome = new CompletableFuture<>();
        CompletableFuture<ShiftOutcome> previous = currentPlan.get();
        if ((previous != null && !previous.isDone()) || !currentPlan.compareAndSet(previous, outcome)) {
            throw new IllegalStateException("startShift: a shift plan is under way (expected: none; cancel its "
                    + "future or wait for it)");
        }
        run(() -> {
            try {
                watcher.startPlan(plan, outcome);
            } catch (RuntimeException e) {
                outcome.completeExceptionally(e);
            }
        });
        return outcome;
    }

    private void tick() {
        try {
            watcher.tick();
        } catch (RuntimeException e) {
            // A failed tick must not end the schedule: the next one tries again.
            log.error("watch: evaluation failed", e);
        }
    }

    private void run(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("watch stopped; dropped a task", e);
        }
    }

    /** Stops watching: a plan under way halts where it is. */
    @Override
    public void close() {
        try {
            listener.close();
        } catch (Exception e) {
            log.warn("could not remove the watch's routing listener", e);
        }
        run(watcher::stop);
        thread.shutdown();
    }
}
