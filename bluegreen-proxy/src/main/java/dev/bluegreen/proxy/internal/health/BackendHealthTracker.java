package dev.bluegreen.proxy.internal.health;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.BackendHealth;
import dev.bluegreen.proxy.HealthCheckSettings;
import dev.bluegreen.proxy.HealthState;
import dev.bluegreen.proxy.OutlierEjection;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The health of one backend of one pool, shared by every event loop: written by the loop that runs its checks and by
 * any loop whose requests fail on it, read by every loop when it picks a backend, and by any thread for the admin
 * view. The state is an immutable {@link Status} swapped by compare-and-set; the caller publishes the change after
 * the swap, never inside it.
 */
public final class BackendHealthTracker {

    /**
     * One consistent state.
     *
     * @param state             the active checks' verdict
     * @param passes            passes in a row
     * @param failures          failures in a row
     * @param lastCheckedMillis wall-clock end of the last check, or -1
     * @param reason            why the last check or ejection came out as it did, or null
     * @param ejectedUntilNanos ticker time an ejection ends; in the past when not ejected
     * @param ejections         the decaying count of recent ejections (the multiplier of the next one)
     * @param backNanos         ticker time it last came back, healthy again after failing its checks or at the end
     *                          of an ejection, where a slow start begins; long before any window when it never did
     */
    record Status(HealthState state, int passes, int failures, long lastCheckedMillis, String reason,
                  long ejectedUntilNanos, int ejections, long backNanos) {
    }

    /** The steps of a slow start: a ramped weight is counted in hundredths of a backend's weight. */
    static final int RAMP_STEPS = 100;
    /** A {@link Status#backNanos()} for a backend that never came back: further back than any slow start lasts. */
    private static final long NEVER_BACK = 1L << 62;

    /** A state change: the status before and after one swap. */
    record Transition(Status before, Status after) {
    }

    private final Colour colour;
    /** The server's record in the pool now ({@link #follow}): a redeploy may change its weight or limit. */
    private volatile Backend backend;
    private final AtomicReference<Status> status;
    /** Requests that failed in a row (passive); kept apart from the status so that a success is one plain read. */
    private final AtomicInteger consecutiveErrors = new AtomicInteger();

    BackendHealthTracker(Colour colour, Backend backend, long nowNanos) {
        this.colour = colour;
        this.backend = backend;
        // "Ejected until now": not ejected, and the ejection multiplier starts decayed.
        this.status = new AtomicReference<>(
                new Status(HealthState.UNKNOWN, 0, 0, -1, null, nowNanos, 0, nowNanos - NEVER_BACK));
    }

    /** The pool. */
    public Colour colour() {
        return colour;
    }

    /** The backend, as its pool has it now. */
    public Backend backend() {
        return backend;
    }

    /** Its pool has the server as {@code current} now: of another weight or limit, the same id and address. */
    void follow(Backend current) {
        backend = current;
    }

    Status status() {
        return status.get();
    }

    /** Whether load balancing may send it a request at ticker time {@code nowNanos}. */
    public boolean usable(long nowNanos) {
        Status s = status.get();
        return s.state() != HealthState.UNHEALTHY && s.ejectedUntilNanos() - nowNanos <= 0;
    }

    /**
     * Its weight for load balancing at {@code nowNanos}: {@code full}, or, within {@code windowNanos} after it came
     * back (slow start), the share of it the time since then is of the window, at least 1.
     */
    int rampedWeight(int full, long nowNanos, long windowNanos) {
        long since = nowNanos - status.get().backNanos();
        // Before it is back (still ejected) it is not picked at all: the full weight does no harm.
        return since < 0 || since >= windowNanos ? full : (int) Math.max(1, full * since / windowNanos);
    }

    /** Whether it is ejected at {@code nowNanos}. */
    boolean ejected(long nowNanos) {
        return status.get().ejectedUntilNanos() - nowNanos > 0;
    }

    /**
     * Records the result of an active check.
     *
     * @return the status before and after
     */
    Transition recordCheck(boolean passed, String reason, HealthCheckSettings settings, long wallMillis,
                           long nowNanos) {
        for (;;) {
            Status before = status.get();
            HealthState state = before.state();
            int passes = passed ? before.passes() + 1 : 0;
            int failures = passed ? 0 : before.failures() + 1;
            if (state == HealthState.UNKNOWN && passed) {
                // One pass is enough to know: the guard can count the backend one check after start or deploy.
                state = HealthState.HEALTHY;
            } else if (state != HealthState.UNHEALTHY && failures >= settings.fall()) {
                // An unknown backend takes traffic like a healthy one, and loses it the same way: after a full
                // fall, so that one slow first check on a busy machine doesn't take a whole pool out (HAProxy
                // likewise starts its servers up).
                state = HealthState.UNHEALTHY;
            } else if (state == HealthState.UNHEALTHY && passes >= settings.rise()) {
                state = HealthState.HEALTHY;
            }
            long back = before.backNanos();
            if (before.state() == HealthState.UNHEALTHY && state == HealthState.HEALTHY) {
                // Back now, or when its ejection ends if that is later.
                long ejectedFor = before.ejectedUntilNanos() - nowNanos;
                back = ejectedFor > 0 ? before.ejectedUntilNanos() : nowNanos;
            }
            Status after = new Status(state, passes, failures, wallMillis, reason, before.ejectedUntilNanos(),
                    before.ejections(), back);
            if (status.compareAndSet(before, after)) {
                return new Transition(before, after);
            }
        }
    }

    /** A request on it succeeded (any response below 500): the passive failure count starts again. */
    public void requestSucceeded() {
        if (consecutiveErrors.get() != 0) {
            consecutiveErrors.set(0);
        }
    }

    /** A request on it failed; returns the failures in a row, this one included. */
    int requestFailed() {
        return consecutiveErrors.incrementAndGet();
    }

    /**
     * Ejects it at {@code nowNanos} unless it is ejected already.
     *
     * @return the status before and after, or {@code null} if it was ejected already
     */
    Transition eject(long nowNanos, OutlierEjection settings, String reason) {
        long base = settings.baseEjectionTime().toNanos();
        long max = settings.maxEjectionTime().toNanos();
        for (;;) {
            Status before = status.get();
            if (before.ejectedUntilNanos() - nowNanos > 0) {
                return null;
            }
            // The multiplier falls by one for every base period spent without an ejection since the last one ended.
            long quietPeriods = (nowNanos - before.ejectedUntilNanos()) / base;
            int ejections = (int) Math.max(0, before.ejections() - quietPeriods) + 1;
            long duration = Math.min(max, base * ejections);
            Status after = new Status(before.state(), before.passes(), before.failures(), before.lastCheckedMillis(),
                    reason, nowNanos + duration, ejections, nowNanos + duration);
            if (status.compareAndSet(before, after)) {
                consecutiveErrors.set(0);
                return new Transition(before, after);
            }
        }
    }

    /** The public view of {@code s} at ticker time {@code nowNanos}, wall-clock time from {@code clock}. */
    BackendHealth view(Status s, long nowNanos, Clock clock) {
        long left = s.ejectedUntilNanos() - nowNanos;
        Instant ejectedUntil = left > 0 ? clock.instant().plusNanos(left) : null;
        Instant lastChecked = s.lastCheckedMillis() < 0 ? null : Instant.ofEpochMilli(s.lastCheckedMillis());
        return new BackendHealth(colour, backend, s.state(), ejectedUntil, lastChecked, s.reason());
    }

    @Override
    public String toString() {
        return colour.label() + "/" + backend.id();
    }
}
