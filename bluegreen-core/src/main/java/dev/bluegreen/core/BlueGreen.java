package dev.bluegreen.core;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.internal.Attribution;
import dev.bluegreen.core.internal.GuardChain;
import dev.bluegreen.core.internal.RecentItems;
import dev.bluegreen.core.internal.Texts;
import dev.bluegreen.core.internal.Transitions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin object of a blue-green deployment: holds the routing state and changes it with a handful of verbs.
 *
 * <ul>
 *   <li>{@link #switchTo(Colour)} sends traffic to a colour; {@link #promote()} to the idle one;</li>
 *   <li>{@link #rollback()} sends it back to the colour that was live before the last switch or promotion;</li>
 *   <li>{@link #deploy(Deployment)} replaces a pool: the idle one, or the live one when forced;</li>
 *   <li>{@link #shift(Colour, int)} sends a share of new requests to the idle colour, a step towards
 *       {@link #promote()}.</li>
 * </ul>
 * Each verb returns the new {@link RoutingSnapshot}, or throws a {@link ChangeRefusedException} that says why and
 * changes nothing. Each takes an optional expected generation: the change is refused as
 * {@link ChangeRefusedException.Refusal#STALE_GENERATION stale} if the state has moved on since the caller read
 * it, so two admins can't both act on the same state.
 *
 * <p>Every attempt is audited. Each snapshot records who asked for the change ({@link RoutingSnapshot#actor()})
 * and why ({@link RoutingSnapshot#reason()}): the verbs of {@link #as(String, String)} record the caller's actor and
 * reason, the plain verbs of this class record {@value #DEFAULT_ACTOR} and a generated description such as
 * {@code "switch BLUE -> GREEN"}. Applied changes are kept in {@link #history()}; refused attempts, with the rule
 * that refused them, in {@link #refusals()}. Both are logged at INFO and told to the {@link ChangeListener}s.
 *
 * <p>Guards ({@link SwitchGuard}) run before a switch, a promotion and a shift: the first that fails refuses the
 * change ({@link ChangeRefusedException.Refusal#GUARD_FAILED}). The verbs that run guards come in two forms: the
 * plain one blocks its caller until the guards have answered (never call it on an event loop), the {@code Async}
 * one returns at once. {@link #forced()} skips the guards, and the snapshot says so.
 *
 * <p>Create one per application with {@link #builder()}.
 *
 * <p>Threading: thread-safe and lock-free. {@link #snapshot()} is one volatile read; changes are serialized by
 * the {@link RoutingStore}'s compare-and-set, retried when another writer got there first. Listeners hear every
 * change in generation order and never concurrently, on the thread of a writer (or of the store); by the time a
 * verb returns its change may or may not have reached the listeners, if another thread is delivering. Refusals
 * don't go through the store: each is told to the listeners at once on the thread whose attempt was refused, so
 * they are ordered relative to applied changes by time only (see {@link ChangeListener}).
 */
public final class BlueGreen implements AutoCloseable {

    /** Passed as an expected generation: apply the change to whatever the current generation is. */
    public static final long ANY_GENERATION = -1;

    /** The default {@link Builder#historySize(int)}. */
    public static final int DEFAULT_HISTORY_SIZE = 100;

    /** The largest {@link Builder#historySize(int)}. */
    public static final int MAX_HISTORY_SIZE = 100_000;

    /** The {@link RoutingSnapshot#actor() actor} recorded by the plain verbs of this class. */
    public static final String DEFAULT_ACTOR = "app";

    /** The default {@link Builder#guardTimeout(Duration)}. */
    public static final Duration DEFAULT_GUARD_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(BlueGreen.class);

    private final RoutingStore store;
    private final Clock clock;
    private final List<Registration> listeners = new CopyOnWriteArrayList<>();
    private final List<GuardRegistration> guards = new CopyOnWriteArrayList<>();
    private final Duration guardTimeout;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The plain verbs are these, attributed to {@value #DEFAULT_ACTOR} with generated reasons. */
    private final Attributed asDefault = new Attributed(this, new Attribution(DEFAULT_ACTOR, null), false);
    // Added to only from onApplied, which the store calls for one snapshot at a time.
    private final RecentItems<Change> history;
    // Added to from any thread whose attempt was refused, concurrently.
    private final RecentItems<RefusedChange> refusals;
    /*
     * Written only from onApplied; volatile because the first value is written by the constructor's thread and
     * later ones by whichever thread the store delivers on.
     */
    private volatile RoutingSnapshot lastSeen;

    private BlueGreen(RoutingStoreFactory storeFactory, RoutingSnapshot initial, Clock clock, int historySize,
                      List<ChangeListener> listeners, List<SwitchGuard> guards, Duration guardTimeout) {
        this.clock = clock;
        this.guardTimeout = guardTimeout;
        for (SwitchGuard guard : guards) {
            this.guards.add(new GuardRegistration(guard));
        }
        this.history = new RecentItems<>(historySize);
        this.refusals = new RecentItems<>(historySize);
        for (ChangeListener listener : listeners) {
            this.listeners.add(new Registration(listener));
        }
        this.store = requireNonNull(storeFactory.open(initial), "the store factory returned null");
        this.lastSeen = store.current();
        // Subscribed last: every listener given to the builder is in place before the first delivery.
        store.subscribe(this::onApplied);
        RoutingSnapshot start = lastSeen;
        if (start.liveEnvironment().isEmpty()) {
            log.warn("the live {} pool has no backends: requests are answered with 503 until a deployment adds"
                    + " some", start.live());
        }
    }

    /**
     * A builder with the defaults: both pools empty, {@link Colour#BLUE} live, a history of
     * {@value #DEFAULT_HISTORY_SIZE} changes, the system UTC clock, an {@link InMemoryRoutingStore}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The current routing state. The proxy calls this once per request: it is one volatile read of the store and
     * allocates nothing.
     *
     * @return the current snapshot, never {@code null}
     */
    public RoutingSnapshot snapshot() {
        return store.current();
    }

    /**
     * Sends all new traffic to {@code target}. The colour that was live becomes the rollback target. Requests
     * already under way finish where they started.
     *
     * @param target the colour to make live
     * @return the new snapshot, of kind {@link ChangeKind#SWITCH}
     * @throws NullPointerException if {@code target} is {@code null}
     * @throws ChangeRefusedException {@link ChangeRefusedException.Refusal#ALREADY_LIVE} if {@code target} is live,
     *         {@link ChangeRefusedException.Refusal#EMPTY_POOL} if its pool has no backends, or
     *         {@link ChangeRefusedException.Refusal#STORE_REJECTED} from the store
     * @throws IllegalStateException if this object is closed
     */
    public RoutingSnapshot switchTo(Colour target) {
        return switchTo(target, ANY_GENERATION);
    }

    /**
     * As {@link #switchTo(Colour)}, refused unless the state is at {@code expectedGeneration}.
     *
     * @param target the colour to make live
     * @param expectedGeneration the generation the caller decided on, or {@link #ANY_GENERATION}
     * @return the new snapshot, of kind {@link ChangeKind#SWITCH}
     * @throws NullPointerException if {@code target} is {@code null}
     * @throws IllegalArgumentException if {@code expectedGeneration} is below {@link #ANY_GENERATION}
     * @throws ChangeRefusedException as {@link #switchTo(Colour)}, or
     *         {@link ChangeRefusedException.Refusal#STALE_GENERATION} if the state is at another generation
     * @throws IllegalStateException if this object is closed
     */
    public RoutingSnapshot switchTo(Colour target, long expectedGeneration) {
        return asDefault.switchTo(target, expectedGeneration);
    }

    /**
     * Makes the idle colour live: a {@link #switchTo(Colour) switch} to whichever colour is idle when the change is
     * applied.
     *
     * @return the new snapshot, of kind {@link ChangeKind#PROMOTE}
     * @throws ChangeRefusedException {@link ChangeRefusedException.Refusal#EMPTY_POOL} if the idle pool has no
     *         backends, or {@link ChangeRefusedException.Refusal#STORE_REJECTED} from the store
     * @throws IllegalStateException if this object is closed
     */
    public RoutingSnapshot promote() {
        return promote(ANY_GENERATION);
    }

    /**
     * As {@link #promote()}, refused unless the state is at {@code expectedGeneration}. Prefer this form when two
     * admins may act at once: without it, two promotions flip traffic there and back.
     *
     * @param expectedGeneration the generation the caller decided on, or {@link #ANY_GENERATION}
     * @return the new snapshot, of kind {@link ChangeKind#PROMOTE}
     * @throws IllegalArgumentException if {@code expectedGeneration} is below {@link #ANY_GENERATION}
     * @throws ChangeRefusedException as {@link #promote()}, or
     *         {@link ChangeRefusedException.Refusal#STALE_GENERATION} if the state is at another generation
     * @throws IllegalStateException if this object is closed
     */
    public RoutingSnapshot promote(long expectedGeneration) {
        return asDefault.promote(expectedGeneration);
    }

    /**
     * Sends traffic back to the colour that was live before the last switch or promotion.
     *
     * <p>A rollback is not itself rolled back: afterwards there is no rollback target until the next switch or
     * promotion, so a repeated rollback is refused instead of flipping traffic back. Deploying to the rollback
     * target also clears it, because the version a rollback would return to is gone.
     *
     * @return the new snapshot, of kind {@link ChangeKind#ROLLBACK}, with no rollback target
     * @throws ChangeRefusedException {@link ChangeRefusedException.Refusal#NO_ROLLBACK_TARGET} if there is nothing
     *         to roll back to, {@link ChangeRefusedException.Refusal#EMPTY_POOL} if the target's pool has no
     *         backends, or {@link ChangeRefusedException.Refusal#STORE_REJECTED} from the store
     * @throws IllegalStateException if this object is closed
     */
    public RoutingSnapshot rollback() {
        return rollback(ANY_GENERATION);
    }

    /**
     * As {@link #rollback()}, refused unless the state is at {@code expectedGeneration}.
     *
     * @param expectedGeneration the generation the caller decided on, or {@link #ANY_GENERATION}
     * @return the new snapshot, of kind {@link ChangeKind#ROLLBACK}
     * @throws IllegalArgumentException if {@code expectedGeneration} is below {@link #ANY_GENERATION}
     * @throws ChangeRefusedException as {@link #rollback()}, or
     *         {@link ChangeRefusedException.Refusal#STALE_GENERATION} if the state is at another generation
     * @throws IllegalStateException if this object is closed
     */
    public RoutingSnapshot rollback(long expectedGeneration) {
        return asDefault.rollback(expectedGeneration);
    }

    /**
     * Sends {@code percent} of new requests (or new sessions, when the proxy keeps sessions sticky) to
     * {@code target}, the idle colour; the live colour stays. A step of a gradual move: raise the share in steps,
     * then {@link #promote()} completes it (and resets the share to 0), and {@link #rollback()} takes it back to 0.
     * Guards run when {@code percent > 0}. Requests already under way finish where they started.
     *
     * @param target the idle colour
     * @param percent the share of new requests, 0 to 100
     * @return the new snapshot, of kind {@link ChangeKind#SHIFT}
     * @throws NullPointerException if {@code target} is {@code null}
     * @throws IllegalArgumentException if {@code percent} is outside 0 to 100
     * @throws ChangeRefusedException {@link ChangeRefusedException.Refusal#ALREADY_LIVE} if {@code target} is live,
     *         {@link ChangeRefusedException.Refusal#EMPTY_POOL} if its pool has no backends,
     *         {@link ChangeRefusedException.Refusal#GUARD_FAILED} if a guard failed, or
     *         {@link ChangeRefusedException.Refusal#STORE_REJECTED} from the store
     * @throws IllegalStateException if this object is closed
     */
    public RoutingSnapshot shift(Colour target, int percent) {
        return shift(target, percent, ANY_GENERATION);
    }

    /**
     * As {@link #shift(Colour, int)}, refused unless the state is at {@code expectedGeneration}.
     *
     * @param target the idle colour
     * @param percent the share of new requests, 0 to 100
     * @param expectedGeneration the generation the caller decided on, or {@link #ANY_GENERATION}
     * @return the new snapshot, of kind {@link ChangeKind#SHIFT}
     * @throws NullPointerException if {@code target} is {@code null}
     * @throws IllegalArgumentException if {@code percent} or {@code expectedGeneration} is out of range
     * @throws ChangeRefusedException as {@link #shift(Colour, int)}, or
     *         {@link ChangeRefusedException.Refusal#STALE_GENERATION} if the state is at another generation
     * @throws IllegalStateException if this object is closed
     */
    public RoutingSnapshot shift(Colour target, int percent, long expectedGeneration) {
        return asDefault.shift(target, percent, expectedGeneration);
    }

    /**
     * As {@link #switchTo(Colour, long)}, without blocking: for event loops and other threads that must not wait
     * for the guards. Argument errors and a closed object throw at once; a refusal completes the future
     * exceptionally with the {@link ChangeRefusedException}.
     *
     * @param target the colour to make live
     * @param expectedGeneration the generation the caller decided on, or {@link #ANY_GENERATION}
     * @return the new snapshot, when applied; the change itself is applied on a pool thread, never on the caller's
     */
    public CompletableFuture<RoutingSnapshot> switchToAsync(Colour target, long expectedGeneration) {
        return asDefault.switchToAsync(target, expectedGeneration);
    }

    /**
     * As {@link #switchToAsync(Colour, long)} at any generation.
     *
     * @param target the colour to make live
     * @return the new snapshot, when applied
     */
    public CompletableFuture<RoutingSnapshot> switchToAsync(Colour target) {
        return switchToAsync(target, ANY_GENERATION);
    }

    /**
     * As {@link #promote(long)}, without blocking (see {@link #switchToAsync(Colour, long)}).
     *
     * @param expectedGeneration the generation the caller decided on, or {@link #ANY_GENERATION}
     * @return the new snapshot, when applied
     */
    public CompletableFuture<RoutingSnapshot> promoteAsync(long expectedGeneration) {
        return asDefault.promoteAsync(expectedGeneration);
    }

    /**
     * As {@link #promoteAsync(long)} at any generation.
     *
     * @return the new snapshot, when applied
     */
    public CompletableFuture<RoutingSnapshot> promoteAsync() {
        return promoteAsync(ANY_GENERATION);
    }

    /**
     * As {@link #shift(Colour, int, long)}, without blocking (see {@link #switchToAsync(Colour, long)}).
     *
     * @param target the idle colour
     * @param percent the share of new requests, 0 to 100
     * @param expectedGeneration the generation the caller decided on, or {@link #ANY_GENERATION}
     * @return the new snapshot, when applied
     */
    public CompletableFuture<RoutingSnapshot> shiftAsync(Colour target, int percent, long expectedGeneration) {
        return asDefault.shiftAsync(target, percent, expectedGeneration);
    }

    /**
     * As {@link #shiftAsync(Colour, int, long)} at any generation.
     *
     * @param target the idle colour
     * @param percent the share of new requests, 0 to 100
     * @return the new snapshot, when applied
     */
    public CompletableFuture<RoutingSnapshot> shiftAsync(Colour target, int percent) {
        return shiftAsync(target, percent, ANY_GENERATION);
    }

    /**
     * As {@link #rollback(long)}, applied on a pool thread so that a store that does network I/O never blocks
     * the caller.
     *
     * @param expectedGeneration the generation the caller decided on, or {@link #ANY_GENERATION}
     * @return the new snapshot, when applied
     */
    public CompletableFuture<RoutingSnapshot> rollbackAsync(long expectedGeneration) {
        return asDefault.rollbackAsync(expectedGeneration);
    }

    /**
     * As {@link #rollbackAsync(long)} at any generation.
     *
     * @return the new snapshot, when applied
     */
    public CompletableFuture<RoutingSnapshot> rollbackAsync() {
        return rollbackAsync(ANY_GENERATION);
    }

    /**
     * The verbs of this object with the guards skipped, attributed to {@value #DEFAULT_ACTOR}: for when the
     * operator knows better than the guards (a health endpoint that is itself broken, say). The snapshots they
     * make have {@link RoutingSnapshot#forced()} set and a reason that says the guards were skipped.
     *
     * @return the forced verbs
     */
    public Attributed forced() {
        return asDefault.forced();
    }

    /**
     * Adds a guard that runs before every later switch, promotion and shift, after the guards added before it.
     *
     * @param guard the guard
     * @return a handle whose {@code close()} removes it; idempotent, never throws
     * @throws NullPointerException if {@code guard} is {@code null}
     */
    public AutoCloseable addGuard(SwitchGuard guard) {
        GuardRegistration registration = new GuardRegistration(requireNonNull(guard, "guard"));
        guards.add(registration);
        return () -> guards.remove(registration);
    }

    /**
     * The guards that run before a switch, a promotion or a shift, in the order they run.
     *
     * @return an immutable copy
     */
    public List<SwitchGuard> guards() {
        List<SwitchGuard> current = new ArrayList<>(guards.size());
        for (GuardRegistration registration : guards) {
            current.add(registration.guard);
        }
        return List.copyOf(current);
    }

    /**
     * Replaces the idle pool of {@code colour}; shorthand for {@code deploy(Deployment.of(colour, version,
     * backends))}.
     *
     * @param colour the pool to replace; must not be live
     * @param version the version label of the new pool
     * @param backends the new backends; may be empty to clear the pool
     * @return the new snapshot, of kind {@link ChangeKind#DEPLOY}
     * @throws NullPointerException if an argument or a backend is {@code null}
     * @throws IllegalArgumentException if the version or backends do not make a valid {@link Environment}
     * @throws ChangeRefusedException as {@link #deploy(Deployment)}
     * @throws IllegalStateException if this object is closed
     */
    public RoutingSnapshot deploy(Colour colour, String version, List<Backend> backends) {
        return asDefault.deploy(colour, version, backends);
    }

    /**
     * Replaces one colour's pool; the live colour stays the same. Replacing the live pool requires a
     * {@link Deployment#forced() forced} deployment: new requests go to the new backends at once.
     *
     * <p>Deploying to the colour a rollback would return to clears the rollback target: the version it would
     * return to is gone, and moving traffic onto the new version is a switch, not a rollback.
     *
     * @param deployment the pool to install
     * @return the new snapshot, of kind {@link ChangeKind#DEPLOY}
     * @throws NullPointerException if {@code deployment} is {@code null}
     * @throws ChangeRefusedException {@link ChangeRefusedException.Refusal#LIVE_POOL_NOT_FORCED} for the live
     *         colour unless forced, {@link ChangeRefusedException.Refusal#EMPTY_POOL} if it would leave the live
     *         pool with no backends, {@link ChangeRefusedException.Refusal#STALE_GENERATION} if the state is not at
     *         the deployment's expected generation, or {@link ChangeRefusedException.Refusal#STORE_REJECTED} from
     *         the store
     * @throws IllegalStateException if this object is closed
     */
    public RoutingSnapshot deploy(Deployment deployment) {
        return asDefault.deploy(deployment);
    }

    /**
     * The verbs of this object, recorded as asked for by {@code actor} for {@code reason}: in the snapshots they
     * make ({@link RoutingSnapshot#actor()}, {@link RoutingSnapshot#reason()}), the {@link #history()}, the
     * {@link #refusals()}, the log and what listeners hear. For example
     * {@code blueGreen.as("alice", "release 2.3").promote(generation)}.
     *
     * <p>Cheap, and the result may be kept and shared between threads.
     *
     * @param actor who is asking, such as a user or service name; not blank, at most
     *        {@value RoutingSnapshot#MAX_ACTOR_LENGTH} characters, no control characters
     * @param reason why, at most {@value RoutingSnapshot#MAX_REASON_LENGTH} characters, no control characters; or
     *        {@code null} or blank for none, in which case each change records its generated description (such as
     *        {@code "switch BLUE -> GREEN"}) as the plain verbs do
     * @return the attributed verbs
     * @throws NullPointerException if {@code actor} is {@code null}
     * @throws IllegalArgumentException if {@code actor} or {@code reason} is invalid as described; the message
     *         shows the value, escaped, and what was expected
     */
    public Attributed as(String actor, String reason) {
        return new Attributed(this, new Attribution(actor, reason), false);
    }

    /**
     * Adds a listener for the changes applied from now on. Thread-safe; a listener added while a change is being
     * delivered may or may not hear that change.
     *
     * @param listener the listener; may be added more than once, and then hears each change once per addition
     * @return a handle whose {@code close()} removes this addition of the listener; idempotent, never throws
     * @throws NullPointerException if {@code listener} is {@code null}
     */
    public AutoCloseable addListener(ChangeListener listener) {
        Registration registration = new Registration(requireNonNull(listener, "listener"));
        listeners.add(registration);
        return () -> listeners.remove(registration);
    }

    /**
     * The last changes, oldest first, at most {@link Builder#historySize(int)} of them. Lock-free.
     *
     * @return an immutable list; the changes applied since this object was built, minus the oldest beyond the
     *         bound
     */
    public List<Change> history() {
        return history.items();
    }

    /**
     * The last refused change attempts, oldest first (in the order they were recorded, which for attempts on
     * different threads is the order of their {@link RefusedChange#at()} up to the clock's precision), at most
     * {@link Builder#historySize(int)} of them. Every verb that throws a {@link ChangeRefusedException} adds one
     * first, whatever the refusal; bad input and a closed object are not refusals. Lock-free.
     *
     * @return an immutable list; the refusals since this object was built, minus the oldest beyond the bound
     */
    public List<RefusedChange> refusals() {
        return refusals.items();
    }

    /**
     * The instances that share this object's store and the generation each serves, when the store is distributed
     * (for example the ZooKeeper store): after a change, {@code fleet().get().awaitGeneration(g, timeout)} waits until
     * every instance serves it. Delegates to {@link RoutingStore#fleet()}; lock-free.
     *
     * @return the fleet view, or empty for a store that serves this process only (the default in-memory store)
     */
    public Optional<Fleet> fleet() {
        return store.fleet();
    }

    /**
     * Closes the store; later changes throw {@link IllegalStateException} and listeners hear nothing more (an
     * attempt racing with the close may still be refused by the store; it is recorded in {@link #refusals()} but not
     * told to listeners). {@link #snapshot()}, {@link #history()} and {@link #refusals()} keep returning the last
     * state. Idempotent.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            store.close();
        }
    }

    private RoutingSnapshot apply(String attempt, long expectedGeneration, Attribution by, Transition transition) {
        checkCanApply(attempt, expectedGeneration);
        for (;;) {
            RoutingSnapshot current = store.current();
            Instant at = clock.instant();
            try {
                requireGeneration(attempt, expectedGeneration, current);
                RoutingSnapshot next = transition.next(current, at);
                if (store.compareAndSet(current, next)) {
                    return next;
                }
            } catch (ChangeRefusedException e) {
                // Recorded here, once, outside the transition: the transition may run several times per verb.
                throw refused(e, attempt, by, current, at);
            }
            // Another writer got there first: recompute from its state (a stale expected generation fails above).
        }
    }

    /**
     * A verb that moves traffic towards a colour, blocking until its guards have answered: applied at once when
     * there is no guard to run, else through {@link #guardedAsync}.
     */
    private RoutingSnapshot guarded(String attempt, long expectedGeneration, Attribution by, boolean runGuards,
                                    ChangeKind kind, Function<RoutingSnapshot, Colour> targetOf,
                                    GuardedTransition transition) {
        if (!runGuards || guards.isEmpty()) {
            return apply(attempt, expectedGeneration, by, (current, at) ->
                    transition.next(current, targetOf.apply(current), at));
        }
        try {
            return guardedAsync(attempt, expectedGeneration, by, true, kind, targetOf, transition).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * A verb that moves traffic towards a colour: checked against the current snapshot first (a change that would be
     * refused anyway runs no guard), then its guards run one after the other, then it is applied on a pool thread.
     * The change is applied to the snapshot the guards judged, or to a later one that left the target's pool and the
     * live colour as they were; otherwise it is refused as stale, since the guards judged something else.
     */
    private CompletableFuture<RoutingSnapshot> guardedAsync(String attempt, long expectedGeneration, Attribution by,
                                                            boolean runGuards, ChangeKind kind,
                                                            Function<RoutingSnapshot, Colour> targetOf,
                                                            GuardedTransition transition) {
        checkCanApply(attempt, expectedGeneration);
        RoutingSnapshot asked = store.current();
        Colour target = targetOf.apply(asked);
        Instant at = clock.instant();
        try {
            requireGeneration(attempt, expectedGeneration, asked);
            transition.next(asked, target, at);
        } catch (ChangeRefusedException e) {
            return CompletableFuture.failedFuture(refused(e, attempt, by, asked, at));
        }
        CompletableFuture<ChangeRefusedException> verdict = runGuards && !guards.isEmpty()
                ? GuardChain.run(guards(), new GuardContext(asked, kind, target, asked.environment(target)), attempt,
                        guardTimeout)
                : CompletableFuture.completedFuture(null);
        CompletableFuture<RoutingSnapshot> result = new CompletableFuture<>();
        verdict.thenAcceptAsync(refusal -> {
            try {
                if (refusal != null) {
                    throw refused(refusal, attempt, by, asked, clock.instant());
                }
                result.complete(apply(attempt, expectedGeneration, by, (current, now) -> {
                    requireUnchangedFor(attempt, asked, current, target);
                    return transition.next(current, target, now);
                }));
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private void checkCanApply(String attempt, long expectedGeneration) {
        if (expectedGeneration < ANY_GENERATION) {
            throw new IllegalArgumentException("expectedGeneration: " + expectedGeneration
                    + " (expected: >= 0, or ANY_GENERATION (" + ANY_GENERATION + "))");
        }
        if (closed.get()) {
            throw new IllegalStateException(attempt + " refused: this BlueGreen is closed");
        }
    }

    private static void requireGeneration(String attempt, long expectedGeneration, RoutingSnapshot current) {
        if (expectedGeneration != ANY_GENERATION && expectedGeneration != current.generation()) {
            throw new ChangeRefusedException(ChangeRefusedException.Refusal.STALE_GENERATION, attempt
                    + " refused: expected generation " + expectedGeneration + " but it is " + current.generation());
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

    /** Records, logs and tells the listeners of a refused attempt; returns the refusal for the caller to throw. */
    private ChangeRefusedException refused(ChangeRefusedException e, String attempt, Attribution by,
                                           RoutingSnapshot against, Instant at) {
        // A store may throw without a message; the record still says what was refused.
        String message = e.getMessage() != null ? e.getMessage() : attempt + " refused: " + e.refusal();
        RefusedChange refused = new RefusedChange(at, by.actor(), by.reasonOr(attempt), attempt, e.refusal(),
                message, against.generation(), against.live());
        refusals.add(refused);
        log.info("refused: {} (actor {}: {}; generation {}, live {})", message, refused.actor(), refused.reason(),
                refused.generation(), refused.live());
        if (!closed.get()) {
            for (Registration registration : listeners) {
                notifyRefused(registration.listener, refused);
            }
        }
        return e;
    }

    /** Called by the store for each applied snapshot, one at a time and in generation order. */
    private void onApplied(RoutingSnapshot snapshot) {
        RoutingSnapshot previous = lastSeen;
        if (snapshot.generation() <= previous.generation()) {
            // Already seen: a store may deliver a change applied between our first read and our subscription.
            return;
        }
        lastSeen = snapshot;
        Change change = new Change(previous, snapshot);
        history.add(change);
        Environment live = snapshot.liveEnvironment();
        log.info("routing generation {} by {}: {}; live {} {} ({})", snapshot.generation(), snapshot.actor(),
                snapshot.reason(), snapshot.live(), live.version(), Texts.count(live.backends().size(), "backend"));
        for (Registration registration : listeners) {
            notify(registration.listener, change);
        }
    }

    private static void notify(ChangeListener listener, Change change) {
        try {
            listener.onChange(change);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            log.warn("change listener {} failed on generation {} ({}); the change stands and the other listeners"
                    + " are still called", listener, change.generation(), change.reason(), e);
        }
    }

    private static void notifyRefused(ChangeListener listener, RefusedChange refused) {
        try {
            listener.onRefused(refused);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            log.warn("change listener {} failed on a refusal ({}); the attempt is still refused and the other"
                    + " listeners are still called", listener, refused.message(), e);
        }
    }

    /**
     * The verbs of a {@link BlueGreen}, attributed to an actor and a reason; made by {@link BlueGreen#as}. Each
     * behaves exactly as the verb of the same name on {@link BlueGreen} (same checks, refusals and threading), and
     * records this actor and reason in the snapshot it makes, or in the {@link RefusedChange} if it is refused.
     *
     * <p>Immutable and thread-safe; may be kept and reused for any number of changes.
     */
    public static final class Attributed {

        private final BlueGreen admin;
        private final Attribution by;
        private final boolean forced;

        private Attributed(BlueGreen admin, Attribution by, boolean forced) {
            this.admin = admin;
            this.by = by;
            this.forced = forced;
        }

        /**
         * These verbs with the guards skipped (see {@link BlueGreen#forced()}), still attributed to this actor and
         * reason.
         *
         * @return the forced verbs
         */
        public Attributed forced() {
            return forced ? this : new Attributed(admin, by, true);
        }

        /**
         * As {@link BlueGreen#switchTo(Colour)}, attributed.
         *
         * @param target the colour to make live
         * @return the new snapshot, of kind {@link ChangeKind#SWITCH}, with this actor and reason
         * @throws NullPointerException if {@code target} is {@code null}
         * @throws ChangeRefusedException as {@link BlueGreen#switchTo(Colour)}; recorded in
         *         {@link BlueGreen#refusals()} first
         * @throws IllegalStateException if the {@link BlueGreen} is closed
         */
        public RoutingSnapshot switchTo(Colour target) {
            return switchTo(target, ANY_GENERATION);
        }

        /**
         * As {@link BlueGreen#switchTo(Colour, long)}, attributed.
         *
         * @param target the colour to make live
         * @param expectedGeneration the generation the caller decided on, or {@link #ANY_GENERATION}
         * @return the new snapshot, of kind {@link ChangeKind#SWITCH}, with this actor and reason
         * @throws NullPointerException if {@code target} is {@code null}
         * @throws IllegalArgumentException if {@code expectedGeneration} is below {@link #ANY_GENERATION}
         * @throws ChangeRefusedException as {@link BlueGreen#switchTo(Colour, long)}; recorded in
         *         {@link BlueGreen#refusals()} first
         * @throws IllegalStateException if the {@link BlueGreen} is closed
         */
        public RoutingSnapshot switchTo(Colour target, long expectedGeneration) {
            requireNonNull(target, "target");
            return admin.guarded("switch to " + target, expectedGeneration, by, !forced, ChangeKind.SWITCH,
                    current -> target, this::switchTransition);
        }

        /**
         * As {@link BlueGreen#switchToAsync(Colour, long)}, attributed.
         *
         * @param target the colour to make live
         * @param expectedGeneration the generation the caller decided on, or {@link #ANY_GENERATION}
         * @return the new snapshot, when applied
         */
        public CompletableFuture<RoutingSnapshot> switchToAsync(Colour target, long expectedGeneration) {
            requireNonNull(target, "target");
            return admin.guardedAsync("switch to " + target, expectedGeneration, by, !forced, ChangeKind.SWITCH,
                    current -> target, this::switchTransition);
        }

        private RoutingSnapshot switchTransition(RoutingSnapshot current, Colour target, Instant at) {
            return Transitions.switchTo(current, target, ChangeKind.SWITCH, at, by, forced);
        }

        /**
         * As {@link BlueGreen#promote()}, attributed.
         *
         * @return the new snapshot, of kind {@link ChangeKind#PROMOTE}, with this actor and reason
         * @throws ChangeRefusedException as {@link BlueGreen#promote()}; recorded in {@link BlueGreen#refusals()}
         *         first
         * @throws IllegalStateException if the {@link BlueGreen} is closed
         */
        public RoutingSnapshot promote() {
            return promote(ANY_GENERATION);
        }

        /**
         * As {@link BlueGreen#promote(long)}, attributed.
         *
         * @param expectedGeneration the generation the caller decided on, or {@link #ANY_GENERATION}
         * @return the new snapshot, of kind {@link ChangeKind#PROMOTE}, with this actor and reason
         * @throws IllegalArgumentException if {@code expectedGeneration} is below {@link #ANY_GENERATION}
         * @throws ChangeRefusedException as {@link BlueGreen#promote(long)}; recorded in
         *         {@link BlueGreen#refusals()} first
         * @throws IllegalStateException if the {@link BlueGreen} is closed
         */
        public RoutingSnapshot promote(long expectedGeneration) {
            return admin.guarded("promote", expectedGeneration, by, !forced, ChangeKind.PROMOTE,
                    RoutingSnapshot::idle, this::promoteTransition);
        }

        /**
         * As {@link BlueGreen#promoteAsync(long)}, attributed.
         *
         * @param expectedGeneration the generation the caller decided on, or {@link #ANY_GENERATION}
         * @return the new snapshot, when applied
         */
        public CompletableFuture<RoutingSnapshot> promoteAsync(long expectedGeneration) {
            return admin.guardedAsync("promote", expectedGeneration, by, !forced, ChangeKind.PROMOTE,
                    RoutingSnapshot::idle, this::promoteTransition);
        }

        private RoutingSnapshot promoteTransition(RoutingSnapshot current, Colour target, Instant at) {
            return Transitions.switchTo(current, target, ChangeKind.PROMOTE, at, by, forced);
        }

        /**
         * As {@link BlueGreen#shift(Colour, int)}, attributed.
         *
         * @param target the idle colour
         * @param percent the share of new requests, 0 to 100
         * @return the new snapshot, of kind {@link ChangeKind#SHIFT}, with this actor and reason
         * @throws NullPointerException if {@code target} is {@code null}
         * @throws IllegalArgumentException if {@code percent} is out of range
         * @throws ChangeRefusedException as {@link BlueGreen#shift(Colour, int)}; recorded in
         *         {@link BlueGreen#refusals()} first
         * @throws IllegalStateException if the {@link BlueGreen} is closed
         */
        public RoutingSnapshot shift(Colour target, int percent) {
            return shift(target, percent, ANY_GENERATION);
        }

        /**
         * As {@link BlueGreen#shift(Colour, int, long)}, attributed.
         *
         * @param target the idle colour
         * @param percent the share of new requests, 0 to 100
         * @param expectedGeneration the generation the caller decided on, or {@link #ANY_GENERATION}
         * @return the new snapshot, of kind {@link ChangeKind#SHIFT}, with this actor and reason
         * @throws NullPointerException if {@code target} is {@code null}
         * @throws IllegalArgumentException if {@code percent} or {@code expectedGeneration} is out of range
         * @throws ChangeRefusedException as {@link BlueGreen#shift(Colour, int, long)}; recorded in
         *         {@link BlueGreen#refusals()} first
         * @throws IllegalStateException if the {@link BlueGreen} is closed
         */
        public RoutingSnapshot shift(Colour target, int percent, long expectedGeneration) {
            requireNonNull(target, "target");
            Transitions.requirePercent(percent);
            return admin.guarded(shiftAttempt(target, percent), expectedGeneration, by, !forced && percent > 0,
                    ChangeKind.SHIFT, current -> target,
                    (current, colour, at) -> Transitions.shift(current, colour, percent, at, by, forced));
        }

        /**
         * As {@link BlueGreen#shiftAsync(Colour, int, long)}, attributed.
         *
         * @param target the idle colour
         * @param percent the share of new requests, 0 to 100
         * @param expectedGeneration the generation the caller decided on, or {@link #ANY_GENERATION}
         * @return the new snapshot, when applied
         */
        public CompletableFuture<RoutingSnapshot> shiftAsync(Colour target, int percent, long expectedGeneration) {
            requireNonNull(target, "target");
            Transitions.requirePercent(percent);
            return admin.guardedAsync(shiftAttempt(target, percent), expectedGeneration, by,
                    !forced && percent > 0, ChangeKind.SHIFT, current -> target,
                    (current, colour, at) -> Transitions.shift(current, colour, percent, at, by, forced));
        }

        private static String shiftAttempt(Colour target, int percent) {
            return "shift " + percent + "% to " + target;
        }

        /**
         * As {@link BlueGreen#rollback()}, attributed.
         *
         * @return the new snapshot, of kind {@link ChangeKind#ROLLBACK}, with this actor and reason
         * @throws ChangeRefusedException as {@link BlueGreen#rollback()}; recorded in {@link BlueGreen#refusals()}
         *         first
         * @throws IllegalStateException if the {@link BlueGreen} is closed
         */
        public RoutingSnapshot rollback() {
            return rollback(ANY_GENERATION);
        }

        /**
         * As {@link BlueGreen#rollback(long)}, attributed.
         *
         * @param expectedGeneration the generation the caller decided on, or {@link #ANY_GENERATION}
         * @return the new snapshot, of kind {@link ChangeKind#ROLLBACK}, with this actor and reason
         * @throws IllegalArgumentException if {@code expectedGeneration} is below {@link #ANY_GENERATION}
         * @throws ChangeRefusedException as {@link BlueGreen#rollback(long)}; recorded in
         *         {@link BlueGreen#refusals()} first
         * @throws IllegalStateException if the {@link BlueGreen} is closed
         */
        public RoutingSnapshot rollback(long expectedGeneration) {
            return admin.apply("rollback", expectedGeneration, by,
                    (current, at) -> Transitions.rollback(current, at, by));
        }

        /**
         * As {@link BlueGreen#rollbackAsync(long)}, attributed.
         *
         * @param expectedGeneration the generation the caller decided on, or {@link #ANY_GENERATION}
         * @return the new snapshot, when applied
         */
        public CompletableFuture<RoutingSnapshot> rollbackAsync(long expectedGeneration) {
            admin.checkCanApply("rollback", expectedGeneration);
            CompletableFuture<RoutingSnapshot> result = new CompletableFuture<>();
            CompletableFuture.runAsync(() -> {
                try {
                    result.complete(rollback(expectedGeneration));
                } catch (RuntimeException | Error e) {
                    result.completeExceptionally(e);
                }
            });
            return result;
        }

        /**
         * As {@link BlueGreen#deploy(Colour, String, List)}, attributed.
         *
         * @param colour the pool to replace; must not be live
         * @param version the version label of the new pool
         * @param backends the new backends; may be empty to clear the pool
         * @return the new snapshot, of kind {@link ChangeKind#DEPLOY}, with this actor and reason
         * @throws NullPointerException if an argument or a backend is {@code null}
         * @throws IllegalArgumentException if the version or backends do not make a valid {@link Environment}
         * @throws ChangeRefusedException as {@link BlueGreen#deploy(Deployment)}; recorded in
         *         {@link BlueGreen#refusals()} first
         * @throws IllegalStateException if the {@link BlueGreen} is closed
         */
        public RoutingSnapshot deploy(Colour colour, String version, List<Backend> backends) {
            return deploy(Deployment.of(colour, version, backends));
        }

        /**
         * As {@link BlueGreen#deploy(Deployment)}, attributed.
         *
         * @param deployment the pool to install
         * @return the new snapshot, of kind {@link ChangeKind#DEPLOY}, with this actor and reason
         * @throws NullPointerException if {@code deployment} is {@code null}
         * @throws ChangeRefusedException as {@link BlueGreen#deploy(Deployment)}; recorded in
         *         {@link BlueGreen#refusals()} first
         * @throws IllegalStateException if the {@link BlueGreen} is closed
         */
        public RoutingSnapshot deploy(Deployment deployment) {
            requireNonNull(deployment, "deployment");
            return admin.apply("deploy to " + deployment.colour(), deployment.expectedGeneration(), by,
                    (current, at) -> Transitions.deploy(current, deployment, at, by));
        }

        /**
         * For logs and debugging.
         *
         * @return the actor and reason this object attributes changes to
         */
        @Override
        public String toString() {
            return "BlueGreen.Attributed[actor=" + Texts.quote(by.actor()) + ", reason="
                    + (by.reason() != null ? Texts.quote(by.reason()) : "(generated)") + (forced ? ", forced" : "")
                    + "]";
        }
    }

    /** A pure state transition; it may run several times for one verb, so it must have no side effects. */
    @FunctionalInterface
    private interface Transition {
        RoutingSnapshot next(RoutingSnapshot current, Instant at);
    }

    /** A pure transition that moves traffic towards {@code target}, the colour its guards judged. */
    @FunctionalInterface
    private interface GuardedTransition {
        RoutingSnapshot next(RoutingSnapshot current, Colour target, Instant at);
    }

    /** One addition of a guard, compared by identity like {@link Registration}. */
    private static final class GuardRegistration {
        final SwitchGuard guard;

        GuardRegistration(SwitchGuard guard) {
            this.guard = guard;
        }
    }

    /**
     * One addition of a listener; compared by identity so that closing one handle removes only its own
     * addition even when the same listener was added twice.
     */
    private static final class Registration {
        final ChangeListener listener;

        Registration(ChangeListener listener) {
            this.listener = listener;
        }
    }

    /**
     * Configures and builds a {@link BlueGreen}. Each option may be set once and is validated when set.
     *
     * <p>Not thread-safe: use from one thread. {@link #build()} may be called more than once; each call opens a
     * new store through the factory.
     */
    public static final class Builder {

        private Environment blue;
        private Environment green;
        private Colour live;
        private int historySize = -1;
        private Clock clock;
        private RoutingStoreFactory storeFactory;
        private Duration guardTimeout;
        private final List<ChangeListener> listeners = new ArrayList<>();
        private final List<SwitchGuard> guards = new ArrayList<>();

        private Builder() {
        }

        /**
         * The initial blue pool. Default: empty, version {@value Environment#NO_VERSION}.
         *
         * @param version the version label
         * @param backends the backends, copied
         * @return this builder
         * @throws NullPointerException if an argument or a backend is {@code null}
         * @throws IllegalArgumentException if they do not make a valid {@link Environment}
         * @throws IllegalStateException if the blue pool was already set
         */
        public Builder blue(String version, List<Backend> backends) {
            checkUnset(this.blue, "blue");
            this.blue = Environment.of(Colour.BLUE, version, backends);
            return this;
        }

        /**
         * The initial blue pool. Default: empty, version {@value Environment#NO_VERSION}.
         *
         * @param version the version label
         * @param backends the backends
         * @return this builder
         * @throws NullPointerException if an argument or a backend is {@code null}
         * @throws IllegalArgumentException if they do not make a valid {@link Environment}
         * @throws IllegalStateException if the blue pool was already set
         */
        public Builder blue(String version, Backend... backends) {
            return blue(version, Arrays.asList(requireNonNull(backends, "backends")));
        }

        /**
         * The initial green pool. Default: empty, version {@value Environment#NO_VERSION}.
         *
         * @param version the version label
         * @param backends the backends, copied
         * @return this builder
         * @throws NullPointerException if an argument or a backend is {@code null}
         * @throws IllegalArgumentException if they do not make a valid {@link Environment}
         * @throws IllegalStateException if the green pool was already set
         */
        public Builder green(String version, List<Backend> backends) {
            checkUnset(this.green, "green");
            this.green = Environment.of(Colour.GREEN, version, backends);
            return this;
        }

        /**
         * The initial green pool. Default: empty, version {@value Environment#NO_VERSION}.
         *
         * @param version the version label
         * @param backends the backends
         * @return this builder
         * @throws NullPointerException if an argument or a backend is {@code null}
         * @throws IllegalArgumentException if they do not make a valid {@link Environment}
         * @throws IllegalStateException if the green pool was already set
         */
        public Builder green(String version, Backend... backends) {
            return green(version, Arrays.asList(requireNonNull(backends, "backends")));
        }

        /**
         * The colour that is live at the start. Default: {@link Colour#BLUE}. Its pool may be empty (a warning
         * is logged; the proxy answers 503 until a deployment adds backends).
         *
         * @param colour the live colour
         * @return this builder
         * @throws NullPointerException if {@code colour} is {@code null}
         * @throws IllegalStateException if the live colour was already set
         */
        public Builder live(Colour colour) {
            requireNonNull(colour, "colour");
            checkUnset(this.live, "live");
            this.live = colour;
            return this;
        }

        /**
         * How many changes {@link BlueGreen#history()} keeps, and how many refused attempts
         * {@link BlueGreen#refusals()} keeps. Default: {@value BlueGreen#DEFAULT_HISTORY_SIZE}.
         *
         * @param size 1 to {@value BlueGreen#MAX_HISTORY_SIZE}
         * @return this builder
         * @throws IllegalArgumentException if {@code size} is out of range
         * @throws IllegalStateException if the history size was already set
         */
        public Builder historySize(int size) {
            if (size < 1 || size > MAX_HISTORY_SIZE) {
                throw new IllegalArgumentException("historySize: " + size + " (expected: 1-" + MAX_HISTORY_SIZE + ")");
            }
            if (this.historySize != -1) {
                throw new IllegalStateException("historySize was already set to " + this.historySize);
            }
            this.historySize = size;
            return this;
        }

        /**
         * The clock that stamps {@link RoutingSnapshot#changedAt()}. Default: {@link Clock#systemUTC()}.
         *
         * @param clock the clock; called once per try of a change (again when a change is retried after losing a
         *        race with another writer), from the thread making the change; it stamps refusals too
         * @return this builder
         * @throws NullPointerException if {@code clock} is {@code null}
         * @throws IllegalStateException if the clock was already set
         */
        public Builder clock(Clock clock) {
            requireNonNull(clock, "clock");
            checkUnset(this.clock, "clock");
            this.clock = clock;
            return this;
        }

        /**
         * Where the routing state lives. Default: {@code InMemoryRoutingStore::create}.
         *
         * @param factory opens the store from the initial snapshot built from this builder
         * @return this builder
         * @throws NullPointerException if {@code factory} is {@code null}
         * @throws IllegalStateException if the store was already set
         */
        public Builder store(RoutingStoreFactory factory) {
            requireNonNull(factory, "factory");
            checkUnset(this.storeFactory, "store");
            this.storeFactory = factory;
            return this;
        }

        /**
         * Adds a listener, registered before the store can deliver anything, so it hears every change. May be
         * called several times; listeners are called in the order added.
         *
         * @param listener the listener
         * @return this builder
         * @throws NullPointerException if {@code listener} is {@code null}
         */
        public Builder listener(ChangeListener listener) {
            listeners.add(requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Adds a guard that runs before every switch, promotion and shift. May be called several times; guards run
         * in the order added, before those added later with {@link BlueGreen#addGuard(SwitchGuard)}.
         *
         * @param guard the guard
         * @return this builder
         * @throws NullPointerException if {@code guard} is {@code null}
         */
        public Builder guard(SwitchGuard guard) {
            guards.add(requireNonNull(guard, "guard"));
            return this;
        }

        /**
         * How long each guard may take before it counts as failed. Default: 10 seconds.
         *
         * @param timeout more than zero, at most one hour
         * @return this builder
         * @throws NullPointerException if {@code timeout} is {@code null}
         * @throws IllegalArgumentException if it is out of range
         * @throws IllegalStateException if the guard timeout was already set
         */
        public Builder guardTimeout(Duration timeout) {
            requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("guardTimeout: " + timeout + " (expected: more than 0, at most 1 h)");
            }
            checkUnset(this.guardTimeout, "guardTimeout");
            this.guardTimeout = timeout;
            return this;
        }

        /**
         * Opens the store and builds the admin object. Colours not given are {@link Environment#empty empty}.
         *
         * @return the admin object
         * @throws ChangeRefusedException with {@link ChangeRefusedException.Refusal#STORE_REJECTED} if the store
         *         can't be opened
         * @throws NullPointerException if the store factory returns {@code null}
         */
        public BlueGreen build() {
            Clock resolvedClock = clock != null ? clock : Clock.systemUTC();
            RoutingSnapshot initial = RoutingSnapshot.initial(live != null ? live : Colour.BLUE,
                    blue != null ? blue : Environment.empty(Colour.BLUE),
                    green != null ? green : Environment.empty(Colour.GREEN),
                    resolvedClock.instant());
            return new BlueGreen(storeFactory != null ? storeFactory : InMemoryRoutingStore::create, initial,
                    resolvedClock, historySize != -1 ? historySize : DEFAULT_HISTORY_SIZE, List.copyOf(listeners),
                    List.copyOf(guards), guardTimeout != null ? guardTimeout : DEFAULT_GUARD_TIMEOUT);
        }

        private static void checkUnset(Object current, String option) {
            if (current != null) {
                throw new IllegalStateException(option + " was already set to " + current);
            }
        }
    }
}
