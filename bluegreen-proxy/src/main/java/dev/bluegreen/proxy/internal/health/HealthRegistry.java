package dev.bluegreen.proxy.internal.health;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.core.internal.Texts;
import dev.bluegreen.proxy.BackendHealth;
import dev.bluegreen.proxy.HealthListener;
import dev.bluegreen.proxy.HealthState;
import dev.bluegreen.proxy.OutlierEjection;
import dev.bluegreen.proxy.internal.routing.ServerIdentity;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health of every backend of both pools, shared by the event loops: one {@link BackendHealthTracker} per server
 * ({@link ServerIdentity}: a backend's id and address) per colour, kept in step with the routing snapshot, so that a
 * redeploy that changes only a backend's weight or limit keeps its health, its ejection and its checks' schedule. It
 * applies check results and request failures, caps passive ejection per pool, and publishes every change to the
 * {@link HealthListener}s (after the state was swapped, each listener call guarded). Lock-free: readers on the request
 * path only read.
 */
public final class HealthRegistry {

    private static final Logger log = LoggerFactory.getLogger(HealthRegistry.class);

    /** Runs a task after a delay; the proxy gives an event loop's scheduler, tests may give none. */
    @FunctionalInterface
    public interface Scheduler {
        void schedule(Runnable task, long delayNanos);
    }

    /** The trackers of one colour's pool, and the token that makes ejection decisions one at a time. */
    private static final class Pool {
        /** One tracker per server of the pool. */
        final Map<ServerIdentity, BackendHealthTracker> trackers = new ConcurrentHashMap<>();
        /**
         * Each backend record of the pool, to its server's tracker: what the request path looks up, as a record it has
         * in hand needs no key made. A record it misses (of a routing state older than the pool's) is looked up by its
         * server.
         */
        final Map<Backend, BackendHealthTracker> byRecord = new ConcurrentHashMap<>();
        /** Bumped by every ejection: a decision taken against a stale count retries instead of exceeding the cap. */
        final AtomicLong ejectionVersion = new AtomicLong();
        /**
         * The latest ticker time a backend of the pool came back, or comes back at an ejection's end; {@code null}
         * until one does. A slow start's look at the pool ends here when that is a window ago, as almost always,
         * rather than look up every backend's tracker for each pick. Boxed: set only when a backend comes back.
         */
        final AtomicReference<Long> latestBack = new AtomicReference<>();

        /** Notes that a backend of the pool came back, or comes back, at ticker time {@code backNanos}. */
        void cameBack(long backNanos) {
            latestBack.accumulateAndGet(backNanos,
                    (latest, back) -> latest == null || back - latest > 0 ? back : latest);
        }

        /** Whether no backend of the pool came back within {@code windowNanos} before {@code nowNanos}, nor will. */
        boolean noneRamping(long nowNanos, long windowNanos) {
            Long latest = latestBack.get();
            return latest == null || nowNanos - latest >= windowNanos;
        }

        /** The tracker of {@code backend}'s server, or {@code null}: by its record, else by its server. */
        BackendHealthTracker tracker(Backend backend) {
            BackendHealthTracker tracker = byRecord.get(backend);
            return tracker != null ? tracker : trackers.get(ServerIdentity.of(backend));
        }
    }

    private final HealthSettings settings;
    private final LongSupplier ticker;
    private final Clock clock;
    private final Scheduler scheduler;
    private final Map<Colour, Pool> pools = new EnumMap<>(Colour.class);
    private final List<HealthListener> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param ticker    monotonic nanoseconds (ejection deadlines)
     * @param clock     wall-clock time for the public view
     * @param scheduler runs the task that announces the end of an ejection
     */
    public HealthRegistry(HealthSettings settings, LongSupplier ticker, Clock clock, Scheduler scheduler) {
        this.settings = settings;
        this.ticker = ticker;
        this.clock = clock;
        this.scheduler = scheduler;
        for (Colour colour : Colour.values()) {
            pools.put(colour, new Pool());
        }
    }

    /** The settings this registry applies. */
    public HealthSettings settings() {
        return settings;
    }

    /** Ticker time now. */
    public long now() {
        return ticker.getAsLong();
    }

    /**
     * Brings the trackers in step with {@code snapshot}: new servers get a tracker (state unknown), servers no
     * longer in their pool lose theirs, and a server whose backend only changed its weight or limit keeps its own,
     * which follows the new record.
     *
     * @return the trackers added and removed
     */
    public Delta sync(RoutingSnapshot snapshot) {
        List<BackendHealthTracker> added = new ArrayList<>();
        List<BackendHealthTracker> removed = new ArrayList<>();
        long now = now();
        for (Colour colour : Colour.values()) {
            Pool pool = pools.get(colour);
            List<Backend> backends = snapshot.environment(colour).backends();
            Set<ServerIdentity> servers = new HashSet<>();
            for (Backend backend : backends) {
                ServerIdentity server = ServerIdentity.of(backend);
                servers.add(server);
                BackendHealthTracker tracker = pool.trackers.get(server);
                if (tracker == null) {
                    BackendHealthTracker fresh = new BackendHealthTracker(colour, backend, now);
                    tracker = pool.trackers.putIfAbsent(server, fresh);
                    if (tracker == null) {
                        tracker = fresh;
                        added.add(fresh);
                    }
                }
                tracker.follow(backend);
                pool.byRecord.put(backend, tracker);
            }
            pool.byRecord.keySet().retainAll(new HashSet<>(backends));
            pool.trackers.entrySet().removeIf(entry -> {
                boolean gone = !servers.contains(entry.getKey());
                if (gone) {
                    removed.add(entry.getValue());
                }
                return gone;
            });
        }
        return new Delta(added, removed);
    }

    /** What {@link #sync} changed. */
    public record Delta(List<BackendHealthTracker> added, List<BackendHealthTracker> removed) {
    }

    /**
     * The tracker of {@code backend}'s server in {@code colour}'s pool, whatever weight or limit the record gives it,
     * or {@code null} if it is not (or no longer) there.
     */
    public BackendHealthTracker tracker(Colour colour, Backend backend) {
        return pools.get(colour).tracker(backend);
    }

    /** Whether {@code backend} of {@code colour}'s pool may get requests now: not unhealthy, not ejected. */
    public boolean usable(Colour colour, Backend backend) {
        BackendHealthTracker tracker = tracker(colour, backend);
        return tracker == null || tracker.usable(now());
    }

    /**
     * Bit {@code i} set when backend {@code i} of {@code backends} (the first 64) must not get requests now:
     * unhealthy or ejected. Allocation-free; for the request path.
     */
    public long unusableMask(Colour colour, List<Backend> backends) {
        Pool pool = pools.get(colour);
        long now = now();
        long mask = 0;
        int size = Math.min(backends.size(), Long.SIZE);
        for (int i = 0; i < size; i++) {
            BackendHealthTracker tracker = pool.tracker(backends.get(i));
            if (tracker != null && !tracker.usable(now)) {
                mask |= 1L << i;
            }
        }
        return mask;
    }

    /**
     * The weights the backends of {@code colour}'s pool are picked by now, when a slow start is under way: each
     * backend's {@link Backend#weight() weight} in hundredths, ramped up for those that came back within the slow
     * start's window ({@link HealthSettings#slowStart()}), written into {@code weights}; or {@code null} when none is
     * ramping, as almost always, and the pool's own weights apply. Allocation-free.
     *
     * @param weights an array at least as long as {@code backends}, to write into
     */
    public int[] rampedWeights(Colour colour, List<Backend> backends, int[] weights) {
        Pool pool = pools.get(colour);
        long now = now();
        long window = settings.slowStart().toNanos();
        if (pool.noneRamping(now, window)) {
            return null;
        }
        boolean ramping = false;
        for (int i = 0; i < backends.size(); i++) {
            Backend backend = backends.get(i);
            BackendHealthTracker tracker = pool.tracker(backend);
            int full = backend.weight() * BackendHealthTracker.RAMP_STEPS;
            int weight = tracker == null ? full : tracker.rampedWeight(full, now, window);
            if (weight != full && !ramping) {
                ramping = true;
                for (int j = 0; j < i; j++) {
                    weights[j] = backends.get(j).weight() * BackendHealthTracker.RAMP_STEPS;
                }
            }
            if (ramping) {
                weights[i] = weight;
            }
        }
        return ramping ? weights : null;
    }

    /** Applies an active check's result and announces a change of state. */
    public void recordCheck(BackendHealthTracker tracker, boolean passed, String reason) {
        BackendHealthTracker.Transition change = tracker.recordCheck(passed, reason, settings.checks(), clock.millis(),
                now());
        BackendHealthTracker.Status before = change.before();
        BackendHealthTracker.Status after = change.after();
        if (after.backNanos() != before.backNanos()) {
            // A pick between the swap and this may still give it its whole weight: one pick, as if a moment earlier.
            pools.get(tracker.colour()).cameBack(after.backNanos());
        }
        if (before.state() != after.state()) {
            if (after.state() == HealthState.UNHEALTHY) {
                log.warn("health: {} is UNHEALTHY ({})", tracker, reason);
            } else {
                log.info("health: {} is {} ({}){}", tracker, after.state(), reason,
                        after.backNanos() != before.backNanos() ? slowStartNote() : "");
            }
            publish(tracker, before, after);
        }
    }

    /**
     * A request on {@code tracker}'s backend failed (connect failure or 5xx): with ejection on, the failure that
     * completes a run of consecutive failures ejects it, unless the pool's cap is reached.
     */
    public void requestFailed(BackendHealthTracker tracker, String reason) {
        OutlierEjection ejection = settings.ejection();
        if (ejection == null || tracker.requestFailed() < ejection.consecutiveFailures()) {
            return;
        }
        Pool pool = pools.get(tracker.colour());
        long now = now();
        for (;;) {
            long version = pool.ejectionVersion.get();
            if (tracker.ejected(now) || pool.trackers.get(ServerIdentity.of(tracker.backend())) != tracker) {
                return;
            }
            int ejected = 0;
            for (BackendHealthTracker other : pool.trackers.values()) {
                if (other.ejected(now)) {
                    ejected++;
                }
            }
            int cap = ejection.maxEjected(pool.trackers.size());
            if (ejected >= cap) {
                log.debug("health: {} failed {} times in a row, but {} of its pool's {} backend(s) are ejected"
                        + " already (the cap)", tracker, ejection.consecutiveFailures(), ejected, pool.trackers.size());
                return;
            }
            if (!pool.ejectionVersion.compareAndSet(version, version + 1)) {
                continue;
            }
            String why = ejection.consecutiveFailures() + " failures in a row, the last: " + reason;
            BackendHealthTracker.Transition change = tracker.eject(now, ejection, why);
            if (change == null) {
                return;
            }
            pool.cameBack(change.after().backNanos());
            long duration = change.after().ejectedUntilNanos() - now;
            log.warn("health: {} ejected for {} ms ({})", tracker, duration / 1_000_000, why);
            publish(tracker, change.before(), change.after());
            scheduler.schedule(() -> ejectionEnded(tracker, change.after()), duration);
            return;
        }
    }

    private void ejectionEnded(BackendHealthTracker tracker, BackendHealthTracker.Status ejected) {
        BackendHealthTracker.Status now = tracker.status();
        if (now.ejectedUntilNanos() != ejected.ejectedUntilNanos() || tracker.ejected(now())) {
            return;
        }
        log.info("health: {} ejection ended{}", tracker, now.state() == HealthState.UNHEALTHY ? "" : slowStartNote());
        // The view from just before the end, so that "previous" shows the ejection.
        publish(tracker.view(ejected, ejected.ejectedUntilNanos() - 1, clock), tracker.view(now, now(), clock));
    }

    /** What a line about a backend that came back adds when it is given a slow start. */
    private String slowStartNote() {
        return settings.slowStarts() ? "; its share of new requests grows over " + Texts.duration(settings.slowStart())
                + " (slow start)" : "";
    }

    private void publish(BackendHealthTracker tracker, BackendHealthTracker.Status before,
                         BackendHealthTracker.Status after) {
        long now = now();
        publish(tracker.view(before, now, clock), tracker.view(after, now, clock));
    }

    private void publish(BackendHealth previous, BackendHealth current) {
        for (HealthListener listener : listeners) {
            tell(listener, previous, current);
        }
    }

    /**
     * Tells {@code listener} of a change of health; what it throws is logged, not thrown on: an Error too (an
     * assertion, a class that failed to load), which would end the backend's check schedule, freezing its state, and
     * keep the other listeners from hearing the change.
     */
    public static void tell(HealthListener listener, BackendHealth previous, BackendHealth current) {
        try {
            listener.healthChanged(previous, current);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            log.warn("health listener {} failed on {}", listener, current, e);
        }
    }

    /** Adds a listener; closing the result removes it. */
    public AutoCloseable addListener(HealthListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** The health of {@code backend} of {@code colour}; unknown if it has no tracker. */
    public BackendHealth health(Colour colour, Backend backend) {
        BackendHealthTracker tracker = tracker(colour, backend);
        if (tracker == null) {
            return new BackendHealth(colour, backend, HealthState.UNKNOWN, null, null, null);
        }
        return tracker.view(tracker.status(), now(), clock);
    }

    /** The health of every backend of both pools of {@code snapshot}, blue first, in pool order. */
    public List<BackendHealth> health(RoutingSnapshot snapshot) {
        List<BackendHealth> all = new ArrayList<>();
        for (Colour colour : Colour.values()) {
            Environment environment = snapshot.environment(colour);
            for (Backend backend : environment.backends()) {
                all.add(health(colour, backend));
            }
        }
        return List.copyOf(all);
    }
}
