package dev.bluegreen.proxy.internal.upstream;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.internal.metrics.ProxyCounters;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.Supplier;

/**
 * The upstream connection pools of one event loop, one {@link BackendPool} per colour and backend, and which of them
 * keep their connections. Only its own event loop touches it, so it needs no locks; an upstream connection lives on
 * the loop of the client connection that uses it (DESIGN.md, invariant 5).
 *
 * <p>A pool keeps connections while its backend is still part of its colour's pool and the colour is live, or the
 * router still sends it requests (preview, a shift, sticky sessions), or it is in a warm window opened by pre-warm, or
 * in its rollback window: for a while after it stopped being live, as long as its pool is not redeployed, so that a
 * rollback (or a switch back) finds its connections warm instead of reconnecting everything at the worst moment.
 * A colour that stops being kept drains: its idle connections close now, its busy ones as their exchanges end.
 *
 * <p>This loop follows the live colour itself, from the snapshot it reads on each acquire and release and at each
 * routing change, so a connection released just after a switch, before the loop heard of it, already counts as the
 * old colour's and stays warm.
 */
public final class UpstreamPools implements Upstreams, PoolOwner {

    /** How long connections warmed for a switch are kept if the switch doesn't come (refused by a later guard). */
    static final long WARM_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final EventLoop eventLoop;
    private final Bootstrap bootstrap;
    private final SslContext upstreamTls;
    private final ProxyCounters counters;
    private final Supplier<RoutingSnapshot> snapshots;
    private final BiPredicate<RoutingSnapshot, Colour> keepsNonLive;
    private final Map<Colour, Map<Backend, BackendPool>> pools = new EnumMap<>(Colour.class);
    /** Per colour: until when (System.nanoTime) its pools keep their connections while not live; 0 when not. */
    private final long[] warmUntilNanos = new long[Colour.values().length];
    private final long rollbackWindowNanos;
    /** Per colour: until when (System.nanoTime) its rollback window runs; 0 when it has none. */
    private final long[] rollbackUntilNanos = new long[Colour.values().length];
    /** Per colour: its pool when its rollback window opened; a different pool (a redeploy) ends the window. */
    private final Environment[] rollbackPool = new Environment[Colour.values().length];
    /** Per colour: the check scheduled for the end of its rollback window, or {@code null}. */
    private final ScheduledFuture<?>[] rollbackCheck = new ScheduledFuture<?>[Colour.values().length];
    /** The live colour as this loop last saw it. */
    private Colour seenLive;

    /**
     * @param bootstrap    the upstream bootstrap (channel type, options, no resolver); cloned onto {@code eventLoop}
     * @param upstreamTls  TLS towards the backends, or {@code null} for cleartext
     * @param snapshots    the routing snapshot now
     * @param keepsNonLive whether a colour that is not live is still routed to (preview, shift, sticky sessions)
     * @param rollbackWindow how long a colour that stopped being live keeps its idle connections (0: not at all)
     */
    public UpstreamPools(EventLoop eventLoop, Bootstrap bootstrap, SslContext upstreamTls, ProxyCounters counters,
                         Supplier<RoutingSnapshot> snapshots, BiPredicate<RoutingSnapshot, Colour> keepsNonLive,
                         Duration rollbackWindow) {
        this.eventLoop = eventLoop;
        this.rollbackWindowNanos = rollbackWindow.toNanos();
        this.bootstrap = bootstrap.clone(eventLoop);
        this.upstreamTls = upstreamTls;
        this.counters = counters;
        this.snapshots = snapshots;
        this.keepsNonLive = keepsNonLive;
        for (Colour colour : Colour.values()) {
            pools.put(colour, new HashMap<>());
        }
        this.seenLive = snapshots.get().live();
    }

    @Override
    public void acquire(Colour colour, Backend backend, InetSocketAddress address, AcquireCallback callback) {
        follow(snapshots.get());
        pool(colour, backend, address).acquire(callback);
    }

    @Override
    public void connectNew(Colour colour, Backend backend, InetSocketAddress address, AcquireCallback callback) {
        pool(colour, backend, address).connectNew(callback);
    }

    /** How many idle connections this loop has to {@code backend} of {@code colour}. */
    public int idleCount(Colour colour, Backend backend) {
        BackendPool pool = pools.get(colour).get(backend);
        return pool == null ? 0 : pool.idleCount();
    }

    private BackendPool pool(Colour colour, Backend backend, InetSocketAddress address) {
        Map<Backend, BackendPool> byBackend = pools.get(colour);
        BackendPool pool = byBackend.get(backend);
        if (pool == null) {
            // Looked up first: computeIfAbsent's capturing lambda would be an allocation per request.
            pool = new BackendPool(this, colour, backend, address);
            byBackend.put(backend, pool);
        } else {
            pool.useAddress(address);
        }
        return pool;
    }

    @Override
    public Bootstrap bootstrap() {
        return bootstrap.clone();
    }

    @Override
    public SslContext upstreamTls() {
        return upstreamTls;
    }

    @Override
    public ProxyCounters counters() {
        return counters;
    }

    @Override
    public boolean keeps(Colour colour, Backend backend) {
        RoutingSnapshot snapshot = snapshots.get();
        follow(snapshot);
        if (!snapshot.environment(colour).backends().contains(backend)) {
            return false;
        }
        return snapshot.live() == colour || keepsNonLive.test(snapshot, colour) || keepsWarm(colour)
                || inRollbackWindow(snapshot, colour);
    }

