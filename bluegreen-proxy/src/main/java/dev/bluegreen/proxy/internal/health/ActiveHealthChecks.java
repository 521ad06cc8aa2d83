package dev.bluegreen.proxy.internal.health;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.HealthCheckSettings;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs the periodic checks of every backend of both pools, and checks on demand (for the switch guard). Each
 * backend's periodic checks run on one event loop, one at a time: the next starts an interval after the previous
 * ended, so a slow backend is never checked twice at once. Results go to the {@link HealthRegistry}.
 *
 * <p>An on-demand check that started less than {@link #ON_DEMAND_REUSE} ago, or is still under way, answers for the
 * next on-demand check of the same backend: switches in quick succession (an automated storm, or an admin retrying)
 * share one check instead of each opening a connection to every backend of the target pool. The verdict then comes
 * from a check that started at most a quarter second before, or is still being made; what it saves was most of the
 * cost of a switch under load (a connection opened, answered and reset per switch and backend: docs/performance.md,
 * "Switching under load"). A change after a pause is always checked anew.
 */
public final class ActiveHealthChecks {

    /** How long after it started an on-demand check answers for its backend (one still under way always does). */
    public static final Duration ON_DEMAND_REUSE = Duration.ofMillis(250);

    /** One backend's periodic checks. */
    private static final class Schedule {
        final BackendHealthTracker tracker;
        final EventLoop loop;
        volatile boolean cancelled;

        Schedule(BackendHealthTracker tracker, EventLoop loop) {
            this.tracker = tracker;
            this.loop = loop;
        }
    }

    /**
     * A backend's answer to an on-demand check.
     *
     * @param healthy whether it passed and, with the result recorded, counts as healthy (a backend that was
     *                unhealthy needs its rise of passes in a row, so that load balancing would use it too)
     * @param reason  the check's verdict in a few words, or why a pass does not count yet
     */
    public record Outcome(Backend backend, boolean healthy, String reason) {
    }

    private final HealthRegistry registry;
    private final HealthCheckSettings settings;
    private final EventLoopGroup loops;
    private final HealthProbes probes;
    private final Function<Backend, CompletableFuture<InetSocketAddress>> addresses;
    private final Map<BackendHealthTracker, Schedule> schedules = new ConcurrentHashMap<>();
    /** Each backend's last on-demand check, for the next one to share while it is recent. */
    private final Map<BackendHealthTracker, OnDemandCheck> lastOnDemand = new ConcurrentHashMap<>();
    private volatile boolean stopped;

    /** An on-demand check of one backend, started at {@code startedNanos} (the registry's ticker). */
    private record OnDemandCheck(long startedNanos, CompletableFuture<Outcome> outcome) {

        boolean answersAt(long nowNanos) {
            return !outcome.isDone() || nowNanos - startedNanos < ON_DEMAND_REUSE.toNanos();
        }
    }

    /**
     * @param probes    how a check connects and what it asks, by the pool's protocol
     * @param addresses the address of a backend, resolved off the event loops
     */
    public ActiveHealthChecks(HealthRegistry registry, EventLoopGroup loops, HealthProbes probes,
                              Function<Backend, CompletableFuture<InetSocketAddress>> addresses) {
        this.registry = registry;
        this.settings = probes.settings();
        this.loops = loops;
        this.probes = probes;
        this.addresses = addresses;
    }

    /** Starts checking the backends added and stops checking the ones removed. */
    public void apply(HealthRegistry.Delta delta) {
        for (BackendHealthTracker removed : delta.removed()) {
            lastOnDemand.remove(removed);
            Schedule schedule = schedules.remove(removed);
            if (schedule != null) {
                schedule.cancelled = true;
            }
        }
        if (stopped) {
            return;
        }
        for (BackendHealthTracker added : delta.added()) {
            Schedule schedule = new Schedule(added, (EventLoop) loops.next());
            schedules.put(added, schedule);
            // The first check at once: a healthy pool is known as such one check after start (or deploy).
            schedule.loop.execute(() -> runCheck(schedule));
        }
    }

    /** Stops every periodic check (the proxy is stopping). */
    public void stop() {
        stopped = true;
        for (Schedule schedule : schedules.values()) {
            schedule.cancelled = true;
        }
        schedules.clear();
        lastOnDemand.clear();
    }

    private void runCheck(Schedule schedule) {
        if (schedule.cancelled) {
            return;
        }
        check(schedule.tracker.colour(), schedule.tracker.backend(), schedule.loop).thenAccept(result -> {
            if (schedule.cancelled) {
                return;
            }
            registry.recordCheck(schedule.tracker, result.passed(), result.reason());
            if (!schedule.loop.isShuttingDown()) {
                schedule.loop.schedule(() -> runCheck(schedule), settings.interval().toNanos(), TimeUnit.NANOSECONDS);
            }
        });
    }

    private CompletableFuture<HealthProbe.Result> check(Colour colour, Backend backend, EventLoop loop) {
        return addresses.apply(backend)
                .thenCompose(address -> probes.run(colour, loop, backend, address))
                .exceptionally(error -> new HealthProbe.Result(false, "check failed: " + (error.getCause() != null
                        ? error.getCause() : error)));
    }

    /**
     * Checks every backend of {@code colour}'s pool now, on the event loops, and records each result like a periodic
     * check; a backend whose last on-demand check is recent or under way ({@link #ON_DEMAND_REUSE}) shares it.
     *
     * @param backends the pool to check (the target of a switch)
     * @return each backend's answer, in pool order; completes on an event loop
     */
    public CompletableFuture<List<Outcome>> checkNow(Colour colour, List<Backend> backends) {
        List<CompletableFuture<Outcome>> checks = new ArrayList<>();
        for (Backend backend : backends) {
            BackendHealthTracker tracker = registry.tracker(colour, backend);
            checks.add(tracker == null ? checkOnDemand(colour, backend, null) : sharedCheck(colour, backend, tracker));
        }
        return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
                .thenApply(all -> checks.stream().map(CompletableFuture::join).toList());
    }

    /** The backend's last on-demand check if it still answers, else a new one, which the next may share. */
    private CompletableFuture<Outcome> sharedCheck(Colour colour, Backend backend, BackendHealthTracker tracker) {
        long now = registry.now();
        OnDemandCheck last = lastOnDemand.get(tracker);
        if (last != null && last.answersAt(now)) {
            return last.outcome();
        }
        CompletableFuture<Outcome> outcome = checkOnDemand(colour, backend, tracker);
        // Two guards racing may both check: harmless, and the later one is kept.
        lastOnDemand.put(tracker, new OnDemandCheck(now, outcome));
        return outcome;
    }

    private CompletableFuture<Outcome> checkOnDemand(Colour colour, Backend backend, BackendHealthTracker tracker) {
        Schedule schedule = tracker == null ? null : schedules.get(tracker);
        EventLoop loop = schedule != null ? schedule.loop : (EventLoop) loops.next();
        return check(colour, backend, loop).thenApply(result -> {
            if (tracker == null) {
                return new Outcome(backend, result.passed(), result.reason());
            }
            registry.recordCheck(tracker, result.passed(), result.reason());
            BackendHealthTracker.Status status = tracker.status();
            if (result.passed() && status.state() != dev.bluegreen.proxy.HealthState.HEALTHY) {
                return new Outcome(backend, false, "passed " + status.passes() + " check(s) in a row of the "
                        + settings.rise() + " that make it healthy");
            }
            long now = registry.now();
            if (result.passed() && tracker.ejected(now)) {
                // Its health endpoint answers, its requests failed: load balancing skips it until the ejection ends.
                return new Outcome(backend, false, "passed, but ejected for failed requests ("
                        + TimeUnit.NANOSECONDS.toMillis(status.ejectedUntilNanos() - now) + " ms left)");
            }
            return new Outcome(backend, result.passed(), result.reason());
        });
    }
}
