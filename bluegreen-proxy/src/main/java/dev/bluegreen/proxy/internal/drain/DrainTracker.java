package dev.bluegreen.proxy.internal.drain;

import dev.bluegreen.proxy.internal.metrics.ProxyCounters;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.internal.DaemonThreads;
import dev.bluegreen.proxy.Drain;
import dev.bluegreen.proxy.DrainReport;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** One drain of one colour: its live figures and its end. Thread-safe; it ends once. */
public final class DrainTracker implements Drain {

    private final Colour colour;
    private final long generation;
    private final Instant startedAt;
    private final Instant deadline;
    private final long startNanos;
    private final ProxyCounters counters;
    private final long exchangesAtStart;
    private final long connectionsAtStart;
    private final AtomicLong forcedClosed = new AtomicLong();
    /** Completes on the thread that ends the drain (an event loop): for the coordinator, never handed out. */
    private final CompletableFuture<DrainReport> ended = new CompletableFuture<>();
    /**
     * What {@link #completion()} hands out copies of: completed on a thread of its own once the drain has ended, so
     * that an application's stages never run on (and block) an event loop.
     */
    private final CompletableFuture<DrainReport> completion = new CompletableFuture<>();
    private volatile boolean deadlinePassed;
    /**
     * The colour looked empty and the coordinator is making sure of it (every loop runs a task first): meanwhile
     * nothing new may go to the colour, so that what the check saw stays true.
     */
    private volatile boolean sealed;

    DrainTracker(Colour colour, long generation, Instant startedAt, Duration timeout, ProxyCounters counters) {
        this.colour = colour;
        this.generation = generation;
        this.startedAt = startedAt;
        this.deadline = startedAt.plus(timeout);
        this.startNanos = System.nanoTime();
        this.counters = counters;
        this.exchangesAtStart = counters.activeExchanges(colour);
        this.connectionsAtStart = counters.busyConnections(colour);
    }

    @Override
    public Colour colour() {
        return colour;
    }

    @Override
    public long generation() {
        return generation;
    }

    @Override
    public Instant startedAt() {
        return startedAt;
    }

    @Override
    public Instant deadline() {
        return deadline;
    }

    @Override
    public long activeExchanges() {
        return counters.activeExchanges(colour);
    }

    @Override
    public long openConnections() {
        return counters.busyConnections(colour);
    }

    @Override
    public long exchangesAtStart() {
        return exchangesAtStart;
    }

    @Override
    public long connectionsAtStart() {
        return connectionsAtStart;
    }

    @Override
    public boolean isDone() {
        return ended.isDone();
    }

    @Override
    public CompletableFuture<DrainReport> completion() {
        // A copy: a caller that completes or cancels it can't end the drain, nor change what other callers see.
        DrainReport report = ended.getNow(null);
        return report != null ? CompletableFuture.completedFuture(report) : completion.copy();
    }

    /** Completes when the drain ends, on the thread that ended it; for the coordinator. */
    CompletableFuture<DrainReport> ended() {
        return ended;
    }

    /** Whether the colour has nothing left under way and no busy connection (idle ones may be kept warm). */
    boolean isEmpty() {
        return activeExchanges() <= 0 && openConnections() <= 0;
    }

    /**
     * Whether nothing new may go to the colour any more: the drain is {@linkplain #seal sealed} or has ended, unless
     * it was cancelled (the colour is live again, or a newer drain of it took over). Read on an event loop, in the
     * same task that would count the new exchange, which is what makes the coordinator's barrier hold.
     */
    public boolean closedToNewWork() {
        DrainReport report = completion.getNow(null);
        return report != null ? report.outcome() != DrainReport.Outcome.CANCELLED : sealed;
    }

    void seal() {
        sealed = true;
    }

    void unseal() {
        sealed = false;
    }

    boolean isSealed() {
        return sealed;
    }

    void deadlinePassed() {
        deadlinePassed = true;
    }

    boolean isPastDeadline() {
        return deadlinePassed;
    }

    @Override
    public long forcedClosed() {
        return forcedClosed.get();
    }

    void addForcedClosed(long count) {
        forcedClosed.addAndGet(count);
    }

    /** Ends the drain; returns false if it had ended already. */
    boolean finish(DrainReport.Outcome outcome) {
        DrainReport report = new DrainReport(colour, generation, outcome,
                Duration.ofNanos(System.nanoTime() - startNanos), exchangesAtStart, connectionsAtStart,
                forcedClosed.get());
        if (!ended.complete(report)) {
            return false;
        }
        DaemonThreads.start("bluegreen-drain-ended", () -> completion.complete(report));
        return true;
    }

    @Override
    public String toString() {
        return "drain of " + colour.label() + " (generation " + generation + "): " + activeExchanges()
                + " exchanges, " + openConnections() + " connections";
    }
}
