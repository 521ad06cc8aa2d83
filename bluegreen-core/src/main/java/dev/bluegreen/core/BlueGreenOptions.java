package dev.bluegreen.core;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.internal.Texts;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The options of {@link BlueGreen.Builder}, each set once and validated when set, and their defaults.
 *
 * <p>Package-private: {@link BlueGreen.Builder} is its only subclass, and its public methods are the builder's. The
 * options live in a file of their own so that {@code BlueGreen.java} holds the admin object only, while users keep
 * writing {@code BlueGreen.Builder}.
 *
 * <p>Not thread-safe: use from one thread.
 */
abstract class BlueGreenOptions {

    /** The default history size; {@link BlueGreen#DEFAULT_HISTORY_SIZE}. */
    static final int DEFAULT_HISTORY_SIZE = 100;

    /** The largest history size; {@link BlueGreen#MAX_HISTORY_SIZE}. */
    static final int MAX_HISTORY_SIZE = 100_000;

    /** The default guard timeout; {@link BlueGreen#DEFAULT_GUARD_TIMEOUT}. */
    static final Duration DEFAULT_GUARD_TIMEOUT = Duration.ofSeconds(10);

    private Environment blue;
    private Environment green;
    private Colour live;
    private int historySize = -1;
    private Clock clock;
    private RoutingStoreFactory storeFactory;
    private Duration guardTimeout;
    private final List<ChangeListener> listeners = new ArrayList<>();
    private final List<SwitchGuard> guards = new ArrayList<>();

    BlueGreenOptions() {
    }

    /** The builder these options belong to, for the fluent calls. */
    abstract BlueGreen.Builder self();

    /**
     * The initial blue pool. Default: empty, version {@value Environment#NO_VERSION}. A store that already
     * holds a state (a shared or durable one) keeps its own pools: this one only seeds a new store.
     *
     * @param version the version label
     * @param backends the backends, copied
     * @return this builder
     * @throws NullPointerException if an argument or a backend is {@code null}
     * @throws IllegalArgumentException if they do not make a valid {@link Environment}
     * @throws IllegalStateException if the blue pool was already set
     */
    public BlueGreen.Builder blue(String version, List<Backend> backends) {
        checkUnset(this.blue, "blue");
        this.blue = Environment.of(Colour.BLUE, version, backends);
        return self();
    }

    /**
     * The initial blue pool; as {@link #blue(String, List)}.
     *
     * @param version the version label
     * @param backends the backends
     * @return this builder
     * @throws NullPointerException if an argument or a backend is {@code null}
     * @throws IllegalArgumentException if they do not make a valid {@link Environment}
     * @throws IllegalStateException if the blue pool was already set
     */
    public BlueGreen.Builder blue(String version, Backend... backends) {
        return blue(version, Arrays.asList(requireNonNull(backends, "backends")));
    }

    /**
     * The initial green pool. Default: empty, version {@value Environment#NO_VERSION}. As for
     * {@link #blue(String, List)}, a store that already holds a state keeps its own.
     *
     * @param version the version label
     * @param backends the backends, copied
     * @return this builder
     * @throws NullPointerException if an argument or a backend is {@code null}
     * @throws IllegalArgumentException if they do not make a valid {@link Environment}
     * @throws IllegalStateException if the green pool was already set
     */
    public BlueGreen.Builder green(String version, List<Backend> backends) {
        checkUnset(this.green, "green");
        this.green = Environment.of(Colour.GREEN, version, backends);
        return self();
    }

