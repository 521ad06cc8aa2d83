package dev.bluegreen.proxy.internal.upstream;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.internal.metrics.ProxyCounters;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
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
 * <p>A pool keeps connections while its colour is live, or while the router still sends the colour requests
 * (preview, a shift, sticky sessions), or during a warm window opened by pre-warm, and while its backend is still part
 * of its colour's pool. A colour that stops being kept drains: its idle connections close now, its busy ones as their
 * exchanges end.
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

    /**
     * @param bootstrap    the upstream bootstrap (channel type, options, no resolver); cloned onto {@code eventLoop}
     * @param upstreamTls  TLS towards the backends, or {@code null} for cleartext
     * @param snapshots    the routing snapshot now
     * @param keepsNonLive whether a colour that is not live is still routed to (preview, shift, sticky sessions)
     */
    public UpstreamPools(EventLoop eventLoop, Bootstrap bootstrap, SslContext upstreamTls, ProxyCounters counters,
                         Supplier<RoutingSnapshot> snapshots, BiPredicate<RoutingSnapshot, Colour> keepsNonLive) {
        this.eventLoop = eventLoop;
        this.bootstrap = bootstrap.clone(eventLoop);
        this.upstreamTls = upstreamTls;
        this.counters = counters;
        this.snapshots = snapshots;
        this.keepsNonLive = keepsNonLive;
        for (Colour colour : Colour.values()) {
            pools.put(colour, new HashMap<>());
        }
    }

    @Override
    public void acquire(Colour colour, Backend backend, InetSocketAddress address, AcquireCallback callback) {
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
        return (snapshot.live() == colour || keepsNonLive.test(snapshot, colour))
                && snapshot.environment(colour).backends().contains(backend)
                || keepsWarm(snapshot, colour, backend);
    }

    /** Whether {@code colour}'s pools keep connections because they were just warmed for a switch to it. */
    private boolean keepsWarm(RoutingSnapshot snapshot, Colour colour, Backend backend) {
        long until = warmUntilNanos[colour.ordinal()];
        return until != 0 && until - System.nanoTime() > 0 && snapshot.environment(colour).backends().contains(backend);
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

    /** Applies a routing change: pools that are no longer kept close their idle connections. */
    public void onRoutingChange() {
        // A colour that became live keeps its connections as the live colour; its warm window is over.
        warmUntilNanos[snapshots.get().live().ordinal()] = 0;
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

    /** Closes the idle connections of {@code colour} (its drain deadline; busy ones close with their exchange). */
    public void closeIdle(Colour colour) {
        for (BackendPool pool : pools.get(colour).values()) {
            pool.closeIdle();
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
