package dev.bluegreen.proxy.internal.drain;

import dev.bluegreen.proxy.internal.metrics.ProxyRecorder;
import dev.bluegreen.proxy.internal.metrics.ProxyCounters;
import dev.bluegreen.core.Change;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.DrainReport;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts, watches and ends drains. When the live colour changes, the colour that stopped being live starts
 * draining and a drain of the colour that became live again (a rollback) is cancelled, keeping its connections.
 * A drain ends when its colour has no exchange and no busy connection left (idle connections kept warm for a
 * rollback never hold it up), and the router can no longer send it requests (the safety net within its window,
 * sticky sessions still on it), as confirmed by a barrier across the event loops ({@link #check}); or at its
 * deadline, when what is left is closed on every event loop. From the moment it ends, nothing new goes to the colour
 * until it is live again.
 *
 * <p>The switch never waits for any of this (DESIGN.md, invariant 3): {@link #onChange} only records and schedules.
 */
public final class DrainCoordinator {

    private static final Logger log = LoggerFactory.getLogger(DrainCoordinator.class);
    private static final long CHECK_PERIOD_MILLIS = 10;

    private final Duration drainTimeout;
    private final ProxyCounters counters;
    private final Collection<? extends DrainParticipant> loops;
    private final EventLoop timers;
    private final Clock clock = Clock.systemUTC();
    private final AtomicReferenceArray<DrainTracker> latest = new AtomicReferenceArray<>(Colour.values().length);
    private final AtomicLong liveColourChanges = new AtomicLong();
    private final Supplier<ProxyRecorder> recorder;
    private final Predicate<Colour> stillRouted;
    /** The reports of recent drains by the generation that started them, for the audit trail; bounded. */
    private final ConcurrentSkipListMap<Long, DrainReport> reports = new ConcurrentSkipListMap<>();
    private static final int REPORTS_KEPT = 200;

    /**
     * @param drainTimeout how long a colour that stopped being live may keep exchanges and connections open
     * @param loops        the event loops whose exchanges and connections a drain closes at its deadline
     * @param timers       where drains are checked and timed
     * @param recorder     where ended drains are reported
     * @param stillRouted  whether the router may still send requests to a colour that is not live: the safety net,
     *                     sticky sessions (its drain waits for that to end)
     */
    public DrainCoordinator(Duration drainTimeout, ProxyCounters counters,
                            Collection<? extends DrainParticipant> loops, EventLoop timers,
                            Supplier<ProxyRecorder> recorder, Predicate<Colour> stillRouted) {
        this.recorder = recorder;
        this.stillRouted = stillRouted;
        this.drainTimeout = drainTimeout;
        this.counters = counters;
        this.loops = loops;
        this.timers = timers;
    }

    /** How many times the live colour has changed since the proxy started; a client connection compares epochs. */
    public long liveColourChanges() {
        return liveColourChanges.get();
    }

    /** The latest drain of {@code colour}, or {@code null} if it never stopped being live. */
    public DrainTracker latest(Colour colour) {
        return latest.get(colour.ordinal());
    }

    public void onChange(Change change) {
        for (Colour colour : Colour.values()) {
            if (!change.previous().environment(colour).equals(change.current().environment(colour))) {
                replacedDeadline(colour, change.generation());
            }
        }
        if (!change.liveColourChanged()) {
            return;
        }
        liveColourChanges.incrementAndGet();
        DrainTracker resumed = latest.get(change.to().ordinal());
        if (resumed != null && resumed.finish(DrainReport.Outcome.CANCELLED)) {
            log.info("{} is live again (generation {}): its drain is cancelled and its {} connection(s) kept",
                    change.to().label(), change.generation(), resumed.openConnections());
        }
        DrainTracker drain = new DrainTracker(change.from(), change.generation(), clock.instant(),
                drainTimeout, counters);
        DrainTracker superseded = latest.getAndSet(change.from().ordinal(), drain);
        if (superseded != null) {
            superseded.finish(DrainReport.Outcome.CANCELLED);
        }
        log.info("draining {} (generation {}): {} exchange(s), {} connection(s); deadline in {} ms",
                drain.colour().label(), drain.generation(), drain.activeExchanges(), drain.openConnections(),
                drainTimeout.toMillis());
        watch(drain);
    }

    private void watch(DrainTracker drain) {
        ScheduledFuture<?> check = timers.scheduleAtFixedRate(() -> check(drain),
                CHECK_PERIOD_MILLIS, CHECK_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        ScheduledFuture<?> deadline = timers.schedule(() -> deadline(drain),
                drainTimeout.toNanos(), TimeUnit.NANOSECONDS);
        drain.ended().whenComplete((report, error) -> {
            check.cancel(false);
            deadline.cancel(false);
            if (report != null) {
                recorder.get().drainEnded(report);
                reports.put(report.generation(), report);
                while (reports.size() > REPORTS_KEPT) {
                    reports.pollFirstEntry();
                }
            }
            if (report != null && report.outcome() != DrainReport.Outcome.CANCELLED) {
                log.info("drained {} (generation {}): {} after {} ms ({} exchange(s) and {} connection(s) at the "
                                + "start, {} forced closed)", report.colour().label(), report.generation(),
                        report.outcome(), report.took().toMillis(), report.exchangesAtStart(),
                        report.connectionsAtStart(), report.forcedClosed());
            }
        });
    }

    /**
     * Ends the drain if its colour is empty and stays so: the counters alone can't say, since a request routed by the
     * snapshot before the switch is counted a moment later, in the same event-loop task. So the drain is sealed
     * first (nothing new may go to the colour: the safety net and sticky sessions ask {@link
     * DrainTracker#closedToNewWork}), then every event loop runs a task queued after the seal, by which time every
     * such task has counted its exchange; only if the colour is still empty then does the drain end. While the
     * router may still send requests to the colour (the safety net, sticky sessions) it does not end, unless its
     * deadline has passed.
     */
    private void check(DrainTracker drain) {
        if (drain.isDone() || drain.isSealed() || !drain.isEmpty()
                || !drain.isPastDeadline() && stillRouted.test(drain.colour())) {
            return;
        }
        drain.seal();
        afterEveryLoop(() -> {
            if (drain.isEmpty()) {
                drain.finish(drain.isPastDeadline() ? DrainReport.Outcome.DEADLINE : DrainReport.Outcome.DRAINED);
            } else {
                drain.unseal();
            }
        });
    }

    /** Runs {@code then} on the timers loop once every event loop has run a task queued now. */
    private void afterEveryLoop(Runnable then) {
        AtomicInteger left = new AtomicInteger(loops.size() + 1);
        Runnable arrived = () -> {
            if (left.decrementAndGet() == 0) {
                timers.execute(then);
            }
        };
        for (DrainParticipant loop : loops) {
            try {
                loop.eventLoop().execute(arrived);
            } catch (RejectedExecutionException stopping) {
                // The loop is shutting down: it runs nothing any more, so it has nothing left to count either.
                arrived.run();
            }
        }
        arrived.run();
    }

    /**
     * A deployment replaced {@code colour}'s pool at {@code generation}: what still runs on the pool it replaced (a
     * preview request, a shifted or sticky session, a WebSocket on the idle colour, which no switch drains) gets the
     * drain timeout to finish, then is closed as at a drain deadline.
     */
    private void replacedDeadline(Colour colour, long generation) {
        timers.schedule(() -> {
            for (DrainParticipant loop : loops) {
                loop.eventLoop().execute(() -> {
                    int closed = loop.closeReplaced(colour, generation);
                    if (closed > 0) {
                        log.warn("{} pool replaced at generation {}: {} exchange(s) still on the pool it replaced"
                                + " closed at the drain timeout", colour.label(), generation, closed);
                    }
                });
            }
        }, drainTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The deadline: close what the colour still has, on each event loop. */
    private void deadline(DrainTracker drain) {
        if (drain.isDone()) {
            return;
        }
        drain.deadlinePassed();
        log.warn("drain deadline of {} (generation {}): closing {} exchange(s) and {} connection(s) still open",
                drain.colour().label(), drain.generation(), drain.activeExchanges(), drain.openConnections());
        for (DrainParticipant loop : loops) {
            loop.eventLoop().execute(() -> {
                if (!drain.isDone()) {
                    drain.addForcedClosed(loop.closeColour(drain.colour()));
                }
            });
        }
    }

    /** The report of the drain started by the change to {@code generation}, or {@code null}. */
    public DrainReport report(long generation) {
        return reports.get(generation);
    }

    /** Ends every drain under way (the proxy is stopping). */
    public void stop() {
        for (int i = 0; i < latest.length(); i++) {
            DrainTracker drain = latest.get(i);
            if (drain != null) {
                drain.finish(DrainReport.Outcome.STOPPED);
            }
        }
    }
}
