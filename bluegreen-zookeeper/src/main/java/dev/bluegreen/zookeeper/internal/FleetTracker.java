package dev.bluegreen.zookeeper.internal;

import dev.bluegreen.core.Fleet;
import dev.bluegreen.core.FleetStatus;
import dev.bluegreen.core.FleetStatus.Member;
import dev.bluegreen.core.internal.Texts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Fleet} of a distributed store, built from the instances' registrations as the store's cache reports
 * them: {@link #reported} when an instance registers or reports a new generation, {@link #departed} when its
 * registration goes away. A departed instance stays in the view, unreachable, for the retention period (or until it
 * registers again), because one that was cut off from the store keeps serving its last generation.
 *
 * <p>Thread-safe: the store calls {@link #reported} and {@link #departed} from its one thread, anyone may read.
 * Waits are completed on the store's thread, or on the caller's if already satisfied.
 */
public final class FleetTracker implements Fleet {

    private static final Logger log = LoggerFactory.getLogger(FleetTracker.class);

    private final String instanceId;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final BooleanSupplier connected;
    private final Duration departedRetention;
    private final Map<String, Tracked> members = new ConcurrentHashMap<>();
    private final List<Waiter> waiters = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    /** Whether the store's cache has loaded every registration once; until then no wait completes. */
    private volatile boolean loaded;

    /**
     * A tracker with no members yet.
     *
     * @param instanceId the id of the instance whose view this is
     * @param clock stamps the views and departures
     * @param executor times out waits; the store's thread
     * @param connected whether the instance is connected to the store now
     * @param departedRetention how long a departed instance stays in the view
     */
    public FleetTracker(String instanceId, Clock clock, ScheduledExecutorService executor, BooleanSupplier connected,
                        Duration departedRetention) {
        this.instanceId = instanceId;
        this.clock = clock;
        this.executor = executor;
        this.connected = connected;
        this.departedRetention = departedRetention;
    }

    /**
     * An instance registered, or reported a new generation.
     *
     * @param id the instance's id
     * @param data its registration znode's content
     */
    public void reported(String id, byte[] data) {
        InstanceReport report;
        try {
            report = InstanceReport.decode(data);
        } catch (IllegalArgumentException e) {
            log.warn("instance {} registered with data this version can't read ({}); it is left out of the fleet"
                    + " view", id, e.getMessage());
            members.remove(id);
            checkWaiters();
            return;
        }
        members.put(id, new Tracked(new Member(id, report.generation(), report.live(), report.reportedAt(), true),
                null));
        checkWaiters();
    }

    /**
     * An instance's registration went away.
     *
     * @param id the instance's id
     */
    public void departed(String id) {
        Instant now = clock.instant();
        members.computeIfPresent(id, (key, tracked) -> tracked.departedAt() != null ? tracked
                : new Tracked(unreachable(tracked.member()), now));
        // A departure can end a wait: the instance that was behind is no longer counted.
        checkWaiters();
    }

    /**
     * The store's cache has read every registration once: from now on the view holds every instance, and waits
     * may complete.
     */
    public void loaded() {
        loaded = true;
        checkWaiters();
    }

    /** Re-checks the waits, for example after the view of this instance's connection changed. */
    public void checkWaiters() {
        if (waiters.isEmpty() || !loaded) {
            return;
        }
        FleetStatus status = status();
        for (Waiter waiter : waiters) {
            if (status.allReached(waiter.generation())) {
                waiter.future().complete(status);
            }
        }
    }

    @Override
    public FleetStatus status() {
        Instant now = clock.instant();
        List<Member> list = new ArrayList<>(members.size());
        for (Map.Entry<String, Tracked> entry : members.entrySet()) {
            Tracked tracked = entry.getValue();
            if (tracked.departedAt() != null && !tracked.departedAt().plus(departedRetention).isAfter(now)) {
                members.remove(entry.getKey(), tracked);
                continue;
            }
            list.add(tracked.member());
        }
        return new FleetStatus(instanceId, connected.getAsBoolean(), now, list);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The timeout runs on the store's thread.
     */
    @Override
    public CompletableFuture<FleetStatus> awaitGeneration(long generation, Duration timeout) {
        Texts.requirePositive("timeout", timeout);
        if (generation < 0) {
            throw new IllegalArgumentException("generation: " + generation + " (expected: >= 0)");
        }
        CompletableFuture<FleetStatus> future = new CompletableFuture<>();
        Waiter waiter = new Waiter(generation, future);
        // Added before the first check, so that a report arriving in between completes it.
        waiters.add(waiter);
        future.whenComplete((status, failure) -> waiters.remove(waiter));
        if (closed) {
            future.completeExceptionally(closedException());
            return future;
        }
        FleetStatus now = status();
        if (loaded && now.allReached(generation)) {
            future.complete(now);
            return future;
        }
        try {
            ScheduledFuture<?> timer = executor.schedule(() -> timeOut(waiter, timeout), timeout.toNanos(),
                    TimeUnit.NANOSECONDS);
            future.whenComplete((status, failure) -> timer.cancel(false));
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(closedException());
        }
        return future;
    }

    /** Fails every pending wait; later waits fail at once. */
    public void close() {
        closed = true;
        for (Waiter waiter : waiters) {
            waiter.future().completeExceptionally(closedException());
        }
    }

    private void timeOut(Waiter waiter, Duration timeout) {
        FleetStatus status = status();
        if (loaded && status.allReached(waiter.generation())) {
            waiter.future().complete(status);
            return;
        }
        String behind = status.behind(waiter.generation()).stream()
                .map(member -> member.id() + " at " + member.generation())
                .collect(Collectors.joining(", "));
        String unreachable = status.unreachable().stream()
                .map(member -> member.id() + " last at " + member.generation())
                .collect(Collectors.joining(", "));
        waiter.future().completeExceptionally(new TimeoutException("not every instance reached generation "
                + waiter.generation() + " within " + timeout.toMillis() + " ms: "
                + (status.reachable().isEmpty() ? "no instance is reachable" : "behind: " + behind)
                + (unreachable.isEmpty() ? "" : "; unreachable: " + unreachable)
                + (status.connected() ? "" : "; this instance is not connected to ZooKeeper, so the view is old")
                + (loaded ? "" : "; the registrations have not all been read yet")));
    }

    private static Member unreachable(Member member) {
        return new Member(member.id(), member.generation(), member.live(), member.reportedAt(), false);
    }

    private static IllegalStateException closedException() {
        return new IllegalStateException("the routing store is closed");
    }

    private record Tracked(Member member, Instant departedAt) {
    }

    private record Waiter(long generation, CompletableFuture<FleetStatus> future) {
    }
}