    /** Whether {@code colour}'s pools keep connections because they were just warmed for a switch to it. */
    private boolean keepsWarm(Colour colour) {
        long until = warmUntilNanos[colour.ordinal()];
        return until != 0 && until - System.nanoTime() > 0;
    }

    /** Whether {@code colour} stopped being live less than the rollback window ago, its pool unchanged since. */
    private boolean inRollbackWindow(RoutingSnapshot snapshot, Colour colour) {
        long until = rollbackUntilNanos[colour.ordinal()];
        return until != 0 && until - System.nanoTime() > 0
                && snapshot.environment(colour).equals(rollbackPool[colour.ordinal()]);
    }

    /**
     * Follows the live colour: when it changed since this loop last looked, the colour that stopped being live gets
     * its rollback window, and the one that became live needs none.
     */
    private void follow(RoutingSnapshot snapshot) {
        Colour live = snapshot.live();
        if (live == seenLive) {
            return;
        }
        Colour previous = seenLive;
        seenLive = live;
        rollbackUntilNanos[live.ordinal()] = 0;
        rollbackPool[live.ordinal()] = null;
        if (rollbackWindowNanos > 0) {
            rollbackUntilNanos[previous.ordinal()] = System.nanoTime() + rollbackWindowNanos;
            rollbackPool[previous.ordinal()] = snapshot.environment(previous);
            if (rollbackCheck[previous.ordinal()] == null) {
                scheduleRollbackCheck(previous, rollbackWindowNanos);
            }
        }
    }

    /**
     * One check per colour at the end of its window, re-armed when a later switch moved the end: switching back and
     * forth every few milliseconds schedules no more tasks than switching once.
     */
    private void scheduleRollbackCheck(Colour colour, long delayNanos) {
        rollbackCheck[colour.ordinal()] = eventLoop.schedule(() -> {
            rollbackCheck[colour.ordinal()] = null;
            long until = rollbackUntilNanos[colour.ordinal()];
            long left = until - System.nanoTime();
            if (until != 0 && left > 0) {
                scheduleRollbackCheck(colour, left + 1);
                return;
            }
            rollbackUntilNanos[colour.ordinal()] = 0;
            rollbackPool[colour.ordinal()] = null;
            onRoutingChange();
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Opens the warm window of {@code colour}: until it ends (or the colour becomes live), its pools keep the
     * connections released to them although the colour is not live. At its end, what the colour still has idle is
     * closed like any connection no longer kept.
     */
    public void startWarmWindow(Colour colour) {
        warmUntilNanos[colour.ordinal()] = System.nanoTime() + WARM_WINDOW_NANOS;
        eventLoop.schedule(this::onRoutingChange, WARM_WINDOW_NANOS + 1, TimeUnit.NANOSECONDS);
    }

    /**
     * Applies a routing change: pools that are no longer kept close their idle connections (a colour that stopped
     * being live keeps them for its rollback window, unless its pool was redeployed).
     */
    public void onRoutingChange() {
        RoutingSnapshot snapshot = snapshots.get();
        follow(snapshot);
        // A colour that became live keeps its connections as the live colour; its warm window is over.
        warmUntilNanos[snapshot.live().ordinal()] = 0;
        for (Map<Backend, BackendPool> byBackend : pools.values()) {
            List<BackendPool> unused = new ArrayList<>();
            for (BackendPool pool : byBackend.values()) {
                if (!keeps(pool.colour(), pool.backend())) {
                    pool.closeIdle();
                    if (pool.openCount() == 0) {
                        unused.add(pool);
                    }
                }
            }
            for (BackendPool pool : unused) {
                byBackend.remove(pool.backend());
            }
        }
    }

    @Override
    public void poolMayBeUnused(Colour colour, Backend backend) {
        Map<Backend, BackendPool> byBackend = pools.get(colour);
        BackendPool pool = byBackend.get(backend);
        if (pool != null && pool.openCount() == 0 && !keeps(colour, backend)) {
            byBackend.remove(backend);
        }
    }

    /** Closes the idle connections of {@code colour}. */
    public void closeIdle(Colour colour) {
        for (BackendPool pool : pools.get(colour).values()) {
            pool.closeIdle();
        }
    }

    /**
     * Closes the idle connections of {@code colour} that are no longer kept (its drain deadline: busy ones close with
     * their exchange; those warm for a rollback stay, as no drain waits for them).
     */
    public void closeIdleNotKept(Colour colour) {
        for (BackendPool pool : pools.get(colour).values()) {
            if (!keeps(colour, pool.backend())) {
                pool.closeIdle();
            }
        }
    }

    /** Closes idle connections unused for longer than {@code idleTimeoutNanos}. */
    public void evictIdle(long idleTimeoutNanos) {
        long deadline = System.nanoTime() - idleTimeoutNanos;
        for (Map<Backend, BackendPool> byBackend : pools.values()) {
            for (BackendPool pool : byBackend.values()) {
                pool.evictIdleSince(deadline);
            }
        }
    }

    /** Closes every idle connection of every pool (shutdown). */
    public void closeAllIdle() {
        for (Colour colour : Colour.values()) {
            closeIdle(colour);
        }
    }
}
