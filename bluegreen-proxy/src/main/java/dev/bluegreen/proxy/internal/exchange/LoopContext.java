package dev.bluegreen.proxy.internal.exchange;

import dev.bluegreen.proxy.internal.upstream.BackendPool;
import dev.bluegreen.proxy.internal.listener.ProxyRuntime;
import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.RoutingSnapshot;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What one event loop owns: its upstream pools (per colour, per backend) and its round-robin position. Only its
 * own event loop touches it, so it needs no locks; upstream connections live on the loop of the client
 * connection that uses them (DESIGN.md, invariant 5).
 */
public final class LoopContext {

    private final ProxyRuntime runtime;
    private final EventLoop eventLoop;
    private final Map<Colour, Map<Backend, BackendPool>> pools = new EnumMap<>(Colour.class);
    private int roundRobin;
    /** Heads of this loop's lists of exchanges under way, one list per colour (intrusive, see Exchange). */
    private final Exchange[] active = new Exchange[Colour.values().length];

    public LoopContext(ProxyRuntime runtime, EventLoop eventLoop) {
        this.runtime = runtime;
        this.eventLoop = eventLoop;
        for (Colour colour : Colour.values()) {
            pools.put(colour, new HashMap<>());
        }
    }

    public ProxyRuntime runtime() {
        return runtime;
    }

    public EventLoop eventLoop() {
        return eventLoop;
    }

    /** The next position of this loop's round robin. */
    int nextRoundRobin() {
        return roundRobin++;
    }

    /** Adds an exchange to this loop's list of exchanges under way on its colour. */
    void register(Exchange exchange) {
        int index = exchange.colour().ordinal();
        Exchange head = active[index];
        exchange.nextActive = head;
        exchange.previousActive = null;
        if (head != null) {
            head.previousActive = exchange;
        }
        active[index] = exchange;
    }

    /** Removes an exchange that has ended from the list it is on. */
    void unregister(Exchange exchange) {
        int index = exchange.colour().ordinal();
        if (exchange.previousActive != null) {
            exchange.previousActive.nextActive = exchange.nextActive;
        } else if (active[index] == exchange) {
            active[index] = exchange.nextActive;
        }
        if (exchange.nextActive != null) {
            exchange.nextActive.previousActive = exchange.previousActive;
        }
        exchange.nextActive = null;
        exchange.previousActive = null;
    }

    /**
     * Closes everything this loop still has on {@code colour}, as gracefully as each protocol allows (the drain
     * deadline): its exchanges and their connections, and its pools' idle connections.
     *
     * @return how many exchanges were closed
     */
    public int closeColour(Colour colour) {
        int closed = 0;
        Exchange exchange = active[colour.ordinal()];
        while (exchange != null) {
            Exchange next = exchange.nextActive;
            exchange.closeAtDeadline();
            closed++;
            exchange = next;
        }
        for (BackendPool pool : pools.get(colour).values()) {
            pool.closeIdle();
        }
        return closed;
    }

    /** Times out the exchanges whose backend has been silent for the response timeout (a periodic sweep). */
    public void sweepResponseTimeouts() {
        long now = System.nanoTime();
        for (Exchange head : active) {
            Exchange exchange = head;
            while (exchange != null) {
                // The check may end the exchange, which takes it off this list: step on first.
                Exchange next = exchange.nextActive;
                exchange.checkResponseTimeout(now);
                exchange = next;
            }
        }
    }

    /** This loop's pool for {@code backend} of {@code colour}, created on first use. */
    public BackendPool pool(Colour colour, Backend backend, InetSocketAddress address) {
        Map<Backend, BackendPool> byBackend = pools.get(colour);
        BackendPool pool = byBackend.get(backend);
        if (pool == null) {
            // Looked up first: computeIfAbsent's capturing lambda would be an allocation per request.
            pool = new BackendPool(this, colour, backend, address);
            byBackend.put(backend, pool);
        }
        return pool;
    }

    /**
     * Whether connections to {@code backend} of {@code colour} may be kept for later requests: only while that
     * colour is live (or the router still sends it requests: preview, a shift, sticky sessions) and the backend is
     * still part of its pool. A colour that stops being live drains.
     */
    public boolean keeps(Colour colour, Backend backend) {
        RoutingSnapshot snapshot = runtime.admin().snapshot();
        return (snapshot.live() == colour || runtime.router().keepsNonLive(snapshot, colour))
                && snapshot.environment(colour).backends().contains(backend)
                || keepsWarm(snapshot, colour, backend);
    }

    // ---- pre-warm: connections opened to a pool before traffic moves to it --------------------------------------

    /** How long connections warmed for a switch are kept if the switch doesn't come (refused by a later guard). */
    static final long WARM_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** Per colour: until when (ticker time) its pools keep their connections while not live; 0 when not warming. */
    private final long[] warmUntilNanos = new long[Colour.values().length];

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
        warmUntilNanos[runtime.admin().snapshot().live().ordinal()] = 0;
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

    /** Forgets {@code pool} once it has no connections and is no longer kept. */
    public void poolMayBeUnused(BackendPool pool) {
        if (pool.openCount() == 0 && !keeps(pool.colour(), pool.backend())) {
            pools.get(pool.colour()).remove(pool.backend(), pool);
        }
    }

    /** Closes idle connections unused for longer than the upstream idle timeout. */
    public void evictIdleConnections() {
        long deadline = System.nanoTime() - runtime.config().timeouts().upstreamIdle().toNanos();
        for (Map<Backend, BackendPool> byBackend : pools.values()) {
            for (BackendPool pool : byBackend.values()) {
                pool.evictIdleSince(deadline);
            }
        }
    }

    /** Closes every idle connection of every pool (shutdown). */
    public void closeAllIdle() {
        for (Map<Backend, BackendPool> byBackend : pools.values()) {
            for (BackendPool pool : byBackend.values()) {
                pool.closeIdle();
            }
        }
    }
}
