package dev.bluegreen.core;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.internal.Attribution;
import dev.bluegreen.core.internal.AuditLog;
import dev.bluegreen.core.internal.ChangeApplier;
import dev.bluegreen.core.internal.Registrations;
import dev.bluegreen.core.internal.Texts;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
 * it, so two admins can't both act on the same state. Each verb is a shorthand for one {@link ChangeRequest}, which
 * {@link #apply(ChangeRequest)} and {@link #applyAsync(ChangeRequest)} take whole.
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
public final class BlueGreen extends ChangeVerbs implements AutoCloseable {

    /** Passed as an expected generation: apply the change to whatever the current generation is. */
    public static final long ANY_GENERATION = ChangeRequest.ANY_GENERATION;

    /** The default {@link Builder#historySize(int)}. */
    public static final int DEFAULT_HISTORY_SIZE = BlueGreenOptions.DEFAULT_HISTORY_SIZE;

    /** The largest {@link Builder#historySize(int)}. */
    public static final int MAX_HISTORY_SIZE = BlueGreenOptions.MAX_HISTORY_SIZE;

    /** The {@link RoutingSnapshot#actor() actor} recorded by the plain verbs of this class. */
    public static final String DEFAULT_ACTOR = ChangeRequest.DEFAULT_ACTOR;

    /** The default {@link Builder#guardTimeout(Duration)}. */
    public static final Duration DEFAULT_GUARD_TIMEOUT = BlueGreenOptions.DEFAULT_GUARD_TIMEOUT;

    private static final Logger log = LoggerFactory.getLogger(BlueGreen.class);

    private final RoutingStore store;
    private final Registrations<SwitchGuard> guards = new Registrations<>();
    private final AuditLog audit;
    private final ChangeApplier applier;

    private BlueGreen(BlueGreenOptions options) {
        Clock clock = options.resolvedClock();
        for (SwitchGuard guard : options.guards()) {
            guards.add(guard);
        }
        RoutingSnapshot initial = options.initialSnapshot(clock);
        this.store = requireNonNull(options.resolvedStoreFactory().open(initial), "the store factory returned null");
        RoutingSnapshot start = store.current();
        this.audit = new AuditLog(log, options.resolvedHistorySize(), options.listeners(), start,
                store.auditTrail().orElse(null));
        this.applier = new ChangeApplier(store, clock, guards, options.resolvedGuardTimeout(), audit);
        // Subscribed last: every listener given to the builder is in place before the first delivery.
        store.subscribe(audit::onApplied);
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
     * {@inheritDoc}
     *
     * <p>The request is recorded with its own actor and reason ({@value #DEFAULT_ACTOR} and a generated description
     * unless {@link ChangeRequest#by} named them).
     */
    @Override
    public RoutingSnapshot apply(ChangeRequest request) {
        return applier.apply(requireNonNull(request, "request"));
    }

    /**
     * {@inheritDoc}
     *
     * <p>The request is recorded with its own actor and reason, as for {@link #apply(ChangeRequest)}.
     */
    @Override
    public CompletableFuture<RoutingSnapshot> applyAsync(ChangeRequest request) {
        return applier.applyAsync(requireNonNull(request, "request"));
    }

    /**
     * The verbs of this object with the guards skipped, attributed to {@value #DEFAULT_ACTOR}: for when the
     * operator knows better than the guards (a health endpoint that is itself broken, say). The snapshots they
     * make have {@link RoutingSnapshot#forced()} set and a reason that says the guards were skipped.
     *
     * @return the forced verbs
     */
    public Attributed forced() {
        return new Attributed(this, new Attribution(DEFAULT_ACTOR, null), true);
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
     * Adds a guard that runs before every later switch, promotion and shift, after the guards added before it.
     *
     * <p>A closed object makes no more changes, so a guard added to it would never run: that is refused, as a change
     * is, rather than accepted and ignored. An addition racing with {@link #close()} may be accepted, as one made
     * just before it. A handle taken before the close may still be closed after it.
     *
     * @param guard the guard
     * @return a handle whose {@code close()} removes it; idempotent, never throws
     * @throws NullPointerException if {@code guard} is {@code null}
     * @throws IllegalStateException if this object is {@linkplain #isClosed() closed}
     */
    public AutoCloseable addGuard(SwitchGuard guard) {
        requireNonNull(guard, "guard");
        requireOpen("addGuard", "guard would never run");
        return guards.add(guard);
    }

    /**
     * The guards that run before a switch, a promotion or a shift, in the order they run.
     *
     * @return an immutable copy
     */
    public List<SwitchGuard> guards() {
        return guards.items();
    }

    /**
     * Adds a listener for the changes applied from now on. Thread-safe; a listener added while a change is being
     * delivered may or may not hear that change.
     *
     * <p>Listeners hear nothing once this object is closed, so adding one to a closed object is refused, as a change
     * is, rather than accepted and never called. An addition racing with {@link #close()} may be accepted, as one made
     * just before it. A handle taken before the close may still be closed after it.
     *
     * @param listener the listener; may be added more than once, and then hears each change once per addition
     * @return a handle whose {@code close()} removes this addition of the listener; idempotent, never throws
     * @throws NullPointerException if {@code listener} is {@code null}
     * @throws IllegalStateException if this object is {@linkplain #isClosed() closed}
     */
    public AutoCloseable addListener(ChangeListener listener) {
        requireNonNull(listener, "listener");
        requireOpen("addListener", "listener would never be called");
        return audit.addListener(listener);
    }

    /** Refuses what a closed object would silently ignore, in the words a refused change uses. */
    private void requireOpen(String what, String consequence) {
        if (isClosed()) {
            throw new IllegalStateException(what + " refused: this BlueGreen is closed (expected: an open BlueGreen;"
                    + " the " + consequence + ")");
        }
    }

    /**
     * The last changes, oldest first, at most {@link Builder#historySize(int)} of them. Lock-free.
     *
     * <p>With a store that keeps an {@link AuditTrail} the list is the store's: a {@link FileRoutingStore}'s goes back
     * before this process started, a ZooKeeper store's holds the changes made through every instance of the fleet
     * (each with the instance that made it, {@link Change#instance()}).
     *
     * @return an immutable list; the changes applied since this object was built (or the store's record), minus the
     *         oldest beyond the bound
     */
    public List<Change> history() {
        return audit.history();
    }

    /**
     * The last refused change attempts, oldest first (in the order they were recorded, which for attempts on
     * different threads is the order of their {@link RefusedChange#at()} up to the clock's precision), at most
     * {@link Builder#historySize(int)} of them. Every verb that throws a {@link ChangeRefusedException} adds one
     * first, whatever the refusal; bad input and a closed object are not refusals. Lock-free. With a store that keeps
     * an {@link AuditTrail}, the list is the store's (a {@link FileRoutingStore} keeps them across restarts).
     *
     * @return an immutable list; the refusals since this object was built (or the store's record), minus the oldest
     *         beyond the bound
     */
    public List<RefusedChange> refusals() {
        return audit.refusals();
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
     * Whether {@link #close()} was called: changes, listeners and guards are refused from then on, and a proxy
     * refuses to start on it.
     *
     * @return {@code true} once closed
     */
    public boolean isClosed() {
        return applier.isClosed();
    }

    /**
     * Closes the store; later changes, {@link #addListener} and {@link #addGuard} throw {@link IllegalStateException}
     * and listeners hear nothing more (an attempt racing with the close may still be refused by the store; it is
     * recorded in {@link #refusals()} but not told to listeners). {@link #snapshot()}, {@link #history()},
     * {@link #refusals()} and {@link #guards()} keep returning the last state. Idempotent.
     */
    @Override
    public void close() {
        if (applier.close()) {
            audit.close();
            store.close();
        }
    }

    /**
     * The verbs of a {@link BlueGreen}, attributed to an actor and a reason; made by {@link BlueGreen#as} and
     * {@link BlueGreen#forced()}. Each behaves exactly as the verb of the same name on {@link BlueGreen} (same
     * checks, refusals and threading), and records this actor and reason in the snapshot it makes, or in the
     * {@link RefusedChange} if it is refused.
     *
     * <p>Immutable and thread-safe; may be kept and reused for any number of changes.
     */
    public static final class Attributed extends ChangeVerbs {

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
         * {@inheritDoc}
         *
         * <p>The request is recorded with this object's actor and reason, whatever it names, and skips the guards if
         * these verbs are {@link #forced()}.
         */
        @Override
        public RoutingSnapshot apply(ChangeRequest request) {
            return admin.apply(stamped(request));
        }

        /**
         * {@inheritDoc}
         *
         * <p>Attributed and forced as {@link #apply(ChangeRequest)}.
         */
        @Override
        public CompletableFuture<RoutingSnapshot> applyAsync(ChangeRequest request) {
            return admin.applyAsync(stamped(request));
        }

        private ChangeRequest stamped(ChangeRequest request) {
            ChangeRequest attributed = requireNonNull(request, "request").attributed(by);
            return forced ? attributed.forced() : attributed;
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

    /**
     * Configures and builds a {@link BlueGreen}. Each option may be set once and is validated when set; the options
     * and their defaults are described with each method.
     *
     * <p>Not thread-safe: use from one thread. {@link #build()} may be called more than once; each call opens a
     * new store through the factory.
     */
    public static final class Builder extends BlueGreenOptions {

        private Builder() {
        }

        @Override
        Builder self() {
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
            return new BlueGreen(this);
        }
    }
}
