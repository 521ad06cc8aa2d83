package dev.bluegreen.proxy.internal.mirror;

import dev.bluegreen.core.Change;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.core.SwitchGuard;
import dev.bluegreen.proxy.MirrorReport;
import dev.bluegreen.proxy.MirrorSettings;
import dev.bluegreen.proxy.internal.upstream.LoopUpstreams;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import java.time.Clock;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Shadow traffic for one proxy, wired: a share of the requests routed to the live colour is copied to the idle colour
 * and each pair of answers compared ({@link MirrorSettings}). It gives each client pipeline a {@link MirrorHandler},
 * keeps a {@link MirrorLoop} per event loop (its mirrors in flight, its connections to the idle colour), the shared
 * {@link MirrorStatistics}, and the switch guard {@code mirror-agreement}. Built once at start by the data plane;
 * thread-safe.
 *
 * <pre>
 * client pipeline:  ... → OneMessagePerRead → MirrorHandler → the client side (HTTP/1.1 connection or HTTP/2 stream)
 *                                                  │ copies picked requests, watches their live answers
 *                                                  ▼
 *                            MirrorCall ⇄ a connection of the loop's mirror pools → a backend of the idle colour
 * </pre>
 */
public final class Mirror {

    private final MirrorSettings settings;
    private final MirrorTargets targets;
    private final MirrorStatistics statistics;
    private final MirrorPicker picker;
    private final List<MirrorLoop> all = new ArrayList<>();

    /**
     * @param workers the event loops of the proxy's connections
     * @param pools   makes a loop's own pools of connections to the idle colour (they must keep connections only
     *                where {@link MirrorTargets#keepsConnections} says)
     * @param clock   when mismatches happened, for the samples
     */
    public Mirror(MirrorSettings settings, MirrorTargets targets, Iterable<EventExecutor> workers,
                  Function<EventLoop, LoopUpstreams> pools, Clock clock) {
        this.settings = settings;
        this.targets = targets;
        this.statistics = new MirrorStatistics(settings);
        Map<EventExecutor, MirrorLoop> loops = new IdentityHashMap<>();
        for (EventExecutor executor : workers) {
            EventLoop loop = (EventLoop) executor;
            MirrorLoop mirrorLoop = new MirrorLoop(loop, pools.apply(loop), settings.maxInFlightPerLoop(),
                    () -> ThreadLocalRandom.current().nextDouble());
            loops.put(loop, mirrorLoop);
            all.add(mirrorLoop);
        }
        MirrorServices services = new MirrorServices(settings, targets, statistics, new PairComparator(settings),
                new MirrorRequests(settings), clock);
        this.picker = new MirrorPicker(services, loops);
    }

    /**
     * A handler for one client pipeline, placed just before its client side.
     *
     * @param routedColour the colour the client side's exchange under way is pinned to, or {@code null}
     */
    public ChannelHandler newHandler(Supplier<Colour> routedColour) {
        return new MirrorHandler(newTap(routedColour));
    }

    /**
     * The tap of one HTTP/2 stream, which calls it itself.
     *
     * @param routedColour the colour the stream's exchange under way is pinned to, or {@code null}
     */
    public MirrorTap newTap(Supplier<Colour> routedColour) {
        return new MirrorTap(picker, routedColour, settings.markerHeader());
    }

    /** The guard {@code mirror-agreement}, or {@code null} when the settings have none. */
    public SwitchGuard guard() {
        return settings.guarded() ? new MirrorAgreementGuard(statistics, settings.agreementGuard(),
                settings.agreementGuardMinPairs()) : null;
    }

    /** The figures now. */
    public MirrorReport report() {
        RoutingSnapshot snapshot = targets.snapshot();
        long inFlight = 0;
        long bufferedBytes = 0;
        for (MirrorLoop loop : all) {
            inFlight += loop.inFlight();
            bufferedBytes += loop.bufferedBytes();
        }
        return statistics.report(snapshot, inFlight, bufferedBytes, targets.target(snapshot),
                targets.pausedBecause(snapshot));
    }

    /**
     * Follows a routing change; called before the change's drain starts. When the live colour changed, mirrors stop
     * going to either colour's old role at once: each loop drops its mirrors under way (reason {@code switched}) and
     * closes the mirror connections no longer kept, in tasks queued before any the drain queues, so the drained
     * colour's backends have no mirror left by the time its drain can end.
     */
    public void onRoutingChange(Change change) {
        targets.onRoutingChange(change);
        boolean switched = change.liveColourChanged();
        for (MirrorLoop loop : all) {
            loop.eventLoop().execute(() -> {
                if (switched) {
                    loop.dropAll(DropReason.SWITCHED);
                }
                loop.pools().onRoutingChange();
            });
        }
    }

    /** Closes every idle mirror connection (shutdown). */
    public void closeIdleConnections() {
        for (MirrorLoop loop : all) {
            loop.eventLoop().execute(loop.pools()::closeAllIdle);
        }
    }

    /**
     * Starts each loop's periodic tasks: the timeout sweep (every quarter of the timeout, between 10 ms and 1 s) and
     * the eviction of mirror connections idle for longer than {@code idleTimeoutNanos}.
     */
    public void scheduleSweeps(long idleTimeoutNanos) {
        long sweepMillis = Math.min(1_000, Math.max(10, settings.timeout().toMillis() / 4));
        long evictMillis = Math.max(100, TimeUnit.NANOSECONDS.toMillis(idleTimeoutNanos) / 2);
        for (MirrorLoop loop : all) {
            loop.eventLoop().scheduleWithFixedDelay(() -> loop.sweep(System.nanoTime()), sweepMillis, sweepMillis,
                    TimeUnit.MILLISECONDS);
            loop.eventLoop().scheduleWithFixedDelay(() -> loop.pools().evictIdle(idleTimeoutNanos), evictMillis,
                    evictMillis, TimeUnit.MILLISECONDS);
        }
    }
}
