package dev.bluegreen.core.internal;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.ChangeKind;
import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.ChangeRequest;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.GuardContext;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.core.RoutingStore;
import dev.bluegreen.core.SwitchGuard;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Applies {@link ChangeRequest}s to a {@link RoutingStore}: checks the expected generation, runs the guards of a
 * change that moves traffic towards a colour, computes the next snapshot with {@link Transitions} and
 * compare-and-sets it, recomputing when another writer got there first. A refusal is recorded in the
 * {@link AuditLog} once, however many times the transition ran, and thrown.
 *
 * <p>The asynchronous forms apply on one thread of the applier's own ({@code bluegreen-changes}, started when
 * needed, gone after ten idle seconds), never on the JDK's common pool: with fewer than three cores that "pool" starts
 * a new thread for every task, and the thread that completes a guard's verdict may be an event loop, which must not
 * wait for a store's I/O. The blocking form applies on its caller's thread, which waits anyway.
 *
 * <p>A change asked for asynchronously from the change thread itself (by a listener it is delivering a change to)
 * is applied on a short-lived thread of its own instead: queued behind the listener, it would wait for that listener
 * to return, and a listener that waits for it would never return.
 *
 * <p>Thread-safe and lock-free; the blocking form waits only for the guards (and the store's own I/O).
 */
public final class ChangeApplier {

    private final RoutingStore store;
    private final Clock clock;
    private final Registrations<SwitchGuard> guards;
    private final Duration guardTimeout;
    private final AuditLog audit;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ExecutorService changeThread;
    /** Whether the current thread is applying an asynchronous change (and so delivering it to the listeners). */
    private final ThreadLocal<Boolean> applyingAsync = ThreadLocal.withInitial(() -> Boolean.FALSE);
    /** Where guards are asked: never a caller's thread or the thread the previous guard answered on (GuardChain). */
    private final ExecutorService guardThread;

    /**
     * An applier.
     *
     * @param store where the state lives
     * @param clock stamps changes and refusals
     * @param guards the guards, read at each change
     * @param guardTimeout how long each guard may take
     * @param audit where refusals are recorded
     */
    public ChangeApplier(RoutingStore store, Clock clock, Registrations<SwitchGuard> guards, Duration guardTimeout,
                         AuditLog audit) {
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
        this.guards = requireNonNull(guards, "guards");
        this.guardTimeout = requireNonNull(guardTimeout, "guardTimeout");
        this.audit = requireNonNull(audit, "audit");
        this.changeThread = DaemonThreads.onDemand("bluegreen-changes");
        this.guardThread = DaemonThreads.onDemand("bluegreen-guards");
    }

    /**
     * Applies a request, blocking until its guards have answered (never call it on an event loop when guards run).
     *
     * @param request the request
     * @return the new snapshot
     * @throws ChangeRefusedException if the change was refused; recorded first
     * @throws IllegalStateException if this applier is closed
     */
    public RoutingSnapshot apply(ChangeRequest request) {
        if (!movesTraffic(request)) {
            return applyNow(request, (current, at) -> Transitions.next(request, current, null, at));
        }
        if (!runsGuards(request) || guards.isEmpty()) {
            return applyNow(request, (current, at) -> Transitions.next(request, current, targetOf(request, current),
                    at));
        }
        Judged judged = judge(request);
        return applyJudged(judged, judged.verdict().join());
    }

    /**
     * Applies a request without blocking the caller: the change itself is applied on the applier's own thread, never
     * the caller's. A closed applier throws at once; a refusal completes the future exceptionally.
     *
     * @param request the request
     * @return the new snapshot, when applied
     * @throws IllegalStateException if this applier is closed
     */
    public CompletableFuture<RoutingSnapshot> applyAsync(ChangeRequest request) {
        if (movesTraffic(request)) {
            return guardedAsync(request);
        }
        checkOpen(request.attempt());
        CompletableFuture<RoutingSnapshot> result = new CompletableFuture<>();
        // Applied on the change thread so that a store that does network I/O never blocks the caller.
        applyOnChangeThread(applyingAsync.get(), request.attempt(), result, () -> apply(request));
        return result;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Refuses every later request. Idempotent.
     *
     * @return {@code true} the first time
     */
    public boolean close() {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        // Changes already handed to the thread still run; the thread ends when they have.
        changeThread.shutdown();
        guardThread.shutdown();
        return true;
    }

    /** A switch, promotion or shift: moves (a share of) traffic towards a colour, the one the guards judge. */
    private static boolean movesTraffic(ChangeRequest request) {
        ChangeKind kind = request.kind();
        return kind == ChangeKind.SWITCH || kind == ChangeKind.PROMOTE || kind == ChangeKind.SHIFT;
    }

    private static boolean runsGuards(ChangeRequest request) {
        // A shift to 0 % moves no traffic towards the idle colour: nothing for the guards to judge.
        return !request.skipsGuards() && (request.kind() != ChangeKind.SHIFT || request.percent() > 0);
    }

    private static Colour targetOf(ChangeRequest request, RoutingSnapshot current) {
        return request.kind() == ChangeKind.PROMOTE ? current.idle() : request.target().orElseThrow();
    }

    private RoutingSnapshot applyNow(ChangeRequest request, Transition transition) {
        String attempt = request.attempt();
        checkOpen(attempt);
        for (;;) {
            RoutingSnapshot current = store.current();
            Instant at = clock.instant();
            try {
                requireGeneration(request, current);
                RoutingSnapshot next = transition.next(current, at);
                if (store.compareAndSet(current, next)) {
                    return next;
                }
            } catch (ChangeRefusedException e) {
                // Recorded here, once, outside the transition: the transition may run several times per request.
                throw audit.refused(e, attempt, attribution(request), current, at);
            }
            // Another writer got there first: recompute from its state (a stale expected generation fails above).
        }
    }

    /**
     * Checked against the current snapshot first (a change that would be refused anyway runs no guard), then the
     * guards run one after the other, then the change is applied on the change thread. It is applied to the snapshot
     * the guards judged, or to a later one that left the target's pool and the live colour as they were; otherwise it
     * is refused as stale, since the guards judged something else.
     */
    private CompletableFuture<RoutingSnapshot> guardedAsync(ChangeRequest request) {
        boolean nested = applyingAsync.get();
        Judged judged;
        try {
            judged = judge(request);
        } catch (ChangeRefusedException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<RoutingSnapshot> result = new CompletableFuture<>();
        judged.verdict().thenAccept(refusal ->
                applyOnChangeThread(nested, request.attempt(), result, () -> applyJudged(judged, refusal)));
        return result;
    }

    /**
     * Checks {@code request} against the current snapshot and starts its guards.
     *
     * @throws ChangeRefusedException if it would be refused whatever the guards say; recorded first
     */
    private Judged judge(ChangeRequest request) {
        String attempt = request.attempt();
        checkOpen(attempt);
        RoutingSnapshot asked = store.current();
        Colour target = targetOf(request, asked);
        Instant at = clock.instant();
        try {
            requireGeneration(request, asked);
            Transitions.next(request, asked, target, at);
        } catch (ChangeRefusedException e) {
            throw audit.refused(e, attempt, attribution(request), asked, at);
        }
        CompletableFuture<ChangeRefusedException> verdict = runsGuards(request) && !guards.isEmpty()
                ? GuardChain.run(guards.items(), new GuardContext(asked, request.kind(), target,
                        asked.environment(target)), attempt, guardTimeout, guardThread)
                : CompletableFuture.completedFuture(null);
        return new Judged(request, asked, target, verdict);
    }

    /**
     * Runs {@code change} on the change thread, or on a thread of its own when it was asked for from a thread applying
     * an asynchronous change ({@code nested}), and completes {@code result} with its outcome.
     */
    private void applyOnChangeThread(boolean nested, String attempt, CompletableFuture<RoutingSnapshot> result,
                                     Supplier<RoutingSnapshot> change) {
        Runnable task = () -> {
            applyingAsync.set(Boolean.TRUE);
            try {
                result.complete(change.get());
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            } finally {
                applyingAsync.remove();
            }
        };
        try {
            if (!nested) {
                changeThread.execute(task);
            } else if (closed.get()) {
                throw new RejectedExecutionException("closed");
            } else {
                DaemonThreads.start("bluegreen-changes-nested", task);
            }
        } catch (RejectedExecutionException e) {
            // Closed while the guards ran.
            result.completeExceptionally(new IllegalStateException(attempt + " refused: this BlueGreen is closed"));
        }
    }

    /**
     * A change that passed the checks against the snapshot its guards judge, and their verdict to come.
     *
     * @param request the request
     * @param asked the snapshot the guards judge
     * @param target the colour traffic moves towards
     * @param verdict completes with {@code null} if every guard passed, else with the first refusal
     */
    private record Judged(ChangeRequest request, RoutingSnapshot asked, Colour target,
                          CompletableFuture<ChangeRefusedException> verdict) {
    }

    /** Applies a judged change given its guards' verdict; throws the refusal, recorded, if there is one. */
    private RoutingSnapshot applyJudged(Judged judged, ChangeRefusedException refusal) {
        ChangeRequest request = judged.request();
        String attempt = request.attempt();
        if (refusal != null) {
            throw audit.refused(refusal, attempt, attribution(request), judged.asked(), clock.instant());
        }
        return applyNow(request, (current, now) -> {
            requireUnchangedFor(attempt, judged.asked(), current, judged.target());
            return Transitions.next(request, current, judged.target(), now);
        });
    }

    private void checkOpen(String attempt) {
        if (closed.get()) {
            throw new IllegalStateException(attempt + " refused: this BlueGreen is closed");
        }
    }

    private static Attribution attribution(ChangeRequest request) {
        return new Attribution(request.actor(), request.reason().orElse(null));
    }

    private static void requireGeneration(ChangeRequest request, RoutingSnapshot current) {
        long expected = request.expectedGeneration();
        if (expected != ChangeRequest.ANY_GENERATION && expected != current.generation()) {
            throw new ChangeRefusedException(ChangeRefusedException.Refusal.STALE_GENERATION, request.attempt()
                    + " refused: expected generation " + expected + " but it is " + current.generation());
        }
    }

    /** Refuses a change whose guards judged a state that has since moved in a way that matters to them. */
    private static void requireUnchangedFor(String attempt, RoutingSnapshot judged, RoutingSnapshot current,
                                            Colour target) {
        if (current.generation() != judged.generation() && (current.live() != judged.live()
                || !current.environment(target).equals(judged.environment(target)))) {
            throw new ChangeRefusedException(ChangeRefusedException.Refusal.STALE_GENERATION, attempt
                    + " refused: the routing state changed while the guards ran (generation " + judged.generation()
                    + " -> " + current.generation() + "); ask again");
        }
    }

    /** A pure state transition; it may run several times for one request, so it must have no side effects. */
    @FunctionalInterface
    private interface Transition {
        RoutingSnapshot next(RoutingSnapshot current, Instant at);
    }
}