    /**
     * The initial green pool; as {@link #green(String, List)}.
     *
     * @param version the version label
     * @param backends the backends
     * @return this builder
     * @throws NullPointerException if an argument or a backend is {@code null}
     * @throws IllegalArgumentException if they do not make a valid {@link Environment}
     * @throws IllegalStateException if the green pool was already set
     */
    public BlueGreen.Builder green(String version, Backend... backends) {
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
    public BlueGreen.Builder live(Colour colour) {
        requireNonNull(colour, "colour");
        checkUnset(this.live, "live");
        this.live = colour;
        return self();
    }

    /**
     * How many changes {@link BlueGreen#history()} keeps, and how many refused attempts
     * {@link BlueGreen#refusals()} keeps. Default: {@value #DEFAULT_HISTORY_SIZE}.
     *
     * @param size 1 to {@value #MAX_HISTORY_SIZE}
     * @return this builder
     * @throws IllegalArgumentException if {@code size} is out of range
     * @throws IllegalStateException if the history size was already set
     */
    public BlueGreen.Builder historySize(int size) {
        if (size < 1 || size > MAX_HISTORY_SIZE) {
            throw new IllegalArgumentException("historySize: " + size + " (expected: 1-" + MAX_HISTORY_SIZE + ")");
        }
        if (this.historySize != -1) {
            throw new IllegalStateException("historySize was already set to " + this.historySize);
        }
        this.historySize = size;
        return self();
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
    public BlueGreen.Builder clock(Clock clock) {
        requireNonNull(clock, "clock");
        checkUnset(this.clock, "clock");
        this.clock = clock;
        return self();
    }

    /**
     * Where the routing state lives. Default: {@code InMemoryRoutingStore::create}.
     *
     * @param factory opens the store from the initial snapshot built from this builder
     * @return this builder
     * @throws NullPointerException if {@code factory} is {@code null}
     * @throws IllegalStateException if the store was already set
     */
    public BlueGreen.Builder store(RoutingStoreFactory factory) {
        requireNonNull(factory, "factory");
        checkUnset(this.storeFactory, "store");
        this.storeFactory = factory;
        return self();
    }

    /**
     * Adds a listener, registered before the store can deliver anything, so it hears every change. May be
     * called several times; listeners are called in the order added.
     *
     * @param listener the listener
     * @return this builder
     * @throws NullPointerException if {@code listener} is {@code null}
     */
    public BlueGreen.Builder listener(ChangeListener listener) {
        listeners.add(requireNonNull(listener, "listener"));
        return self();
    }

    /**
     * Adds a guard that runs before every switch, promotion and shift. May be called several times; guards run
     * in the order added, before those added later with {@link BlueGreen#addGuard(SwitchGuard)}.
     *
     * @param guard the guard
     * @return this builder
     * @throws NullPointerException if {@code guard} is {@code null}
     */
    public BlueGreen.Builder guard(SwitchGuard guard) {
        guards.add(requireNonNull(guard, "guard"));
        return self();
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
    public BlueGreen.Builder guardTimeout(Duration timeout) {
        requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("guardTimeout: " + Texts.duration(timeout)
                    + " (expected: more than 0, at most 1 h)");
        }
        checkUnset(this.guardTimeout, "guardTimeout");
        this.guardTimeout = timeout;
        return self();
    }

    /** The clock, or the default. */
    Clock resolvedClock() {
        return clock != null ? clock : Clock.systemUTC();
    }

    /** The snapshot a new store starts from: the pools and live colour set here, or the defaults. */
    RoutingSnapshot initialSnapshot(Clock clock) {
        return RoutingSnapshot.initial(live != null ? live : Colour.BLUE,
                blue != null ? blue : Environment.empty(Colour.BLUE),
                green != null ? green : Environment.empty(Colour.GREEN),
                clock.instant());
    }

    RoutingStoreFactory resolvedStoreFactory() {
        return storeFactory != null ? storeFactory : InMemoryRoutingStore::create;
    }

    int resolvedHistorySize() {
        return historySize != -1 ? historySize : DEFAULT_HISTORY_SIZE;
    }

    Duration resolvedGuardTimeout() {
        return guardTimeout != null ? guardTimeout : DEFAULT_GUARD_TIMEOUT;
    }

    List<ChangeListener> listeners() {
        return List.copyOf(listeners);
    }

    List<SwitchGuard> guards() {
        return List.copyOf(guards);
    }

    private static void checkUnset(Object current, String option) {
        if (current != null) {
            throw new IllegalStateException(option + " was already set to " + current);
        }
    }
}
